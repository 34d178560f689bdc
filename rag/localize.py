"""Render a short answer in the asker's language, only where data makes it honest.

Country and language names and month and day names come from the Unicode
CLDR data that Babel ships; number words become digits. Anything else keeps
the document's own words: a wrong translation would be an invented claim.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from rag.candidates import APPROXIMATE_WORDS, DATE, NAME, NUMBER, Candidate, number_value
from rag.candidates import strip_elision as _strip_elision
from rag.lexical import fold

MESSAGES = {
    "en": {
        "abstain": "The {what} does not say: no passage answers “{question}”.",
        "says": "The {what} says:",
        "article": "article",
        "documents": "documents",
    },
    "fr": {
        "abstain": "{what_cap} ne le dit pas : aucun passage ne répond à « {question} ».",
        "says": "{what_cap} dit :",
        "article": "l’article",
        "documents": "les documents",
    },
}


def message(language: str, key: str, documents: int, **values: str) -> str:
    """A fixed sentence of the interface in ``language`` (English if unknown)."""
    table = MESSAGES.get(language, MESSAGES["en"])
    what = table["article" if documents <= 1 else "documents"]
    return table[key].format(what=what, what_cap=what[:1].upper() + what[1:], **values)


def render(candidate: Candidate, source_language: str, target_language: str) -> str:
    """The candidate's text for a reader of ``target_language``."""
    text = _strip_elision(candidate.text) if candidate.kind == NAME else candidate.text
    if source_language == target_language:
        return text
    if candidate.kind == NAME:
        return _translate_name(text, source_language, target_language) or text
    if candidate.kind == NUMBER:
        value = number_value(text)
        is_approximate = fold(text.split()[-1]) in APPROXIMATE_WORDS
        return str(value) if value is not None and not is_approximate else text
    if candidate.kind == DATE:
        return _translate_date(text, source_language, target_language) or text
    return text


def _translate_name(name: str, source: str, target: str) -> str | None:
    names = _names(source)
    key = names.get(fold(name))
    if key is None:
        return None
    kind, code = key
    translated = getattr(_locale(target), kind).get(code) if _locale(target) else None
    return str(translated) if translated else None


def _translate_date(text: str, source: str, target: str) -> str | None:
    words = _calendar_words(source, target)
    parts = re.findall(r"\w+|\W+", text)
    out = []
    for part in parts:
        if part.isdigit() or not part.strip() or not part.isalnum():
            out.append(part)
        elif fold(part) in words:
            out.append(words[fold(part)])
        elif part in {"er"}:  # "1er janvier"
            continue
        else:
            return None
    return "".join(out)


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return None


@lru_cache(maxsize=16)
def _names(language: str) -> dict[str, tuple[str, str]]:
    """Folded country and language names of ``language`` -> (kind, code)."""
    locale = _locale(language)
    if locale is None:
        return {}
    names: dict[str, tuple[str, str]] = {}
    for kind in ("languages", "territories"):
        for code, name in getattr(locale, kind).items():
            if code.isalpha():  # skip regions such as "419"
                names[fold(name)] = (kind, code)
    return names


@lru_cache(maxsize=16)
def _calendar_words(source: str, target: str) -> dict[str, str]:
    """Folded month and weekday names of ``source`` -> the same in ``target``."""
    src, dst = _locale(source), _locale(target)
    if src is None or dst is None:
        return {}
    words: dict[str, str] = {}
    for field in ("months", "days"):
        for key, name in getattr(src, field)["format"]["wide"].items():
            words[fold(name)] = getattr(dst, field)["format"]["wide"][key]
    return words
