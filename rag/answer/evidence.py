"""Pick the sentences of the retrieved passages that answer a question.

Each sentence is scored on four signals: its similarity to the question by
the learned sentence scorer (multilingual-e5-small, rag.models.e5, from the vectors
the index keeps), the same by the retrieval encoder (USE), how well each
content word of the question matches a word of the sentence (rag.answer.match: same
word, translated acronym, or a cross-lingual word-embedding match such as
killed/tués), and the rank of its passage. The word alignment is what lets
the answerers abstain on evidence (the rules of rag.answer.extractive, the
confidence model of rag.answer.confidence): "What is the population of Kazakhstan?"
finds sentences about Kazakhstan, but none with a word for population. The
learned similarity is zero where sentence vectors are off (the default).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.answer.match import PRESENT, Alignment, TermMatcher
from rag.answer.question import Question
from rag.records import Passage
from rag.text.sentences import sentence_spans

# Weights of the sentence score; calibrated on the eval set's dev split
# (python -m eval.sentence_ranking). The learned similarity counts as its
# z-score among the sentences at hand: E5's scores sit in a narrow band.
DENSE_WEIGHT, MATCH_WEIGHT, RANK_WEIGHT, LEARNED_WEIGHT = 0.3, 0.7, 0.05, 0.33
PASSAGES_USED = 5
CONTEXT_SHARE = 0.6  # weight of a term matched in the passage but not the sentence
MAX_CACHED_TEXTS = 100_000
# Instructions planted in documents are data, never evidence.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|oublie[zr]?|ignore[zr]?)\b.{0,40}"
    r"\b(instructions?|directions?|prompt|rules|règles|consignes|tout|everything)\b"
    r"|\b(system prompt|you are now|tu es maintenant|vous êtes maintenant)\b"
    # A chat turn or a system message: "Assistant: ...", "[SYSTEM] ...".
    r"|^\W*(system|assistant|assistante|user|utilisateur)\s*:"
    r"|\[(system|inst)\]"
    # Orders about what to answer: "if anyone asks ..., reply X", "answer only X".
    r"|\b(if|when|whenever)\b[^.]{0,80}\bask(s|ed)?\b[^.,]{0,80},\s*"
    r"(reply|answer|respond|say|write)\b"
    r"|\b(si|quand|lorsqu[e’'])\b[^.]{0,80}\b(demandes?|questions?)\b[^.,]{0,80},\s*"
    r"(réponds|répondez|dis|dites|écris|écrivez)\b"
    r"|\b(answer|reply|respond)\s+only\b"
    r"|\b(réponds|répondez)\s+(uniquement|seulement|toujours|simplement)\b"
    r"|\b(answer|response|réponse)\s+(to|à)\s+(every|all|any|each|toutes|chaque)\b",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a retrieved passage; start/end are offsets in its document."""

    passage: Passage
    rank: int
    start: int
    end: int
    text: str


# A question's text and sentences in, the learned scorer's similarity of each out.
LearnedSimilarity = Callable[[str, list[Sentence]], list[float]]


@dataclass(frozen=True)
class Evidence:
    """A sentence with its scores. ``alignment`` holds, per question term, the
    best similarity and the offset (in the sentence) of the word it matched,
    ``context_alignment`` the same over what its passage is about: the passage,
    its document's title and the chunk before it when retrieved too (where the
    names its pronouns stand for are); ``match`` is the rarity-weighted share of the
    question the sentence holds; ``asked_match`` the same over the words other
    than names and numbers, which say what is asked rather than where to look;
    ``learned`` is the learned scorer's similarity (0 without one) and
    ``learned_z`` its z-score among the sentences ranked with it."""

    sentence: Sentence
    dense: float
    learned: float
    learned_z: float
    alignment: Alignment
    context_alignment: Alignment
    match: float
    asked_match: float
    score: float


@dataclass(frozen=True)
class Ranking:
    """Evidence sentences, best first, and the term matcher that scored them."""

    evidence: list[Evidence]
    matcher: TermMatcher


def is_instruction(text: str) -> bool:
    """Whether ``text`` reads as an instruction to an assistant (injection)."""
    return bool(_INSTRUCTION.search(text))


