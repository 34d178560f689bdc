"""Match a question's words with a document's words, across languages.

Identical words (accent- and case-folded, or sharing a 5-letter stem) and
translated acronyms (CSTO / OTSC: same letters) match outright. Other pairs
are compared by their multilingual word embeddings with CSLS, the hubness
correction of bilingual lexicon induction (Conneau et al., 2018, "Word
translation without parallel data"): a word's similarity is discounted by
its mean similarity to its nearest neighbours in the vocabulary at hand.
Raw cosine puts many unrelated verbs near 0.65 ("arrested"/"déploient");
CSLS leaves true translations (killed/tués 0.52, injured/blessés 0.67)
well above them (about 0.05).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from rag.answer.question import content_terms
from rag.text.words import acronym_letters, fold, is_acronym

NEIGHBOURS = 10  # k of CSLS
# CSLS below FLOOR: unrelated; above CEILING: a translation. Graded between.
FLOOR, CEILING = 0.1, 0.5
PRESENT = 0.5  # a graded match this strong counts as the word being there
DISTANCE_SCALE = 50  # characters over which a word's weight near a span halves

Alignment = tuple[tuple[float, int], ...]
_WORD = re.compile(r"[\w’'-]+")


def words_of(text: str) -> list[tuple[str, int, int]]:
    """Content words of ``text`` with their character spans."""
    found = []
    for match in _WORD.finditer(text):
        terms = content_terms(match.group())
        if terms:
            found.append((terms[0], match.start(), match.end()))
    return found


class TermMatcher:
    """Graded matches (0..1) between question terms and the words of some texts."""

    def __init__(
        self,
        terms: tuple[str, ...],
        texts: list[str],
        vectors: Callable[[list[str]], dict[str, np.ndarray]],
    ) -> None:
        self.terms = terms
        vocabulary = list(dict.fromkeys(w for text in texts for w, _, _ in words_of(text)))
        table = vectors(list(terms) + vocabulary)
        self._index = {w: i for i, w in enumerate(vocabulary)}
        self._scores = np.zeros((len(terms), len(vocabulary)), dtype=np.float32)
        if vocabulary and terms:
            words = np.stack([table[w] for w in vocabulary])
            asked = np.stack([table[t] for t in terms])
            cosine = asked @ words.T
            within = words @ words.T
            np.fill_diagonal(within, -1.0)
            k = min(NEIGHBOURS, max(1, len(vocabulary) - 1))
            csls = 2 * cosine - _mean_top(cosine, k)[:, None] - _mean_top(within, k)[None, :]
            self._scores = np.clip((csls - FLOOR) / (CEILING - FLOOR), 0.0, 1.0)
        for i, term in enumerate(terms):
            for word, j in self._index.items():
                if same_word(term, word):
                    self._scores[i, j] = 1.0

    def score(self, term_index: int, word: str) -> float:
        j = self._index.get(word)
        return float(self._scores[term_index, j]) if j is not None else 0.0

    def align(self, text: str) -> Alignment:
        """Per term: its best match among the words of ``text``, and where it is."""
        words = words_of(text)
        result = []
        for i in range(len(self.terms)):
            best = (0.0, -1)
            for word, start, _ in words:
                score = self.score(i, word)
                if score > best[0]:
                    best = (score, start)
            result.append(best)
        return tuple(result)

    def near(self, text: str, span: tuple[int, int], window: tuple[int, int]) -> float:
        """How much of the question lies near ``span`` of ``text``: per term, the
        best match inside ``window`` discounted by its distance from the span."""
        start, end = span
        words = [
            (w, s, e)
            for w, s, e in words_of(text)
            if window[0] <= s and e <= window[1] and (e <= start or s >= end)
        ]
        if not self.terms or not words:
            return 0.0
        total = 0.0
        for i in range(len(self.terms)):
            total += max(
                self.score(i, w) / (1 + max(start - e, s - end) / DISTANCE_SCALE)
                for w, s, e in words
            )
        return total / len(self.terms)


def same_word(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    if fa == fb or (len(fa) >= 5 and len(fb) >= 5 and fa[:5] == fb[:5]):
        return True
    # An acronym translated keeps its letters: CSTO / OTSC, NATO / OTAN.
    return is_acronym(a) and is_acronym(b) and acronym_letters(a) == acronym_letters(b)


def _mean_top(matrix: np.ndarray, k: int) -> np.ndarray:
    return np.sort(matrix, axis=1)[:, -k:].mean(axis=1)
