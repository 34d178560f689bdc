"""BM25 over accent- and case-folded word tokens, kept up to date in place.

Tokens come from rag.text.words (folded, both languages' stop words
dropped). BM25 cannot bridge translations ("CSTO" vs "OTSC"): that is the
dense side's job, and fusion weights say how much each side counts.

bm25s (sparse, NumPy-fast) cannot add or remove a document: its index is
built whole, and building it means tokenizing every chunk (about 8 s at
110,000 passages here, after 8 s of reading them back from Chroma). So the
index has two parts, as search engines' segments do: a *base* that bm25s
indexed, and the changes made since (chunks added, base chunks removed),
which a re-index of one article adds in milliseconds. Added chunks are
scored here with the base's statistics (the same Lucene BM25 formula as
bm25s, checked against it in the tests); removed ones are masked out of
the base's scores. Once the changes outgrow MERGE_SHARE of the base, the
index is built whole again from the chunks it holds, not from Chroma.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import bm25s
import numpy as np

from rag.records import Chunk
from rag.search.store import Written, chunk_from_record
from rag.text.words import tokenize

# bm25s's defaults ("lucene" scoring), which added chunks are scored with.
K1, B = 1.5, 0.75
# Changes worth more than this share of the base (or MERGE_MINIMUM chunks,
# whichever is larger) are merged into a new base: scoring added chunks one
# by one in Python stays ~1 ms a thousand.
MERGE_SHARE, MERGE_MINIMUM = 0.05, 1000


@dataclass(frozen=True)
class Base:
    """The chunks bm25s indexed, and the figures added chunks are scored with."""

    chunks: list[Chunk]
    bm25: bm25s.BM25 | None
    average_length: float
    generation: str  # of the collection the base was built from

    @classmethod
    def build(cls, chunks: list[Chunk], generation: str) -> Base:
        tokens = [tokenize(c.text) for c in chunks]
        bm25 = None
        if chunks:
            bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
            bm25.index(tokens, show_progress=False)
        average = sum(map(len, tokens)) / len(tokens) if tokens else 0.0
        return cls(chunks, bm25, average, generation)

    def document_frequency(self, token: str) -> int:
        """How many base chunks hold ``token`` (a column of bm25s's matrix)."""
        if self.bm25 is None or (column := self.bm25.vocab_dict.get(token)) is None:
            return 0
        indptr = self.bm25.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])


@dataclass(frozen=True)
class _Added:
    """Chunks added since the base, as postings: token -> (chunk, count)."""

    chunks: list[Chunk]
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    lengths: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, chunks: list[Chunk]) -> _Added:
        added = cls(chunks)
        for position, chunk in enumerate(chunks):
            tokens = tokenize(chunk.text)
            added.lengths.append(len(tokens))
            for token, count in Counter(tokens).items():
                added.postings.setdefault(token, []).append((position, count))
        return added


def bm25_score(count: int, length: int, frequency: int, documents: int, average: float) -> float:
    """Lucene's BM25 weight of a token seen ``count`` times in a chunk of
    ``length`` tokens, held by ``frequency`` of ``documents`` chunks (bm25s's
    "lucene" method, whose index is built from these same terms)."""
    idf = math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))
    return idf * count / (count + K1 * (1 - B + B * length / average))


class LexicalIndex:
    """BM25 over a base of chunks plus the chunks added and removed since."""

    def __init__(
        self,
        base: Base,
        generation: str,
        added: Sequence[Chunk] = (),
        removed: frozenset[str] = frozenset(),
    ) -> None:
        """``base`` with ``added`` chunks and without the base chunks whose
        ids are ``removed``: the index of the collection at ``generation``."""
        self.base = base
        self.generation = generation
        self.removed = removed
        self._added = _Added.of(list(added))
        self._mask = None
        if removed:
            gone = (c.id not in removed for c in base.chunks)
            self._mask = np.fromiter(gone, dtype=np.float32, count=len(base.chunks))

    @classmethod
    def build(cls, chunks: list[Chunk], generation: str = "") -> LexicalIndex:
        """A new index whose base is ``chunks``."""
        return cls(Base.build(chunks, generation), generation)

    @property
    def added(self) -> list[Chunk]:
        return self._added.chunks

    @cached_property
    def chunks(self) -> list[Chunk]:
        """Every chunk the index holds: the base's still there, then the added."""
        kept = [c for c in self.base.chunks if c.id not in self.removed]
        return kept + self.added if self.removed or self.added else self.base.chunks

    def changed(self, writes: Sequence[Written], generation: str) -> LexicalIndex:
        """This index after ``writes`` (in the order they were made), which
        brought the collection to ``generation``."""
        touched = {c.id for w in writes for c in w.stored} | {
            i for w in writes for i in [*dict(w.updated), *w.deleted]
        }
        in_base = {c.id: c for c in self.base.chunks if c.id in touched}
        added = {c.id: c for c in self.added}
        for write in writes:
            for chunk in write.stored:
                added[chunk.id] = chunk
            for chunk_id, metadata in write.updated:
                if (old := added.get(chunk_id) or in_base.get(chunk_id)) is not None:
                    added[chunk_id] = chunk_from_record(chunk_id, old.text, metadata)
            for chunk_id in write.deleted:
                added.pop(chunk_id, None)
        removed = set(self.removed) | in_base.keys()  # stored anew, updated or deleted
        changes = len(added) + len(removed)
        if changes > max(MERGE_MINIMUM, MERGE_SHARE * len(self.base.chunks)):
            kept = [c for c in self.base.chunks if c.id not in removed]
            return LexicalIndex.build(kept + list(added.values()), generation)
        return LexicalIndex(self.base, generation, list(added.values()), frozenset(removed))

    def search(
        self, query: str, k: int, sources: frozenset[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """Up to ``k`` chunks sharing a term with ``query``, best first; only
        chunks of ``sources`` when it is given."""
        tokens = tokenize(query)
        if not tokens:
            return []
        found = self._search_base(tokens, k, sources) + self._search_added(tokens, sources)
        found.sort(key=lambda pair: pair[1], reverse=True)
        return found[:k]

    def _search_base(
        self, tokens: list[str], k: int, sources: frozenset[str] | None
    ) -> list[tuple[Chunk, float]]:
        chunks, bm25 = self.base.chunks, self.base.bm25
        if bm25 is None:
            return []
        mask = self._mask
        if sources is not None:
            within = np.fromiter((c.source in sources for c in chunks), dtype=np.float32)
            mask = within if mask is None else mask * within
        positions, scores = bm25.retrieve(
            [tokens], k=min(k, len(chunks)), show_progress=False, weight_mask=mask
        )
        pairs = zip(positions[0], scores[0], strict=True)
        return [(chunks[int(i)], float(s)) for i, s in pairs if s > 0]

    def _search_added(
        self, tokens: list[str], sources: frozenset[str] | None
    ) -> list[tuple[Chunk, float]]:
        added = self._added
        if not added.chunks:
            return []
        documents = len(self.base.chunks) + len(added.chunks)
        average = self.base.average_length or sum(added.lengths) / len(added.lengths)
        scores: dict[int, float] = {}
        for token in tokens:
            postings = added.postings.get(token, [])
            frequency = self.base.document_frequency(token) + len(postings)
            for position, count in postings:
                weight = bm25_score(count, added.lengths[position], frequency, documents, average)
                scores[position] = scores.get(position, 0.0) + weight
        return [
            (added.chunks[p], s)
            for p, s in scores.items()
            if sources is None or added.chunks[p].source in sources
        ]
