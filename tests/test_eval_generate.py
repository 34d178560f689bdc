"""The checks that keep or reject an LLM-written question of the generated split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.eval_generate import ANSWER_REPLY, Rejection, check, generate, sentences
from rag.eval_set import EvalItem
from rag.load import load_document

SENTENCE = "Toutefois, l’Arménie, qui assure actuellement la présidence de l’OTSC, a confirmé."


def reply(question: str, answer: str) -> str:
    return json.dumps({"question": question, "answer": answer}, ensure_ascii=False)


WHICH = "Which country chairs the alliance?"
LONG = "l’Arménie, qui assure actuellement la présidence de l’OTSC, a confirmé"
COPIED = "Qui assure actuellement la présidence de l’OTSC, a confirmé ?"


@pytest.mark.parametrize(
    ("written", "language", "reason"),
    [
        ("not json", "en", "not a JSON object of question and answer"),
        (reply("Armenia", "Arménie"), "en", "not a question"),
        (reply("Quel pays préside l’alliance militaire ?", "Arménie"), "en", "not in en"),
        (reply(WHICH, "Armenia"), "en", "answer not in the sentence"),
        (reply(WHICH, LONG), "en", "no short answer"),
        (reply("Did Arménie chair the alliance?", "Arménie"), "en", "question gives its answer"),
        (reply(COPIED, "Arménie"), "fr", "question copies the sentence"),
    ],
)
def test_a_question_the_sentence_does_not_bear_out_is_rejected(
    written: str, language: str, reason: str
) -> None:
    assert check(written, SENTENCE, language, "kz.fr.txt", []) == (reason, None)


def test_a_kept_question_answers_in_the_sentence_s_words_and_its_cldr_names() -> None:
    reason, item = check(
        reply("Which country chairs the alliance?", "Arménie"), SENTENCE, "en", "kz.fr.txt", []
    )
    assert reason == "" and item is not None
    assert (item.split, item.wording, item.document, item.evidence) == (
        "generated",
        "generated",
        "kz.fr.txt",
        [SENTENCE],
    )
    assert item.answers == ["Arménie", "armenia"]  # the judge folds case
    assert check(
        reply("which country chairs the alliance?", "l’Arménie"), SENTENCE, "en", "kz", [item]
    ) == ("duplicate question", None)


def test_sentences_skip_the_headline_short_lines_and_dev_facts(tmp_path: Path) -> None:
    path = tmp_path / "a.fr.txt"
    path.write_text(
        "Un titre assez long pour passer pour une phrase de huit mots\n"
        "Le conseil municipal de Lavergne a voté la fusion par dix voix contre neuf. "
        "Court. "
        "La maire, Martine Coudray, organisera une consultation des habitants le 23 avril.\n",
        encoding="utf-8",
    )
    document = load_document(path)
    offered = sentences(document, ["une consultation des habitants le 23 avril"])
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
            return '{"answer": "Lavergne"}' if "vot" in prompt else '{"answer": "le 23 avril"}'
        english = "Write a question in English" in prompt
        if "Lavergne" in prompt:
            return reply("Which town voted?" if english else "Quelle commune a voté ?", "Lavergne")
        return reply("Who is the mayor?" if english else "Qui est la maire ?", "Martine Coudray")

    results = list(generate(ask, [tmp_path], [], target=10))
    # Each sentence in one language, then in the other.
    assert [(type(r), r.language) for r in results] == [
        (EvalItem, "en"),
        (Rejection, "fr"),
        (EvalItem, "fr"),
        (Rejection, "en"),
    ]
    first, rejected, second, _ = results
    assert rejected.reason == "answered otherwise when asked again"  # type: ignore[union-attr]
    assert first.fact == second.fact  # type: ignore[union-attr]
    resumed = list(generate(ask, [tmp_path], [], 10, ([first], [rejected])))  # type: ignore[list-item]
    assert [r.language for r in resumed] == ["fr", "en"]
    assert len(list(generate(ask, [tmp_path], [], target=1))) == 1
