"""Hand-made records for pure unit tests."""

from __future__ import annotations

from rag.records import Chunk, Passage


def make_chunk(
    text: str = "x",
    *,
    index: int = 0,
    start: int = 0,
    source: str = "s",
    title: str = "t",
    language: str = "fr",
    chunk_id: str | None = None,
) -> Chunk:
    """A chunk of ``text`` lying at ``start`` in document ``source``."""
    return Chunk(
        id=chunk_id or f"{source}#{index}",
        source=source,
        title=title,
        language=language,
        index=index,
        start=start,
        end=start + len(text),
        text=text,
    )


def make_passage(text: str, *, score: float = 1.0, **chunk_fields: object) -> Passage:
    return Passage(make_chunk(text, **chunk_fields), score=score)  # type: ignore[arg-type]
