"""Local servers started as a user would (`chroma run`, `python ui.py`,
llama.cpp's server), on a free 127.0.0.1 port, and stopped afterwards: for the
benchmark's server store and for the tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(
    command: list[str], probe: str, log_path: Path, env: dict[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` until ``probe`` answers over HTTP (any status); stop it on exit."""
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command, env={**os.environ, **env}, cwd=log_path.parent, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    urllib.request.urlopen(probe, timeout=2).read()
                    break
                except urllib.error.HTTPError:
                    break  # it answers (with auth on: 401), so it is up
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            f"{command[0]} did not start: {log_path.read_text()}"
                        ) from None
                    time.sleep(0.2)
            yield server
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


@contextmanager
def chroma_server(folder: Path) -> Iterator[tuple[str, int]]:
    """URL and process id of `chroma run` persisting into ``folder``."""
    chroma = str(Path(sys.executable).parent / "chroma")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [chroma, "run", "--path", str(folder / "data"), "--host", "127.0.0.1",
               "--port", str(port)]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    with running(command, f"{url}/api/v2/heartbeat", folder / "chroma.log", {}) as server:
        yield url, server.pid
