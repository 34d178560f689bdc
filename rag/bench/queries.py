"""The questions of a bench row: each asked warm through ``Assistant.ask``
(judged, timed whole), then again stage by stage."""

from __future__ import annotations

import time

from rag.answer.evidence import EvidenceScorer, Ranking
from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.question import Question, analyse
from rag.assistant import Assistant
from rag.bench.measure import percentiles
from rag.bench.results import QueryFigures
from rag.evaluate.items import EvalItem
from rag.evaluate.judge import judge
from rag.evaluate.metrics import summarise
from rag.evaluate.runner import COLD_START_QUESTION
from rag.records import Passage

# Per-question stages, in pipeline order; "retrieve" and "total" are the
# Assistant's own timings of `ask`, the others are timed piece by piece.
STAGES = ("analyse", "embed", "dense", "bm25", "fuse", "retrieve", "evidence", "answer", "total")


class TimedScorer(EvidenceScorer):
    """The evidence scorer, remembering how long its last ranking took, so the
    answer stage can be split into evidence scoring and the rest."""

    last_ms = 0.0

    def rank(self, question: Question, passages: list[Passage]) -> Ranking:
        started = time.perf_counter()
        try:
            return super().rank(question, passages)
        finally:
            self.last_ms = (time.perf_counter() - started) * 1000


def ask_all(assistant: Assistant, items: list[EvalItem]) -> QueryFigures:
    """Ask every item warm through ``Assistant.ask`` (judged, and timed as a
    whole), then again piece by piece for the stages ``ask`` does not split."""
    started = time.perf_counter()
    assistant.ask(COLD_START_QUESTION)
    first_ms = round((time.perf_counter() - started) * 1000, 1)
    scorer = TimedScorer(assistant.embeddings)
    answerer = ExtractiveAnswerer(scorer)
    documents = len(assistant.documents())
    timings: dict[str, list[float]] = {stage: [] for stage in STAGES}
    judgements = []
    for item in items:
        answer = assistant.ask(item.question, item.history)
        judgements.append(judge(item, answer))
        stages = stage_timings(assistant, answerer, scorer, item, documents)
        stages |= {"retrieve": answer.timings_ms["retrieve"], "total": answer.timings_ms["total"]}
        for stage, ms in stages.items():
            timings[stage].append(ms)
    summary = summarise(judgements)
    return QueryFigures(
        stages_ms={stage: percentiles(values) for stage, values in timings.items()},
        first_question_ms=first_ms,
        hit_at_5=summary["hit@5"],
        accuracy=summary["accuracy"],
        hits=[j.item.id for j in judgements if j.evidence_rank and j.evidence_rank <= 5],
        accuracy_ci95=list(summary["accuracy_ci95"]),
    )


def stage_timings(
    assistant: Assistant,
    answerer: ExtractiveAnswerer,
    scorer: TimedScorer,
    item: EvalItem,
    documents: int,
) -> dict[str, float]:
    """Milliseconds of each stage of one question, the pieces called in the
    order ``Assistant.ask`` calls them."""
    started = time.perf_counter()
    question = analyse(item.question, item.history)
    analysed = time.perf_counter()
    retrieval = assistant.search(question.search_text)
    answering = time.perf_counter()
    answerer.answer(question, retrieval.passages, documents)
    answer_ms = (time.perf_counter() - answering) * 1000
    search = retrieval.timings_ms
    return {
        "analyse": (analysed - started) * 1000,
        "embed": search["embed"],
        "dense": search["dense"],
        "bm25": search["lexical"],
        "fuse": search["fuse"],
        "evidence": scorer.last_ms,
        "answer": answer_ms - scorer.last_ms,
    }
