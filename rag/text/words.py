"""Words as every stage compares them: folded (lower case, no accents), stop
words of English and French dropped, acronyms told apart.

Folding lets "Tokaïev" match "tokaiev" and "OTSC" match "otsc"; dropping both
languages' stop words keeps a question in one language from matching the
other's function words.
"""

from __future__ import annotations

import re
import unicodedata

from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH

_WORD = re.compile(r"\w+")
# Question words match no evidence, only other questions' phrasing.
_QUESTION_WORDS = [
    "who",
    "whom",
    "whose",
    "what",
    "which",
    "when",
    "where",
    "why",
    "how",
    "qui",
    "quoi",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "quand",
    "comment",
    "pourquoi",
    "combien",
]
# Prepositions, adverbs and auxiliary verbs that NLTK's English list and
# Snowball's French list (bm25s ships both) leave out.
_FUNCTION_WORDS = (
    "towards toward besides among amongst upon within without else also "
    "parmi envers vers chez sans sous entre après avant depuis pendant contre "
    "aussi alors donc très plus moins comme fait font faire doit doivent peut peuvent"
).split()
STOPWORDS = frozenset(
    unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode()
    for w in (*STOPWORDS_EN_PLUS, *STOPWORDS_FRENCH, *_FUNCTION_WORDS, *_QUESTION_WORDS)
)


def fold(text: str) -> str:
    """Lower case without accents: "Arménie" -> "armenie"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_acronym(word: str) -> bool:
    """A word of two or more capitals: OTSC, ECFR, UE."""
    return len(word) >= 2 and word.isupper()


def acronym_letters(acronym: str) -> str:
    """Its letters in order: a translated acronym keeps them (CSTO, OTSC -> "cost";
    EU, UE -> "eu")."""
    return "".join(sorted(fold(acronym)))


def tokenize(text: str) -> list[str]:
    """Folded word tokens of ``text`` minus stop words and single letters."""
    return [t for t in _WORD.findall(fold(text)) if len(t) > 1 and t not in STOPWORDS]
