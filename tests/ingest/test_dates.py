"""publication_date: where a document's date comes from, most trusted first."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest.dates import publication_date
from rag.ingest.load import load_document


@pytest.mark.parametrize(
    ("head", "language", "expected"),
    [
        ("Beetle named\n\nQUITO, 21 June 2023 — A dung beetle was found.", "en", "2023-06-21"),
        ("Lake ferry\nPORT ALDERY — Wednesday, October 20, 2021\nTwo missing.", "en", "2021-10-20"),
        (
            "Fromagerie\n\nLascombettes (Cantal), le 15 novembre 2022 – Ils livraient.",
            "fr",
            "2022-11-15",
        ),
        # A relative phrase or a date without its year is no publication date.
        ("For three months this spring, blood flew.", "en", ""),
        ("Le 14 juillet, la place était pleine.", "fr", ""),
        ("QUITO, 21 June 2023 — a beetle.", "xx", ""),  # a language dateparser lacks
    ],
)
def test_the_dateline_gives_the_date(head: str, language: str, expected: str) -> None:
    assert publication_date("story.txt", head, language) == expected


def test_metadata_then_file_name_then_dateline() -> None:
    dateline = "QUITO, 21 June 2023 — a beetle."
    assert publication_date("s-2022-01-06.txt", dateline, "en", "2020-05-04T10:00Z") == "2020-05-04"
    assert publication_date("s-2022-01-06.txt", dateline, "en", "not a date") == "2022-01-06"
    assert publication_date("s-20220106.txt", dateline, "en") == "2022-01-06"
    assert publication_date("s-2022-02-30.txt", dateline, "en") == "2023-06-21"  # no such day
    assert publication_date("report-1234567.txt", "No date here.", "en") == ""


def test_an_html_page_is_dated_by_its_metadata(tmp_path: Path) -> None:
    page = tmp_path / "library.html"
    body = "<p>The new public library of Harbour Town opened on Saturday morning.</p>" * 5
    page.write_text(
        '<html><head><meta property="article:published_time" content="2023-05-02T10:00:00Z">'
        f"<title>Library</title></head><body><article>{body}</article></body></html>",
        encoding="utf-8",
    )
    assert load_document(page).date == "2023-05-02"
