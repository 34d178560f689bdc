"""Folding, tokenizing and BM25 ranking of chunks."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from rag.search.lexical import Base, LexicalIndex, bm25_score
from rag.search.lexical_files import load_lexical, save_lexical
from rag.search.store import Written, chunk_metadata
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
    results = LexicalIndex.build(CHUNKS).search("Kazakhstan OTSC", k=4)
    assert results[0][0].id == "s#2"


def test_accented_chunk_matches_unaccented_query():
    results = LexicalIndex.build(CHUNKS).search("tokaiev", k=4)
    assert [chunk.id for chunk, _ in results] == ["s#3"]


def test_scores_are_positive_and_descending():
    results = LexicalIndex.build(CHUNKS).search("président Kazakhstan dialogue", k=4)
    scores = [score for _, score in results]
    assert scores
    assert all(score > 0 for score in scores)
    assert scores == sorted(scores, reverse=True)


def test_chunks_without_query_terms_are_not_returned():
    results = LexicalIndex.build(CHUNKS).search("manifestants", k=4)
    assert [chunk.id for chunk, _ in results] == ["s#1"]


def test_unknown_terms_return_nothing():
    assert LexicalIndex.build(CHUNKS).search("zèbre girafe", k=4) == []


def test_empty_index_returns_nothing():
    assert LexicalIndex.build([]).search("Kazakhstan", k=5) == []


def test_stop_word_query_returns_nothing():
    assert LexicalIndex.build(CHUNKS).search("le la de the of", k=5) == []


def test_empty_query_returns_nothing():
    assert LexicalIndex.build(CHUNKS).search("   ", k=5) == []


def test_k_larger_than_corpus_returns_every_match_once():
    results = LexicalIndex.build(CHUNKS).search("Kazakhstan", k=50)
    assert sorted(chunk.id for chunk, _ in results) == ["s#0", "s#1", "s#2", "s#3"]


def test_k_limits_the_number_of_results():
    assert len(LexicalIndex.build(CHUNKS).search("Kazakhstan", k=2)) == 2


def test_results_are_the_indexed_chunk_objects():
    chunk, _ = LexicalIndex.build(CHUNKS).search("OTSC", k=1)[0]
    assert chunk is CHUNKS[2]


def test_added_chunks_are_scored_as_bm25s_scores_its_own():
    """The weight added chunks get (bm25_score) is bm25s's, given the same statistics."""
    base = Base.build(CHUNKS, "g")
    assert base.bm25 is not None
    for query in ["Kazakhstan OTSC", "président Kazakhstan dialogue", "tokaiev force"]:
        tokens = tokenize(query)
        expected = base.bm25.get_scores(tokens)
        for position, chunk in enumerate(CHUNKS):
            counts = Counter(tokenize(chunk.text))
            length = len(tokenize(chunk.text))
            ours = sum(
                bm25_score(counts[t], length, base.document_frequency(t), 4, base.average_length)
                for t in tokens
                if counts[t]
            )
            assert ours == pytest.approx(float(expected[position]), rel=1e-5)


NEW = make_chunk(index=4, text="Les parachutistes russes ont atterri à Almaty.")


def test_a_changed_index_finds_added_chunks_and_forgets_removed_ones():
    index = LexicalIndex.build(CHUNKS, "g1")
    moved = make_chunk(index=0, start=40, text=CHUNKS[0].text)
    later = index.changed(
        [
            Written(stored=(NEW,)),
            Written(updated=((moved.id, chunk_metadata(moved)),)),
            Written(deleted=("s#1",)),
        ],
        "g2",
    )
    assert later.base is index.base and later.generation == "g2"
    assert later.search("parachutistes Almaty", 5)[0][0] == NEW
    assert later.search("manifestants", 5) == []
    [(found, _)] = later.search("Kremlin dialogue", 5)
    assert found == moved  # the new offsets, the same text
    assert sorted(c.id for c in later.chunks) == ["s#0", "s#2", "s#3", "s#4"]
    assert [c.id for c, _ in later.search("Kazakhstan", 5, frozenset({"s"}))] != []
    assert later.search("Almaty", 5, frozenset({"other"})) == []
    # The first index is left as it was.
    assert [c.id for c, _ in index.search("manifestants", 5)] == ["s#1"]


def test_changes_past_a_share_of_the_base_are_merged_into_a_new_base():
    chunks = [make_chunk(f"Dépêche numéro {i} sur Almaty.", index=i) for i in range(1200)]
    later = LexicalIndex.build(chunks[:100], "g1").changed([Written(stored=tuple(chunks))], "g2")
    assert later.added == [] and len(later.base.chunks) == 1200
    assert later.base.generation == "g2"


def test_a_saved_index_loads_only_for_its_generation_and_tokenizer(tmp_path):
    folder = tmp_path / "bm25"
    index = LexicalIndex.build([make_chunk("Les troupes russes arrivent", index=0)], "gen-1")
    save_lexical(index, folder)
    loaded = load_lexical(folder, "gen-1")
    assert loaded is not None and loaded.search("troupes", 1)[0][0].text == index.chunks[0].text
    assert load_lexical(folder, "gen-2") is None
    # Saved by a version with other stop words: its tokens differ, so it is rebuilt.
    tag = json.loads((folder / "base.json").read_text(encoding="utf-8"))
    (folder / "base.json").write_text(json.dumps(tag | {"tokenizer": "other"}), encoding="utf-8")
    assert load_lexical(folder, "gen-1") is None


def test_a_change_saves_only_its_delta_and_loads_on_the_saved_base(tmp_path):
    folder = tmp_path / "bm25"
    index = LexicalIndex.build(CHUNKS, "g1")
    save_lexical(index, folder)
    base_written = (folder / "chunks.jsonl").stat().st_mtime_ns
    later = index.changed([Written(stored=(NEW,)), Written(deleted=("s#1",))], "g2")
    save_lexical(later, folder)
    assert (folder / "chunks.jsonl").stat().st_mtime_ns == base_written
    for known in (None, index):
        loaded = load_lexical(folder, "g2", known)
        assert loaded is not None
        assert loaded.search("parachutistes", 5)[0][0] == NEW
        assert loaded.search("manifestants", 5) == []
    assert load_lexical(folder, "g2", index).base is index.base  # not read again
    # The base alone is still the first generation's index.
    first = load_lexical(folder, "g1")
    assert first is not None and first.search("parachutistes", 5) == []
    assert load_lexical(folder, "g3") is None
