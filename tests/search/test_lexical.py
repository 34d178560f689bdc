"""Folding, tokenizing and BM25 ranking of chunks."""

from __future__ import annotations

import pytest

from rag.search.lexical import LexicalIndex
from rag.text.words import fold, tokenize
from tests.factories import make_chunk

CHUNKS = [
    make_chunk(index=0, text="Le Kremlin a appelé au dialogue au Kazakhstan."),
    make_chunk(index=1, text="Les manifestants ont affronté la police au Kazakhstan."),
    make_chunk(index=2, text="L’Arménie assure la présidence de l’OTSC au Kazakhstan."),
    make_chunk(index=3, text="Le président Tokaïev a choisi l’épreuve de force au Kazakhstan."),
]


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Arménie", "armenie"), ("Tokaïev", "tokaiev"), ("OTSC", "otsc"), ("Straße", "strasse")],
)
def test_fold_lowercases_and_strips_accents(text, folded):
    assert fold(text) == folded


def test_tokenize_drops_english_stop_words():
    assert tokenize("This is the name of the president and it was there") == [
        "name",
        "president",
    ]


def test_tokenize_drops_french_stop_words():
    assert tokenize("Qui est le président de la Russie") == ["president", "russie"]


def test_tokenize_drops_single_letters():
    assert tokenize("x y z OTSC 7") == ["otsc"]


def test_tokenize_splits_french_elision():
    assert tokenize("l’OTSC") == ["otsc"]
    assert tokenize("d'Antonov") == ["antonov"]


def test_tokenize_keeps_numbers_and_folds_names():
    assert tokenize("353 blessés, Tokaïev") == ["353", "blesses", "tokaiev"]


def test_rare_query_term_ranks_its_chunk_first():
    results = LexicalIndex(CHUNKS).search("Kazakhstan OTSC", k=4)
    assert results[0][0].id == "s#2"


def test_accented_chunk_matches_unaccented_query():
    results = LexicalIndex(CHUNKS).search("tokaiev", k=4)
    assert [chunk.id for chunk, _ in results] == ["s#3"]


def test_scores_are_positive_and_descending():
    results = LexicalIndex(CHUNKS).search("président Kazakhstan dialogue", k=4)
    scores = [score for _, score in results]
    assert scores
    assert all(score > 0 for score in scores)
    assert scores == sorted(scores, reverse=True)


def test_chunks_without_query_terms_are_not_returned():
    results = LexicalIndex(CHUNKS).search("manifestants", k=4)
    assert [chunk.id for chunk, _ in results] == ["s#1"]


def test_unknown_terms_return_nothing():
    assert LexicalIndex(CHUNKS).search("zèbre girafe", k=4) == []


def test_empty_index_returns_nothing():
    assert LexicalIndex([]).search("Kazakhstan", k=5) == []


def test_stop_word_query_returns_nothing():
    assert LexicalIndex(CHUNKS).search("le la de the of", k=5) == []


def test_empty_query_returns_nothing():
    assert LexicalIndex(CHUNKS).search("   ", k=5) == []


def test_k_larger_than_corpus_returns_every_match_once():
    results = LexicalIndex(CHUNKS).search("Kazakhstan", k=50)
    assert sorted(chunk.id for chunk, _ in results) == ["s#0", "s#1", "s#2", "s#3"]


def test_k_limits_the_number_of_results():
    assert len(LexicalIndex(CHUNKS).search("Kazakhstan", k=2)) == 2


def test_results_are_the_indexed_chunk_objects():
    chunk, _ = LexicalIndex(CHUNKS).search("OTSC", k=1)[0]
    assert chunk is CHUNKS[2]


def test_a_saved_index_loads_only_for_its_generation_and_tokenizer(tmp_path):
    index = LexicalIndex([make_chunk("Les troupes russes arrivent", index=0)])
    index.save(tmp_path / "bm25", "gen-1")
    loaded = LexicalIndex.load(tmp_path / "bm25", "gen-1")
    assert loaded is not None and loaded.search("troupes", 1)[0][0].text == index.chunks[0].text
    assert LexicalIndex.load(tmp_path / "bm25", "gen-2") is None
    # Saved by a version with other stop words: its tokens differ, so it is rebuilt.
    (tmp_path / "bm25" / "generation").write_text("gen-1", encoding="utf-8")
    assert LexicalIndex.load(tmp_path / "bm25", "gen-1") is None
