"""Render a short answer in the asker's language, only where data makes it honest.

Country and language names and month and day names come from the Unicode
CLDR data that Babel ships, the few words of relative dates ("ce matin",
"samedi dernier") from a table here; number words become digits. Anything else keeps
the document's own words: a wrong translation would be an invented claim.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from rag.answer.candidates import APPROXIMATE_WORDS, DATE, NAME, NUMBER, Candidate, number_value
from rag.answer.candidates import strip_elision as _strip_elision
from rag.text.words import fold

# Interface sentences per language: (one document, several documents).
MESSAGES = {
    "en": {
        "abstain": (
            "The article does not say: none of its passages answers this question.",
            "The documents do not say: none of their passages answers this question.",
        ),
        "says": ("The article says:", "The documents say:"),
        "differ": ("The documents differ, newest first:",) * 2,
        "undated": ("date unknown",) * 2,
    },
    "fr": {
        "abstain": (
            "L’article ne le dit pas : aucun de ses passages ne répond à cette question.",
            "Les documents ne le disent pas : aucun de leurs passages ne répond à cette question.",
        ),
        "says": ("L’article dit :", "Les documents disent :"),
        "differ": ("Les documents diffèrent, du plus récent au plus ancien :",) * 2,
        "undated": ("date inconnue",) * 2,
    },
}


def message(language: str, key: str, documents: int) -> str:
    """A fixed sentence of the interface in ``language`` (English if unknown).

    It never repeats the question: an abstention must not echo what a
    planted instruction asked to be said."""
    singular, plural = MESSAGES.get(language, MESSAGES["en"])[key]
    return singular if documents <= 1 else plural


def interface_sentences() -> list[str]:
    """Every fixed sentence the interface may put in an answer."""
    return [text for table in MESSAGES.values() for pair in table.values() for text in pair]


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
    """Month, day and relative time words translated, digits kept; None if
    any other word. "samedi dernier" -> "last Saturday"."""
    words = _calendar_words(source, target)
    out = []
    for part in re.findall(r"\d+(?:er|st|nd|rd|th)?|\w+|\W+", text):
        if part[0].isdigit():
            out.append(re.sub(r"\D+$", "", part))  # "1er" -> "1"
        elif not part.isalnum():
            out.append(part)
        elif fold(part) in words:
            out.append(words[fold(part)])
        else:
            return None
    if len(out) > 2 and out[-1] in _BEFORE_THE_DAY.get(target, ()):
        out = [out[-1], out[-2], *out[:-2]]
    elif len(out) > 2 and out[0] in _AFTER_THE_DAY.get(target, ()):
        out = [*out[2:], out[1], out[0]]
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


# Words of relative dates ("ce matin", "samedi dernier"), which CLDR lacks:
# meaning -> the words for it per language, the first one used to translate.
_RELATIVE_TIME: dict[str, dict[str, tuple[str, ...]]] = {
    "this": {"en": ("this",), "fr": ("ce", "cet", "cette")},
    "last": {"en": ("last",), "fr": ("dernier", "derniere")},
    "next": {"en": ("next",), "fr": ("prochain", "prochaine")},
    "yesterday": {"en": ("yesterday",), "fr": ("hier",)},
    "tomorrow": {"en": ("tomorrow",), "fr": ("demain",)},
    "morning": {"en": ("morning",), "fr": ("matin",)},
    "afternoon": {"en": ("afternoon",), "fr": ("apres-midi",)},
    "evening": {"en": ("evening",), "fr": ("soir",)},
}
# Where "last" and "next" stand: "last Saturday", "samedi dernier".
_BEFORE_THE_DAY = {"en": ("last", "next")}
_AFTER_THE_DAY = {"fr": ("dernier", "prochain")}


@lru_cache(maxsize=16)
def _calendar_words(source: str, target: str) -> dict[str, str]:
    """Folded month, weekday and relative time words of ``source`` -> the
    same in ``target``."""
    src, dst = _locale(source), _locale(target)
    if src is None or dst is None:
        return {}
    words: dict[str, str] = {}
    for field in ("months", "days"):
        for key, name in getattr(src, field)["format"]["wide"].items():
            words[fold(name)] = getattr(dst, field)["format"]["wide"][key]
    for names in _RELATIVE_TIME.values():
        if source in names and target in names:
            words |= {fold(word): names[target][0] for word in names[source]}
    return words


def known_names(languages: tuple[str, ...]) -> set[str]:
    """Folded country and language names in any of ``languages``."""
    return {name for language in languages for name in _names(language)}


def translations(folded_name: str, languages: tuple[str, ...]) -> set[str]:
    """The folded names of the same country or language in ``languages``
    ("armenia" -> {"armenie", "armenia", ...}), a plural read as its singular
    ("russians" as "russian"); empty for any other word."""
    found = set()
    for source in languages:
        key = _names(source).get(folded_name) or _names(source).get(folded_name.removesuffix("s"))
        if key is None:
            continue
        kind, code = key
        for target in languages:
            locale = _locale(target)
            name = getattr(locale, kind).get(code) if locale else None
            if name:
                found.add(fold(str(name)))
    return found


@lru_cache(maxsize=16)
def calendar_keys(languages: tuple[str, ...]) -> dict[str, str]:
    """Folded month and weekday names of ``languages`` -> a language-free key."""
    keys: dict[str, str] = {}
    for language in languages:
        locale = _locale(language)
        if locale is None:
            continue
        for field in ("months", "days"):
            for number, name in getattr(locale, field)["format"]["wide"].items():
                keys[fold(name)] = f"{field}:{number}"
        for meaning, names in _RELATIVE_TIME.items():
            keys |= {fold(word): f"relative:{meaning}" for word in names.get(language, ())}
    return keys
