"""Split a Document into chunks of whole sentences with exact character offsets.

Sentences (rag.text.sentences) are packed greedily up to ``chunk_size`` characters,
and the next chunk repeats the last sentences that fit in ``chunk_overlap``.
A sentence longer than a chunk is cut at whitespace.
"""

from __future__ import annotations

import hashlib
import re

from rag.records import Chunk, Document
from rag.text.sentences import Span, sentence_spans

_WHITESPACE_RUN = re.compile(r"\s+")


def chunk_document(document: Document, chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """Chunks of ``document`` in order; ``document.text[c.start:c.end] == c.text``."""
    text = document.text
    sentences = [
        piece
        for span in sentence_spans(text, document.language)
        for piece in _cut_long(text, span, chunk_size)
    ]
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for index, (start, end) in enumerate(_pack(sentences, chunk_size, chunk_overlap)):
        body = text[start:end]
        # Identical passages in one document stay distinct by occurrence number,
        # so an id changes only when the passage's own text changes.
        occurrence = seen.get(body, 0)
        seen[body] = occurrence + 1
        chunks.append(
            Chunk(
                id=chunk_id(document.source, body, occurrence),
                source=document.source,
                title=document.title,
                language=document.language,
                index=index,
                start=start,
                end=end,
                text=body,
                date=document.date,
            )
        )
    return chunks


def chunk_id(source: str, text: str, occurrence: int = 0) -> str:
    """Stable id derived from the source and the chunk's content."""
    digest = hashlib.sha256(f"{source}\0{occurrence}\0{text}".encode()).hexdigest()
    return digest[:32]


def _cut_long(text: str, span: Span, size: int) -> list[Span]:
    """Split a span longer than ``size`` at whitespace (or hard, if none)."""
    start, end = span
    pieces: list[Span] = []
    while end - start > size:
        cut = start + size
        breaks = [m.start() for m in _WHITESPACE_RUN.finditer(text, start + 1, cut)]
        if breaks:
            cut = breaks[-1]
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def _pack(sentences: list[Span], size: int, overlap: int) -> list[Span]:
    chunks: list[Span] = []
    first = 0
    while first < len(sentences):
        last = first
        while last + 1 < len(sentences) and sentences[last + 1][1] - sentences[first][0] <= size:
            last += 1
        chunks.append((sentences[first][0], sentences[last][1]))
        if last + 1 == len(sentences):
            break
        following = last + 1
        # Step back over the sentences that fit in the overlap, as long as the
        # next chunk still reaches a sentence this one lacks.
        while (
            following - 1 > first
            and sentences[last][1] - sentences[following - 1][0] <= overlap
            and sentences[last + 1][1] - sentences[following - 1][0] <= size
        ):
            following -= 1
        first = following
    return chunks
