"""The generated split: questions a local LLM writes from the eval's documents.

Nobody here chose their wording. Shown one sentence of a document and a span
of it to be the answer (a number or a capitalised name, found by a plain
pattern, not by the answerer's code), the LLM writes the question a reader
would ask for it, in English or French (answer-aware question generation, as
SQuAD-style generators do: a small model that picks its own answer picks a
wrong one half the time). Before any answerer sees it, a question is kept
only when the text bears it out: it is a question in the asked language,
does not give its answer away or copy the sentence, is no duplicate, and the
LLM, asked it about the sentence, answers with the span again (round-trip
consistency, Alberti et al. 2019). Every rejection is logged with its
reason. Sentences holding a fact the dev split asks are not offered, so
facts stay in one split. Documents take turns, sentences are spread over
each, and every sentence is offered once in each language before any is
offered again with another of its spans.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from itertools import chain, zip_longest
from pathlib import Path
from typing import Any

from rag.answer.localize import translations
from rag.answer.question import question_kind
from rag.evaluate.items import EvalItem
from rag.evaluate.judge import normalise
from rag.ingest.load import discover, load_document
from rag.records import Document
from rag.text.language import detect_language
from rag.text.sentences import sentence_spans
from rag.text.words import fold

LANGUAGES = ("en", "fr")
MIN_SENTENCE_WORDS = 8
COPIED_WORDS = 8  # a question repeating this many sentence words in a row copies it
# Answer spans: a date, a number (with its separators), or capitalised words
# joined by the particles of names ("Patrick Lemoine", "NHS Western Seaboard"),
# an elided article before it left out ("l’Arménie").
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
)
_DATE = rf"\d{{1,2}}(?:er)? (?:{_MONTHS})(?: \d{{4}})?|(?:{_MONTHS}) \d{{1,2}}(?:, \d{{4}})?"
_NUMBER = r"\d+(?:[ \u202f.,:h]\d+)*"
_CAPITALISED = r"[A-ZÀ-Ý][\w’'-]+"
_NAME = rf"{_CAPITALISED}(?:\s+(?:(?:de|du|des|la|le|of|the|d’|l’)\s*)?{_CAPITALISED})*"
_SPAN = re.compile(rf"(?<![\w-])(?:[dlDL][’'])?({_DATE}|{_NUMBER}|{_NAME})")
# The LLM's replies are held to one JSON object of one string.
QUESTION_REPLY = r"""
root ::= "{\"question\": " string "}"
string ::= "\"" ([^"\\\n] | "\\" ["\\/nt])* "\""
"""
ANSWER_REPLY = r"""
root ::= "{\"answer\": " string "}"
string ::= "\"" ([^"\\\n] | "\\" ["\\/nt])* "\""
"""
# In the language the question is to be in (a small model answers in the
# language it is spoken to), with an example from no document of the eval.
QUESTION_PROMPTS = {
    "en": (
        "Example. Sentence: «Le musée de Vernon a accueilli 12 400 visiteurs en juillet.» "
        'Answer: «12 400». JSON: {{"question": "How many people went to the museum in '
        'July?"}}\n\n'
        "Sentence of the article «{title}»: «{sentence}» Answer: «{answer}».\n"
        "Write, in English, the question a reader of the article would ask whose answer is "
        "«{answer}». JSON:"
    ),
    "fr": (
        "Exemple. Phrase : «The museum in Vernon welcomed 12,400 visitors in July.» "
        'Réponse : «12,400». JSON : {{"question": "Combien de personnes sont allées au musée '
        'en juillet ?"}}\n\n'
        "Phrase de l’article «{title}» : «{sentence}» Réponse : «{answer}».\n"
        "Écris, en français, la question qu’un lecteur de l’article poserait et dont la "
        "réponse est «{answer}». JSON :"
    ),
}
ANSWER_PROMPT = (
    "Sentence: «{sentence}»\nQuestion: {question}\n"
    "Answer with the few words of the sentence that answer the question. JSON:"
)

Ask = Callable[[str, str], str]  # a prompt and a GBNF grammar in, the LLM's reply out


@dataclass(frozen=True)
class Rejection:
    """An LLM question that was not kept, and why."""

    document: str
    sentence: str
    language: str
    reply: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Offer:
    """A sentence offered to the LLM with the span to ask for."""

    document: str
    title: str
    sentence: str
    answer: str


def generate(
    ask: Ask,
    documents: list[Path],
    dev_items: list[EvalItem],
    target: int,
    earlier: tuple[list[EvalItem], list[Rejection]] = ([], []),
) -> Iterator[EvalItem | Rejection]:
    """The questions the LLM writes, kept (EvalItems of the generated split) or
    rejected, until ``target`` are kept or every sentence was offered with
    each of its spans in both languages: each sentence once in one language
    (documents in turn), then each in the other, then its other spans.
    ``earlier`` results (a run resumed) are not asked again."""
    offered = []
    for path in discover(documents)[0]:
        document = load_document(path)
        dev_evidence = [e for i in dev_items if i.document == path.name for e in i.evidence]
        offered.append([(path.name, document.title, s) for s in sentences(document, dev_evidence)])
    turns = [t for t in chain.from_iterable(zip_longest(*offered)) if t is not None]
    kept, rejected = list(earlier[0]), earlier[1]
    # Every round offers each sentence once, so a resumed run skips the rounds
    # a sentence already had.
    had = Counter((i.document, i.evidence[0]) for i in kept)
    had.update((r.document, r.sentence) for r in rejected)
    plans = [_plan(answer_spans(sentence), n) for n, (_, _, sentence) in enumerate(turns)]
    for round_ in range(max(map(len, plans), default=0)):
        for (name, title, sentence), plan in zip(turns, plans, strict=True):
            if len(kept) >= target:
                return
            if round_ >= len(plan) or had[(name, sentence)] > round_:
                continue
            answer, language = plan[round_]
            result = _ask_one(ask, Offer(name, title, sentence, answer), language, kept)
            if isinstance(result, EvalItem):
                kept.append(result)
            yield result


def _plan(spans: list[str], n: int) -> list[tuple[str, str]]:
    """The (span, language) pairs to offer for the ``n``-th sentence, one a
    round: its first span in one language, its second (or first) in the
    other, then every other pair of span and language."""
    first, other = LANGUAGES[n % 2], LANGUAGES[(n + 1) % 2]
    plan = [(spans[0], first), (spans[1 % len(spans)], other)]
    return plan + [(s, lang) for s in spans for lang in (first, other) if (s, lang) not in plan]


def sentences(document: Document, dev_evidence: list[str]) -> list[str]:
    """The sentences of ``document`` past its headline, long enough to state
    something, on one line, holding an answer span and no dev evidence;
    spread over the document (every other one first, then the rest), so
    that a target reached early still covers it."""
    found = []
    for start, end in sentence_spans(document.text, document.language):
        sentence = document.text[start:end]
        if len(sentence.split()) < MIN_SENTENCE_WORDS or "\n" in sentence or start == 0:
            continue  # too short to state a fact, across lines, or the headline
        if answer_spans(sentence) and not any(e in sentence or sentence in e for e in dev_evidence):
            found.append(sentence)
    return found[::2] + found[1::2]


def answer_spans(sentence: str) -> list[str]:
    """Numbers and capitalised names of ``sentence`` past its first word."""
    first = re.match(r"\W*[\w’'-]+", sentence)
    skip = first.end() if first else 0
    spans = [m.group(1) for m in _SPAN.finditer(sentence) if m.start() >= skip]
    return list(dict.fromkeys(spans))


def check(
    reply: str, offer: Offer, language: str, kept: list[EvalItem]
) -> tuple[str, EvalItem | None]:
    """Why the LLM's ``reply`` is rejected, or the item it makes ("", item)."""
    try:
        question = str(json.loads(reply)["question"]).strip()
    except (ValueError, KeyError, TypeError):
        return "not a JSON object with a question", None
    reasons = [
        (not question.endswith("?") or len(question.split()) < 3, "not a question"),
        (detect_language(question) != language, f"not in {language}"),
        (normalise(offer.answer) in normalise(question), "question gives its answer"),
        (_copies(question, offer.sentence), "question copies the sentence"),
        (any(fold(question) == fold(k.question) for k in kept), "duplicate question"),
    ]
    failed = [reason for bad, reason in reasons if bad]
    if failed:
        return failed[0], None
    number = f"gen-{len(kept) + 1:03d}"
    # Questions on one span of one sentence (one per language) ask one fact.
    same = [
        k.fact
        for k in kept
        if k.document == offer.document and k.evidence == [offer.sentence]
        and k.answers[0] == offer.answer
    ]  # fmt: skip
    item = EvalItem(
        id=number,
        split="generated",
        question=question,
        language=language,
        type=question_kind(question),
        answerable=True,
        answers=accepted_answers(offer.answer),
        evidence=[offer.sentence],
        document=offer.document,
        fact=same[0] if same else number,
        wording="generated",
    )
    return "", item


