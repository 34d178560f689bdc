"""Answers: what an answerer produces, the interface every answerer meets,
and the pieces they share (the quote of an evidence sentence, its citation,
the abstention).

``Answerer`` is the interface the answerers plug into: the extractive ones
(rag.answer.extractive, with rules; rag.answer.confidence, with a learned confidence
model), the generative one (rag.generate.generative) and the naive baseline below.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Protocol

from rag.answer.cite import cite, keep_cited
from rag.answer.evidence import Evidence
from rag.answer.localize import message
from rag.answer.question import Question
from rag.records import Answer, Citation, Passage


@dataclass(frozen=True)
class Draft:
    """What an answerer produces; the Assistant adds passages and timings.

    ``short`` is the short answer alone (a name, number or date) when there is
    one; ``mode`` names the answerer that wrote it when it is not the one
    configured (a fallback), ``note`` says why, and ``unverified`` lists the
    sentences a verifier removed, each with its reason. ``differing`` pairs
    citation numbers with the short answers of documents that disagree
    (newest first).
    """

    text: str
    abstained: bool
    citations: list[Citation]
    short: str = ""
    mode: str | None = None
    note: str = ""
    unverified: tuple[Unverified, ...] = ()
    differing: tuple[tuple[int, str], ...] = ()

    def to_answer(
        self,
        question: Question,
        passages: list[Passage],
        mode: str,
        timings_ms: dict[str, float] | None = None,
    ) -> Answer:
        """The Answer a reader is shown: of an answer's citations only those its
        text cites; ``mode``, the configured answerer, unless the draft names
        its own."""
        return Answer(
            question=question.text,
            answer=self.text if self.abstained else keep_cited(self.text, self.citations),
            abstained=self.abstained,
            citations=self.citations,
            passages=passages,
            mode=self.mode or mode,
            note=self.note,
            unverified=[asdict(u) for u in self.unverified],
            differing=[{"n": n, "answer": short} for n, short in self.differing],
            language=question.language,
            timings_ms=timings_ms or {},
        )


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


class WholeAnswerer(ABC):
    """An answerer whose answer comes whole, at once: its stream is the Draft."""

    mode: str

    def stream(
        self, question: Question, passages: list[Passage], documents: int
    ) -> Iterator[str | Draft]:
        yield self.answer(question, passages, documents)

    @abstractmethod
    def answer(self, question: Question, passages: list[Passage], documents: int) -> Draft:
        """The answer; ``documents`` is how many documents the index holds."""


class TopPassageAnswerer(WholeAnswerer):
    """The naive baseline of a first RAG tutorial: the best passage, quoted
    whole, is the answer; it never abstains. For comparison in the eval."""

    mode = "top-passage"

    def answer(self, question: Question, passages: list[Passage], documents: int) -> Draft:
        if not passages:
            return abstention(question, documents)
        chunk = passages[0].chunk
        citation = cite(1, passages[0], chunk.start, chunk.end)
        return Draft(f"“{chunk.text}” [1]", abstained=False, citations=[citation])


def quote(question: Question, evidence: Evidence, documents: int) -> Draft:
    """The answer that is the evidence sentence itself, quoted and cited."""
    return cited_draft(says(question, evidence, documents), evidence)


def says(question: Question, evidence: Evidence, documents: int) -> str:
    """The supporting sentence, quoted in the document's own words."""
    return f"{message(question.language, 'says', documents)} “{evidence.sentence.text}” [1]"


def abstention(question: Question, documents: int) -> Draft:
    """The plain "the article does not say" answer, in the question's language."""
    text = message(question.language, "abstain", documents)
    return Draft(text, abstained=True, citations=[])


def cited_draft(text: str, evidence: Evidence) -> Draft:
    """``text`` citing ``evidence``'s sentence as [1]."""
    sentence = evidence.sentence
    citation = cite(1, sentence.passage, sentence.start, sentence.end)
    return Draft(text, abstained=False, citations=[citation])
