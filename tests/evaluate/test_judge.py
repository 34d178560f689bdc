"""Wilson intervals, evidence ranks and the configurations of the eval."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from rag.evaluate.items import EvalItem
from rag.evaluate.judge import evidence_rank, judge
from rag.evaluate.metrics import summarise, wilson_interval
from rag.evaluate.runner import llm_configurations
from rag.models.gguf import known
from rag.records import Answer, Passage
from rag.settings import Settings
from tests.factories import make_passage


def passage(text: str, index: int = 0) -> Passage:
    return make_passage(text, index=index, score=1.0 / (index + 1))


def item(*evidence: str, answerable: bool = True) -> EvalItem:
    return EvalItem(
        id="q",
        split="dev",
        question="?",
        language="en",
        type="what",
        answerable=answerable,
        answers=["x"],
        evidence=list(evidence),
    )


# --- Wilson interval ------------------------------------------------------------


def test_wilson_of_nothing_is_zero():
    assert wilson_interval(0, 0) == (0.0, 0.0)


def test_wilson_half_of_hundred():
    low, high = wilson_interval(50, 100)
    assert low == pytest.approx(0.404, abs=0.001)
    assert high == pytest.approx(0.596, abs=0.001)


def test_wilson_stays_within_zero_and_one():
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0
    assert wilson_interval(0, 10)[1] > 0
    assert wilson_interval(10, 10)[0] < 1


def test_wilson_narrows_with_more_data():
    small = wilson_interval(5, 10)
    large = wilson_interval(500, 1000)
    assert large[1] - large[0] < small[1] - small[0]


def test_wilson_contains_the_rate():
    for successes, n in [(1, 3), (7, 40), (39, 40)]:
        low, high = wilson_interval(successes, n)
        assert low <= successes / n <= high


# --- evidence rank --------------------------------------------------------------


def test_evidence_rank_is_one_based():
    passages = [passage("nothing here", 0), passage("the 353 blessés count", 1)]
    assert evidence_rank(item("353 blessés"), passages) == 2


def test_evidence_rank_takes_the_first_matching_passage():
    passages = [passage("a", 0), passage("Almaty", 1), passage("Almaty again", 2)]
    assert evidence_rank(item("Almaty"), passages) == 2


def test_evidence_rank_accepts_any_evidence_string():
    passages = [passage("sur Telegram", 0), passage("Zakharova", 1)]
    assert evidence_rank(item("Zakharova", "Telegram"), passages) == 1


def test_evidence_rank_is_none_when_absent():
    assert evidence_rank(item("Almaty"), [passage("Moscou"), passage("Astana")]) is None


def test_evidence_rank_needs_the_whole_evidence_string():
    assert evidence_rank(item("au moins un millier"), [passage("un millier")]) is None


def test_evidence_rank_counts_only_the_asked_document():
    """The same words in a copy or a follow-up are not the evidence asked for."""
    asked = replace(item("Almaty"), document="kz.fr.txt")
    follow_up = make_passage("Almaty", source="corpus/kz-update.fr.txt")
    own = make_passage("Almaty", source="corpus/d000/kz.fr.txt", index=1)
    assert evidence_rank(asked, [follow_up, own]) == 2
    assert evidence_rank(asked, [follow_up]) is None


def test_evidence_rank_of_no_passages_is_none():
    assert evidence_rank(item("Almaty"), []) is None


def test_retrieval_figures_count_answerable_items_only():
    ranked = [passage("Moscou"), passage("Telegram", 1), passage("Almaty", 2)]
    questions = [item("Almaty"), item("Telegram"), item("absent"), item("x", answerable=False)]
    data = summarise(judge(q, answer_with(ranked)) for q in questions)
    assert data["answerable"] == 3
    assert (data["hit@1"], data["hit@3"], data["hit@5"]) == (0.0, 0.667, 0.667)
    assert data["mrr"] == round((1 / 3 + 1 / 2) / 3, 3)


def answer_with(passages: list[Passage]) -> Answer:
    return Answer("q", "x [1].", False, [], passages, "extractive", "en", {"total": 1.0})


def test_llm_configurations_are_json_for_the_report(tmp_path: Path) -> None:
    """Each configuration's overrides go into report.json as they are."""
    models = tmp_path / "models"
    models.mkdir()
    (models / known("qwen2.5-coder-0.5b").file).write_bytes(b"GGUF")
    settings = Settings(llm_model_path=tmp_path / "mine.gguf", models_dir=models)
    configurations = llm_configurations(settings)
    assert [c.overrides["verify"] for c in configurations] == [True, False, True, False]
    json.dumps([c.overrides for c in configurations])
