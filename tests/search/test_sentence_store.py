"""Sentence vectors kept beside the chunks (rag.search.sentence_store): a real Chroma
in a temp folder and the real E5 model, through the public API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag import Assistant
from rag.models.e5 import E5Embeddings
from rag.models.embed import model_id
from rag.search.chroma import chroma_client
from rag.search.sentence_store import SentenceStore
from rag.search.store import ChunkStore
from rag.settings import Settings
from rag.text.sentences import sentence_spans

pytestmark = pytest.mark.slow

FRENCH = (
    "Le conseil municipal de Lavergne a voté la fusion par dix voix contre neuf. "
    "La maire, Martine Coudray, organisera une consultation des habitants le 23 avril. "
    "L’opposition demande l’annulation du vote devant le tribunal administratif.\n"
)
ENGLISH = (
    "A ferry and a gravel barge collided in fog on Lake Oskadee on Tuesday. "
    "Two passengers were still missing on Wednesday morning. "
    "Nineteen people were injured, four of them seriously.\n"
)


@pytest.fixture(scope="module")
def e5() -> E5Embeddings:
    return E5Embeddings()


def stored(index_dir: Path) -> tuple[set[tuple[str, int, int]], dict[str, str]]:
    """The sentence keys the index should hold (from its chunks), and its chunks' texts."""
    client = chroma_client(index_dir, None, create=False)
    chunks = ChunkStore.open(client, "rag", model_id(Settings()), create=False).chunks()
    keys = {(c.id, s, e) for c in chunks for s, e in sentence_spans(c.text, c.language)}
    return keys, {c.id: c.text for c in chunks}


def sentence_count(index_dir: Path, e5: E5Embeddings) -> int:
    return SentenceStore.open(chroma_client(index_dir, None, create=False), "rag", e5).count()


def test_every_stored_sentence_has_its_vector_through_changes(
    tmp_path: Path, e5: E5Embeddings
) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    (docs / "fusion.fr.txt").write_text(FRENCH, encoding="utf-8")
    (docs / "ferry.en.txt").write_text(ENGLISH, encoding="utf-8")
    assistant = Assistant.from_settings(index_dir=index_dir, sentence_vectors=True)
    assistant.index([docs])
    assistant.wait_for_sentence_vectors()
    keys, texts = stored(index_dir)
    assert len(keys) == 6 and sentence_count(index_dir, e5) == 6
    passages = assistant.retrieve("Combien de blessés ?")
    vectors = assistant.sentence_vectors(passages)
    assert set(vectors) == keys  # both documents' one chunk each
    chunk_id, start, end = sorted(vectors)[0]
    expected = e5.embed_documents([texts[chunk_id][start:end]])[0]
    assert np.allclose(vectors[(chunk_id, start, end)], expected, atol=1e-5)

    # A changed document: its old chunk's sentences go, the new chunk's come.
    (docs / "fusion.fr.txt").write_text(FRENCH.replace("dix voix", "onze voix"), encoding="utf-8")
    assistant.index([docs])
    assistant.wait_for_sentence_vectors()
    keys_after, _ = stored(index_dir)
    assert keys_after != keys and sentence_count(index_dir, e5) == len(keys_after) == 6
    assert set(assistant.sentence_vectors(assistant.retrieve("vote"))) <= keys_after

    # A document gone from its folder, then one removed by name: theirs go too.
    (docs / "ferry.en.txt").unlink()
    assistant.index([docs])
    assert sentence_count(index_dir, e5) == 3
    assert assistant.remove(docs / "fusion.fr.txt") == 1
    assert sentence_count(index_dir, e5) == 0


def test_indexing_returns_before_them_and_answers_say_when_they_were_not_used(
    tmp_path: Path, e5: E5Embeddings
) -> None:
    """Chunks are searchable as soon as they are stored; their sentence
    vectors are computed behind, and an answer given meanwhile says that the
    learned scorer had no say."""
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    (docs / "ferry.en.txt").write_text(ENGLISH * 12, encoding="utf-8")  # several chunks
    assistant = Assistant.from_settings(index_dir=index_dir, sentence_vectors=True)
    assistant.index([docs])
    assert sentence_count(index_dir, e5) < 36  # not all computed yet
    answer = assistant.ask("How many people were injured?")
    assert answer.answer.startswith("Nineteen")
    assert answer.note == "" or "still being computed" in answer.note
    assistant.wait_for_sentence_vectors()
    assert sentence_count(index_dir, e5) == len(stored(index_dir)[0])
    assert assistant.ask("How many people were injured?").note == ""


def test_an_index_built_without_them_is_filled_behind_the_first_questions(
    tmp_path: Path, e5: E5Embeddings
) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    (docs / "ferry.en.txt").write_text(ENGLISH, encoding="utf-8")
    Assistant.from_settings(index_dir=index_dir).index([docs])  # off by default
    assert sentence_count(index_dir, e5) == 0
    assistant = Assistant.from_settings(index_dir=index_dir, sentence_vectors=True)
    first = assistant.ask("How many people were injured?")
    assert first.answer.startswith("Nineteen") and "still being computed" in first.note
    assistant.wait_for_sentence_vectors()
    assert len(assistant.sentence_vectors(first.passages)) == 3
    assert sentence_count(index_dir, e5) == 3
    assert assistant.ask("How many people were injured?").note == ""


@pytest.mark.server
def test_a_second_process_reads_them_from_the_chroma_server(
    chroma_server: str, tmp_path: Path
) -> None:
    """What one indexer stored on the server, another reader gets without
    computing it (each Assistant is its own client, as two processes are)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ferry.en.txt").write_text(ENGLISH, encoding="utf-8")
    on_server = {"chroma_url": chroma_server, "collection": "server-sentences"}
    indexer = Assistant.from_settings(index_dir=tmp_path, sentence_vectors=True, **on_server)
    indexer.index([docs])
    indexer.wait_for_sentence_vectors()
    reader = Assistant.from_settings(index_dir=tmp_path, sentence_vectors=True, **on_server)
    assert len(reader.sentence_vectors(reader.retrieve("How many were injured?"))) == 3
    assert reader.ask("How many people were injured?").note == ""  # none to compute
