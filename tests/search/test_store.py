"""The Chroma collection's HNSW graph: made dense, searched as deep as the
settings say, on an embedded index and on a `chroma run` server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rag.search.chroma import chroma_client
from rag.search.store import HNSW, ChunkStore

pytestmark = pytest.mark.slow


def _hnsw(client: Any, name: str) -> dict[str, Any]:
    return dict(client.get_collection(name, embedding_function=None).configuration["hnsw"])


@pytest.mark.parametrize("where", ["embedded", "server"])
def test_the_graph_is_dense_and_its_search_depth_follows_the_settings(
    where: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("chroma_server") if where == "server" else None
    client = chroma_client(tmp_path, url, create=True)
    name = f"depth-{where}"
    ChunkStore.open(client, name, "m", create=True, ef_search=500)
    made = _hnsw(client, name)
    assert {k: made[k] for k in HNSW} == HNSW and made["ef_search"] == 500
    ChunkStore.open(client, name, "m", create=False, ef_search=700)
    assert _hnsw(chroma_client(tmp_path, url, create=False), name)["ef_search"] == 700
    ChunkStore.open(client, name, "m", create=False)  # None: as it was
    assert _hnsw(client, name)["ef_search"] == 700
