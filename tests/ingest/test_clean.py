"""clean_text: line-break repair and removal of web debris."""

from __future__ import annotations

import pytest

from rag.ingest.clean import clean_text

from ..conftest import ARTICLE


def test_lone_period_line_joins_previous_line():
    assert clean_text("la violation des lois\n.") == "la violation des lois."


def test_line_starting_with_comma_joins_previous_line():
    text = "afin de normaliser la situation\n, a indiqué cette alliance."
    assert clean_text(text) == "afin de normaliser la situation, a indiqué cette alliance."


def test_lowercase_line_joins_unfinished_previous_line():
    text = "une force de maintien de la paix\nchez leur voisin d’Asie centrale."
    assert clean_text(text) == "une force de maintien de la paix chez leur voisin d’Asie centrale."


def test_lowercase_line_after_finished_sentence_stays_separate():
    assert clean_text("Il est parti.\npuis il est revenu.") == "Il est parti.\npuis il est revenu."


def test_heading_without_punctuation_keeps_its_own_line():
    text = "Moscou s’implique directement\nLe dialogue aura fait long feu."
    assert clean_text(text) == text


def test_embedded_tweet_body_and_attribution_are_dropped():
    text = (
        "Avant le tweet.\n"
        "Oyuna gelme kardeş #Kazakhstan pic.twitter.com/OXHNnY8aPW\n"
        "— Süleyman AKSU (@suleymanaksu) January 6, 2022\n"
        "Après le tweet."
    )
    assert clean_text(text) == "Avant le tweet.\nAprès le tweet."


def test_trailing_photo_credit_is_stripped():
    text = "D’où le recours aux forces russes. | EPA/MAXPPP"
    assert clean_text(text) == "D’où le recours aux forces russes."


def test_pipe_inside_a_sentence_is_kept():
    assert clean_text("Prix | en baisse depuis hier.") == "Prix | en baisse depuis hier."


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x1b", "\x7f"])
def test_control_characters_are_removed(char):
    assert clean_text(f"Pre{char}mière phrase.") == "Première phrase."


def test_tab_inside_a_line_is_kept():
    assert clean_text("Colonne\tvaleur.") == "Colonne\tvaleur."


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_carriage_returns_become_newlines(newline):
    assert clean_text(f"Première phrase.{newline}Deuxième phrase.") == (
        "Première phrase.\nDeuxième phrase."
    )


def test_repeated_blank_lines_collapse_to_one_paragraph_break():
    assert clean_text("Un.\n\n\n\nDeux.") == "Un.\n\nDeux."


def test_surrounding_whitespace_is_trimmed():
    assert clean_text("\n\n   Texte.   \n\n") == "Texte."


@pytest.fixture(scope="module")
def cleaned_article() -> str:
    return clean_text(ARTICLE.read_text(encoding="utf-8"))


def test_article_has_no_lone_period_line(cleaned_article):
    assert all(line.strip() != "." for line in cleaned_article.split("\n"))


def test_article_has_no_tweet(cleaned_article):
    assert "twitter" not in cleaned_article.lower()
    assert "@suleymanaksu" not in cleaned_article


def test_article_has_no_photo_credit(cleaned_article):
    assert "MAXPPP" not in cleaned_article


def test_article_sentence_broken_by_lost_quote_is_rejoined(cleaned_article):
    assert "l’Arménie, qui assure actuellement la présidence de l’OTSC" in cleaned_article
    assert "la violation des lois." in cleaned_article


def test_article_headings_stay_on_their_own_line(cleaned_article):
    lines = cleaned_article.split("\n")
    assert "Moscou s’implique directement" in lines
    assert "Aucune réaction des Occidentaux" in lines


def test_clean_text_is_idempotent_on_article(cleaned_article):
    assert clean_text(cleaned_article) == cleaned_article
