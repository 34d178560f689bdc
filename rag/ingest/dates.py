"""A document's publication date, for filtering questions by date range and
for putting the newest of two disagreeing documents first.

Where a date is found, most trusted first: the file's own metadata (an HTML
page's publication date, which trafilatura reads from meta tags and JSON-LD;
a PDF's creation date), a YYYY-MM-DD (or YYYYMMDD) in the file name, and the
dateline at the top of the text ("QUITO, 21 June 2023 —", "le 15 novembre
2022", read by dateparser in the document's language). A date without a
year is not taken: a dateline states it, a relative phrase ("three months
ago") does not.
"""

from __future__ import annotations

import re
from datetime import date

# A dateline sits in the headline's first lines; further down, dates are
# events the story tells of, not when it was written.
DATELINE_CHARS = 400
# A date in a file name, as "2022-01-06" or "20220106".
NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def publication_date(
    file_name: str, text: str, language: str, metadata_date: str | None = None
) -> str:
    """The ISO date (YYYY-MM-DD) the document was published, or "" when
    nothing says. ``metadata_date``: what the file's own metadata gives."""
    # In order, and no further than needed: reading the dateline is the dear one.
    return (
        _iso(metadata_date)
        or _date_in_name(file_name)
        or _dateline(text[:DATELINE_CHARS], language)
    )


def _iso(value: str | None) -> str:
    """``value``'s leading YYYY-MM-DD when it is a real date, else ""."""
    if not value:
        return ""
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return ""


def _date_in_name(name: str) -> str:
    match = NAME_DATE.search(name)
    return _iso("-".join(match.groups())) if match else ""


def _dateline(head: str, language: str) -> str:
    from dateparser.search import search_dates  # imported here: ~0.1 s to load

    try:
        found = search_dates(
            head,
            languages=[language],
            settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
        )
    except ValueError:  # a language dateparser does not know
        return ""
    for words, when in found or []:
        if _YEAR.search(words):
            return when.date().isoformat()
    return ""
