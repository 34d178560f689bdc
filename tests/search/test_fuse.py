"""Weighted reciprocal rank fusion."""

from __future__ import annotations

import pytest

from rag.records import Chunk
from rag.search.fuse import reciprocal_rank_fusion
from tests.factories import make_chunk

A, B, C, D = (make_chunk(chunk_id=i) for i in "abcd")


def ranking(*chunks: Chunk) -> list[tuple[Chunk, float]]:
    # raw scores are deliberately on different scales and ignored by RRF
    return [(chunk, 1000.0 - n) for n, chunk in enumerate(chunks)]


def ids(fused: list[tuple[Chunk, float]]) -> list[str]:
    return [chunk.id for chunk, _ in fused]


def test_item_first_in_both_lists_wins():
    fused = reciprocal_rank_fusion([(ranking(A, B, C), 1.0), (ranking(A, C, B), 1.0)], rrf_k=60)
    assert ids(fused)[0] == "a"


def test_scores_are_sums_of_weight_over_k_plus_rank():
    fused = dict(
        (chunk.id, score)
        for chunk, score in reciprocal_rank_fusion(
            [(ranking(A, B), 1.0), (ranking(B, C), 0.5)], rrf_k=60
        )
    )
    assert fused == pytest.approx({"a": 1 / 61, "b": 1 / 62 + 0.5 / 61, "c": 0.5 / 62})


def test_zero_weight_list_contributes_nothing():
    fused = dict(
        (chunk.id, score)
        for chunk, score in reciprocal_rank_fusion(
            [(ranking(B, A), 1.0), (ranking(C, A), 0.0)], rrf_k=60
        )
    )
    assert fused["c"] == 0.0
    assert fused["a"] == pytest.approx(1 / 62)


def test_weights_change_the_winner():
    lists = [ranking(A, B), ranking(B, A)]
    dense_heavy = reciprocal_rank_fusion([(lists[0], 1.0), (lists[1], 0.5)], rrf_k=60)
    lexical_heavy = reciprocal_rank_fusion([(lists[0], 0.5), (lists[1], 1.0)], rrf_k=60)
    assert ids(dense_heavy)[0] == "a"
    assert ids(lexical_heavy)[0] == "b"


def test_rrf_k_shrinks_the_gap_between_ranks():
    def gap(rrf_k: int) -> float:
        fused = reciprocal_rank_fusion([(ranking(A, B), 1.0)], rrf_k=rrf_k)
        return fused[0][1] - fused[1][1]

    assert gap(1) > gap(60)


def test_raw_scores_are_ignored():
    low = [(A, 0.001), (B, 0.0001)]
    high = [(A, 50.0), (B, 49.0)]
    assert reciprocal_rank_fusion([(low, 1.0)], 60) == reciprocal_rank_fusion([(high, 1.0)], 60)


def test_ties_are_broken_the_same_whatever_the_input_order():
    first = reciprocal_rank_fusion([(ranking(C, A), 1.0), (ranking(A, C), 1.0)], rrf_k=60)
    second = reciprocal_rank_fusion([(ranking(A, C), 1.0), (ranking(C, A), 1.0)], rrf_k=60)
    assert ids(first) == ids(second) == ["a", "c"]
    assert first[0][1] == first[1][1]


def test_result_is_sorted_by_descending_score():
    fused = reciprocal_rank_fusion(
        [(ranking(D, C, B, A), 1.0), (ranking(B, D), 0.7), (ranking(A), 0.2)], rrf_k=10
    )
    scores = [score for _, score in fused]
    assert scores == sorted(scores, reverse=True)
    assert sorted(ids(fused)) == ["a", "b", "c", "d"]


def test_each_chunk_appears_once():
    fused = reciprocal_rank_fusion([(ranking(A, B), 1.0), (ranking(B, A), 1.0)], rrf_k=60)
    assert sorted(ids(fused)) == ["a", "b"]


def test_empty_input_gives_empty_result():
    assert reciprocal_rank_fusion([], rrf_k=60) == []
    assert reciprocal_rank_fusion([([], 1.0)], rrf_k=60) == []


@pytest.mark.parametrize("folder", ["/home/a/corpus", "/srv/checkout/eval/docs"])
def test_ties_go_by_document_name_and_chunk_order_wherever_the_corpus_lies(folder: str) -> None:
    # Each chunk first in one list: equal fused scores. Chunk ids hash the
    # path, so they order the tie differently from one folder to another.
    late = make_chunk(source=f"{folder}/a.txt", index=3, chunk_id=f"{hash(folder)}-1")
    early = make_chunk(source=f"{folder}/a.txt", index=1, chunk_id=f"{hash(folder)}-2")
    other = make_chunk(source=f"{folder}/b.txt", index=0, chunk_id="0")
    fused = reciprocal_rank_fusion(
        [(ranking(other), 1.0), (ranking(late), 1.0), (ranking(early), 1.0)], rrf_k=60
    )
    assert [(c.source.rsplit("/", 1)[1], c.index) for c, _ in fused] == [
        ("a.txt", 1),
        ("a.txt", 3),
        ("b.txt", 0),
    ]
