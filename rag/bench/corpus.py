"""Deterministic news-like haystacks for the benchmark, with real documents planted.

The filler is written from sentence templates in French and English whose
slots take names from Babel's CLDR data (countries, months, weekdays) and
short word lists, under a fixed seed: the same size gives the same files on
every machine, and no data set is downloaded. Its sentences talk about
countries, ministers, organisations and figures, as news does, so the planted
documents' questions meet plausible distractors (other countries' crises,
other presidents, other counts of injured), but no filler sentence repeats a
planted document's words.

A year of news repeats itself, so the haystack does too: some filler stories
come again as wire copies (the same story, a sentence dropped, two swapped,
another headline), and every planted document has a follow-up, published
later under another name, whose sentences with figures come back with other
figures. A question about a planted document must find that document, not
its right-looking follow-up: the bench counts a hit only in the asked
document (rag.evaluate.judge.evidence_rank).
"""

from __future__ import annotations

import itertools
import random
import re
import shutil
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from babel import Locale
from babel.dates import format_date

from rag.answer.candidates import DATE, find_candidates
from rag.ingest.dates import NAME_DATE, publication_date
from rag.text.language import detect_language
from rag.text.sentences import sentence_spans

# Characters a 500/100 chunk advances by on average; only used to size a
# corpus, the benchmark reports the passages actually indexed.
CHARACTERS_PER_PASSAGE = 420
FILES_PER_FOLDER = 1000
FRENCH_SHARE = 0.6
WIRE_SHARE = 0.15  # filler stories that come again as one or two wire copies
FOLLOW_UP = {"fr": "Mise à jour", "en": "Update"}  # the follow-ups' first line

_FIRST = (
    "Amina Bruno Chen Daria Elif Farid Greta Hugo Ines Jonas Karim Lena Marco Nadia Olga "
    "Pablo Rania Sami Tomas Ulla Victor Yasmin Zoran Aline Boris Clara Diego Emma Igor Leila"
).split()
_LAST = (
    "Moreau Keller Novak Haddad Rossi Silva Dubois Weber Petrov Nakamura Garcia Lindqvist "
    "Mensah Okafor Kowalski Laurent Schmidt Yilmaz Fontaine Ivanova Costa Berger Mercier Roy"
).split()
_CITIES = (
    "Paris Berlin Madrid Dakar Nairobi Tokyo Lima Oslo Lyon Genève Montréal Tunis Hanoï "
    "Bamako Quito Riga Porto Turin Gdansk Cork Abidjan Rabat Manille Valparaiso"
).split()
_ORGS = {
    "fr": ["l’ONU", "l’OTAN", "l’Union européenne", "l’OMS", "le FMI", "la Banque mondiale",
           "l’OSCE", "l’Union africaine", "l’OCDE", "l’Unesco"],
    "en": ["the UN", "NATO", "the European Union", "the WHO", "the IMF", "the World Bank",
           "the OSCE", "the African Union", "the OECD", "UNESCO"],
}  # fmt: skip
_ROLES = {
    "fr": ["le ministre des Finances", "la ministre de la Santé", "le porte-parole du "
           "gouvernement", "la maire", "le président du Parlement", "la Première ministre",
           "le chef de la diplomatie", "la gouverneure de la banque centrale"],
    "en": ["the finance minister", "the health minister", "the government spokesman",
           "the mayor", "the speaker of parliament", "the prime minister",
           "the foreign minister", "the central bank governor"],
}  # fmt: skip
_TOPICS = {
    "fr": ["la réforme des retraites", "le prix de l’électricité", "la sécheresse",
           "la grève des transports", "le budget de l’État", "la vaccination",
           "les inondations", "le chômage des jeunes", "la construction d’un barrage",
           "les élections régionales", "le trafic de drogue", "la pêche côtière"],
    "en": ["the pension reform", "electricity prices", "the drought", "the transport strike",
           "the state budget", "vaccination", "the floods", "youth unemployment",
           "the construction of a dam", "the regional elections", "drug trafficking",
           "coastal fishing"],
}  # fmt: skip
_TEMPLATES = {
    "fr": [
        "{Role} de {country}, {person}, a annoncé {date} un plan consacré à {topic}.",
        "Selon {org}, {number} personnes sont concernées par {topic} à {city}.",
        "À {city}, {number} habitants ont manifesté contre {topic} malgré la pluie.",
        "{person}, qui dirige l’opposition, juge que {topic} coûtera {number} millions d’euros.",
        "Les négociations entre {country} et {country2} sur {topic} reprendront {date}.",
        "{org} a salué les efforts de {country}, tout en demandant plus de transparence.",
        "Le bilan fait état de {number} personnes blessées et de {small} disparus à {city}.",
        "« Nous ne céderons pas », a déclaré {person} devant la presse à {city}.",
        "La délégation de {country} est arrivée {date} à {city} pour discuter de {topic}.",
        "Des experts de {org} estiment que {topic} touchera d’abord les zones rurales.",
        "Le gouvernement de {country} a débloqué {number} millions pour {topic}.",
        "{Role}, {person}, a démissionné après des critiques sur {topic}.",
        "Une enquête publiée {date} montre que {small} % des sondés s’inquiètent de {topic}.",
        "Les syndicats de {city} appellent à une nouvelle journée de mobilisation {date}.",
    ],
    "en": [
        "{Role} of {country}, {person}, announced a plan on {topic} on {date}.",
        "According to {org}, {number} people are affected by {topic} in {city}.",
        "In {city}, {number} residents protested against {topic} despite the rain.",
        "{person}, who leads the opposition, says {topic} will cost {number} million dollars.",
        "Talks between {country} and {country2} on {topic} will resume on {date}.",
        "{Org} praised the efforts of {country} while asking for more transparency.",
        "The provisional toll stands at {number} injured and {small} missing in {city}.",
        "“We will not give in,” {person} told reporters in {city}.",
        "The delegation of {country} arrived in {city} on {date} to discuss {topic}.",
        "Experts at {org} expect {topic} to hit rural areas first.",
        "The government of {country} released {number} million for {topic}.",
        "{Role}, {person}, resigned after criticism over {topic}.",
        "A survey published on {date} shows that {small}% of respondents worry about {topic}.",
        "Unions in {city} are calling for another day of action on {date}.",
    ],
}


