"""Question analysis: kind, content terms, specific terms, follow-ups, language."""

from __future__ import annotations

import pytest

from rag.answer.candidates import DATE, DESCRIPTION, EXPANSION, NAME, NUMBER
from rag.answer.question import analyse, content_terms, question_kind

HISTORY = [
    {"role": "user", "content": "Which country sent troops?"},
    {"role": "assistant", "content": "Russia [1]."},
]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who chairs the CSTO?", "who"),
        ("Qui assure la présidence de l’OTSC ?", "who"),
        ("How many soldiers were sent?", "how many"),
        ("Combien de soldats ont été envoyés ?", "how many"),
        ("When did the protests start?", "when"),
        ("Quand les manifestations ont-elles commencé ?", "when"),
        ("Where did the troops land?", "where"),
        ("Où les troupes ont-elles atterri ?", "where"),
        ("Why did fuel prices rise?", "why"),
        ("Pourquoi les prix ont-ils augmenté ?", "why"),
        ("Which countries are members of the CSTO?", "list"),
        ("Quels pays font partie de l’OTSC ?", "list"),
        ("Quelle est la mission de la force ?", "what"),
        ("Will the intervention ease tensions?", "yes/no"),
        ("Qu’est-ce qui a provoqué la crise ?", "why"),
        ("Qu'est-ce qui a provoqué la crise ?", "why"),
        ("What caused the crisis?", "why"),
        ("What was the fuel price before the increase?", "how many"),
        ("Quelle est la population du Kazakhstan ?", "how many"),
        ("What is the name of the president?", "who"),
        ("What does CSTO stand for?", "acronym"),
        ("Que signifie le sigle OTSC ?", "acronym"),
        ("What does ECFR mean?", "acronym"),
        ("What does the CSTO mean for Kazakhstan?", "what"),
        ("Do CSTO countries have the same means as Russia?", "yes/no"),
        ("What does it stand for?", "what"),
    ],
)
def test_question_kind(question: str, kind: str) -> None:
    assert question_kind(question) == kind


def test_qu_est_ce_qui_is_not_a_who_question() -> None:
    assert question_kind("Qu’est-ce qui a provoqué la crise ?") != "who"


@pytest.mark.parametrize(
    ("question", "expects"),
    [
        ("Who chairs the CSTO?", {NAME}),
        ("How many soldiers were sent?", {NUMBER}),
        ("Quand les manifestations ont-elles commencé ?", {DATE}),
        ("Why did fuel prices rise?", set()),
    ],
)
def test_the_kind_decides_the_expected_candidates(question: str, expects: set[str]) -> None:
    assert analyse(question).expects == expects


@pytest.mark.parametrize("question", ["Who is Marie Dumoulin?", "Qui est Marie Dumoulin ?"])
def test_who_is_a_person_asks_for_a_description(question: str) -> None:
    analysed = analyse(question)
    assert analysed.kind == "describe"
    assert analysed.expects == {DESCRIPTION}


def test_who_did_something_stays_a_who_question() -> None:
    assert analyse("Who chairs the CSTO?").kind == "who"


def test_terms_drop_stop_words_and_question_words() -> None:
    assert analyse("Who chairs the CSTO?").terms == ("chairs", "CSTO")
    assert analyse("How many soldiers were sent?").terms == ("soldiers", "sent")
    assert analyse("Qui assure la présidence de l’OTSC ?").terms == (
        "assure",
        "présidence",
        "OTSC",
    )


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("When did Armenia confirm its participation?", ("Armenia", "confirm", "participation")),
        ("Towards whom did Tokayev show loyalty?", ("Tokayev", "show", "loyalty")),
        ("What kind of force is it?", ("force",)),
        ("Quels pays font partie de l’OTSC ?", ("pays", "partie", "OTSC")),
        ("Combien de blessés parmi les forces de l’ordre ?", ("blessés", "forces", "ordre")),
        # "members of X" are X: articles say "les pays de l’OTSC", "les forces de l’ordre".
        ("Which countries are members of the CSTO?", ("countries", "CSTO")),
        ("Combien de membres des forces de sécurité ?", ("forces", "sécurité")),
    ],
)
def test_terms_drop_function_words(question: str, terms: tuple[str, ...]) -> None:
    assert analyse(question).terms == terms


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("Pourquoi les prix ont-ils augmenté ?", ["prix", "augmenté"]),
        ("Pourquoi le président a-t-il démissionné ?", ["président", "démissionné"]),
        ("Quand les manifestations ont-elles commencé ?", ["manifestations", "commencé"]),
        ("Combien de soldats la Russie a-t-elle envoyés ?", ["soldats", "Russie", "envoyés"]),
    ],
)
def test_french_inversion_pronouns_are_not_terms(question: str, terms: list[str]) -> None:
    assert content_terms(question) == terms


@pytest.mark.parametrize("word", ["ont-ils", "a-t-il", "a-t-elle", "ont-elles"])
def test_an_inversion_alone_gives_no_term(word: str) -> None:
    assert content_terms(word) == []


@pytest.mark.parametrize(
    "question",
    ["Qu’est-ce qui a provoqué la crise ?", "Est-ce que la Russie a envoyé des troupes ?"],
)
def test_est_ce_is_not_a_term(question: str) -> None:
    assert "est-ce" not in [t.casefold() for t in analyse(question).terms]


def test_specific_holds_names_away_from_the_start() -> None:
    assert analyse("Who chairs the CSTO?").specific == {"CSTO"}
    assert analyse("Qui assure la présidence de l’OTSC ?").specific == {"OTSC"}


def test_the_first_word_is_not_specific() -> None:
    analysed = analyse("Russia sent how many troops to Kazakhstan?")
    assert "Russia" in analysed.terms
    assert "Russia" not in analysed.specific
    assert "Kazakhstan" in analysed.specific


def test_terms_with_digits_are_specific() -> None:
    assert "2022" in analyse("What happened in January 2022?").specific


def test_a_follow_up_is_searched_with_the_previous_question() -> None:
    analysed = analyse("And who else sent troops?", HISTORY)
    assert analysed.follow_up
    assert "Which country sent troops?" in analysed.search_text
    assert "And who else sent troops?" in analysed.search_text
    assert "Russia [1]." in analysed.exclude
    assert "country" in analysed.terms


def test_without_history_nothing_is_a_follow_up() -> None:
    analysed = analyse("And who else sent troops?")
    assert not analysed.follow_up
    assert analysed.search_text == "And who else sent troops?"
    assert analysed.exclude == ()


def test_empty_history_is_no_history() -> None:
    assert not analyse("And who else sent troops?", []).follow_up


def test_a_self_contained_question_is_not_a_follow_up() -> None:
    question = "How many soldiers did Russia deploy to Kazakhstan in January?"
    analysed = analyse(question, HISTORY)
    assert not analysed.follow_up
    assert analysed.search_text == question
    assert analysed.exclude == ()


def test_a_follow_up_without_else_excludes_nothing() -> None:
    analysed = analyse("And when?", HISTORY)
    assert analysed.follow_up
    assert analysed.exclude == ()


@pytest.mark.parametrize(
    ("question", "language"),
    [("Who chairs the CSTO?", "en"), ("Qui préside l’OTSC ?", "fr")],
)
def test_language(question: str, language: str) -> None:
    assert analyse(question).language == language


def test_an_acronym_question_searches_for_the_acronym_alone() -> None:
    question = analyse("What does CSTO stand for?")
    assert question.terms == ("CSTO",)
    assert question.expects == {EXPANSION}
