"""Hybrid retrieval: dense (Chroma) and BM25 candidates fused by weighted RRF."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.errors import RagError
from rag.records import Passage, Scope
from rag.search.change_log import ChangeLog
from rag.search.fuse import reciprocal_rank_fusion
from rag.search.lexical import LexicalIndex
from rag.search.lexical_files import load_lexical, save_lexical
from rag.search.scope import sources_in_scope
from rag.search.store import ChunkStore, Written
from rag.settings import Settings

# How often a process asks whether another one changed the index it shares
# (one metadata read); what the other indexed is searched here once the BM25
# index of the new state is loaded (or built) in the background after that.
REFRESH_SECONDS = 2.0
logger = logging.getLogger(__name__)


@dataclass
class Retrieval:
    """Ranked passages and the milliseconds each stage took."""

    passages: list[Passage]
    timings_ms: dict[str, float] = field(default_factory=dict)


class HybridRetriever:
    """Dense and lexical search over one ChunkStore, fused into one ranking."""

    def __init__(
        self,
        store: ChunkStore,
        embeddings: Embeddings,
        settings: Settings,
        lexical: LexicalIndex | None = None,
    ) -> None:
        """``lexical``: the BM25 index of ``store``, when the caller has it;
        else it is loaded or built at the first search."""
        self._store = store
        self._embeddings = embeddings
        self._settings = settings
        self._lexical = lexical
        self._checked = time.monotonic()
        self._loading = False

    def _follow_changes(self) -> None:
        """When another process has changed the index (asked of it at most
        every REFRESH_SECONDS: one metadata read), load its new state in the
        background; questions meanwhile use the state as it was (the BM25
        index takes seconds to build at 100k passages)."""
        now = time.monotonic()
        if self._loading or now - self._checked < REFRESH_SECONDS:
            return
        self._checked = now
        latest = self._store.reopened()
        if latest.generation() != self._store.generation():
            self._loading = True
            threading.Thread(target=self._load, args=(latest,), daemon=True).start()

    def _load(self, store: ChunkStore) -> None:
        try:
            lexical = lexical_index(store, self._settings, self._lexical)
            self._store, self._lexical = store, lexical
            self.__dict__.pop("dates", None)  # the cached property, read anew
        except RagError as error:  # a lost server: tried again at the next check
            logger.warning("the index changed but could not be read again: %s", error)
        finally:
            self._loading = False

    @cached_property
    def dates(self) -> dict[str, str]:
        """Every indexed source and its publication date ("" when unknown),
        read from the BM25 index's chunks once per state of the index."""
        return {c.source: c.date for c in self.lexical().chunks}

    @property
    def documents(self) -> int:
        """How many documents the index holds."""
        return len(self.dates)

    def scope(self, within: Scope | Sequence[str] | None) -> frozenset[str] | None:
        """The sources ``within`` takes in (see sources_in_scope; a list
        names documents), or None for all."""
        self._follow_changes()
        scope = Scope.of(within)
        return None if scope.everything else sources_in_scope(scope, self.dates)

    @property
    def loaded_lexical(self) -> LexicalIndex | None:
        """The BM25 index, when a search or the caller has loaded it."""
        return self._lexical

    def lexical(self) -> LexicalIndex:
        """The BM25 index, loaded (or built) at its first use."""
        if self._lexical is None:
            self._lexical = lexical_index(self._store, self._settings)
        return self._lexical

    def search(
        self, question: str, k: int | None = None, sources: frozenset[str] | None = None
    ) -> Retrieval:
        """The top ``k`` (default: settings.top_k) passages for ``question``,
        from the documents ``sources`` names when it is given (else all)."""
        self._follow_changes()
        settings = self._settings
        k = k or settings.top_k
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = round((now - clock) * 1000, 2)
            clock = now

        if self._lexical is None:
            self.lexical()
            lap("lexical_load")
        fetch = max(settings.fetch_k, k)
        vector = self._embeddings.embed_query(question)
        lap("embed")
        dense = self._store.search(vector, fetch, sources)
        lap("dense")
        lexical = self.lexical().search(question, fetch, sources)
        lap("lexical")
        fused = reciprocal_rank_fusion(
            [(dense, settings.dense_weight), (lexical, settings.lexical_weight)],
            settings.rrf_k,
        )[:k]
        dense_scores = {c.id: s for c, s in dense}
        lexical_scores = {c.id: s for c, s in lexical}
        passages = [
            Passage(
                chunk=chunk,
                score=round(score, 6),
                dense_score=dense_scores.get(chunk.id),
                lexical_score=lexical_scores.get(chunk.id),
            )
            for chunk, score in fused
        ]
        lap("fuse")
        timings["total"] = round(sum(timings.values()), 2)
        return Retrieval(passages, timings)


def lexical_index(
    store: ChunkStore,
    settings: Settings,
    known: LexicalIndex | None = None,
    written: Sequence[Written] = (),
) -> LexicalIndex:
    """The BM25 index of ``store``'s chunks as they are now.

    ``known``: an index the caller holds, of an earlier state; ``written``:
    the writes made through ``store`` since it was opened (published to the
    change log for other hosts). When they start from ``known``'s state (or
    from the one saved on disk), they are applied to it; else the index saved
    for the current generation is loaded (reusing ``known``'s base when it is
    the same); else the writes that led from ``known``'s state to this one
    are read from the change log and applied; else it is built from every
    chunk. A new state is saved for the next process."""
    folder = settings.index_dir / f"lexical-{settings.collection}"
    generation = store.generation()
    if known is not None and known.generation == generation:
        return known
    index = None
    if written:
        _publish(store, settings, list(written))
        if known is None or known.generation != store.opened_at:
            known = load_lexical(folder, store.opened_at, known)
        index = known.changed(written, generation) if known else None
    elif (index := load_lexical(folder, generation, known)) is not None:
        return index
    elif known is not None:  # another host's change: its writes, from Chroma
        writes = ChangeLog.open(store.client, settings.collection).between(
            known.generation, generation
        )
        index = known.changed(writes, generation) if writes is not None else None
    if index is None:
        index = LexicalIndex.build(store.chunks(), generation)
    with suppress(OSError):  # a read-only or full disk: built again next time
        save_lexical(index, folder)
    return index


def _publish(store: ChunkStore, settings: Settings, written: list[Written]) -> None:
    """Log ``written`` for processes on other hosts; a failure only costs them a rebuild."""
    try:
        ChangeLog.open(store.client, settings.collection).publish(
            store.opened_at, store.generation(), written
        )
    except RagError as error:
        logger.warning("the change could not be logged for other hosts: %s", error)


class PassageRetriever(BaseRetriever):
    """The hybrid retriever as a LangChain retriever, usable in any chain.

    ``k`` passages per question (None: the settings' top_k), or as many as
    ``invoke(question, k=n)`` asks for, as LangChain's retrievers do."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    hybrid: HybridRetriever
    k: int | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[LCDocument]:
        documents = []
        for passage in self.hybrid.search(query, self.k if k is None else k).passages:
            metadata: dict[str, Any] = passage.to_dict()
            text = metadata.pop("text")
            documents.append(LCDocument(page_content=text, id=passage.chunk.id, metadata=metadata))
        return documents
