"""The Chroma client, and Chroma's failures as errors that say what to do.

Embedded (a PersistentClient under the index folder) by default, or a Chroma
server when ``chroma_url`` is set; every store (rag.search.store,
rag.search.sentence_store) reads and writes through one of these.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlparse

from rag.errors import ChromaUnavailableError, IndexNotFoundError, IndexStorageError, RagError

_P = ParamSpec("_P")
_R = TypeVar("_R")


def chroma_client(index_dir: Path, chroma_url: str | None, *, create: bool) -> Any:
    """An HttpClient for ``chroma_url``, else a PersistentClient under ``index_dir``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # Chroma's telemetry would try the network at every start.
    logging.getLogger("chromadb.telemetry").setLevel(logging.CRITICAL)
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url if "//" in chroma_url else f"http://{chroma_url}")
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as error:  # connection errors come in many types
            raise ChromaUnavailableError(
                f"cannot reach the Chroma server at {chroma_url}: start it, "
                "or unset RAG_CHROMA_URL to use the embedded index"
            ) from error
    path = index_dir / "chroma"
    if not create and not path.exists():
        raise IndexNotFoundError(f"no index in {index_dir}: run `rag index` first")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def chroma_errors(*, writes: bool) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Raise a lost Chroma server and a full disk as RagErrors that say what to do."""

    def decorate(method: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(method)
        def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return method(*args, **kwargs)
            except Exception as error:
                known = _known_failure(error, writes=writes)
                if known is None:
                    raise
                raise known from error

        return call

    return decorate


def _known_failure(error: Exception, *, writes: bool) -> RagError | None:
    import httpx  # the transport of chromadb's HttpClient
    from chromadb.errors import InternalError

    reason = str(error).strip().split("\n", 1)[0] or type(error).__name__
    if isinstance(error, httpx.TransportError):
        return ChromaUnavailableError(
            f"lost the Chroma server ({reason}): start it again, then retry"
        )
    if isinstance(error, InternalError | OSError):
        retry = "run `rag index` again" if writes else "retry"
        action = "write to" if writes else "read"
        return IndexStorageError(
            f"cannot {action} the index ({reason}); if the disk is full, free some space, "
            f"then {retry}"
        )
    return None
