"""Plain data carried from loading to retrieval, each with a JSON form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """A loaded file: its cleaned text is what chunk offsets point into.
    ``date``: when it was published (ISO), "" when nothing says."""

    source: str
    title: str
    language: str
    text: str
    sha256: str
    date: str = ""


@dataclass(frozen=True)
class Chunk:
    """A passage of whole sentences: ``document.text[start:end] == text``."""

    id: str
    source: str
    title: str
    language: str
    index: int
    start: int
    end: int
    text: str
    date: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))  # flat fields: asdict's deep copy took 3 s at 100k chunks


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and the scores it was fused from."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data = self.chunk.to_dict()
        data["chunk_id"] = data.pop("id")
        data.update(
            score=self.score,
            dense_score=self.dense_score,
            lexical_score=self.lexical_score,
        )
        return data


@dataclass(frozen=True)
class Scope:
    """The documents a question searches: those ``documents`` names (paths or
    file names; every one when empty) published from ``since`` to ``until``
    (ISO dates, both included; open-ended when ""). With a date bound, a
    document whose date is unknown is left out."""

    documents: tuple[str, ...] = ()
    since: str = ""
    until: str = ""

    @classmethod
    def of(cls, within: Scope | Sequence[str] | None) -> Scope:
        """``within`` as a Scope: a list of names keeps to those documents."""
        if isinstance(within, Scope):
            return within
        return cls(documents=tuple(within or ()))

    @classmethod
    def chosen(cls, documents: Sequence[str] | None, since: str | None, until: str | None) -> Scope:
        """The Scope a form or a command line chose (None: nothing chosen)."""
        return cls(tuple(documents or ()), since or "", until or "")

    @property
    def everything(self) -> bool:
        return not (self.documents or self.since or self.until)


@dataclass(frozen=True)
class FileReport:
    """What indexing did with one file: indexed, unchanged, skipped or removed."""

    source: str
    status: str
    reason: str = ""
    chunks_added: int = 0
    chunks_removed: int = 0


@dataclass
class IndexReport:
    """The outcome of one ``index`` call, file by file and in total."""

    files: list[FileReport] = field(default_factory=list)
    total_chunks: int = 0

    def with_status(self, status: str) -> list[FileReport]:
        return [f for f in self.files if f.status == status]

    @property
    def chunks_added(self) -> int:
        return sum(f.chunks_added for f in self.files)

    @property
    def chunks_removed(self) -> int:
        return sum(f.chunks_removed for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "indexed": [f.source for f in self.with_status("indexed")],
            "unchanged": [f.source for f in self.with_status("unchanged")],
            "removed": [f.source for f in self.with_status("removed")],
            "skipped": [
                {"source": f.source, "reason": f.reason} for f in self.with_status("skipped")
            ],
            "chunks_added": self.chunks_added,
            "chunks_removed": self.chunks_removed,
            "total_chunks": self.total_chunks,
        }


@dataclass(frozen=True)
class Citation:
    """What an [n] marker points to: a passage and the exact words quoted from it.

    ``start``/``end`` locate ``quote`` in the source document's loaded text;
    ``date`` is the document's publication date ("" when unknown).
    """

    n: int
    chunk_id: str
    source: str
    text: str
    quote: str
    start: int
    end: int
    date: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """An answer with its citations, the passages it drew on, and timings.

    ``mode`` is the answerer that wrote it; ``note`` says why, when it is not
    the configured one (an LLM unavailable or unverifiable); ``unverified``
    lists the generated sentences a verifier removed, with their reasons;
    ``differing`` (``n``, ``answer``), when documents give different figures,
    each one's short answer and citation, newest document first.
    """

    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    passages: list[Passage]
    mode: str
    language: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    note: str = ""
    unverified: list[dict[str, str]] = field(default_factory=list)
    differing: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [
                {
                    "chunk_id": p.chunk.id,
                    "source": p.chunk.source,
                    "text": p.chunk.text,
                    "score": p.score,
                }
                for p in self.passages
            ],
            "mode": self.mode,
            "language": self.language,
            "timings_ms": self.timings_ms,
            "note": self.note,
            "unverified": self.unverified,
            "differing": self.differing,
        }
