"""Repair what a web copy leaves in text, so passages read as whole sentences.

Copy-pasted articles lose their closing quote marks, which leaves a lone "."
on its own line and sentences broken across lines; they also carry embedded
tweets and photo credits. These rules are generic (any article), not tuned to
one text.
"""

from __future__ import annotations

import re

# Control characters other than tab and newline (NUL included).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An embedded tweet: its body carries a pic.twitter.com link, its attribution
# line reads "— Name (@handle) Month D, YYYY".
_TWEET_BODY = re.compile(r"pic\.twitter\.com/\w+|https?://t\.co/\w+")
_TWEET_ATTRIBUTION = re.compile(r"^[\u2014\u2013-]\s.*\(@\w+\).*\d{4}\s*$")
# A photo credit appended to a caption: "... | EPA/MAXPPP", "... | AFP".
_PHOTO_CREDIT = re.compile(r"\s*\|\s*[A-Z][A-Z0-9/ .&-]{1,40}$")
_CONTINUES_WITH_PUNCTUATION = re.compile(r"^[.,;:!?…)»]")
_ENDS_SENTENCE = re.compile(r"[.!?:;…»\"”)]$")


def clean_text(text: str) -> str:
    """Return ``text`` with line breaks repaired and web debris removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or _TWEET_BODY.search(line) or _TWEET_ATTRIBUTION.match(line):
            if not line and lines and lines[-1]:
                lines.append("")  # keep paragraph breaks, collapse repeats
            continue
        line = _PHOTO_CREDIT.sub("", line)
        previous = lines[-1] if lines else ""
        if previous and _CONTINUES_WITH_PUNCTUATION.match(line):
            lines[-1] = previous + line
        elif previous and line[0].islower() and not _ENDS_SENTENCE.search(previous):
            lines[-1] = previous + " " + line
        else:
            lines.append(line)
    return "\n".join(lines).strip()
