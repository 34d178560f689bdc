"""Answerers turn a question and its retrieved passages into a cited answer.

``Answerer`` is the interface a generative backend plugs into. The default,
``ExtractiveAnswerer``, needs no LLM: it picks the evidence sentence, takes
the short answer (a name, number or date of the kind the question asks for)
from it, and cites the sentence exactly. It abstains in code, on evidence:
when no sentence matches the question's words, or when the question asks for
a name, number or date that the best sentences do not hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Protocol

from rag.candidates import (
    DESCRIPTION,
    EXPANSION,
    NAME,
    Candidate,
    capitalised_words,
    find_candidates,
)
from rag.chunk import sentence_spans
from rag.cite import cite
from rag.evidence import Evidence, EvidenceScorer
from rag.lexical import fold
from rag.localize import message, render
from rag.match import PRESENT, TermMatcher
from rag.question import Question
from rag.records import Citation, Passage

# An answer needs a sentence holding this much of the question (rarity-weighted)
# and a passage holding every name and number the question mentions.
# Both were calibrated on the eval set's dev split (rag eval --split dev).
MIN_MATCH = 0.5
CANDIDATE_SENTENCES = 5  # evidence sentences searched for a short answer
MIN_FIT = 0.4  # a short answer's surroundings must match the question this well
QUOTE_MATCH = 0.6  # a name question whose sentence holds no name is quoted above this
_AGENT_KINDS = {"who", "which", "list"}
# A sentence that opens on a consequence gives the effect; its cause is before it.
_CONSEQUENCE = re.compile(
    r"(d[’']où|c[’']est pourquoi|donc|par conséquent|hence|therefore|that is why|this is why"
    r"|as a result)\b",
    re.IGNORECASE,
)
_OF = re.compile(r"(?:\b(?:de|du|des|of)(?:\s+(?:la|le|les|the))?\s+|\bd[’']|\bde\s+l[’'])$", re.I)
# A name after "sur", "dans", "on", "in" is where something is, not who did it.
_WHERE = re.compile(
    r"\b(?:sur|dans|via|au|aux|en|on|in|at)(?:\s+(?:la|le|les|the))?\s+(?:l[’'])?$", re.I
)
_PHRASES = {DESCRIPTION, EXPANSION}  # short answers that are phrases, not names
SAME_AS_QUESTION = 0.9  # a candidate matching a question word this well is that word


@dataclass(frozen=True)
class Draft:
    """What an answerer produces; the Assistant adds passages and timings.

    ``short`` is the short answer alone (a name, number or date) when there is
    one; ``mode`` names the answerer that wrote it when it is not the one
    configured (a fallback), ``note`` says why, and ``unverified`` lists the
    sentences a verifier removed, each with its reason.
    """

    text: str
    abstained: bool
    citations: list[Citation]
    short: str = ""
    mode: str | None = None
    note: str = ""
    unverified: tuple[Unverified, ...] = ()


@dataclass(frozen=True)
class Unverified:
    """A generated sentence that failed verification, and why."""

    sentence: str
    reason: str


class Answerer(Protocol):
    """Turns a question and its passages into a cited Draft."""

    mode: str

    def answer(self, question: Question, passages: list[Passage], documents: int) -> Draft:
        """The answer; ``documents`` is how many documents the index holds."""
        ...

    def stream(
        self, question: Question, passages: list[Passage], documents: int
    ) -> Iterator[str | Draft]:
        """Text as it is produced, then the final Draft."""
        ...


class ExtractiveAnswerer:
    """Answers with the document's own words; no language model involved."""

    mode = "extractive"

    def __init__(self, scorer: EvidenceScorer) -> None:
        self._scorer = scorer

    def stream(
        self, question: Question, passages: list[Passage], documents: int
    ) -> Iterator[str | Draft]:
        yield self.answer(question, passages, documents)

    def answer(self, question: Question, passages: list[Passage], documents: int) -> Draft:
        evidence, matcher = self.evidence(question, passages)
        return self.answer_from(question, evidence, matcher, documents)

    def evidence(
        self, question: Question, passages: list[Passage]
    ) -> tuple[list[Evidence], TermMatcher]:
        """The sentences that support an answer, best first (none: abstain),
        and the matcher that aligned them with the question."""
        ranking = self._scorer.rank(question, passages)
        return [e for e in ranking.evidence if _supports(question, e)], ranking.matcher

    def answer_from(
        self, question: Question, evidence: list[Evidence], matcher: TermMatcher, documents: int
    ) -> Draft:
        """The short answer and quote that ``evidence`` gives, or an abstention."""
        if not evidence:
            return abstention(question, documents)
        best = evidence[0]
        if not question.expects:
            if question.kind == "why" and _CONSEQUENCE.match(best.sentence.text):
                best = _with_sentence_before(best)  # "Hence ...": the cause comes before
            return _quote(question, best, documents)
        found = [
            (e, chosen, fit)
            for e in evidence[:CANDIDATE_SENTENCES]
            for chosen, fit in [_short_answer(question, e, matcher)]
            if chosen
        ]
        if found:
            chosen_evidence, chosen, _ = max(found, key=lambda f: f[0].match + f[2])
            language = chosen_evidence.sentence.passage.chunk.language
            short = ", ".join(dict.fromkeys(render(c, language, question.language) for c in chosen))
            says = _says(question, chosen_evidence, documents)
            shown = f"{short[:1].upper()}{short[1:]}"
            if language != question.language and chosen[0].kind in _PHRASES:
                shown = f"“{short}”"  # the document's words, which no table translates
            text = f"{shown} [1]. {says}"
            return replace(_draft(text, chosen_evidence), short=short)
        if NAME in question.expects and best.match >= QUOTE_MATCH:
            # A "who"/"which" answer need not be a proper name ("l’armée de l’air russe").
            return _quote(question, best, documents)
        return abstention(question, documents)


