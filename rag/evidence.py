"""Pick the sentences of the retrieved passages that answer a question.

Each sentence is scored on three signals: its multilingual embedding's
similarity to the question, how well each content word of the question
aligns with a word of the sentence (same word folded, same acronym letters
as in CSTO/OTSC, or word embeddings close across languages, as
killed/tués), and the rank of its passage. The word alignment is what lets
the answerer abstain on evidence: "What is the population of Kazakhstan?"
finds sentences about Kazakhstan, but none with a word for population.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.chunk import sentence_spans
from rag.lexical import fold
from rag.question import Question, content_terms
from rag.records import Passage

# Weights of the sentence score; calibrated on the eval set's dev split.
DENSE_WEIGHT, MATCH_WEIGHT, RANK_WEIGHT = 0.3, 0.7, 0.05
# Word-embedding similarity: below FLOOR two words are unrelated, above CEILING
# the same word; in between the match is graded (killed/tués 0.84,
# paratroopers/parachutistes 0.74, noise about 0.5).
FLOOR, CEILING = 0.5, 0.85
WORD_MATCH = 0.6  # a term counts as present at this similarity
PASSAGES_USED = 5
DISTANCE_SCALE = 25  # characters over which a word's weight near a candidate halves
# Instructions planted in documents are data, never evidence.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|oublie[zr]?|ignore[zr])\b.{0,40}"
    r"\b(instructions?|prompt|rules|règles|consignes)\b"
    r"|\b(system prompt|you are now|tu es maintenant|vous êtes maintenant)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a retrieved passage; start/end are offsets in its document."""

    passage: Passage
    rank: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Evidence:
    """A sentence with its scores. ``alignment`` holds, per question term, the
    best similarity and the offset (in the sentence) of the word it matched;
    ``match`` is the rarity-weighted share of the question the sentence holds."""

    sentence: Sentence
    dense: float
    alignment: tuple[tuple[float, int], ...]
    passage_alignment: tuple[tuple[float, int], ...]
    match: float
    score: float


def is_instruction(text: str) -> bool:
    """Whether ``text`` reads as an instruction to an assistant (injection)."""
    return bool(_INSTRUCTION.search(text))


def passage_sentences(passages: list[Passage]) -> list[Sentence]:
    """Sentences of the first passages, each once, without planted instructions."""
    seen: set[tuple[str, int]] = set()
    sentences = []
    for rank, passage in enumerate(passages[:PASSAGES_USED]):
        chunk = passage.chunk
        for start, end in sentence_spans(chunk.text, chunk.language):
            key = (chunk.source, chunk.start + start)
            text = chunk.text[start:end]
            if key not in seen and not is_instruction(text):
                seen.add(key)
                sentences.append(
                    Sentence(passage, rank, chunk.start + start, chunk.start + end, text)
                )
    return sentences


class EvidenceScorer:
    """Scores sentences against questions; caches word vectors across questions."""

    def __init__(self, embeddings: Embeddings) -> None:
        self._embeddings = embeddings
        self._word_vectors: dict[str, np.ndarray] = {}

    def rank(self, question: Question, passages: list[Passage]) -> list[Evidence]:
        """The sentences of ``passages``, best evidence first."""
        sentences = passage_sentences(passages)
        if not sentences:
            return []
        vectors = np.asarray(
            self._embeddings.embed_documents([question.search_text] + [s.text for s in sentences])
        )
        dense = vectors[1:] @ vectors[0]
        alignments = [self.align(question.terms, s.text) for s in sentences]
        weights = _rarity_weights(alignments, len(question.terms))
        by_passage: dict[str, tuple[tuple[float, int], ...]] = {}
        scored = []
        for sentence, similarity, alignment in zip(sentences, dense, alignments, strict=True):
            chunk = sentence.passage.chunk
            if chunk.id not in by_passage:
                by_passage[chunk.id] = self.align(question.terms, chunk.text)
            match = sum(w * graded(s) for w, (s, _) in zip(weights, alignment, strict=True))
            score = (
                DENSE_WEIGHT * float(similarity)
                + MATCH_WEIGHT * match
                + RANK_WEIGHT / (1 + sentence.rank)
            )
            scored.append(
                Evidence(sentence, float(similarity), alignment, by_passage[chunk.id], match, score)
            )
        return sorted(scored, key=lambda e: -e.score)

    def proximity(
        self, terms: tuple[str, ...], sentence: str, span: tuple[int, int], window: tuple[int, int]
    ) -> float:
        """How much of the question lies near ``span`` in ``sentence``: per term,
        the best graded match within ``window``, discounted by its distance in
        characters from the span; averaged over terms."""
        start, end = span
        words = [
            (content_terms(m.group())[0], m.start(), m.end())
            for m in re.finditer(r"[\w’'-]+", sentence)
            if window[0] <= m.start()
            and m.end() <= window[1]
            and (m.end() <= start or m.start() >= end)
            and content_terms(m.group())
        ]
        if not terms or not words:
            return 0.0
        self._embed_words(list(terms) + [w for w, _, _ in words])
        total = 0.0
        for term in terms:
            total += max(
                graded(self._similarity(term, word))
                / (1 + max(start - word_end, word_start - end) / DISTANCE_SCALE)
                for word, word_start, word_end in words
            )
        return total / len(terms)

    def align(self, terms: tuple[str, ...], sentence: str) -> tuple[tuple[float, int], ...]:
        """Per term: the best similarity to a word of ``sentence`` and that word's offset."""
        words = [(m.group(), m.start()) for m in re.finditer(r"[\w’'-]+", sentence)]
        words = [(w, p) for w, p in words if content_terms(w)]
        if not terms or not words:
            return tuple((0.0, -1) for _ in terms)
        self._embed_words([t for t in terms] + [content_terms(w)[0] for w, _ in words])
        result = []
        for term in terms:
            best = (0.0, -1)
            for word, position in words:
                similarity = self._similarity(term, content_terms(word)[0])
                if similarity > best[0]:
                    best = (similarity, position)
            result.append(best)
        return tuple(result)

    def _similarity(self, a: str, b: str) -> float:
        fa, fb = fold(a), fold(b)
        if fa == fb or (len(fa) >= 5 and len(fb) >= 5 and fa[:5] == fb[:5]):
            return 1.0
        if a.isupper() and b.isupper() and len(a) >= 3 and sorted(fa) == sorted(fb):
            return 1.0  # an acronym translated: CSTO / OTSC, NATO / OTAN
        return float(self._word_vectors[a] @ self._word_vectors[b])

    def _embed_words(self, words: list[str]) -> None:
        missing = list(dict.fromkeys(w for w in words if w not in self._word_vectors))
        if missing:
            for word, vector in zip(
                missing, self._embeddings.embed_documents(missing), strict=True
            ):
                self._word_vectors[word] = np.asarray(vector)


def graded(similarity: float) -> float:
    return min(1.0, max(0.0, (similarity - FLOOR) / (CEILING - FLOOR)))


def _rarity_weights(alignments: list[tuple[tuple[float, int], ...]], terms: int) -> list[float]:
    """Weights of the question's terms, summing to 1: a term that matches in few
    of the candidate sentences tells them apart better ("paratroopers") than one
    that matches in most ("Russian"): an IDF computed across languages."""
    if not terms:
        return []
    n = len(alignments)
    present = [sum(a[t][0] >= WORD_MATCH for a in alignments) for t in range(terms)]
    raw = [math.log((n + 1) / (k + 0.5)) for k in present]
    total = sum(raw) or 1.0
    return [r / total for r in raw]