def sentence_key(sentence: Sentence) -> tuple[str, int, int]:
    """The key of a sentence's stored vector (rag.search.sentence_store.Key): its
    chunk's id and its offsets in the chunk's text."""
    chunk = sentence.passage.chunk
    return (chunk.id, sentence.start - chunk.start, sentence.end - chunk.start)


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
    """Scores sentences against questions; caches vectors across questions."""

    def __init__(self, embeddings: Embeddings, learned: LearnedSimilarity | None = None) -> None:
        self._embeddings = embeddings
        self._learned = learned
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()  # web servers ask from several threads

    def rank(self, question: Question, passages: list[Passage]) -> Ranking:
        """The sentences of ``passages``, best evidence first."""
        sentences = passage_sentences(passages)
        texts = list(dict.fromkeys(s.passage.chunk.text for s in sentences))
        titles = list(dict.fromkeys(s.passage.chunk.title for s in sentences))
        matcher = TermMatcher(question.terms, texts + titles, self.vectors)
        if not sentences:
            return Ranking([], matcher)
        vectors = self.vectors([question.search_text] + [s.text for s in sentences])
        dense = [float(vectors[s.text] @ vectors[question.search_text]) for s in sentences]
        learned = np.asarray(
            self._learned(question.search_text, sentences) if self._learned else [0.0] * len(dense)
        )
        learned_z = (learned - learned.mean()) / (learned.std() or 1.0)
        alignments = [matcher.align(s.text) for s in sentences]
        weights = _rarity_weights(alignments, len(question.terms))
        asks = [t not in question.specific for t in question.terms]
        asked_weights = _normalised([w * a for w, a in zip(weights, asks, strict=True)])
        by_passage = {text: matcher.align(text) for text in texts}
        # What a passage is about: its document's title ("Kazakhstan. Des
        # dizaines de manifestants tués…") names it for every passage, and a
        # chunk may name things by a pronoun that the chunk before it, when
        # retrieved too, names: "Leur mission ...".
        by_title = {title: matcher.align(title) for title in titles}
        about = {
            p.chunk.text: _best(
                by_passage[p.chunk.text],
                by_title[p.chunk.title],
                by_passage.get(_chunk_before(p, passages[:PASSAGES_USED]), ()),
            )
            for p in passages[:PASSAGES_USED]
            if p.chunk.text in by_passage
        }
        scored = []
        for sentence, similarity, alignment, own, z in zip(
            sentences, dense, alignments, learned, learned_z, strict=True
        ):
            chunk = sentence.passage.chunk
            in_passage = by_passage[chunk.text]
            context = about[chunk.text]
            # Words of the rest of the passage count in part: "Ils" in the
            # sentence may stand for "Ces appareils" in the one before.
            present = [
                max(s, CONTEXT_SHARE * p)
                for (s, _), (p, _) in zip(alignment, in_passage, strict=True)
            ]
            match = sum(w * m for w, m in zip(weights, present, strict=True))
            asked_match = sum(w * m for w, m in zip(asked_weights, present, strict=True))
            score = (
                DENSE_WEIGHT * float(similarity)
                + MATCH_WEIGHT * match
                + RANK_WEIGHT / (1 + sentence.rank)
                + LEARNED_WEIGHT * float(z)
            )
            scored.append(
                Evidence(
                    sentence,
                    float(similarity),
                    float(own),
                    float(z),
                    alignment,
                    context,
                    match,
                    asked_match if any(asks) else match,
                    score,
                )
            )
        return Ranking(sorted(scored, key=lambda e: -e.score), matcher)

    def vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Vectors of ``texts`` (words or sentences), embedding only those not
        seen before: the same passages and words come back question after question."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if len(self._vectors) > MAX_CACHED_TEXTS:
            self._vectors.clear()
        if missing:
            for text, vector in zip(
                missing, self._embeddings.embed_documents(missing), strict=True
            ):
                self._vectors[text] = np.asarray(vector, dtype=np.float32)
        return {t: self._vectors[t] for t in texts}


def _best(*alignments: Alignment) -> Alignment:
    """Per term, the best of several alignments of it (an empty one counts for none)."""
    present = [a for a in alignments if a]
    return tuple(max(matches, key=lambda m: m[0]) for matches in zip(*present, strict=True))


def _chunk_before(passage: Passage, passages: list[Passage]) -> str:
    """The text of the chunk just before ``passage`` in its document, when it
    is among ``passages``, else ""."""
    chunk = passage.chunk
    return next(
        (
            p.chunk.text
            for p in passages
            if p.chunk.source == chunk.source and p.chunk.index == chunk.index - 1
        ),
        "",
    )


def _rarity_weights(alignments: list[Alignment], terms: int) -> list[float]:
    """Weights of the question's terms, summing to 1: a term that matches in few
    of the candidate sentences tells them apart better ("paratroopers") than one
    that matches in most ("Russian"): an IDF computed across languages."""
    n = len(alignments)
    present = [sum(a[t][0] >= PRESENT for a in alignments) for t in range(terms)]
    return _normalised([math.log((n + 1) / (k + 0.5)) for k in present])


def _normalised(weights: list[float]) -> list[float]:
    total = sum(weights)
    return [w / total for w in weights] if total else weights
