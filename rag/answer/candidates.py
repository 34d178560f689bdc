"""Answer candidates in a sentence: names, numbers and dates, found by rule.

Rules rather than a NER model: they work the same for English and French
(and other Latin-script languages), cost microseconds, and keep the answer
path free of a 500 MB spaCy load (cold start matters; no English spaCy model
is installable from PyPI here). Every candidate keeps its character span in
the sentence so the quote around it can be cited exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import find_numbers, text2num

from rag.text.words import STOPWORDS, fold

NAME, NUMBER, DATE = "name", "number", "date"
EXPANSION = "expansion"  # what an acronym stands for
DESCRIPTION = "description"  # what a named person or thing is: "la porte-parole de ..."

_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_WORD_CHARS = r"\w’'\-"
# A capitalised word, or several joined by spaces or hyphens ("Kassim-Jomart
# Tokaïev", "European Council on Foreign Relations" via lowercase linkers).
_NAME = re.compile(
    rf"(?<![\w’'])(?:[lLdD]|[qQ]u)?[’']?"
    rf"(?P<name>[{_UPPER}][{_WORD_CHARS}]*"
    rf"(?:\s(?:(?:on|of|for|the|de|du|des|la|le|et|and)\s)?[{_UPPER}][{_WORD_CHARS}]*)*)"
)
_ELISION = re.compile(r"^(?:[lLdDjJnNsScCmMtT]|[qQ]u)[’']")
_PARENTHESISED_ACRONYM = re.compile(rf"\s*\((?P<acronym>[{_UPPER}]{{2,}})\)")
_ACRONYM_THEN_EXPANSION = re.compile(rf"\b(?P<acronym>[{_UPPER}]{{2,}})\s*\((?P<long>[^()]+)\)")

# The languages whose number words text2num reads ("quatre mille", "twenty-five").
NUMBER_LANGUAGES = ("en", "fr")
# Words that give an order of magnitude, not a count ("des dizaines"), and it.
APPROXIMATE_WORDS = {
    "dizaine": 10, "dizaines": 10, "douzaine": 12, "douzaines": 12, "centaine": 100,
    "centaines": 100, "millier": 1000, "milliers": 1000, "dozen": 12, "dozens": 12,
    "hundreds": 100, "thousands": 1000, "millions": 1_000_000,
}  # fmt: skip
_QUALIFIER = r"(?:au moins|at least|environ|about|around|plus de|more than|près de|nearly)\s+"
_QUALIFIED = re.compile(rf"{_QUALIFIER}$", re.IGNORECASE)
_DIGITS = re.compile(
    r"(?:(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+(?![\d])|(?<![\w.,])\d+(?:[.,]\d+)?(?![\d]))"
    r"(?:\s+(?:millions?|milliards?|billions?)\b)?",
    re.IGNORECASE,
)
_APPROXIMATE = re.compile(
    r"(?<![\w’'])(?:(?:un|une|des|a|several|quelques)\s+)?(?:"
    + "|".join(APPROXIMATE_WORDS)
    + r")(?!\w)",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\w+|[^\w\s]")
_DETERMINER = re.compile(
    r"(?<![\w’'])(?:(?:le|la|les|un|une|son|sa|ses|leur|the|a|an|its|his|her|their)\s+|l[’'])",
    re.IGNORECASE,
)
_COMPLEMENT = re.compile(r"(?:\b(?:de|du|des|à|au|aux|of)\s+|\bd[’'])$", re.IGNORECASE)
_APPOSITION_AFTER = re.compile(r",\s+([a-zà-ÿ][^,.;:()]*(?:\([^()]*\))?)(?=[,.;:]|$)")
_MONTHS = (
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_DAYS = (
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_PERIODS = "matin|après-midi|soir|morning|afternoon|evening|night"
# Absolute dates, and the relative ones news is dated with: "ce jeudi matin",
# "samedi dernier", "this morning", "hier".
_DATE = re.compile(
    rf"(?:(?:{_DAYS}),?\s+)?(?:(?:the\s+)?\d{{1,2}}(?:er|st|nd|rd|th)?\s+(?:{_MONTHS})"
    rf"(?:\s+\d{{4}})?|(?:{_MONTHS})\s+\d{{1,2}}(?:,?\s+\d{{4}})?)"
    rf"|(?:(?:ce|cet|cette|this)\s+)?(?:{_DAYS})(?:\s+(?:dernier|prochain|{_PERIODS}))?"
    rf"|(?:ce|cet|cette|this)\s+(?:{_PERIODS})"
    rf"|(?:last|next|this)\s+(?:{_DAYS}|week|month|year)"
    rf"|\b(?:hier|avant-hier|aujourd[’']hui|demain|yesterday|today|tonight|tomorrow)"
    rf"(?:\s+(?:{_PERIODS}))?\b"
    rf"|(?:en|in)\s+(?:19|20)\d{{2}}|(?:{_MONTHS})\s+(?:19|20)\d{{2}}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    """A possible short answer: its kind, text and span within the sentence."""

    kind: str
    text: str
    start: int
    end: int


def find_candidates(sentence: str, kinds: set[str], names_elsewhere: set[str]) -> list[Candidate]:
    """Candidates of ``kinds`` in ``sentence``, in order of appearance.

    A capitalised first word counts as a name only when it also appears
    capitalised in ``names_elsewhere`` (folded), since every sentence starts
    with a capital.
    """
    found: list[Candidate] = []
    if DATE in kinds:
        found += [Candidate(DATE, m.group(), m.start(), m.end()) for m in _DATE.finditer(sentence)]
    if NUMBER in kinds:
        found += [c for c in _numbers(sentence) if not _inside(c.start, found)]
    if EXPANSION in kinds:
        found += _expansions(sentence)
    if DESCRIPTION in kinds:
        found += _descriptions(sentence)
    if NAME in kinds:
        for match in _NAME.finditer(sentence):
            start, text = match.start("name"), match.group("name").rstrip("’'-")
            if start == _first_word_start(sentence) and fold(text.split()[0]) not in (
                names_elsewhere
            ):
                # Drop the sentence-initial word; keep the name after it, if any
                # ("Mais la Russie" -> "Russie").
                rest = re.search(rf"\s(?:\S+\s)*?(?=[{_UPPER}])", text)
                if rest is None:
                    continue
                start, text = start + rest.end(), text[rest.end() :]
            end = start + len(text)
            while (first := re.match(r"(\S+)\s*", sentence[start:end])) and fold(
                first.group(1)
            ) in STOPWORDS:  # "Le Kremlin" -> "Kremlin"
                start += first.end()
            if start < end and not _inside(start, found):
                found.append(Candidate(NAME, sentence[start:end], start, end))
    return sorted(found, key=lambda c: c.start)


def _numbers(sentence: str) -> list[Candidate]:
    """Numbers in digits, in words (by text2num) and in orders of magnitude
    ("des dizaines"), each with the qualifier before it ("au moins")."""
    spans = [m.span() for m in _DIGITS.finditer(sentence)]
    spans += [m.span() for m in _APPROXIMATE.finditer(sentence)]
    tokens = [_Token(m) for m in _TOKEN.finditer(sentence)]
    for language in NUMBER_LANGUAGES:
        # Threshold 2: "un", "one" alone are articles more often than counts.
        for occurrence in find_numbers(tokens, language, 2):
            spans.append((tokens[occurrence.start].start, tokens[occurrence.end - 1].end))
    found: list[Candidate] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if found and start < found[-1].end:
            continue  # inside a longer number found already
        qualifier = _QUALIFIED.search(sentence[:start])
        start = qualifier.start() if qualifier else start
        found.append(Candidate(NUMBER, sentence[start:end], start, end))
    return found


class _Token:
    """A word or punctuation mark, as text2num's find_numbers reads them."""

    def __init__(self, match: re.Match[str]) -> None:
        self.start, self.end, self._text = match.start(), match.end(), match.group()

    def text(self) -> str:
        return self._text

    def nt_separated(self, previous: _Token) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return False


