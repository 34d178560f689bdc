"""Real servers for the tests: `chroma run` and `python ui.py`, each started as
a user would, on a free local port, and stopped afterwards."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag.bench import servers
from rag.bench.servers import free_port, running

__all__ = ["chroma_server", "free_port", "running", "web_app"]

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def chroma_server(folder: Path) -> Iterator[str]:
    """URL of `chroma run` persisting into ``folder``."""
    with servers.chroma_server(folder) as (url, _):
        yield url


@contextmanager
def web_app(index_dir: Path, **env: str) -> Iterator[str]:
    """URL of the web chat (`python ui.py`) serving ``index_dir``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    settings = {"RAG_INDEX_DIR": str(index_dir), "RAG_UI_PORT": str(port), **env}
    log = index_dir.parent / f"ui-{port}.log"
    with running([sys.executable, str(REPO / "ui.py")], url, log, settings):
        yield url
