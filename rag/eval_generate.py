"""The generated split: questions a local LLM writes from the eval's passages.

Nobody here chose their wording. The LLM reads one passage (a chunk, as the
index cuts it) and writes a question in English or French with its short
answer and the passage words that state it. Before any answerer sees it, a
question is kept only when the text bears it out: the evidence is in the
passage, the answer is in the evidence, the question neither gives the answer
away nor copies the passage, and it asks no fact the dev split asks (facts
stay in one split). Every rejection is logged with its reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rag.chunk import chunk_document, sentence_spans
from rag.eval_set import EvalItem
from rag.evaluate import normalise
from rag.language import detect_language
from rag.lexical import fold
from rag.load import discover, load_document
from rag.localize import translations
from rag.question import question_kind
from rag.records import Chunk

LANGUAGES = {"en": "English", "fr": "French"}
MAX_ANSWER_WORDS = 8
MAX_EVIDENCE_WORDS = 40
COPIED_WORDS = 8  # a question repeating this many passage words in a row copies it
# The LLM's reply is held to one JSON object of three strings.
JSON_REPLY = r"""
root ::= "{\"question\": " string ", \"answer\": " string ", \"evidence\": " string "}"
string ::= "\"" ([^"\\\n] | "\\" ["\\/nt])* "\""
"""
PROMPT = (
    "Here is a passage of a news article.\n\n«{passage}»\n\n"
    "Write one question in {language} that a reader of this article could ask, about one "
    "precise fact the passage states (a person, a number, a date, a place, a cause). Give "
    "its short answer copied from the passage (a few words), and the exact words of the "
    "passage that state it. Reply in JSON: "
    '{{"question": "...", "answer": "...", "evidence": "..."}}'
)

Ask = Callable[[str], str]  # a prompt in, the LLM's reply out


@dataclass(frozen=True)
class Rejection:
    """An LLM question that was not kept, and why."""

    document: str
    chunk: int
    language: str
    reply: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def generate(
    ask: Ask,
    documents: list[Path],
    dev_items: list[EvalItem],
    chunk_size: int,
    chunk_overlap: int,
) -> Iterator[EvalItem | Rejection]:
    """For every chunk of every document and both languages, the question the
    LLM writes, kept (an EvalItem of the generated split) or rejected."""
    kept: list[EvalItem] = []
    for path in discover(documents)[0]:
        document = load_document(path)
        dev_evidence = [e for i in dev_items if i.document == path.name for e in i.evidence]
        for chunk in chunk_document(document, chunk_size, chunk_overlap):
            for language, name in LANGUAGES.items():
                reply = ask(PROMPT.format(passage=chunk.text, language=name))
                reason, item = check(reply, chunk, language, path.name, dev_evidence, kept)
                if item is None:
                    yield Rejection(path.name, chunk.index, language, reply, reason)
                else:
                    kept.append(item)
                    yield item


def check(
    reply: str,
    chunk: Chunk,
    language: str,
    document: str,
    dev_evidence: list[str],
    kept: list[EvalItem],
) -> tuple[str, EvalItem | None]:
    """Why the LLM's ``reply`` is rejected, or the item it makes ("", item)."""
    try:
        written = json.loads(reply)
        question, answer, quoted = (written[k].strip() for k in ("question", "answer", "evidence"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return "not a JSON object of question, answer and evidence", None
    evidence = _in_passage(quoted, chunk.text)
    sentence = _sentence_of(evidence, chunk) if evidence else ""
    reasons = [
        (not question.endswith("?") or len(question.split()) < 3, "not a question"),
        (detect_language(question) != language, f"not in {LANGUAGES[language]}"),
        (not evidence, "evidence not in the passage"),
        (len(quoted.split()) > MAX_EVIDENCE_WORDS, "evidence longer than a sentence's clause"),
        (not answer or len(answer.split()) > MAX_ANSWER_WORDS, "no short answer"),
        (bool(evidence) and normalise(answer) not in normalise(evidence), "answer not in evidence"),
        (normalise(answer) in normalise(question), "question gives its answer"),
        (_copies(question, chunk.text), "question copies the passage"),
        (any(e in sentence or sentence in e for e in dev_evidence), "asks a fact of dev"),
        (any(fold(question) == fold(k.question) for k in kept), "duplicate question"),
        (any(k.evidence == [evidence] and k.language == language for k in kept), "same fact"),
    ]
    failed = [reason for bad, reason in reasons if bad]
    if failed:
        return failed[0], None
    item = EvalItem(
        id=f"gen-{len(kept) + 1:03d}",
        split="generated",
        question=question,
        language=language,
        type=question_kind(question),
        answerable=True,
        answers=accepted_answers(answer),
        evidence=[evidence],
        document=document,
        fact=f"gen-{len(kept) + 1:03d}",
        wording="generated",
    )
    return "", item


def accepted_answers(answer: str) -> list[str]:
    """The answer as the passage words it, and a one-word name's CLDR names
    in the other language ("Arménie" -> "Armenia"), which answers render."""
    names = translations(fold(answer), tuple(LANGUAGES)) if len(answer.split()) == 1 else set()
    return [answer, *sorted(n for n in names if fold(n) != fold(answer))]


def _in_passage(quoted: str, passage: str) -> str:
    """``quoted`` as the passage writes it (spaces and case may differ), or ""."""
    words = [re.escape(w) for w in quoted.split()]
    if not words:
        return ""
    found = re.search(r"\s+".join(words), passage, re.IGNORECASE)
    return found.group() if found and "\n" not in found.group() else ""


def _sentence_of(evidence: str, chunk: Chunk) -> str:
    start = chunk.text.find(evidence)
    for begin, end in sentence_spans(chunk.text, chunk.language):
        if begin <= start < end:
            return chunk.text[begin:end]
    return evidence


def _copies(question: str, passage: str) -> bool:
    words = normalise(question).split()
    text = normalise(passage)
    return any(
        f" {' '.join(words[i : i + COPIED_WORDS])} " in text
        for i in range(len(words) - COPIED_WORDS + 1)
    )