def _short_answer(
    question: Question, evidence: Evidence, matcher: TermMatcher
) -> tuple[list[Candidate], float]:
    """The candidate(s) of ``evidence`` answering ``question``, and their fit."""
    sentence = evidence.sentence
    known = capitalised_words(sentence.passage.chunk.text)
    candidates = [
        c
        for c in find_candidates(sentence.text, set(question.expects), known)
        if not _in_question(c, question, matcher)
        and not (question.kind in _AGENT_KINDS and _is_complement(sentence.text, c))
        and not (question.kind == "who" and _WHERE.search(sentence.text[: c.start]))
    ]
    if question.kind == "list":
        names = [c for c in candidates if c.kind == NAME]
        return (names, MIN_FIT) if len(names) >= 2 else ([], 0.0)
    fits = [_context_fit(sentence.text, candidates, i, matcher) for i in range(len(candidates))]
    if not fits or max(fits) < MIN_FIT:
        return [], 0.0
    best = max(range(len(candidates)), key=lambda i: fits[i])
    return [candidates[best]], fits[best]


def _with_sentence_before(evidence: Evidence) -> Evidence:
    """``evidence`` extended back over the sentence before it in its passage."""
    sentence = evidence.sentence
    chunk = sentence.passage.chunk
    local = sentence.start - chunk.start
    before = [s for s, e in sentence_spans(chunk.text, chunk.language) if e <= local]
    if not before:
        return evidence
    start = chunk.start + before[-1]
    text = chunk.text[before[-1] : sentence.end - chunk.start]
    return replace(evidence, sentence=replace(sentence, start=start, text=text))


def _is_complement(sentence: str, candidate: Candidate) -> bool:
    """A name governed by "of" ("la présidence de l’OTSC", "alliés de Moscou")
    qualifies another noun: it is not who did something, nor an item of a list."""
    return bool(_OF.search(sentence[: candidate.start]))


def _context_fit(sentence: str, candidates: list[Candidate], i: int, matcher: TermMatcher) -> float:
    """How much of the question stands near candidate ``i``, between its
    neighbouring candidates: "353 blessés" answers "how many injured"."""
    candidate = candidates[i]
    left = candidates[i - 1].end if i > 0 else 0
    right = candidates[i + 1].start if i + 1 < len(candidates) else len(sentence)
    return round(matcher.near(sentence, (candidate.start, candidate.end), (left, right)), 3)


def _in_question(candidate: Candidate, question: Question, matcher: TermMatcher) -> bool:
    """A candidate the question already names (or a previous answer gave, for
    "who else") is not its answer."""
    excluded = fold(" ".join(question.exclude))
    if excluded and any(fold(w) in excluded for w in candidate.text.split()):
        return True
    return any(s >= SAME_AS_QUESTION for s, _ in matcher.align(candidate.text))


class TopPassageAnswerer:
    """The naive baseline of a first RAG tutorial: the best passage, quoted
    whole, is the answer; it never abstains. For comparison in the eval."""

    mode = "top-passage"

    def stream(
        self, question: Question, passages: list[Passage], documents: int
    ) -> Iterator[str | Draft]:
        yield self.answer(question, passages, documents)

    def answer(self, question: Question, passages: list[Passage], documents: int) -> Draft:
        if not passages:
            return abstention(question, documents)
        chunk = passages[0].chunk
        citation = cite(1, passages[0], chunk.start, chunk.end)
        return Draft(f"“{chunk.text}” [1]", abstained=False, citations=[citation])


def _quote(question: Question, evidence: Evidence, documents: int) -> Draft:
    return _draft(_says(question, evidence, documents), evidence)


def _says(question: Question, evidence: Evidence, documents: int) -> str:
    """The supporting sentence, quoted in the document's own words."""
    return f"{message(question.language, 'says', documents)} “{evidence.sentence.text}” [1]"


def abstention(question: Question, documents: int) -> Draft:
    """The plain "the article does not say" answer, in the question's language."""
    text = message(question.language, "abstain", documents)
    return Draft(text, abstained=True, citations=[])


def _supports(question: Question, evidence: Evidence) -> bool:
    """Evidence whose sentence holds enough of the question, and whose passage
    holds all its names and numbers (a pronoun may stand for them in the
    sentence itself)."""
    return evidence.asked_match >= MIN_MATCH and all(
        score >= PRESENT
        for term, (score, _) in zip(question.terms, evidence.context_alignment, strict=True)
        if term in question.specific
    )


def _draft(text: str, evidence: Evidence) -> Draft:
    sentence = evidence.sentence
    citation = cite(1, sentence.passage, sentence.start, sentence.end)
    return Draft(text, abstained=False, citations=[citation])
