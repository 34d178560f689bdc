"""What a question asks: its language, kind, content words, and follow-up context.

English and French wh-patterns decide the kind (who / what / when / where /
how many / why / list / yes-no), which decides the candidates an answer needs
(a name, a number, a date). A follow-up ("And who else sent troops?") is
searched together with the previous question of the conversation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.answer.candidates import DATE, DESCRIPTION, EXPANSION, NAME, NUMBER
from rag.errors import QuestionError
from rag.text.language import detect_language
from rag.text.words import STOPWORDS, fold, is_acronym

Message = dict[str, str]

_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (k, re.compile(p, re.IGNORECASE))
    for k, p in [
        (
            "acronym",  # about an acronym written in capitals: "What does CSTO stand for?"
            r"(?=.*\b(?-i:[A-Z]{2,})\b).*(\bstands? for\b|\bshort for\b|\bmeans?\W*$|\bsignifie\b"
            r"|\bveut dire\b|\bsigle\b|\bacronym\b|\babbreviation\b)",
        ),
        (
            "how many",  # or a quantity: "What was the fuel price…?", "Quelle est la population…?"
            r"\bhow (many|much)\b|\bcombien\b|\bwhat number\b|\bquel nombre\b"
            r"|\bwhat (is|was|are|were) the (\w+ )?(price|cost|population|number|amount|rate"
            r"|percentage|age|size|budget|salary|toll|value|height|length|weight|distance)s?\b"
            r"|\bquel(le)?s? (est|était|sont|étaient) (le |la |les |l[’'])(\w+ )?(prix|coût"
            r"|population|nombre|montant|taux|pourcentage|âge|taille|budget|salaire|bilan|valeur"
            r"|hauteur|longueur|poids|distance)\b",
        ),
        (
            "when",
            r"\bwhen\b|\bquand\b|\b(what|which) (date|day|year)\b|\bquel(le)? (date|jour|année)\b"
            r"|\bà quelle date\b|\ben quelle année\b|\bsince when\b|\bdepuis quand\b",
        ),
        ("where", r"\bwhere\b|\boù\b|\bin which (city|country|town|place)\b|\bdans quel(le)? "),
        (
            "why",
            r"\bwhy\b|\bpourquoi\b|\bwhat (caused|led to|triggered)\b|\bfor what reason\b"
            r"|\bqu[’']est-ce qui a (provoqué|causé|déclenché)\b",
        ),
        (
            "who",
            r"\bwho(m|se)?\b|(?<!est-ce )\bqui\b|\bwhat is the name\b|\bcomment s[’']appelle"
            r"|\bquel est le nom\b",
        ),
        ("what", r"^\s*quel(le)?s? (est|sont|était|étaient) (?!le nom)"),
        (
            "list",
            r"\b(which|what) (?!is\b|was\b|does\b|has\b)\w+(ies|s)\b|\bquel(le)?s \w+"
            r"|\blist\b|\benumerate\b",
        ),
        ("which", r"\bwhich\b|\bquel(le)?\b|\bquelle?s?\b"),
        (
            "yes/no",
            r"^(is|are|was|were|will|would|does|did|do|can|could|has|have|had|should)\b"
            r"|^est-ce que\b",
        ),
    ]
]
EXPECTS = {
    "acronym": frozenset({EXPANSION}),
    "describe": frozenset({DESCRIPTION}),
    "how many": frozenset({NUMBER}),
    "when": frozenset({DATE}),
    "where": frozenset({NAME}),
    "who": frozenset({NAME}),
    "list": frozenset({NAME}),
    "which": frozenset({NAME}),
}
_FOLLOW_UP = re.compile(
    r"^(and|et|also|aussi|what about|how about|et (pour|concernant))\b"
    r"|\b(else|other|others|autres?|d[’']autres|they|them|their|it|he|she|his|her"
    r"|ils|elles|eux|leur|leurs|lui)\b",
    re.IGNORECASE,
)
_OTHER = re.compile(r"\b(else|other|others|autres?|d[’']autres)\b", re.IGNORECASE)
_WORD = re.compile(r"[\w’'-]+")
_ELISION = re.compile(r"^(?:[lLdDjJnNsScCmMtT]|[qQ]u)[’']")
# Phrasing words that carry no content of their own; "members of X" are X,
# which articles name without the word ("les pays de l’OTSC").
_FILLER = frozenset(
    "name called article according say says said tell ever exactly many much "
    "was were be been being did does do done have has had about between kind sort overall "
    "member members membre membres "
    "nom appelle article selon dit dire cette ces est-ce".split()
)
# The pronoun of a French inverted question: "ont-ils", "a-t-il".
_INVERSION = re.compile(r"(?:-t)?-(?:il|ils|elle|elles|on)$", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    """A question as analysed for retrieval and evidence scoring."""

    text: str
    language: str
    kind: str
    search_text: str
    terms: tuple[str, ...]
    specific: frozenset[str]
    expects: frozenset[str]
    follow_up: bool = False
    exclude: tuple[str, ...] = field(default_factory=tuple)


def analyse(text: str, history: Sequence[Message] | None = None) -> Question:
    """Analyse ``text``, asked after the ``history`` messages (role, content)."""
    kind = question_kind(text)
    if kind == "who" and _names_only(text):
        kind = "describe"  # "Who is Marie Dumoulin?" asks what she is
    previous_question = _last(history, "user")
    follow_up = bool(previous_question) and (
        bool(_FOLLOW_UP.search(text)) or len(content_terms(text)) <= 1
    )
    search_text = f"{previous_question} {text}" if follow_up else text
    exclude: tuple[str, ...] = ()
    if follow_up and _OTHER.search(text):
        exclude = (_last(history, "assistant"),)
    terms = tuple(dict.fromkeys(content_terms(search_text)))
    if kind == "acronym":  # its words only say "spell it out"
        terms = tuple(t for t in terms if is_acronym(t)) or terms
    return Question(
        text=text,
        language=detect_language(text),
        kind=kind,
        search_text=search_text,
        terms=terms,
        specific=frozenset(t for t in terms if _is_specific(t, search_text)),
        expects=EXPECTS.get(kind, frozenset()),
        follow_up=follow_up,
        exclude=exclude,
    )


def question_kind(text: str) -> str:
    for kind, pattern in _KINDS:
        if pattern.search(text.strip()):
            return kind
    return "what"


def _is_specific(term: str, question: str) -> bool:
    """Names and numbers: capitalised away from the start, or with digits."""
    return any(c.isdigit() for c in term) or (
        term[:1].isupper() and not question.lstrip().startswith(term)
    )


def _names_only(text: str) -> bool:
    terms = content_terms(text)
    return bool(terms) and all(t[:1].isupper() for t in terms)


def content_terms(text: str) -> list[str]:
    """Words of ``text`` that carry content, as written (for cross-lingual matching)."""
    terms = []
    for raw in _WORD.findall(text):
        word = _INVERSION.sub("", _ELISION.sub("", raw)).strip("’'-")
        folded = fold(word)
        if len(folded) > 1 and folded not in STOPWORDS and folded not in _FILLER:
            terms.append(word)
    return terms


def _last(history: Sequence[Message] | None, role: str) -> str:
    for message in reversed(history or []):
        if message.get("role") == role and message.get("content", "").strip():
            return message["content"].strip()
    return ""


MAX_QUESTION_CHARS = 2000


def check_question(question: str) -> str:
    """``question`` stripped, or QuestionError when it cannot be one."""
    stripped = question.strip()
    if not stripped:
        raise QuestionError("the question is empty")
    try:
        stripped.encode("utf-8")
    except UnicodeEncodeError as error:  # bytes that were not UTF-8, from argv or stdin
        raise QuestionError("the question is not UTF-8 text; send it in UTF-8") from error
    if len(stripped) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question has {len(stripped)} characters; the limit is {MAX_QUESTION_CHARS}"
        )
    return stripped