def accepted_answers(answer: str) -> list[str]:
    """The answer as the sentence words it, and a one-word name's CLDR names
    in the other language ("Arménie" -> "Armenia"), which answers render."""
    names = translations(fold(answer), LANGUAGES) if len(answer.split()) == 1 else set()
    return [answer, *sorted(n for n in names if fold(n) != fold(answer))]


def _ask_one(ask: Ask, offer: Offer, language: str, kept: list[EvalItem]) -> EvalItem | Rejection:
    prompt = QUESTION_PROMPTS[language].format(
        title=offer.title, sentence=offer.sentence, answer=offer.answer
    )
    reply = ask(prompt, QUESTION_REPLY)
    reason, item = check(reply, offer, language, kept)
    if item is not None:
        again = ask(
            ANSWER_PROMPT.format(sentence=offer.sentence, question=item.question), ANSWER_REPLY
        )
        if not _same_answer(again, offer.answer):
            reason, item, reply = "answered otherwise when asked again", None, reply + again
    return item or Rejection(offer.document, offer.sentence, language, reply, reason)


def _same_answer(reply: str, answer: str) -> bool:
    """Whether the LLM's second ``reply`` gives ``answer`` (or part of it) again."""
    try:
        again = normalise(str(json.loads(reply)["answer"]))
    except (ValueError, KeyError, TypeError):
        return False
    first = normalise(answer)
    return bool(again.strip()) and (again in first or first in again)


def _copies(question: str, sentence: str) -> bool:
    words = normalise(question).split()
    text = normalise(sentence)
    return any(
        f" {' '.join(words[i : i + COPIED_WORDS])} " in text
        for i in range(len(words) - COPIED_WORDS + 1)
    )
