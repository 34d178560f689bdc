"""Which indexed documents a question may search: a Scope resolved to sources.

The retriever knows every indexed source and its publication date (from the
BM25 index's chunks), so a scope becomes a set of sources here, and both
searches (Chroma's ``where $in``, BM25's mask) keep to that set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from rag.errors import QuestionError
from rag.records import Scope


def sources_in_scope(scope: Scope, dates: Mapping[str, str]) -> frozenset[str]:
    """The sources of ``dates`` (source -> ISO date, "" when unknown) that
    ``scope`` takes in; a QuestionError when a name is unknown, a bound is
    not a date, or no document is left."""
    sources = sources_named(scope.documents, dates) if scope.documents else frozenset(dates)
    since, until = check_day(scope.since, "since"), check_day(scope.until, "until")
    if since and until and since > until:
        raise QuestionError(f"the date range is empty: {since} comes after {until}")
    if since or until:
        sources = frozenset(s for s in sources if _between(dates[s], since, until))
        if not sources:
            undated = sum(1 for s in dates if not dates[s])
            raise QuestionError(
                f"no indexed document is dated from {since or 'any date'} to "
                f"{until or 'today'} ({undated} of {len(dates)} have no known date)"
            )
    return sources


def sources_named(names: Sequence[str], indexed: Iterable[str]) -> frozenset[str]:
    """The indexed sources ``names`` point to, each as a source path (as
    `rag documents` lists it, relative or absolute) or a file name; an unknown
    name is a QuestionError."""
    indexed = list(indexed)
    sources: set[str] = set()
    for name in names:
        resolved = str(Path(name).resolve())
        found = [s for s in indexed if s in (name, resolved) or Path(s).name == name]
        if not found:
            raise QuestionError(
                f"no indexed document is named {name!r} (`rag documents` lists them)"
            )
        sources.update(found)
    return frozenset(sources)


def check_day(text: str, bound: str = "date") -> str:
    """``text`` as an ISO date (YYYY-MM-DD; "" stays ""), or a QuestionError."""
    if not text:
        return ""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise QuestionError(f"{bound} wants a date as YYYY-MM-DD, not {text!r}") from None


def _between(day: str, since: str, until: str) -> bool:
    return bool(day) and (not since or day >= since) and (not until or day <= until)
