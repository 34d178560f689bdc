"""Word identity across languages: folded spelling, shared stems, acronyms."""

from __future__ import annotations

import pytest

from rag.answer.match import same_word
from rag.text.words import acronym_letters, is_acronym


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Arménie", "armenie", True),  # case and accents folded
        ("deployed", "déployés", True),  # a shared 5-letter stem
        ("CSTO", "OTSC", True),  # a translated acronym keeps its letters
        ("EU", "UE", True),
        ("NATO", "OTAN", True),
        ("CSTO", "NATO", False),
        ("Otsc", "CSTO", False),  # only capitals make an acronym
        ("armée", "armes", False),
    ],
)
def test_same_word(a: str, b: str, same: bool) -> None:
    assert same_word(a, b) is same


@pytest.mark.parametrize(("word", "acronym"), [("OTSC", True), ("UE", True), ("A", False),
                                               ("Kazakhstan", False), ("G7", True)])  # fmt: skip
def test_is_acronym(word: str, acronym: bool) -> None:
    assert is_acronym(word) is acronym


def test_acronym_letters_ignore_order() -> None:
    assert acronym_letters("OTSC") == acronym_letters("CSTO") == "cost"