@dataclass(frozen=True)
class Corpus:
    """A generated folder of documents, the planted ones among them."""

    root: Path
    documents: int
    characters: int
    planted: tuple[Path, ...]


class NewsWriter:
    """Writes news-like documents in French or English from a seeded generator."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._countries = {language: _countries(language) for language in _TEMPLATES}
        self._calendar = {language: _calendar(language) for language in _TEMPLATES}

    def document(self) -> tuple[str, str]:
        """(language, text): a headline line, then paragraphs of sentences."""
        language = "fr" if self._random.random() < FRENCH_SHARE else "en"
        sentences = [self.sentence(language) for _ in range(self._random.randint(15, 40))]
        return language, self._story(language, sentences)

    def wire_copy(self, language: str, text: str) -> str:
        """The same story as an agency sends it again: another headline, one
        sentence dropped and two neighbours swapped."""
        _, *paragraphs = text.splitlines()
        sentences = [s for p in paragraphs for s in _sentences(p, language)]
        if len(sentences) > 3:
            sentences.pop(self._random.randrange(len(sentences)))
            i = self._random.randrange(len(sentences) - 1)
            sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
        return self._story(language, sentences)

    def _story(self, language: str, sentences: list[str]) -> str:
        """A new headline, then ``sentences`` in paragraphs of three."""
        headline = self.sentence(language).rstrip(".")
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        return "\n".join([headline, *paragraphs]) + "\n"

    def follow_up(self, name: str, text: str) -> str:
        """A later report of the story in ``text`` (file ``name``): its
        sentences that give a figure in digits, each such figure changed
        (dates kept), under an "Update" line dated 1 to 30 days after the
        story's own date (undated when the story's is unknown)."""
        language = detect_language(text)
        language = language if language in FOLLOW_UP else "en"
        figures = []
        for sentence in _sentences(text, language):
            changed = self._other_figures(sentence)
            if changed != sentence:
                figures.append(changed)
        heading = FOLLOW_UP[language]
        if published := publication_date(name, text, language):
            # Days from the name, not the seeded stream: the filler stays as it was.
            days = 1 + zlib.crc32(name.encode()) % 30
            later = date.fromisoformat(published) + timedelta(days=days)
            heading += f", {format_date(later, 'd MMMM y', locale=language)}"
        return "\n".join([heading, " ".join(figures)]) + "\n"

    def _other_figures(self, sentence: str) -> str:
        """``sentence`` with each figure in digits given another value; a
        date's numbers stay (the story's days)."""
        dates = [(d.start, d.end) for d in find_candidates(sentence, {DATE}, set())]

        def other(number: re.Match[str]) -> str:
            if any(start <= number.start() < end for start, end in dates):
                return number.group()
            value = int(number.group())
            return str(value + self._random.randint(1, max(2, value)))

        return _NUMBER.sub(other, sentence)

    def sentence(self, language: str) -> str:
        pick = self._random.choice
        template = pick(_TEMPLATES[language])
        role, org = pick(_ROLES[language]), pick(_ORGS[language])
        return template.format(
            Role=role[:1].upper() + role[1:],
            org=org,
            Org=org[:1].upper() + org[1:],
            country=pick(self._countries[language]),
            country2=pick(self._countries[language]),
            person=f"{pick(_FIRST)} {pick(_LAST)}",
            city=pick(_CITIES),
            topic=pick(_TOPICS[language]),
            number=f"{self._random.randint(20, 9000)}",
            small=self._random.randint(2, 60),
            date=self._date(language),
        )

    def _date(self, language: str) -> str:
        weekdays, months = self._calendar[language]
        day, month = self._random.randint(1, 28), self._random.choice(months)
        weekday, year = (
            self._random.choice(weekdays),
            self._random.randint(2010, 2021),
        )  # never the article's year
        return f"{weekday} {day} {month} {year}" if language == "fr" else f"{weekday} {day} {month}"


def build_corpus(root: Path, passages: int, needles: Sequence[Path], seed: int = 8) -> Corpus:
    """About ``passages`` passages of filler under ``root`` with wire copies
    of some of its stories, each of ``needles`` copied among them at a seeded
    position, and a follow-up of each. ``root`` is emptied first."""
    shutil.rmtree(root, ignore_errors=True)
    writer = NewsWriter(seed)
    chosen = random.Random(seed)
    target = passages * CHARACTERS_PER_PASSAGE  # planted documents and copies included
    positions = max(len(needles), target // 2500)
    slots = dict(zip(chosen.sample(range(positions), len(needles)), needles, strict=True))
    written = characters = 0
    planted: list[Path] = []

    def write(name: str, text: str) -> Path:
        nonlocal written, characters
        folder = root / f"d{written // FILES_PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written += 1
        characters += len(text)
        return path

    for story in itertools.count():
        if characters >= target and len(planted) == len(needles):
            break
        if (needle := slots.get(story)) is not None:
            text = needle.read_text(encoding="utf-8")
            planted.append(write(needle.name, text))
            write(follow_up_name(needle.name), writer.follow_up(needle.name, text))
            continue
        language, text = writer.document()
        write(f"{written:06d}.{language}.txt", text)
        if chosen.random() < WIRE_SHARE:
            for _ in range(chosen.randint(1, 2)):
                write(f"{written:06d}.{language}.txt", writer.wire_copy(language, text))
    return Corpus(root, written, characters, tuple(planted))


def follow_up_name(name: str) -> str:
    """The file name of the follow-up of document ``name``: "-update" after
    its stem, without the story's date (the follow-up has its own)."""
    stem, _, suffix = name.partition(".")
    return f"{_DAY_IN_NAME.sub('', stem)}-update.{suffix}"


# The date publication_date would read in a name, with the hyphen before it.
_DAY_IN_NAME = re.compile(rf"-?{NAME_DATE.pattern}")
_NUMBER = re.compile(r"(?<![\d.,])\d+(?![\d.,])")


def _sentences(text: str, language: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text, language)]


def _countries(language: str) -> list[str]:
    """Country names of CLDR in ``language`` (two-letter codes, no groupings)."""
    names = Locale(language).territories
    return sorted(n for code, n in names.items() if len(code) == 2 and code not in _NOT_COUNTRY)


def _calendar(language: str) -> tuple[list[str], list[str]]:
    """Weekday and month names of CLDR in ``language``."""
    locale = Locale(language)
    weekdays = list(locale.days["format"]["wide"].values())
    months = list(locale.months["format"]["wide"].values())
    return weekdays, months


# CLDR codes that are groupings or placeholders, not countries.
_NOT_COUNTRY = {"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"}
