"""Weighted reciprocal rank fusion of several ranked lists of chunks.

RRF uses ranks, not raw scores, so cosine similarities and BM25 scores need
no common scale; the weights keep BM25 from drowning the dense side on
cross-lingual questions where it only matches names.
"""

from __future__ import annotations

from rag.records import Chunk

Ranking = list[tuple[Chunk, float]]


def reciprocal_rank_fusion(
    rankings: list[tuple[Ranking, float]], rrf_k: int
) -> list[tuple[Chunk, float]]:
    """Chunks of all ``(ranking, weight)`` pairs by sum of weight / (rrf_k + rank)."""
    fused: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for ranking, weight in rankings:
        for rank, (chunk, _score) in enumerate(ranking, start=1):
            fused[chunk.id] = fused.get(chunk.id, 0.0) + weight / (rrf_k + rank)
            chunks[chunk.id] = chunk
    order = sorted(fused, key=lambda i: (-fused[i], i))
    return [(chunks[i], fused[i]) for i in order]
