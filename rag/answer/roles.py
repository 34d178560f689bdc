"""What a name does in its sentence, for questions asking who or which.

A name that qualifies another noun ("la présidence de l’OTSC"), says where
("in Almaty", "sur la place"), or heads a report as its dateline ("QUITO,
21 June 2023 — ") is not who did something. Rules, like the candidates'
(rag.answer.candidates): the same for English and French, microseconds a
sentence, no parser to load.
"""

from __future__ import annotations

import re

from rag.answer.candidates import Candidate
from rag.answer.match import PRESENT, TermMatcher

_OF = re.compile(r"(?:\b(?:de|du|des|of)(?:\s+(?:la|le|les|the))?\s+|\bd[’']|\bde\s+l[’'])$", re.I)
# A name after "sur", "dans", "on", "in" is where something is, not who did it.
_WHERE = re.compile(
    r"\b(?:sur|dans|via|au|aux|en|on|in|at)(?:\s+(?:la|le|les|the))?\s+(?:l[’'])?$", re.I
)
# A report's dateline, where and when it was filed ("QUITO, 21 June 2023 — ",
# "VERNAC-SUR-DRONNE (Dordogne), 15 juillet 2018 – "): a place, a comma, and a
# year or an all-capital place, before a dash. Its place is nobody's name.
_DATELINE = re.compile(r"\s*(?P<head>[^\W\d_][^—–\n]{0,80}?,[^—–\n]{0,60}?)\s[—–]\s")
_DETERMINER = re.compile(r"(?:\b(?:the|a|an|its|his|her|their)\s+)$", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s+([\w’'-]+)")


def is_complement(sentence: str, candidate: Candidate) -> bool:
    """A name governed by "of" ("la présidence de l’OTSC", "alliés de Moscou")
    qualifies another noun: it is not who did something, nor an item of a list."""
    return bool(_OF.search(sentence[: candidate.start]))


def is_not_a_doer(sentence: str, candidate: Candidate, matcher: TermMatcher) -> bool:
    """A name that says where, not who: after "in", "on", "sur"...; a
    dateline's place; or a name between "the" and a word of the question
    ("the Cap Rouge lighthouse", asked who keeps the lighthouse; for "which
    lighthouse", that name is the answer)."""
    before = sentence[: candidate.start]
    if _WHERE.search(before):
        return True
    dateline = _DATELINE.match(sentence)
    if dateline and candidate.end <= dateline.end("head") and _is_dateline(dateline["head"]):
        return True
    following = _NEXT_WORD.match(sentence, candidate.end)
    return bool(
        _DETERMINER.search(before)
        and following
        and max((score for score, _ in matcher.align(following.group(1))), default=0.0) >= PRESENT
    )


def _is_dateline(head: str) -> bool:
    """The words before a dash name a place and a date: a year, or a place in capitals."""
    first = head.split(",")[0]
    return bool(re.search(r"\d", head)) or (first.isupper() and len(first) > 2)