def _expansions(sentence: str) -> list[Candidate]:
    """Spelled-out names beside their acronym, either way round:
    "l’Organisation du traité de sécurité collective (OTSC)", "ECFR (European
    Council on Foreign Relations)". The words' initials, linkers aside, must
    spell the acronym."""
    found = []
    for match in _PARENTHESISED_ACRONYM.finditer(sentence):
        acronym, start = match.group("acronym"), match.start()
        words = list(re.finditer(rf"[{_WORD_CHARS}]+", sentence[:start]))
        for first in range(len(words) - 1, max(-1, len(words) - 3 * len(acronym)), -1):
            span = (words[first].start(), words[-1].end())
            if _initials(sentence[span[0] : span[1]]) == acronym.casefold():
                text = strip_elision(sentence[span[0] : span[1]])
                found.append(Candidate(EXPANSION, text, span[1] - len(text), span[1]))
                break
    for match in _ACRONYM_THEN_EXPANSION.finditer(sentence):
        if _initials(match.group("long")) == match.group("acronym").casefold():
            found.append(Candidate(EXPANSION, match.group("long"), *match.span("long")))
    return found


def _descriptions(sentence: str) -> list[Candidate]:
    """Appositions beside a name, which say what it is: "Marie Dumoulin,
    directrice de programme à l’ECFR", "la porte-parole de la diplomatie
    russe, Maria Zakharova"."""
    found = []
    for match in _NAME.finditer(sentence):
        before = _apposition_before(sentence[: match.start("name")])
        if before is not None:  # a title before the name is surer than a phrase after it
            text = sentence[before : match.start("name")].rstrip(", ")
            found.append(Candidate(DESCRIPTION, text, before, before + len(text)))
        elif after := _APPOSITION_AFTER.match(sentence, match.end()):
            found.append(Candidate(DESCRIPTION, after.group(1), *after.span(1)))
    return found


