"""Sentences of a text with exact character offsets, from pysbd (rule-based,
French and English abbreviations and numbers handled)."""

from __future__ import annotations

import threading

import pysbd
from pysbd.languages import LANGUAGE_CODES

Span = tuple[int, int]


def sentence_spans(text: str, language: str) -> list[Span]:
    """(start, end) of each sentence in ``text``, trimmed of surrounding space."""
    spans: list[Span] = []
    cursor = 0
    for sentence in _segmenter(language).segment(text):
        found = text.find(sentence, cursor)
        if found < 0:  # pysbd altered the text: fall back to the cursor
            found = cursor
        start, end = found, found + len(sentence)
        cursor = end
        stripped_start = start + (len(sentence) - len(sentence.lstrip()))
        stripped_end = end - (len(sentence) - len(sentence.rstrip()))
        if stripped_end > stripped_start:
            spans.append((stripped_start, stripped_end))
    return spans


_SEGMENTERS = threading.local()


def _segmenter(language: str) -> pysbd.Segmenter:
    """A segmenter for ``language``, one per thread: pysbd keeps the text being
    segmented on the instance, so a shared one mixes concurrent calls up."""
    code = language if language in LANGUAGE_CODES else "en"
    cache: dict[str, pysbd.Segmenter] = _SEGMENTERS.__dict__.setdefault("by_language", {})
    if code not in cache:
        cache[code] = pysbd.Segmenter(language=code, clean=False)
    return cache[code]
