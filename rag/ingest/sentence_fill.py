"""Sentence vectors computed behind indexing, so that nobody waits for them.

The learned sentence scorer (E5, rag.models.e5) costs ~14 ms a sentence on
2 cores: some 1.5 hours for 100,000 passages. So indexing stores the chunks
(searchable at once, by every process) and queues their sentences here; a
background thread computes and stores their vectors, batch by batch. A
question whose passages lack some is answered without the learned scorer,
says so, and queues them (an index built with sentence vectors off is filled
this way, or all at once by the next `rag index`). `rag index` waits for
the queue, with a progress bar, before it exits; a process stopped
meanwhile leaves the rest to be filled on use.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.errors import RagError
from rag.records import Chunk
from rag.search.sentence_store import Key, SentenceStore
from rag.search.store import ChunkStore, Written, still_stored
from rag.text.sentences import sentence_spans

BATCH = 32  # chunks embedded and stored per write (~2 s of E5 on 2 cores)
logger = logging.getLogger(__name__)


class SentenceVectors:
    """The stored sentence vectors of one index, and the queue that fills them."""

    def __init__(self, store: SentenceStore, scorer: Embeddings) -> None:
        self.store = store
        self._scorer = scorer
        self._queue: dict[str, Chunk] = {}
        self._working = 0  # chunks of the batch being computed
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()

    @property
    def pending(self) -> int:
        """Chunks whose sentence vectors are still to be computed here."""
        with self._lock:
            return len(self._queue) + self._working

    def fill(self, chunks: Iterable[Chunk]) -> None:
        """Queue ``chunks`` (computed in the background, in the order given)."""
        with self._lock:
            for chunk in chunks:
                self._queue.setdefault(chunk.id, chunk)
            if self._queue and self._thread is None:
                self._idle.clear()
                self._thread = threading.Thread(
                    target=self._run, name="sentence-vectors", daemon=True
                )
                self._thread.start()

    def fill_after(self, chunks: ChunkStore, written: list[Written]) -> None:
        """Queue the chunks an indexing run stored (``written`` through
        ``chunks``), or every chunk when none has vectors yet: sentence
        vectors switched on for an index built without them."""
        self.fill(chunks.chunks() if self.store.count() == 0 else still_stored(written))

    def wait(self, progress: bool = False) -> None:
        """Return once every queued chunk has its vectors (a bar on stderr when ``progress``)."""
        if not progress:
            self._idle.wait()
            return
        from tqdm import tqdm

        with tqdm(total=self.pending, desc="sentence vectors", unit="chunk", leave=False) as bar:
            while not self._idle.wait(0.5):
                bar.update(max(0, bar.total - self.pending - bar.n))

    def stored(self, chunks: list[Chunk]) -> dict[Key, np.ndarray]:
        """The vectors of the sentences of ``chunks`` stored so far."""
        return self.store.vectors(chunks)

    def unready(self, chunks: list[Chunk]) -> list[Chunk]:
        """Those of ``chunks`` with a sentence whose vector is not stored yet."""
        return _without_vectors(chunks, self.store.vectors(chunks))

    def note(self, chunks: list[Chunk]) -> str:
        """What a reader is told when some of ``chunks`` have no vectors yet ("" when all do)."""
        if unready := self.unready(chunks):
            return (
                f"the sentence vectors of {len(unready)} of these passages are still being "
                "computed: the evidence was ranked without the learned scorer"
            )
        return ""

    def similarity(self, text: str, chunks: list[Chunk], keys: list[Key]) -> list[float] | None:
        """The learned scorer's similarity of ``text`` to each sentence of
        ``keys`` (in ``chunks``); None, with the missing chunks queued, when
        some sentences have no vector yet."""
        vectors = self.store.vectors(chunks)
        if missing := _without_vectors(chunks, vectors):
            self.fill(missing)
            return None
        asked = np.asarray(self._scorer.embed_query(text), dtype=np.float32)
        return [float(vectors[key] @ asked) for key in keys]

    def _run(self) -> None:
        while True:
            with self._lock:
                batch = [self._queue.pop(i) for i in list(self._queue)[:BATCH]]
                self._working = len(batch)
                if not batch:
                    self._thread = None
                    self._idle.set()
                    return
            try:
                self.store.add(batch)
            except RagError as error:  # a lost server, a full disk: filled on use later
                logger.warning("sentence vectors not computed: %s", error)
                with self._lock:
                    self._queue.clear()
            finally:
                with self._lock:
                    self._working = 0


def _without_vectors(chunks: list[Chunk], stored: dict[Key, np.ndarray]) -> list[Chunk]:
    """Those of ``chunks`` with a sentence not in ``stored`` (a chunk's
    sentences are stored together, so it is all or none of them)."""
    return [
        c
        for c in chunks
        if any((c.id, s, e) not in stored for s, e in sentence_spans(c.text, c.language))
    ]
