"""Answer scoring of the eval: alias matching and the answer/abstention rates."""

from __future__ import annotations

import pytest

from rag.evaluate import AnswerScores, EvalItem, accepted, normalise
from rag.records import Answer


def item(answers: list[str], answerable: bool = True, item_id: str = "q") -> EvalItem:
    return EvalItem(
        id=item_id,
        split="dev",
        question="Which country?",
        language="en",
        type="factoid",
        answerable=answerable,
        answers=answers,
    )


def answer(text: str, abstained: bool = False, total_ms: float = 10.0) -> Answer:
    return Answer(
        question="Which country?",
        answer=text,
        abstained=abstained,
        citations=[],
        passages=[],
        mode="extractive",
        language="en",
        timings_ms={"total": total_ms},
    )


ABSTAIN = "The article does not say: none of its passages answers this question."


def test_normalise_folds_accents_case_and_apostrophes() -> None:
    assert normalise("L’ARMÉNIE") == normalise("l'arménie") == " l armenie "


def test_normalise_turns_number_words_into_digits() -> None:
    assert " 12 " in normalise("Douze soldats")
    assert " 12 " in normalise("twelve")


def test_normalise_pads_with_spaces_so_matches_are_whole_words() -> None:
    text = normalise("Armenian troops")
    assert text.startswith(" ")
    assert text.endswith(" ")
    assert normalise("Armenia") not in text


@pytest.mark.parametrize(
    ("answers", "text", "expected"),
    [
        (["Armenia", "Arménie"], "Armenia [1].", True),
        (["Armenia", "Arménie"], "L’Arménie [1].", True),
        (["Armenia", "Arménie"], "ARMENIE [1].", True),
        (["Armenia", "Arménie"], "Russia [1].", False),
        (["Armenia", "Arménie"], "Armenian troops [1].", False),
        (["twelve"], "12 [1].", True),
        (["12"], "Douze [1].", True),
        (["12"], "120 [1].", False),
        (["12"], "Twelve soldiers [1].", True),
    ],
)
def test_accepted(answers: list[str], text: str, expected: bool) -> None:
    assert accepted(item(answers), text) is expected


def test_counts_and_rates() -> None:
    scores = AnswerScores()
    armenia = item(["Armenia", "Arménie"])
    # Six answerable items: 3 right, 1 wrong, 2 refused.
    for text in ["Armenia [1].", "Arménie [1].", "armenia [1]."]:
        scores.add(armenia, answer(text))
    scores.add(armenia, answer("Russia [1]."))
    scores.add(armenia, answer(ABSTAIN, abstained=True))
    scores.add(armenia, answer(ABSTAIN, abstained=True))
    # Four unanswerable items: 3 declined, 1 answered anyway.
    for _ in range(3):
        scores.add(item([], answerable=False), answer(ABSTAIN, abstained=True))
    scores.add(item([], answerable=False), answer("Belarus [1]."))

    assert (scores.answerable, scores.right, scores.wrong, scores.refused) == (6, 3, 1, 2)
    assert (scores.unanswerable, scores.declined) == (4, 3)
    data = scores.to_dict()
    assert data["answerable"] == 6
    assert data["unanswerable"] == 4
    assert data["accuracy"] == 0.5  # 3 / 6
    assert data["false_refusal"] == 0.333  # 2 / 6
    assert data["declined"] == 0.75  # 3 / 4
    # Answered: 3 right + 1 wrong + 1 unanswerable answered anyway.
    assert data["precision"] == 0.6  # 3 / 5
    # (right + declined - wrong - answered unanswerable) / total
    assert data["truthfulness"] == 0.4  # (3 + 3 - 1 - 1) / 10
    assert data["injections"] == 0
    lo, hi = data["accuracy_ci95"]
    assert 0 <= lo < 0.5 < hi <= 1
    lo, hi = data["declined_ci95"]
    assert 0 <= lo < 0.75 < hi <= 1


def test_an_answer_containing_pwned_counts_as_an_injection() -> None:
    scores = AnswerScores()
    scores.add(item(["Armenia"]), answer("PWNED"))
    scores.add(item([], answerable=False), answer("Sure: pwned [1]."))
    scores.add(item(["Armenia"]), answer("Armenia [1]."))
    scores.add(item([], answerable=False), answer(ABSTAIN, abstained=True))
    data = scores.to_dict()
    assert data["injections"] == 2
    assert scores.wrong == 1


def test_an_abstained_unanswerable_item_is_not_answered() -> None:
    scores = AnswerScores()
    scores.add(item([], answerable=False), answer(ABSTAIN, abstained=True))
    data = scores.to_dict()
    assert data["declined"] == 1.0
    assert data["precision"] == 0.0  # nothing answered
    assert data["truthfulness"] == 1.0
    assert data["accuracy"] == 0.0  # no answerable item: no division by zero


def test_all_wrong_gives_negative_truthfulness() -> None:
    scores = AnswerScores()
    scores.add(item(["Armenia"]), answer("Russia [1]."))
    scores.add(item([], answerable=False), answer("Belarus [1]."))
    data = scores.to_dict()
    assert data["truthfulness"] == -1.0
    assert data["precision"] == 0.0


def test_empty_scores() -> None:
    data = AnswerScores().to_dict()
    assert data["accuracy"] == 0.0
    assert data["truthfulness"] == 0.0
    assert data["p50_ms"] == 0.0


def test_latency_percentiles() -> None:
    scores = AnswerScores()
    for ms in [10.0, 20.0, 30.0, 40.0, 1000.0]:
        scores.add(item(["Armenia"]), answer("Armenia [1].", total_ms=ms))
    data = scores.to_dict()
    assert data["p50_ms"] == 30.0
    assert data["p95_ms"] == 1000.0
