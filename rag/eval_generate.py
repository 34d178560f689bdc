"""The generated split: questions a local LLM writes from the eval's documents.

Nobody here chose their wording. Shown one sentence of a document (one that
states something; documents in turn, sentences spread over each), the LLM
writes a question in English or French that the sentence answers, with its
short answer in the sentence's own words. Before any answerer sees it, a
question is kept only when the text bears it out: the answer is in the
sentence, the question neither gives the answer away nor copies the
sentence, it is no duplicate, and the LLM, asked its own question about the
sentence, gives the same answer again (round-trip consistency, Alberti et
al. 2019, "Synthetic QA corpora generation with roundtrip consistency").
Every rejection is logged with its reason. Sentences holding a fact the dev
split asks are not offered, so facts stay in one split.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from itertools import chain, zip_longest
from pathlib import Path
from typing import Any

from rag.chunk import sentence_spans
from rag.eval_set import EvalItem
from rag.evaluate import normalise
from rag.language import detect_language
from rag.lexical import fold
from rag.load import discover, load_document
from rag.localize import translations
from rag.question import question_kind
from rag.records import Document

LANGUAGES = ("en", "fr")
MIN_SENTENCE_WORDS = 8
MAX_ANSWER_WORDS = 8
COPIED_WORDS = 8  # a question repeating this many sentence words in a row copies it
# The LLM's replies are held to one JSON object of strings.
QUESTION_REPLY = r"""
root ::= "{\"question\": " string ", \"answer\": " string "}"
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
        "Example. Sentence: «Le musée de Vernon a accueilli 12 400 visiteurs en juillet.»\n"
        'JSON: {{"question": "How many people went to the museum in July?", '
        '"answer": "12 400"}}\n\n'
        "Sentence of the article «{title}»: «{sentence}»\n"
        "Write a question in English that a reader would ask, whose answer is a name, a "
        "number, a date, a place or a short phrase of this sentence. JSON:"
    ),
    "fr": (
        "Exemple. Phrase : «The museum in Vernon welcomed 12,400 visitors in July.»\n"
        'JSON : {{"question": "Combien de personnes sont allées au musée en juillet ?", '
        '"answer": "12,400"}}\n\n'
        "Phrase de l’article «{title}» : «{sentence}»\n"
        "Écris une question en français qu’un lecteur poserait, dont la réponse est un nom, "
        "un nombre, une date, un lieu ou un court passage de cette phrase. JSON :"
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


def generate(
    ask: Ask,
    documents: list[Path],
    dev_items: list[EvalItem],
    target: int,
    earlier: tuple[list[EvalItem], list[Rejection]] = ([], []),
) -> Iterator[EvalItem | Rejection]:
    """The questions the LLM writes, kept (EvalItems of the generated split) or
    rejected, until ``target`` are kept or every sentence was offered in both
    languages: each sentence once in one language (documents in turn), then
    each in the other. ``earlier`` results (a run resumed) are not asked again."""
    offered = []
    for path in discover(documents)[0]:
        document = load_document(path)
        dev_evidence = [e for i in dev_items if i.document == path.name for e in i.evidence]
        offered.append([(path.name, document.title, s) for s in sentences(document, dev_evidence)])
    turns = [t for t in chain.from_iterable(zip_longest(*offered)) if t is not None]
    kept, rejected = list(earlier[0]), earlier[1]
    done = {(i.document, i.evidence[0], i.language) for i in kept}
    done |= {(r.document, r.sentence, r.language) for r in rejected}
    for second in (0, 1):
        for n, (name, title, sentence) in enumerate(turns):
            language = LANGUAGES[(n + second) % len(LANGUAGES)]
            if len(kept) >= target:
                return
            if (name, sentence, language) in done:
                continue
            result = _ask_one(ask, name, title, sentence, language, kept)
            if isinstance(result, EvalItem):
                kept.append(result)
            yield result


def _ask_one(
    ask: Ask, name: str, title: str, sentence: str, language: str, kept: list[EvalItem]
) -> EvalItem | Rejection:
    reply = ask(QUESTION_PROMPTS[language].format(title=title, sentence=sentence), QUESTION_REPLY)
    reason, item = check(reply, sentence, language, name, kept)
    if item is not None:
        prompt = ANSWER_PROMPT.format(sentence=sentence, question=item.question)
        again = ask(prompt, ANSWER_REPLY)
        if not _same_answer(again, item.answers[0]):
            reason, item, reply = "answered otherwise when asked again", None, reply + again
    return item or Rejection(name, sentence, language, reply, reason)


def sentences(document: Document, dev_evidence: list[str]) -> list[str]:
    """The sentences of ``document`` past its headline, long enough to state
    something, on one line, holding no dev evidence; spread over the
    document (every other one first, then the rest), so that a target
    reached early still covers it."""
    found = []
    for start, end in sentence_spans(document.text, document.language):
        sentence = document.text[start:end]
        if len(sentence.split()) < MIN_SENTENCE_WORDS or "\n" in sentence or start == 0:
            continue  # too short to state a fact, across lines, or the headline
        if not any(e in sentence or sentence in e for e in dev_evidence):
            found.append(sentence)
    return found[::2] + found[1::2]


def check(
    reply: str, sentence: str, language: str, document: str, kept: list[EvalItem]
) -> tuple[str, EvalItem | None]:
    """Why the LLM's ``reply`` is rejected, or the item it makes ("", item)."""
    try:
        written = json.loads(reply)
        question, answer = (written[k].strip() for k in ("question", "answer"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return "not a JSON object of question and answer", None
    reasons = [
        (not question.endswith("?") or len(question.split()) < 3, "not a question"),
        (detect_language(question) != language, f"not in {language}"),
        (not answer or len(answer.split()) > MAX_ANSWER_WORDS, "no short answer"),
        (normalise(answer) not in normalise(sentence), "answer not in the sentence"),
        (normalise(answer) in normalise(question), "question gives its answer"),
        (_copies(question, sentence), "question copies the sentence"),
        (any(fold(question) == fold(k.question) for k in kept), "duplicate question"),
    ]
    failed = [reason for bad, reason in reasons if bad]
    if failed:
        return failed[0], None
    number = f"gen-{len(kept) + 1:03d}"
    # Questions on one sentence (one per language) ask one fact.
    same = [k.fact for k in kept if k.document == document and k.evidence == [sentence]]
    item = EvalItem(
        id=number,
        split="generated",
        question=question,
        language=language,
        type=question_kind(question),
        answerable=True,
        answers=accepted_answers(answer),
        evidence=[sentence],
        document=document,
        fact=same[0] if same else number,
        wording="generated",
    )
    return "", item


def accepted_answers(answer: str) -> list[str]:
    """The answer as the passage words it, and a one-word name's CLDR names
    in the other language ("Arménie" -> "Armenia"), which answers render."""
    names = translations(fold(answer), LANGUAGES) if len(answer.split()) == 1 else set()
    return [answer, *sorted(n for n in names if fold(n) != fold(answer))]


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
