"""chunk_document: whole sentences, exact offsets, bounded size, stable ids."""

from __future__ import annotations

import dataclasses
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.ingest.chunk import chunk_document, chunk_id
from rag.ingest.load import load_document
from rag.records import Document
from rag.text.sentences import sentence_spans

from ..conftest import ARTICLE

# Every sentence of the article is shorter than 400 characters, so with these
# sizes no sentence is cut and chunk edges must be sentence edges.
SIZES = [(400, 0), (400, 150), (500, 100), (800, 200), (1200, 0), (1200, 600)]


@pytest.fixture(scope="module")
def article() -> Document:
    return load_document(ARTICLE)


@pytest.fixture(scope="module")
def spans(article) -> list[tuple[int, int]]:
    return sentence_spans(article.text, article.language)


def doc(text: str, language: str = "en", source: str = "s") -> Document:
    return Document(source=source, title="t", language=language, text=text, sha256="x")


def test_article_sentences_fit_the_sizes_under_test(article, spans):
    assert len(spans) > 20
    assert max(end - start for start, end in spans) < min(size for size, _ in SIZES)


@pytest.mark.parametrize(("size", "overlap"), SIZES)
def test_chunk_text_is_the_document_slice(article, size, overlap):
    for chunk in chunk_document(article, size, overlap):
        assert article.text[chunk.start : chunk.end] == chunk.text


@pytest.mark.parametrize(("size", "overlap"), SIZES)
def test_chunks_are_no_longer_than_chunk_size(article, size, overlap):
    chunks = chunk_document(article, size, overlap)
    assert chunks
    assert all(len(chunk.text) <= size for chunk in chunks)


@pytest.mark.parametrize(("size", "overlap"), SIZES)
def test_chunks_cover_every_sentence_in_order(article, spans, size, overlap):
    chunks = chunk_document(article, size, overlap)
    assert chunks[0].start == spans[0][0]
    assert chunks[-1].end == spans[-1][1]
    for before, after in pairwise(chunks):
        assert before.start < after.start
        assert before.end <= after.end
    for start, end in spans:
        assert any(c.start <= start and end <= c.end for c in chunks), article.text[start:end]


@pytest.mark.parametrize(("size", "overlap"), SIZES)
def test_chunks_begin_and_end_at_sentence_edges(article, spans, size, overlap):
    starts = {start for start, _ in spans}
    ends = {end for _, end in spans}
    for chunk in chunk_document(article, size, overlap):
        assert chunk.start in starts
        assert chunk.end in ends


@pytest.mark.parametrize(("size", "overlap"), [(s, o) for s, o in SIZES if o == 0])
def test_no_overlap_means_next_chunk_starts_at_next_sentence(article, spans, size, overlap):
    chunks = chunk_document(article, size, overlap)
    for before, after in pairwise(chunks):
        assert after.start == min(s for s, _ in spans if s >= before.end)


@pytest.mark.parametrize(("size", "overlap"), [(s, o) for s, o in SIZES if o > 0])
def test_overlap_repeats_whole_sentences_within_overlap(article, spans, size, overlap):
    chunks = chunk_document(article, size, overlap)
    for before, after in pairwise(chunks):
        inside = [(s, e) for s, e in spans if before.start <= s and e <= before.end]
        shared = before.end - after.start
        if shared > 0:
            assert shared <= overlap
            assert after.start in {s for s, _ in inside}
        last_start, last_end = inside[-1]
        next_end = next(e for s, e in spans if s >= before.end)
        fits = last_end - last_start <= overlap and next_end - last_start <= size
        if len(inside) > 1 and fits:
            assert after.start <= last_start, "last sentence fits the overlap but is not repeated"


@pytest.mark.parametrize(("size", "overlap"), [(s, o) for s, o in SIZES if o > 0])
def test_overlap_actually_happens_on_the_article(article, size, overlap):
    chunks = chunk_document(article, size, overlap)
    assert any(b.end > a.start for b, a in pairwise(chunks))


@pytest.mark.parametrize(("size", "overlap"), SIZES)
def test_every_chunk_adds_a_sentence_the_previous_one_lacks(article, size, overlap):
    chunks = chunk_document(article, size, overlap)
    for before, after in pairwise(chunks):
        assert after.end > before.end, f"chunk {after.index} lies inside chunk {before.index}"


def test_overlap_sentence_alone_is_not_a_chunk():
    # 59 + 1 + 29 chars fill a 100-char chunk; the 29-char sentence fits the
    # 40-char overlap, but it cannot be joined by the 89-char sentence after it.
    text = " ".join(
        ["Alpha " + "a" * 52 + ".", "Bravo " + "b" * 22 + ".", "Charlie " + "c" * 80 + "."]
    )
    chunks = chunk_document(doc(text), 100, 40)
    assert [(c.start, c.end) for c in chunks] == [(0, 89), (90, 179)]


def test_index_runs_from_zero(article):
    chunks = chunk_document(article, 500, 100)
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_chunks_carry_document_metadata(article):
    for chunk in chunk_document(article, 500, 100):
        assert (chunk.source, chunk.title, chunk.language) == (
            article.source,
            article.title,
            article.language,
        )


