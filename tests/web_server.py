"""Start `python ui.py` as a user would, on a free local port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .conftest import REPO, free_port


@contextmanager
def running_app(index_dir: Path, **env: str) -> Iterator[str]:
    """URL of the web chat serving ``index_dir``; stopped on exit."""
    port = free_port()
    log = (index_dir.parent / f"ui-{port}.log").open("w")
    server = subprocess.Popen(
        [sys.executable, str(REPO / "ui.py")],
        env={
            **os.environ,
            "RAG_INDEX_DIR": str(index_dir),
            "RAG_UI_PORT": str(port),
            "GRADIO_ANALYTICS_ENABLED": "False",
            **env,
        },
        cwd=index_dir.parent,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            break
        except urllib.error.HTTPError:
            break  # answering (with auth on: 401): the server is up
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                log.close()
                raise RuntimeError((index_dir.parent / f"ui-{port}.log").read_text()) from None
            time.sleep(0.3)
    try:
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
