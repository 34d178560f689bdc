"""Citations: [n] markers tied to a passage and the exact words quoted from it."""

from __future__ import annotations

import re

from rag.records import Citation, Passage

_MARKER = re.compile(r"\s?\[(\d+)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?…”»])\s+(?!\[)")


def cite(n: int, passage: Passage, start: int, end: int) -> Citation:
    """Citation ``n`` quoting ``document.text[start:end]`` from inside ``passage``."""
    chunk = passage.chunk
    if not (chunk.start <= start < end <= chunk.end):
        raise ValueError(f"quote {start}:{end} lies outside passage {chunk.id}")
    quote = chunk.text[start - chunk.start : end - chunk.start]
    return Citation(n, chunk.id, chunk.source, chunk.text, quote, start, end)


def keep_cited(text: str, citations: list[Citation]) -> str:
    """``text`` without markers that point nowhere, and without the sentences
    left with no valid marker: an uncited claim is never shown."""
    valid = {c.n for c in citations}
    kept = []
    for sentence in _SENTENCE_END.split(text.strip()):
        markers = {int(n) for n in _MARKER.findall(sentence)}
        if markers & valid:
            kept.append(
                _MARKER.sub(lambda m: m.group() if int(m.group(1)) in valid else "", sentence)
            )
    return " ".join(kept)
