"""Check a generated answer claim by claim against the sources it cites.

A small LLM phrases well and invents easily, so nothing it writes reaches the
reader unchecked. Each sentence must cite at least one of the numbered sources
it was given, and every name, number and date in it must be found in the
sources it cites, tolerant of language, accents and spelling (Armenia ~
Arménie, Tokayev ~ Tokaïev, twelve ~ douze ~ 12). A sentence that fails is
removed, with its reason. A wrong pairing made only of the source's own words
("Russia chairs the CSTO" against a source saying Armenia does) passes that
check, so the answer must also give the short answer that the extractive
answerer found in the same evidence, when it found one.

The claims (names, numbers, dates) a sentence makes come from
rag.generate.claims.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rag.answer.answerer import Unverified
from rag.answer.candidates import (
    DATE,
    NAME,
    NUMBER,
    Candidate,
    capitalised_words,
    find_candidates,
    strip_elision,
)
from rag.answer.cite import MARKER, sentences
from rag.answer.localize import calendar_keys, known_names, translations
from rag.answer.match import PRESENT, TermMatcher, same_word
from rag.answer.question import content_terms
from rag.generate.claims import as_candidates, numbers, numbers_of, rare_opening, vocabulary
from rag.text.words import STOPWORDS, fold, is_acronym

CLAIM_KINDS = frozenset({NAME, NUMBER, DATE})
PARAPHRASE_MIN = 0.6
COPIED_SHARE = 0.8  # a sentence this much made of one whole source is a copy
SIMILAR_SPELLING = 0.8  # difflib ratio above which two folded words are one name
_NUMERIC = re.compile(r"\d+")
_WORD = re.compile(r"[\w’'-]+")
# "ne ... pas" counts once, by its second word; "et non", "and not" contrast
# two things rather than deny one.
_NEGATION = re.compile(
    r"\b(?:never|no|none|nobody|nothing|neither|without|pas|jamais|rien|aucune?|sans"
    r"|nul(?:le)?)\b|(?<!\bet )(?<!\bmais )(?<!, )\bnon\b"
    r"|(?<!\band )(?<!\bbut )(?<!, )\bnot\b|n[’']t\b|\bn(?:e\s+|[’'])\w+\s+plus\b",
    re.IGNORECASE,
)
# A clause: the text between two punctuation marks. Its negations are counted
# in the whole source, so that a clause keeps the context of its "et non".
_CLAUSE = re.compile(r"[^,;:()!?.]+")

Vectors = Callable[[list[str]], dict[str, np.ndarray]]


@dataclass(frozen=True)
class Verification:
    """The sentences that passed, in order, and those removed with their reasons."""

    kept: list[str]
    removed: list[Unverified]

    @property
    def text(self) -> str:
        return " ".join(self.kept)


class ClaimVerifier:
    """Verifies generated sentences against numbered source texts.

    With ``vectors`` (the multilingual sentence embeddings), a sentence that
    states no short answer must also say what its sources say: its cosine
    with them must reach PARAPHRASE_MIN, which separates faithful English
    renderings of a French source (0.61-0.73) from drifting ones (0.41-0.54)
    on the pairs in tests/generate/test_verify.py.
    """

    def __init__(
        self, vectors: Vectors | None = None, languages: tuple[str, ...] = ("en", "fr")
    ) -> None:
        self._vectors = vectors
        self._names = known_names(languages)
        self._languages = languages
        vocabulary()  # about 1 s, spent here rather than in the first answer

    def verify(
        self,
        text: str,
        sources: dict[int, str],
        expected: str = "",
        asks_for: frozenset[str] = frozenset(),
        question: str = "",
    ) -> Verification:
        """Check ``text`` against ``sources`` (number -> quoted text). When the
        extractive answer ``expected`` is given, the kept text must state it;
        otherwise it must hold a name, number or date of a kind in ``asks_for``
        (what the question asks for, if anything). A sentence with no name,
        number or date of its own must paraphrase its sources, and one that
        only says the ``question`` over again, or copies a source, is removed."""
        kept: list[str] = []
        removed: list[Unverified] = []
        for sentence in sentences(text):
            reason = (
                self._problem(sentence, sources)
                or _repeats(sentence, question)
                or _copies(sentence, sources)
                or self._drift(sentence, sources, expected)
            )
            if reason:
                removed.append(Unverified(sentence, reason))
            else:
                kept.append(sentence)
        reason = self._missing_answer(" ".join(kept), expected, asks_for)
        if kept and reason:
            return Verification([], removed + [Unverified(s, reason) for s in kept])
        return Verification(kept, removed)

    def _missing_answer(self, text: str, expected: str, asks_for: frozenset[str]) -> str:
        if expected:
            if self._states(text, expected):
                return ""
            return f"does not give the answer the sources hold ({expected})"
        if asks_for and not self._claims(MARKER.sub("", text), text, asks_for):
            return f"does not give the {' or '.join(sorted(asks_for))} asked for"
        return ""

    def _drift(self, sentence: str, sources: dict[int, str], expected: str) -> str:
        """Why ``sentence`` does not say what its sources say, or "". Checked
        when no short answer is expected, and on sentences that state no
        name, number or date ("Sources: [1].")."""
        claim = MARKER.sub("", sentence)
        if self._vectors is None or (expected and self._claims(claim, claim)):
            return ""
        cited = [sources[int(n)] for n in MARKER.findall(sentence)]
        vectors = self._vectors([claim, *cited])
        similarity = max(float(vectors[claim] @ vectors[source]) for source in cited)
        if similarity >= PARAPHRASE_MIN:
            return ""
        return f"says something else than its source (similarity {similarity:.2f})"

    def _problem(self, sentence: str, sources: dict[int, str]) -> str:
        """Why ``sentence`` cannot be shown, or "" when it is supported."""
        cited = [int(n) for n in MARKER.findall(sentence)]
        if not cited:
            return "cites no source"
        unknown = sorted(set(cited) - set(sources))
        if unknown:
            return f"cites [{unknown[0]}], which is not one of the sources"
        claim_text = MARKER.sub("", sentence)
        if all(self._negation_differs(claim_text, sources[n]) for n in cited):
            return "says the opposite of its source (a negation differs)"
        evidence = " ".join(sources[n] for n in dict.fromkeys(cited))
        for claim in self._claims(claim_text, evidence):
            if not self._supported(claim, evidence):
                return f"{claim.text!r} is not in the cited source"
        return ""

    def _negation_differs(self, claim: str, source: str) -> bool:
        """Whether ``claim`` denies what ``source`` affirms or the reverse.

        Their negations differ in parity and, with vectors, a word of the claim
        is found in a clause of the source whose own parity differs: a
        negation elsewhere in the source ("il s’agit de démontrer qu’ils
        n’agissent pas seuls, explique Marie Dumoulin, directrice de
        programme…") says nothing of a claim about another of its clauses
        ("Marie Dumoulin is a programme director"). Words match across
        languages as question words do (rag.answer.match: reacted ~ réagi)."""
        negative = _negative(claim)
        if negative == _negative(source):
            return False
        terms = tuple(content_terms(claim))
        if self._vectors is None or not terms:
            return True
        negations = [m.start() for m in _NEGATION.finditer(source)]
        opposite: list[str] = []
        rest: list[str] = []
        for clause in _CLAUSE.finditer(source):
            count = sum(clause.start() <= start < clause.end() for start in negations)
            (opposite if (count % 2 == 1) != negative else rest).append(clause.group())
        matcher = TermMatcher(terms, [source], self._vectors)
        return any(
            there >= PRESENT and there >= elsewhere
            for (there, _), (elsewhere, _) in zip(
                matcher.align(" ".join(opposite)), matcher.align(" ".join(rest)), strict=True
            )
        )

    def _claims(
        self, sentence: str, evidence: str, kinds: frozenset[str] = CLAIM_KINDS
    ) -> list[Candidate]:
        """Names, numbers and dates of ``sentence``. A capitalised first word is
        a name when it is written so in the evidence, is a country or language
        name ("Russia chairs ...") or is no common word ("Tokayev sent ...")."""
        acronyms = {fold(w) for w in _WORD.findall(sentence) if is_acronym(w)}
        known = capitalised_words(evidence) | capitalised_words(sentence) | self._names | acronyms
        return find_candidates(sentence, set(kinds), known | rare_opening(sentence))

    def _supported(self, claim: Candidate, evidence: str) -> bool:
        if claim.kind == NUMBER:
            return numbers(claim.text) <= numbers_of(evidence)
        if claim.kind == DATE and (parts := self._date_parts(claim.text)):
            return parts <= self._date_parts(evidence)
        return self._name_found(claim.text, evidence)  # a name, or a date word ("aujourd’hui")

    def _name_found(self, name: str, evidence: str) -> bool:
        """Every word of ``name`` is in ``evidence``: same spelling (folded),
        close spelling, or a CLDR country or language name in another language
        (Russian ~ russes). Not word embeddings: they put Putin next to russes."""
        words = [w for w in _WORD.findall(strip_elision(name)) if fold(w) not in STOPWORDS]
        found = {strip_elision(w) for w in _WORD.findall(evidence)}
        return all(self._word_found(w, found) for w in words)

    def _word_found(self, word: str, found: set[str]) -> bool:
        if any(same_word(word, other) for other in found):  # Arménie, CSTO / OTSC
            return True
        variants = {fold(word)} | translations(fold(word), self._languages)
        return any(
            difflib.SequenceMatcher(None, variant, fold(other)).ratio() >= SIMILAR_SPELLING
            for variant in variants
            for other in found
            if abs(len(other) - len(variant)) <= 3
        )

    def _states(self, text: str, expected: str) -> bool:
        """Whether ``text`` gives each part of the short answer ``expected``."""
        return all(self._supported(part, text) for part in as_candidates(expected, self._names))

    def _date_parts(self, text: str) -> set[str]:
        """Digits and month/day names (as language-free keys) of ``text``."""
        parts = set(_NUMERIC.findall(text))
        keys = calendar_keys(self._languages)
        parts |= {keys[fold(w)] for w in _WORD.findall(text) if fold(w) in keys}
        return parts


def _negative(text: str) -> bool:
    """Whether ``text`` is negated: an odd number of negations, so that "n’est
    pas sans risques" is not. Small models drop a "pas" and keep every name."""
    return len(_NEGATION.findall(text)) % 2 == 1


def _repeats(sentence: str, question: str) -> str:
    """Why ``sentence`` gives no answer, being the question over again, or ""."""
    claim = MARKER.sub("", sentence).strip()
    if claim.endswith("?"):
        return "asks a question instead of answering"
    asked = content_terms(question)
    said = content_terms(claim)
    if question and said and all(any(same_word(w, a) for a in asked) for w in said):
        return "says the question over again"
    return ""


def _copies(sentence: str, sources: dict[int, str]) -> str:
    """Why ``sentence`` gives no answer, being little more than a source
    copied whole (a small model may echo the prompt's "Sources: [1] «…»"),
    or "". The extractive answer already quotes the source, with its offsets."""
    said = _WORD.findall(fold(MARKER.sub("", sentence)))
    said_text = " ".join(said)
    for source in sources.values():
        copied = _WORD.findall(fold(source))
        if len(copied) >= COPIED_SHARE * len(said) and " ".join(copied) in said_text:
            return "copies a source whole instead of answering"
    return ""
