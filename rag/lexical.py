"""BM25 over accent- and case-folded word tokens (bm25s: sparse, NumPy-fast).

Folding lets "Tokaïev" match "tokaiev" and "OTSC" match "otsc"; stop words of
both English and French are dropped so a question in one language does not
match the other's function words. BM25 cannot bridge translations ("CSTO"
vs "OTSC"): that is the dense side's job, and fusion weights say how much
each side counts.
"""

from __future__ import annotations

import re
import unicodedata

import bm25s
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

from rag.records import Chunk

_WORD = re.compile(r"\w+")
# Question words match no evidence, only other questions' phrasing.
_QUESTION_WORDS = [
    "who",
    "whom",
    "whose",
    "what",
    "which",
    "when",
    "where",
    "why",
    "how",
    "qui",
    "quoi",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "quand",
    "comment",
    "pourquoi",
    "combien",
]
STOPWORDS = frozenset(
    unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode()
    for w in (*STOPWORDS_EN, *STOPWORDS_FRENCH, *_QUESTION_WORDS)
)


def fold(text: str) -> str:
    """Lower case without accents: "Arménie" -> "armenie"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokenize(text: str) -> list[str]:
    """Folded word tokens of ``text`` minus stop words and single letters."""
    return [t for t in _WORD.findall(fold(text)) if len(t) > 1 and t not in STOPWORDS]


class LexicalIndex:
    """BM25 over a fixed list of chunks; rebuild it when the chunks change."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self._bm25 = bm25s.BM25()
        if chunks:
            self._bm25.index([tokenize(c.text) for c in chunks], show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        """Up to ``k`` chunks sharing a term with ``query``, best first."""
        tokens = tokenize(query)
        if not self.chunks or not tokens:
            return []
        k = min(k, len(self.chunks))
        positions, scores = self._bm25.retrieve([tokens], k=k, show_progress=False)
        return [
            (self.chunks[int(i)], float(s))
            for i, s in zip(positions[0], scores[0], strict=True)
            if s > 0
        ]
