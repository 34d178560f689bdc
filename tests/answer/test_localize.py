"""Rendering a short answer in the asker's language, and the interface messages."""

from __future__ import annotations

import pytest

from rag.answer.candidates import DATE, NAME, NUMBER, Candidate
from rag.answer.localize import MESSAGES, message, render, translations


def candidate(kind: str, text: str) -> Candidate:
    return Candidate(kind, text, 0, len(text))


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("Arménie", "Armenia"),
        ("l’Arménie", "Armenia"),
        ("Biélorussie", "Belarus"),
        ("Russie", "Russia"),
        ("Kazakhstan", "Kazakhstan"),
    ],
)
def test_a_country_name_is_translated(name: str, english: str) -> None:
    assert render(candidate(NAME, name), "fr", "en") == english


def test_a_country_name_is_translated_into_french() -> None:
    assert render(candidate(NAME, "Armenia"), "en", "fr") == "Arménie"


def test_a_plural_people_name_translates_as_its_singular() -> None:
    assert "russe" in translations("russians", ("en", "fr"))
    assert translations("almaty", ("en", "fr")) == set()


@pytest.mark.parametrize("name", ["Almaty", "Kirghizistan", "Maria Zakharova", "OTSC"])
def test_an_unknown_name_stays_as_written(name: str) -> None:
    assert render(candidate(NAME, name), "fr", "en") == name


@pytest.mark.parametrize(
    ("kind", "text", "rendered"),
    [
        (NAME, "l’Arménie", "Arménie"),
        (NAME, "Arménie", "Arménie"),
        (NUMBER, "douze", "douze"),
        (DATE, "mercredi 5 janvier 2022", "mercredi 5 janvier 2022"),
    ],
)
def test_same_language_renders_unchanged_but_without_elision(
    kind: str, text: str, rendered: str
) -> None:
    assert render(candidate(kind, text), "fr", "fr") == rendered


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("douze", "12"),
        ("353", "353"),
        ("1 200", "1200"),
        ("des dizaines", "des dizaines"),
        ("au moins un millier", "au moins un millier"),
    ],
)
def test_numbers_become_digits_unless_approximate(text: str, rendered: str) -> None:
    assert render(candidate(NUMBER, text), "fr", "en") == rendered


@pytest.mark.parametrize(
    ("text", "source", "target", "rendered"),
    [
        ("mercredi 5 janvier 2022", "fr", "en", "Wednesday 5 January 2022"),
        ("Friday, 3 March 2023", "en", "fr", "vendredi, 3 mars 2023"),
        ("ce matin", "fr", "en", "this morning"),
        ("jeudi matin", "fr", "en", "Thursday morning"),
        ("samedi dernier", "fr", "en", "last Saturday"),
        ("next Monday", "en", "fr", "lundi prochain"),
    ],
)
def test_a_date_is_translated_word_by_word(
    text: str, source: str, target: str, rendered: str
) -> None:
    assert render(candidate(DATE, text), source, target) == rendered


@pytest.mark.parametrize("text", ["en 2022", "aujourd’hui"])
def test_a_date_with_untranslatable_words_stays_as_written(text: str) -> None:
    assert render(candidate(DATE, text), "fr", "en") == text


def test_a_french_first_of_the_month_is_translated() -> None:
    assert render(candidate(DATE, "1er janvier 2022"), "fr", "en") == "1 January 2022"


def test_english_abstention() -> None:
    assert message("en", "abstain", 1).startswith("The article does not say")


def test_french_abstention() -> None:
    assert message("fr", "abstain", 1).startswith("L’article ne le dit pas")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_several_documents_use_the_plural_form(language: str) -> None:
    singular, plural = MESSAGES[language]["abstain"]
    assert message(language, "abstain", 3) == plural
    assert message(language, "abstain", 2) == plural
    assert message(language, "abstain", 1) == singular
    assert message(language, "abstain", 0) == singular
    assert singular != plural


def test_plural_wording() -> None:
    assert message("en", "abstain", 3).startswith("The documents do not say")
    assert message("fr", "abstain", 3).startswith("Les documents ne le disent pas")
    assert message("en", "says", 3) == "The documents say:"


@pytest.mark.parametrize("documents", [1, 3])
@pytest.mark.parametrize("key", ["abstain", "says"])
def test_an_unknown_language_falls_back_to_english(key: str, documents: int) -> None:
    assert message("de", key, documents) == message("en", key, documents)
    assert message("", key, documents) == message("en", key, documents)


@pytest.mark.parametrize("documents", [0, 1, 2, 3])
@pytest.mark.parametrize("key", ["abstain", "says"])
@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_messages_are_fixed_text(language: str, key: str, documents: int) -> None:
    text = message(language, key, documents)
    assert text
    assert "{" not in text
    assert "}" not in text