def test_ids_are_unique(article):
    for size, overlap in SIZES:
        ids = [c.id for c in chunk_document(article, size, overlap)]
        assert len(ids) == len(set(ids))


def test_ids_are_stable_across_runs(article):
    first = [c.id for c in chunk_document(article, 500, 100)]
    second = [c.id for c in chunk_document(load_document(ARTICLE), 500, 100)]
    assert first == second


def test_ids_change_when_the_source_changes(article):
    moved = dataclasses.replace(article, source=article.source + ".moved")
    before = {c.id for c in chunk_document(article, 500, 100)}
    after = {c.id for c in chunk_document(moved, 500, 100)}
    assert before.isdisjoint(after)


def test_only_the_edited_chunk_changes_id(article):
    old = "353 blessés"
    edited = dataclasses.replace(article, text=article.text.replace(old, "354 blessés"))
    before = chunk_document(article, 500, 0)
    after = chunk_document(edited, 500, 0)
    assert len(before) == len(after)
    changed = [b.index for b, a in zip(before, after, strict=True) if b.id != a.id]
    assert changed == [next(c.index for c in before if old in c.text)]


def test_repeated_passages_get_distinct_ids():
    text = "Same sentence here. " * 30
    chunks = chunk_document(doc(text.strip()), 100, 0)
    assert len({c.text for c in chunks}) < len(chunks)
    assert len({c.id for c in chunks}) == len(chunks)


def test_chunk_id_depends_on_source_text_and_occurrence():
    base = chunk_id("a", "text")
    assert base == chunk_id("a", "text", 0)
    assert len({base, chunk_id("b", "text"), chunk_id("a", "text!"), chunk_id("a", "text", 1)}) == 4


def test_long_sentence_is_cut_at_whitespace():
    words = [f"word{i:03d}" for i in range(120)]
    text = " ".join(words) + "."
    chunks = chunk_document(doc(text), 100, 0)
    assert len(chunks) > 1
    for chunk in chunks:
        assert len(chunk.text) <= 100
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip()
        assert all(piece in words or piece == words[-1] + "." for piece in chunk.text.split())
    assert " ".join(c.text for c in chunks) == text


def test_word_longer_than_chunk_is_hard_cut():
    text = "x" * 250
    chunks = chunk_document(doc(text), 100, 0)
    assert [len(c.text) for c in chunks] == [100, 100, 50]
    assert "".join(c.text for c in chunks) == text


def test_french_abbreviation_does_not_end_a_sentence():
    text = "M. Dupont est arrivé. Il a parlé."
    assert [text[s:e] for s, e in sentence_spans(text, "fr")] == [
        "M. Dupont est arrivé.",
        "Il a parlé.",
    ]


def test_sentence_spans_are_trimmed_and_exact():
    text = "  First one.   Second one?\n\nThird one!  "
    spans = sentence_spans(text, "en")
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one?", "Third one!"]


def test_empty_and_blank_documents_have_no_chunks():
    assert chunk_document(doc(""), 100, 0) == []
    assert chunk_document(doc("   \n\n  "), 100, 0) == []


# --- properties ---------------------------------------------------------------

_word = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzéèàçïAEMOT0123456789’'-", min_size=1, max_size=30
)
_sentence = st.builds(
    lambda first, words, end: " ".join([first.capitalize(), *words]) + end,
    _word,
    st.lists(_word, max_size=60),
    st.sampled_from([".", "!", "?", "…", " :", ";", "", "."]),
)
_separator = st.sampled_from([" ", "  ", "\n", "\n\n", " \n", "\t", ""])
_prose = st.lists(st.tuples(_sentence, _separator), min_size=1, max_size=25).map(
    lambda parts: "".join(s + sep for s, sep in parts)
)
_sizes = st.integers(100, 400).flatmap(
    lambda size: st.tuples(st.just(size), st.integers(0, size - 1))
)


def _check_invariants(text: str, language: str, size: int, overlap: int) -> None:
    document = doc(text, language)
    chunks = chunk_document(document, size, overlap)
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert 0 < len(chunk.text) <= size
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks)


@pytest.mark.reliability
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=1500), language=st.sampled_from(["fr", "en"]), sizes=_sizes)
def test_property_any_text_gives_exact_bounded_chunks(text, language, sizes):
    _check_invariants(text, language, *sizes)


@pytest.mark.reliability
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_prose, language=st.sampled_from(["fr", "en"]), sizes=_sizes)
def test_property_prose_gives_exact_bounded_chunks(text, language, sizes):
    _check_invariants(text, language, *sizes)


@pytest.mark.reliability
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_prose, language=st.sampled_from(["fr", "en"]), sizes=_sizes)
def test_property_prose_chunks_cover_all_non_space_text(text, language, sizes):
    chunks = chunk_document(doc(text, language), *sizes)
    covered = [False] * len(text)
    for chunk in chunks:
        covered[chunk.start : chunk.end] = [True] * (chunk.end - chunk.start)
    lost = [i for i, c in enumerate(text) if not covered[i] and not c.isspace()]
    assert lost == [], repr(text)
