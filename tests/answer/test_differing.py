"""Documents that give different figures for the same thing: both are shown,
each cited, the newest document first."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import Assistant

from .test_answer import assert_verified

pytestmark = pytest.mark.slow

STORY = (
    "Ferry and barge collide in fog on Lake Oskadee\n"
    "PORT ALDERY, 20 October 2021 — A passenger ferry collided with a gravel barge in thick "
    "fog on Tuesday evening. The ferry Loon Spirit was carrying 212 passengers when it struck "
    "the barge near the harbour entrance. Rescuers pulled 14 people from the water.\n"
)
UPDATE = (
    "Ferry collision: passenger count revised\n"
    "PORT ALDERY, 23 October 2021 — The operator revised its figures on Saturday. The ferry "
    "Loon Spirit was carrying 231 passengers when it struck the barge near the harbour "
    "entrance, the company said. Rescuers pulled 14 people from the water.\n"
)


@pytest.fixture(scope="module")
def ferry(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    docs = tmp_path_factory.mktemp("ferry-docs")
    # The update is written first, so that nothing but its date puts it first.
    (docs / "ferry-update.en.txt").write_text(UPDATE, encoding="utf-8")
    (docs / "ferry.en.txt").write_text(STORY, encoding="utf-8")
    assistant = Assistant.from_settings(index_dir=tmp_path_factory.mktemp("ferry-index"))
    assistant.index([docs])
    return assistant


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("How many passengers was the ferry carrying?", "The documents differ, newest first:"),
        ("Combien de passagers transportait le ferry ?", "Les documents diffèrent"),
    ],
)
def test_differing_figures_are_both_shown_newest_first(
    ferry: Assistant, question: str, opening: str
) -> None:
    answer = ferry.ask(question)
    assert answer.answer.startswith(opening)
    assert answer.differing == [{"n": 1, "answer": "231"}, {"n": 2, "answer": "212"}]
    newest, older = answer.citations
    assert (Path(newest.source).name, newest.date) == ("ferry-update.en.txt", "2021-10-23")
    assert (Path(older.source).name, older.date) == ("ferry.en.txt", "2021-10-20")
    assert "231 passengers" in newest.quote and "212 passengers" in older.quote
    assert "231 [1] (2021-10-23); 212 [2] (2021-10-20)" in answer.answer
    assert_verified(answer)


def test_documents_that_agree_give_one_answer(ferry: Assistant) -> None:
    answer = ferry.ask("How many people were pulled from the water?")
    assert answer.answer.startswith("14 [1].") and answer.differing == []
    assert ferry.ask("Who chairs the CSTO?").differing == []  # no figure: nothing to differ


@pytest.mark.parametrize("mode", ["learned confidence", "llm"])
def test_the_other_answer_modes_show_both_figures_too(
    ferry: Assistant, smollm2: Path, mode: str
) -> None:
    overrides: dict[str, object] = (
        {"confidence": "learned"} if mode != "llm" else {"mode": "llm", "llm_model_path": smollm2}
    )
    assistant = Assistant.from_settings(ferry.settings, **overrides)
    answer = assistant.ask("How many passengers was the ferry carrying?")
    assert answer.differing == [{"n": 1, "answer": "231"}, {"n": 2, "answer": "212"}]
    assert "231 [1] (2021-10-23); 212 [2] (2021-10-20)" in answer.answer
    assert answer.mode == "extractive" and (mode != "llm" or "differ" in answer.note)
    assert_verified(answer)
