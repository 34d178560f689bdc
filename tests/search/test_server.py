"""The same index and retrieval against a real `chroma run` server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag import Assistant

from ..conftest import DATA, run_rag

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_index_and_retrieve_through_a_chroma_server(chroma_server: str, tmp_path: Path) -> None:
    assistant = Assistant.from_settings(
        chroma_url=chroma_server, index_dir=tmp_path, collection="server-api"
    )
    first = assistant.index([DATA])
    assert first.total_chunks == first.chunks_added > 0
    assert assistant.index([DATA]).chunks_added == 0
    passages = assistant.retrieve("Who chairs the CSTO?", k=3)
    assert any("présidence de l’OTSC" in p.chunk.text for p in passages)
    assert not (tmp_path / "chroma").exists()  # nothing embedded on local disk


def test_cli_uses_the_server_named_by_rag_chroma_url(chroma_server: str, tmp_path: Path) -> None:
    env = {"RAG_CHROMA_URL": chroma_server, "RAG_COLLECTION": "server-cli"}
    indexed = run_rag("index", str(DATA), "--json", "--index-dir", str(tmp_path), env=env)
    assert indexed.returncode == 0, indexed.stderr
    result = run_rag("retrieve", "--json", "Qui préside l’OTSC ?", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    passages = json.loads(result.stdout)["passages"]
    assert any("présidence de l’OTSC" in p["text"] for p in passages[:3])


def test_missing_collection_on_the_server_says_to_index(chroma_server: str) -> None:
    result = run_rag(
        "retrieve", "x", env={"RAG_CHROMA_URL": chroma_server, "RAG_COLLECTION": "never-built"}
    )
    assert result.returncode == 1 and "run `rag index` first" in result.stderr
