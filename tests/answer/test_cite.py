"""Citations quote the exact words of a passage; uncited claims are dropped."""

from __future__ import annotations

import pytest

from rag.answer.cite import cite, keep_cited
from rag.records import Citation, Passage
from tests.factories import make_chunk

TEXT = "Le Kremlin avait appelé au dialogue. La Russie a envoyé des troupes. Puis le calme."
START = 100  # the chunk's offset in its document
CHUNK = make_chunk(TEXT, index=3, start=START, source="article.txt")
PASSAGE = Passage(CHUNK, score=0.9)


def document_span(words: str) -> tuple[int, int]:
    local = TEXT.index(words)
    return START + local, START + local + len(words)


def citation(n: int) -> Citation:
    return cite(n, PASSAGE, START, START + 10)


def test_cite_quotes_the_chunk_slice_at_document_offsets() -> None:
    start, end = document_span("La Russie a envoyé des troupes.")
    c = cite(2, PASSAGE, start, end)
    assert c.quote == "La Russie a envoyé des troupes."
    assert c.quote == TEXT[start - START : end - START]
    assert (c.n, c.chunk_id, c.source, c.text) == (2, CHUNK.id, CHUNK.source, TEXT)
    assert (c.start, c.end) == (start, end)


def test_cite_accepts_the_whole_chunk() -> None:
    assert cite(1, PASSAGE, CHUNK.start, CHUNK.end).quote == TEXT


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (0, 10),  # local offsets, not document offsets
        (START - 1, START + 10),  # starts before the chunk
        (START + 10, START + len(TEXT) + 1),  # ends after it
        (START + 10, START + 10),  # empty
        (START + 20, START + 10),  # reversed
    ],
)
def test_cite_rejects_offsets_outside_the_chunk(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        cite(1, PASSAGE, start, end)


def test_keep_cited_keeps_sentences_with_valid_markers() -> None:
    text = "Russia sent troops [1]. Belarus did too [2]."
    assert keep_cited(text, [citation(1), citation(2)]) == text


def test_keep_cited_strips_a_marker_that_points_nowhere() -> None:
    assert keep_cited("Russia [1] and Belarus [2].", [citation(1)]) == "Russia [1] and Belarus."


def test_keep_cited_drops_a_sentence_left_without_a_valid_marker() -> None:
    text = "Russia sent troops [1]. Belarus did too [2]. Everyone agreed."
    assert keep_cited(text, [citation(1)]) == "Russia sent troops [1]."


def test_keep_cited_keeps_a_sentence_with_one_valid_marker_among_others() -> None:
    assert keep_cited("Russia [1][2].", [citation(1)]) == "Russia [1]."


def test_keep_cited_returns_nothing_when_nothing_is_cited() -> None:
    assert keep_cited("Russia sent troops.", [citation(1)]) == ""
    assert keep_cited("Russia sent troops [1].", []) == ""
    assert keep_cited("", [citation(1)]) == ""


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("He said “no.” [1]", "He said “no.” [1]"),
        ("Nobody knows. He said “no.” [1]", "He said “no.” [1]"),
        ("Il a dit « non ». [1]", "Il a dit « non ». [1]"),
        ("Personne ne sait. Il a dit « non » [1]. Puis rien.", "Il a dit « non » [1]."),
    ],
)
def test_a_marker_after_a_closing_quote_stays_attached(text: str, kept: str) -> None:
    assert keep_cited(text, [citation(1)]) == kept


def test_an_uncited_sentence_after_a_trailing_marker_is_dropped() -> None:
    text = "Russia sent troops. [1] Belarus did too."
    assert keep_cited(text, [citation(1)]) == "Russia sent troops. [1]"


@pytest.mark.parametrize(
    "text",
    [
        "The article says: “A. B.” [1]",
        "The article says: “M. Tokaïev spoke.” [1]",
        "L’article dit : “Il a parlé de « terroristes » hier.” [1]",
    ],
)
def test_a_quoted_answer_is_kept_whole(text: str) -> None:
    assert keep_cited(text, [citation(1)]) == text
