"""BM25 over accent- and case-folded word tokens (bm25s: sparse, NumPy-fast).

Tokens come from rag.text.words (folded, both languages' stop words
dropped). BM25 cannot bridge translations ("CSTO"
vs "OTSC"): that is the dense side's job, and fusion weights say how much
each side counts.

Building the index means reading every chunk back from Chroma and
tokenizing it (19 s at 100k passages), so indexing builds it (rag.assistant)
and saves it next to the Chroma index, with the generation of the collection
it was built from and a fingerprint of the tokenizer's stop words; other
processes load it while both hold (a new stop list means new tokens).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import bm25s
import numpy as np

from rag.records import Chunk
from rag.text.words import STOPWORDS, tokenize

_CHUNKS, _GENERATION = "chunks.jsonl", "generation"
# Saved beside the collection's generation: an index tokenized with other stop
# words is rebuilt, not loaded.
_TOKENIZER = hashlib.sha256(" ".join(sorted(STOPWORDS)).encode()).hexdigest()[:16]


class LexicalIndex:
    """BM25 over a fixed list of chunks; rebuild it when the chunks change."""

    def __init__(self, chunks: list[Chunk], bm25: bm25s.BM25 | None = None) -> None:
        """BM25 over ``chunks``, or ``bm25`` when it was built over them already."""
        self.chunks = chunks
        if bm25 is None:
            bm25 = bm25s.BM25()
            if chunks:
                bm25.index([tokenize(c.text) for c in chunks], show_progress=False)
        self._bm25 = bm25

    def save(self, folder: Path, generation: str) -> None:
        """Write the index to ``folder`` (replaced whole), tagged ``generation``."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            if self.chunks:
                self._bm25.save(partial, show_progress=False)
            with (partial / _CHUNKS).open("w", encoding="utf-8") as out:
                for chunk in self.chunks:
                    out.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
            (partial / _GENERATION).write_text(f"{generation} {_TOKENIZER}", encoding="utf-8")
            shutil.rmtree(folder, ignore_errors=True)
            partial.rename(folder)
        finally:
            shutil.rmtree(partial, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, generation: str) -> LexicalIndex | None:
        """The index saved in ``folder`` for ``generation`` by this tokenizer, or None."""
        try:
            if (folder / _GENERATION).read_text(encoding="utf-8") != f"{generation} {_TOKENIZER}":
                return None
            with (folder / _CHUNKS).open(encoding="utf-8") as lines:
                chunks = [Chunk(**json.loads(line)) for line in lines]
            bm25 = bm25s.BM25.load(folder, show_progress=False) if chunks else None
        except (OSError, ValueError, TypeError, KeyError):
            return None  # missing, half-written or from another version: rebuilt
        return cls(chunks, bm25)

    def search(
        self, query: str, k: int, sources: frozenset[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """Up to ``k`` chunks sharing a term with ``query``, best first; only
        chunks of ``sources`` when it is given."""
        tokens = tokenize(query)
        if not self.chunks or not tokens:
            return []
        k = min(k, len(self.chunks))
        mask = None
        if sources is not None:
            mask = np.fromiter((c.source in sources for c in self.chunks), dtype=np.float32)
        positions, scores = self._bm25.retrieve(
            [tokens], k=k, show_progress=False, weight_mask=mask
        )
        return [
            (self.chunks[int(i)], float(s))
            for i, s in zip(positions[0], scores[0], strict=True)
            if s > 0
        ]
