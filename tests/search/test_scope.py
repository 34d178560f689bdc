"""sources_in_scope: a Scope (names, date range) resolved to indexed sources."""

from __future__ import annotations

import pytest

from rag.errors import QuestionError
from rag.records import Scope
from rag.search.scope import sources_in_scope

DATES = {
    "/news/a.txt": "2022-01-06",
    "/news/b.txt": "2023-06-21",
    "/news/c.txt": "2024-12-10",
    "/news/undated.txt": "",
}


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope(("b.txt",)), {"b.txt"}),
        (Scope(since="2023-06-21"), {"b.txt", "c.txt"}),  # bounds are included
        (Scope(until="2023-06-21"), {"a.txt", "b.txt"}),
        (Scope(since="2022-06-01", until="2024-01-01"), {"b.txt"}),
        (Scope(("a.txt", "c.txt", "undated.txt"), since="2023-01-01"), {"c.txt"}),
        (Scope(("undated.txt",)), {"undated.txt"}),  # no bound: a date is not needed
    ],
)
def test_a_scope_keeps_named_documents_published_in_its_range(
    scope: Scope, expected: set[str]
) -> None:
    assert {s.rsplit("/", 1)[1] for s in sources_in_scope(scope, DATES)} == expected


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        (
            Scope(since="2025-01-01"),
            r"no indexed document is dated from 2025-01-01 to today \(1 of 4",
        ),
        (Scope(("undated.txt",), until="2030-01-01"), "no indexed document is dated"),
        (Scope(since="06/01/2023"), r"since wants a date as YYYY-MM-DD, not '06/01/2023'"),
        (Scope(since="2024-01-01", until="2023-01-01"), "2024-01-01 comes after 2023-01-01"),
        (Scope(("nope.txt",)), "no indexed document is named 'nope.txt'"),
    ],
)
def test_a_scope_that_takes_in_nothing_is_refused(scope: Scope, message: str) -> None:
    with pytest.raises(QuestionError, match=message):
        sources_in_scope(scope, DATES)


def test_a_list_of_names_is_a_scope_of_documents() -> None:
    assert Scope.of(["a.txt"]) == Scope(("a.txt",))
    assert Scope.of(None).everything and not Scope.of(["a.txt"]).everything
    assert Scope.chosen(None, "2022-01-01", None) == Scope(since="2022-01-01")
