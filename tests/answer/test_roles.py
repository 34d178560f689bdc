"""Names that cannot answer "who": complements, places, datelines."""

from __future__ import annotations

import numpy as np
import pytest

from rag.answer.candidates import NAME, find_candidates
from rag.answer.match import TermMatcher
from rag.answer.roles import is_complement, is_not_a_doer


def one_hot(words: list[str]) -> dict[str, np.ndarray]:
    """Every word its own direction: only the same word (or one sharing its
    first five letters, by rag.answer.match.same_word) matches."""
    return {w: np.eye(len(words), dtype=np.float32)[i] for i, w in enumerate(words)}


@pytest.mark.parametrize(
    ("sentence", "place", "person"),
    [
        ("QUITO, 21 June 2023 — A beetle was named after Ana Reyes.", "QUITO", "Ana Reyes"),
        ("VERNAC (Dordogne), 15 juillet 2018 – Paul Martin a chanté.", "VERNAC", "Paul Martin"),
        ("PORT ALDERY, Ont. — Lena Weber said the ferry left late.", "PORT ALDERY", "Lena Weber"),
        (
            "Lascombettes (Cantal), le 15 novembre 2022 – Marc Roux parle.",
            "Lascombettes",
            "Marc Roux",
        ),
    ],
)
def test_a_datelines_place_is_not_who(sentence: str, place: str, person: str) -> None:
    matcher = TermMatcher(("said",), [sentence], one_hot)
    found = {c.text: c for c in find_candidates(sentence, {NAME}, {place.split()[0].lower()})}
    assert is_not_a_doer(sentence, found[place], matcher)
    assert not is_not_a_doer(sentence, found[person], matcher)


def test_a_name_before_a_word_of_the_question_qualifies_it() -> None:
    sentence = "The Cap Rouge lighthouse was repainted by Jeanne Morel."
    matcher = TermMatcher(("keeper", "lighthouse"), [sentence], one_hot)
    found = {c.text: c for c in find_candidates(sentence, {NAME}, set())}
    assert is_not_a_doer(sentence, found["Cap Rouge"], matcher)
    assert not is_not_a_doer(sentence, found["Jeanne Morel"], matcher)
    # Without the question's word after it, a name after "the" stays a candidate.
    other = TermMatcher(("keeper",), [sentence], one_hot)
    assert not is_not_a_doer(sentence, found["Cap Rouge"], other)


def test_a_name_after_of_or_in_is_a_complement_or_a_place() -> None:
    sentence = "L’Arménie assure la présidence de l’OTSC, réunie à Moscou dans Almaty."
    found = {c.text: c for c in find_candidates(sentence, {NAME}, {"armenie"})}
    assert is_complement(sentence, found["OTSC"]) and not is_complement(sentence, found["Arménie"])
    matcher = TermMatcher(("preside",), [sentence], one_hot)
    assert is_not_a_doer(sentence, found["Almaty"], matcher)
