"""The eval set: items, the documents they ask about, and how lexical they are.

An item asks one question about one document of ``eval/docs/``. Answerable
items carry a fact id shared by every phrasing of that fact (all in one
split), accepted short answers and gold evidence (exact substrings of the
document). Dev is for tuning; test and generated are for reporting only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rag.answer.question import content_terms
from rag.text.sentences import sentence_spans

EVAL_DOCS = Path("eval/docs")
EVAL_SETS = (Path("eval/questions.jsonl"), Path("eval/generated.jsonl"))
SPLITS = ("dev", "test", "generated")
# Where an item's question comes from: close to the text's words, in a
# reader's own words (no content word of the evidence sentence shared), or
# written by a local LLM from a passage.
WORDINGS = ("text", "reader", "generated")


@dataclass(frozen=True)
class EvalItem:
    """One question with its gold answers and evidence (exact document substrings)."""

    id: str
    split: str
    question: str
    language: str
    type: str
    answerable: bool
    answers: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    history: list[dict[str, str]] = field(default_factory=list)
    document: str = ""  # file name in the eval's documents folder
    fact: str | None = None  # shared by every phrasing of one fact
    trap: str = ""  # why an unanswerable item tempts: figure, person, later, ...
    wording: str = ""  # one of WORDINGS, "" for unanswerable items


def load_eval_set(paths: Path | Iterable[Path]) -> list[EvalItem]:
    """Items of one or more JSONL eval files, one object per line."""
    items = []
    for path in [paths] if isinstance(paths, Path) else paths:
        with path.open(encoding="utf-8") as lines:
            items += [EvalItem(**json.loads(line)) for line in lines if line.strip()]
    return items


def evidence_sentences(item: EvalItem, text: str, language: str) -> list[str]:
    """The sentences of ``text`` that hold (part of) the item's gold evidence."""
    found = []
    for start, end in sentence_spans(text, language):
        sentence = text[start:end]
        if any(e in sentence or sentence in e for e in item.evidence):
            found.append(" ".join(sentence.split()))
    return found


def lexical_overlap(item: EvalItem, text: str, language: str) -> float | None:
    """Share of the question's content words found, as the same word or stem
    (5 letters), in its evidence sentence; None for an unanswerable item.
    Literal: a translated word does not count, so a question in another
    language than its document scores low by construction."""
    from rag.answer.match import same_word  # rag.answer.match imports the embeddings' stack

    sentences = evidence_sentences(item, text, language)
    terms = content_terms(item.question)
    if not item.answerable or not terms or not sentences:
        return None
    words = content_terms(" ".join(sentences))
    found = sum(any(same_word(term, word) for word in words) for term in terms)
    return round(found / len(terms), 3)