def _apposition_before(text: str) -> int | None:
    """Where the noun phrase that ``text`` ends with (", " then the name)
    starts: at its last determiner that does not open a complement ("la
    porte-parole de la diplomatie russe, ")."""
    if not re.search(r"[^\W\d_][^,.;:()]*,\s+$", text):
        return None
    phrase_start = max(text.rfind(p, 0, len(text.rstrip(", "))) for p in ",.;:()") + 1
    starts = [
        m.start()
        for m in _DETERMINER.finditer(text, phrase_start)
        if not _COMPLEMENT.search(text[: m.start()])
    ]
    return starts[-1] if starts else None


def _initials(words: str) -> str:
    """First letters of the words that are not linkers: "Council on Foreign" -> "cf"."""
    initials = ""
    for word in re.findall(rf"[{_WORD_CHARS}]+", strip_elision(words)):
        if fold(word) not in STOPWORDS:
            initials += word[0].casefold()
    return initials


def capitalised_words(text: str) -> set[str]:
    """Folded words written with a capital somewhere other than a sentence start."""
    words: set[str] = set()
    for match in _NAME.finditer(text):
        before = text[: match.start("name")].rstrip(" \t")
        at_sentence_start = not before or before[-1] in ".!?…\n"
        name_words = match.group("name").split()
        words.update(fold(w) for w in name_words[1 if at_sentence_start else 0 :])
    return words


def number_value(text: str) -> int | None:
    """The integer a number candidate denotes, when it is one ("douze" -> 12,
    "four thousand" -> 4000); None for an order of magnitude ("des dizaines")."""
    text = re.sub(rf"^{_QUALIFIER}", "", text.strip(), flags=re.IGNORECASE)
    digits = re.sub(r"[ \u00a0\u202f,.]", "", text)
    if digits.isdigit():
        return int(digits)
    for language in NUMBER_LANGUAGES:
        try:
            return int(text2num(text.casefold(), language))
        except ValueError:
            continue
    return None


def strip_elision(word: str) -> str:
    """ "l’Arménie" -> "Arménie"."""
    return _ELISION.sub("", word)


def _first_word_start(sentence: str) -> int:
    match = re.search(r"[^\W\d_]", sentence)
    return match.start() if match else -1


def _inside(position: int, candidates: list[Candidate]) -> bool:
    return any(c.start <= position < c.end for c in candidates)
