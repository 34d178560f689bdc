"""Citations: [n] markers tied to a passage and the exact words quoted from it."""

from __future__ import annotations

import re

from rag.records import Citation, Passage

MARKER = re.compile(r"\s?\[(\d+)\]")
_SENTENCE_END_CHARS = ".!?…”»"
# Markers (and a final stop) that belong to the sentence before them.
_TRAILING = re.compile(r"(?:(?:\s?\[\d+\])+\.?)?")


def cite(n: int, passage: Passage, start: int, end: int) -> Citation:
    """Citation ``n`` quoting ``document.text[start:end]`` from inside ``passage``."""
    chunk = passage.chunk
    if not (chunk.start <= start < end <= chunk.end):
        raise ValueError(f"quote {start}:{end} lies outside passage {chunk.id}")
    quote = chunk.text[start - chunk.start : end - chunk.start]
    return Citation(n, chunk.id, chunk.source, chunk.text, quote, start, end, chunk.date)


def keep_cited(text: str, citations: list[Citation]) -> str:
    """``text`` without markers that point nowhere, and without the sentences
    left with no valid marker: an uncited claim is never shown."""
    valid = {c.n for c in citations}
    kept = []
    for sentence in sentences(text):
        markers = {int(n) for n in MARKER.findall(sentence)}
        if markers & valid:
            kept.append(
                MARKER.sub(lambda m: m.group() if int(m.group(1)) in valid else "", sentence)
            )
    return " ".join(kept)


def sentences(text: str) -> list[str]:
    """Sentences of an answer, each with the [n] markers that follow it; a
    quotation (“…”, «…») is never split."""
    found = []
    depth = start = 0
    i = 0
    while i < len(text):
        char = text[i]
        depth += char in "“«"
        depth -= depth > 0 and char in "”»"
        if depth == 0 and char in _SENTENCE_END_CHARS:
            trailing = _TRAILING.match(text, i + 1)
            end = trailing.end() if trailing else i + 1
            if end == len(text) or text[end].isspace():
                found.append(text[start:end].strip())
                start = i = end
                continue
        i += 1
    if text[start:].strip():
        found.append(text[start:].strip())
    return found
