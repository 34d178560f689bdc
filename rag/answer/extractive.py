"""The extractive answerer: the documents' own words, no language model.

It picks the evidence sentence, takes the short answer (a name, number or
date of the kind the question asks for) from it, and cites the sentence
exactly. It abstains in code, on evidence: when no sentence matches the
question's words, or when the question asks for a name, number or date that
the best sentences do not hold. The short-answer helpers here serve the
calibrated answerer (rag.answer.confidence) too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from rag.answer.answerer import Draft, WholeAnswerer, abstention, cited_draft, quote, says
from rag.answer.candidates import (
    DESCRIPTION,
    EXPANSION,
    NAME,
    NUMBER,
    Candidate,
    capitalised_words,
    find_candidates,
    number_value,
)
from rag.answer.cite import cite
from rag.answer.evidence import Evidence, EvidenceScorer
from rag.answer.localize import message, render
from rag.answer.match import PRESENT, TermMatcher
from rag.answer.question import Question
from rag.answer.roles import is_complement, is_not_a_doer
from rag.records import Passage
from rag.text.sentences import sentence_spans
from rag.text.words import fold

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
_PHRASES = {DESCRIPTION, EXPANSION}  # short answers that are phrases, not names
SAME_AS_QUESTION = 0.9  # a candidate matching a question word this well is that word


class ExtractiveAnswerer(WholeAnswerer):
    """Answers with the document's own words; no language model involved."""

    mode = "extractive"

    def __init__(self, scorer: EvidenceScorer) -> None:
        self._scorer = scorer

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
            return quote(question, cause_of(question, best), documents)
        found = [
            (e, chosen, fit)
            for e in evidence[:CANDIDATE_SENTENCES]
            for chosen, fit in [_short_answer(question, e, matcher)]
            if chosen
        ]
        if found:
            chosen_evidence, chosen, _ = max(found, key=_strength)
            rival = other_figure(chosen_evidence, chosen, found, _strength)
            if rival:
                return differing_draft(question, [(chosen_evidence, chosen), rival], documents)
            return short_draft(question, chosen_evidence, chosen, documents)
        if NAME in question.expects and best.match >= QUOTE_MATCH:
            # A "who"/"which" answer need not be a proper name ("l’armée de l’air russe").
            return quote(question, best, documents)
        return abstention(question, documents)


Found = tuple[Evidence, list[Candidate], float]  # evidence, its short answer, its fit


def _strength(found: Found) -> float:
    """How well a short answer and its sentence answer the question."""
    evidence, _, fit = found
    return evidence.match + fit


def other_figure(
    evidence: Evidence,
    chosen: list[Candidate],
    found: list[Found],
    strength: Callable[[Found], float],
) -> tuple[Evidence, list[Candidate]] | None:
    """Another document's figure for what ``chosen`` counts: the strongest of
    ``found`` (each would be an answer on its own) from another document whose
    number differs. None when the answer is no number or no document differs."""
    if chosen[0].kind != NUMBER or (value := number_value(chosen[0].text)) is None:
        return None
    source = evidence.sentence.passage.chunk.source
    others = [
        f
        for f in found
        if f[0].sentence.passage.chunk.source != source
        and f[1][0].kind == NUMBER
        and number_value(f[1][0].text) not in (value, None)
    ]
    if not others:
        return None
    other, figure, _ = max(others, key=strength)
    return other, figure


def _short_answer(
    question: Question, evidence: Evidence, matcher: TermMatcher
) -> tuple[list[Candidate], float]:
    """The candidate(s) of ``evidence`` answering ``question``, and their fit."""
    options = short_answers(question, evidence, matcher)
    if not options or max(fit for _, fit in options) < MIN_FIT:
        return [], 0.0
    return max(options, key=lambda option: option[1])


def short_answers(
    question: Question, evidence: Evidence, matcher: TermMatcher
) -> list[tuple[list[Candidate], float]]:
    """Every short answer ``evidence``'s sentence could give ``question``, each
    with its fit: how much of the question stands near it. A list question's
    one answer is all the names together, when there are two or more."""
    sentence = evidence.sentence
    known = capitalised_words(sentence.passage.chunk.text)
    candidates = [
        c
        for c in find_candidates(sentence.text, set(question.expects), known)
        if not _in_question(c, question, matcher)
        and not (question.kind in _AGENT_KINDS and is_complement(sentence.text, c))
        and not (question.kind == "who" and is_not_a_doer(sentence.text, c, matcher))
    ]
    if question.kind == "list":
        names = [c for c in candidates if c.kind == NAME]
        return [(names, MIN_FIT)] if len(names) >= 2 else []
    return [
        ([c], _context_fit(sentence.text, candidates, i, matcher)) for i, c in enumerate(candidates)
    ]


def short_draft(
    question: Question, evidence: Evidence, chosen: list[Candidate], documents: int
) -> Draft:
    """The short answer ``chosen``, rendered in the asker's language (CLDR
    names, numbers as digits), then the quote of its sentence."""
    short, shown = _rendered(question, evidence, chosen)
    text = f"{shown} [1]. {says(question, evidence, documents)}"
    return replace(cited_draft(text, evidence), short=short)


def differing_draft(
    question: Question, answers: list[tuple[Evidence, list[Candidate]]], documents: int
) -> Draft:
    """The figures that two documents give, each cited, the newest document
    first (an undated one last), then both sentences quoted."""
    answers = sorted(answers, key=lambda a: a[0].sentence.passage.chunk.date, reverse=True)
    language = question.language
    figures, quotes, citations, shorts = [], [], [], []
    for n, (evidence, chosen) in enumerate(answers, start=1):
        sentence = evidence.sentence
        short, _ = _rendered(question, evidence, chosen)
        dated = sentence.passage.chunk.date or message(language, "undated", documents)
        figures.append(f"{short} [{n}] ({dated})")
        quotes.append(f"“{sentence.text}” [{n}]")
        citations.append(cite(n, sentence.passage, sentence.start, sentence.end))
        shorts.append((n, short))
    text = (
        f"{message(language, 'differ', documents)} {'; '.join(figures)}. "
        f"{message(language, 'says', documents)} {' '.join(quotes)}"
    )
    return Draft(text, False, citations, short=shorts[0][1], differing=tuple(shorts))


def _rendered(question: Question, evidence: Evidence, chosen: list[Candidate]) -> tuple[str, str]:
    """The short answer ``chosen`` in the asker's language (CLDR names,
    numbers as digits), and as shown at the head of an answer."""
    language = evidence.sentence.passage.chunk.language
    short = ", ".join(dict.fromkeys(render(c, language, question.language) for c in chosen))
    shown = f"{short[:1].upper()}{short[1:]}"
    if language != question.language and chosen[0].kind in _PHRASES:
        shown = f"“{short}”"  # the document's words, which no table translates
    return short, shown


def cause_of(question: Question, evidence: Evidence) -> Evidence:
    """The evidence for a "why" question: a sentence that opens on a
    consequence ("Hence ...") extended back over its cause, before it."""
    if question.kind == "why" and _CONSEQUENCE.match(evidence.sentence.text):
        return _with_sentence_before(evidence)
    return evidence


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


def _supports(question: Question, evidence: Evidence) -> bool:
    """Evidence whose sentence holds enough of the question, and whose passage
    holds all its names and numbers (a pronoun may stand for them in the
    sentence itself)."""
    return evidence.asked_match >= MIN_MATCH and all(
        score >= PRESENT
        for term, (score, _) in zip(question.terms, evidence.context_alignment, strict=True)
        if term in question.specific
    )
