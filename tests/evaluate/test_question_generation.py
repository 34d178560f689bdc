"""The checks that keep or reject an LLM-written question of the generated split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.evaluate.items import EvalItem
from rag.evaluate.question_generation import (
    ANSWER_REPLY,
    Offer,
    Rejection,
    answer_spans,
    check,
    generate,
)
from rag.evaluate.question_generation import sentences as offered_sentences
from rag.ingest.load import load_document

SENTENCE = "Toutefois, l’Arménie, qui assure actuellement la présidence de l’OTSC, a confirmé."
OFFER = Offer("kz.fr.txt", "Kazakhstan", SENTENCE, "Arménie")
COPIED = "Qui assure actuellement la présidence de l’OTSC, a confirmé ?"


def question(text: str) -> str:
    return json.dumps({"question": text}, ensure_ascii=False)


def test_answer_spans_are_dates_numbers_and_names_past_the_first_word() -> None:
    assert answer_spans(SENTENCE) == ["Arménie", "OTSC"]
    assert answer_spans(
        "Between 4 March and 31 May, NHS Western Seaboard sent 212 flights over 1,250 km."
    ) == ["4 March", "31 May", "NHS Western Seaboard", "212", "1,250"]


@pytest.mark.parametrize(
    ("written", "language", "reason"),
    [
        ("not json", "en", "not a JSON object with a question"),
        (question("Armenia"), "en", "not a question"),
        (question("Quel pays préside l’alliance militaire ?"), "en", "not in en"),
        (question("Did Arménie chair the alliance?"), "en", "question gives its answer"),
        (question(COPIED), "fr", "question copies the sentence"),
    ],
)
def test_a_question_the_sentence_does_not_bear_out_is_rejected(
    written: str, language: str, reason: str
) -> None:
    assert check(written, OFFER, language, []) == (reason, None)


def test_a_kept_question_is_answered_by_its_span_and_the_span_s_cldr_names() -> None:
    reason, item = check(question("Which country chairs the alliance?"), OFFER, "en", [])
    assert reason == "" and item is not None
    assert (item.split, item.wording, item.document, item.evidence) == (
        "generated",
        "generated",
        "kz.fr.txt",
        [SENTENCE],
    )
    assert item.answers == ["Arménie", "armenia"]  # the judge folds case
    again = question("which country chairs the alliance?")
    assert check(again, OFFER, "en", [item]) == ("duplicate question", None)


def test_sentences_skip_the_headline_short_lines_and_dev_facts(tmp_path: Path) -> None:
    path = tmp_path / "a.fr.txt"
    path.write_text(
        "Un titre assez long pour passer pour une phrase de Huit mots\n"
        "Le conseil municipal de Lavergne a voté la fusion par dix voix contre neuf. "
        "Court. "
        "La maire, Martine Coudray, organisera une consultation des habitants le 23 avril.\n",
        encoding="utf-8",
    )
    document = load_document(path)
    offered = offered_sentences(document, ["une consultation des habitants le 23 avril"])
    assert offered == [
        "Le conseil municipal de Lavergne a voté la fusion par dix voix contre neuf."
    ]


def test_generation_keeps_what_the_llm_answers_again_and_logs_the_rest(tmp_path: Path) -> None:
    """The LLM's part is scripted here: what is under test is the loop."""
    (tmp_path / "a.fr.txt").write_text(
        "Titre\nLe conseil municipal de Lavergne a voté la fusion par dix voix contre neuf. "
        "La maire, Martine Coudray, organisera une consultation des habitants le 23 avril.\n",
        encoding="utf-8",
    )

    def ask(prompt: str, grammar: str) -> str:
        if grammar == ANSWER_REPLY:  # right again about the vote, wrong about the mayor
            return '{"answer": "Lavergne"}' if "vot" in prompt else '{"answer": "neuf"}'
        english = "in English" in prompt
        if "Lavergne" in prompt:
            return question("Which town voted?" if english else "Quelle commune a voté ?")
        return question("Who is the mayor?" if english else "Qui est la maire ?")

    results = list(generate(ask, [tmp_path], [], target=10))
    # Each sentence in one language, then in the other, then the mayor's
    # sentence with its other span (the date) in each language in turn.
    assert [(type(r), r.language) for r in results] == [
        (EvalItem, "en"),
        (Rejection, "fr"),
        (EvalItem, "fr"),
        (Rejection, "en"),
        (Rejection, "en"),
        (Rejection, "fr"),
    ]
    first, rejected, second, *_ = results
    assert rejected.reason == "answered otherwise when asked again"  # type: ignore[union-attr]
    assert first.fact == second.fact  # type: ignore[union-attr]
    earlier = ([first], [rejected])
    resumed = list(generate(ask, [tmp_path], [], 10, earlier))  # type: ignore[arg-type]
    assert [r.language for r in resumed] == ["fr", "en", "en", "fr"]
    assert len(list(generate(ask, [tmp_path], [], target=1))) == 1
