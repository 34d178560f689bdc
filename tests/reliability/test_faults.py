"""Faults: an indexer killed mid-run, two indexers at once, the Chroma server
stopped and started again under a running Assistant, a full disk."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from rag import Assistant
from rag.errors import ChromaUnavailableError
from rag.ingest.chunk import chunk_document
from rag.ingest.load import load_document

from .. import servers
from ..conftest import ARTICLE, BIN, run_rag
from ..ingest.test_index import stored_chunks

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
HEADLINE = "Who chairs the CSTO?"
Chunks = dict[str, tuple[str, int, int, str]]


def write_corpus(folder: Path, files: int) -> Path:
    """``files`` documents of the article's sentences, each tagged so that no
    two documents share a chunk."""
    sentences = load_document(ARTICLE).text.split(". ")
    folder.mkdir()
    for n in range(files):
        body = ". ".join(f"{s} (note {n}-{i})" for i, s in enumerate(sentences))
        (folder / f"doc-{n:02d}.txt").write_text(f"Document {n}\n{body}", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("faults") / "corpus", 8)


@pytest.fixture(scope="module")
def clean_build(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Chunks:
    """The chunks of ``corpus`` indexed once, without incident."""
    assistant = Assistant.from_settings(index_dir=tmp_path_factory.mktemp("clean"))
    assistant.index([corpus])
    return stored_chunks(assistant)


def rag_index(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN / "rag"), "index", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def kill_once_a_file_is_done(*args: str) -> None:
    """Run `rag index` on a terminal, where it shows its progress (done/total
    files), and SIGKILL it as soon as a first file is done."""
    terminal, its_side = pty.openpty()
    # 24 rows of 80 columns: on a terminal without a size tqdm draws nothing.
    fcntl.ioctl(its_side, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    indexer = subprocess.Popen(
        [str(BIN / "rag"), "index", *args], stdout=subprocess.DEVNULL, stderr=its_side
    )
    os.close(its_side)
    shown = ""
    try:
        while not re.search(r"\b[1-9]\d*/\d+\b", shown):
            assert indexer.poll() is None, f"the indexer ended before it was killed: {shown}"
            if select.select([terminal], [], [], 0.05)[0]:
                shown += os.read(terminal, 4096).decode(errors="replace")
        indexer.send_signal(signal.SIGKILL)
        indexer.wait()
    finally:
        os.close(terminal)


# --- killed mid-run -------------------------------------------------------------


def test_an_indexer_killed_mid_update_leaves_an_index_that_answers_and_a_rerun_completes(
    corpus: Path, clean_build: Chunks, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    # The index before: the same files chunked otherwise, so the run rewrites each one.
    before = ["--chunk-size", "800", "--chunk-overlap", "100"]
    assert run_rag("index", str(corpus), "--index-dir", str(index_dir), *before).returncode == 0
    old_ids = {
        chunk.id
        for path in sorted(corpus.iterdir())
        for chunk in chunk_document(load_document(path.resolve()), 800, 100)
    }
    # One write per file (writes span files by default), so that the kill
    # falls between writes of the same run.
    kill_once_a_file_is_done(str(corpus), "--index-dir", str(index_dir), "--embed-batch-size", "1")

    assistant = Assistant.from_settings(index_dir=index_dir)
    killed = set(stored_chunks(assistant))
    assert killed & (set(clean_build) - old_ids), "killed before it wrote anything"
    assert killed & (old_ids - set(clean_build)), "killed after it had rewritten everything"
    assert assistant.ask(HEADLINE).answer.startswith("Armenia")
    assert assistant.index([corpus]).with_status("indexed")
    assert stored_chunks(assistant) == clean_build


# --- two indexers ---------------------------------------------------------------


def test_two_indexers_at_once_one_is_refused_and_nothing_is_corrupt(
    corpus: Path, clean_build: Chunks, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    indexers = [rag_index(str(corpus), "--index-dir", str(index_dir)) for _ in range(2)]
    errors = [indexer.communicate(timeout=300)[1] for indexer in indexers]
    outcomes = sorted(zip([indexer.returncode for indexer in indexers], errors, strict=True))
    assert [code for code, _ in outcomes] == [0, 1], outcomes
    assert outcomes[1][1] == (
        f"rag: error: another `rag index` is writing to {index_dir}; wait for it to finish\n"
    )
    assert stored_chunks(Assistant.from_settings(index_dir=index_dir)) == clean_build


# --- the Chroma server stops ----------------------------------------------------


@contextmanager
def chroma_at(folder: Path, port: int) -> Iterator[str]:
    """`chroma run` persisting into ``folder`` on ``port``, so that it can be
    started again where it was (servers.chroma_server picks a new port)."""
    url = f"http://127.0.0.1:{port}"
    command = [str(BIN / "chroma"), "run", "--path", str(folder / "data"), "--host",
               "127.0.0.1", "--port", str(port)]  # fmt: skip
    with servers.running(command, f"{url}/api/v2/heartbeat", folder / "chroma.log", {}):
        yield url


@pytest.mark.server
def test_a_stopped_chroma_server_is_a_clear_error_and_the_assistant_recovers(
    tmp_path: Path,
) -> None:
    port = servers.free_port()
    with chroma_at(tmp_path, port) as url:
        assistant = Assistant.from_settings(chroma_url=url, index_dir=tmp_path, collection="rag")
        assistant.index([ARTICLE])
        assert assistant.ask(HEADLINE).answer.startswith("Armenia")
    for call in (
        lambda: assistant.ask(HEADLINE),
        lambda: assistant.retrieve(HEADLINE),
        assistant.documents,
        lambda: assistant.index([ARTICLE]),
    ):
        with pytest.raises(ChromaUnavailableError, match="Chroma server"):
            call()
    with chroma_at(tmp_path, port):
        assert assistant.ask(HEADLINE).answer.startswith("Armenia")
        assert assistant.index([ARTICLE]).with_status("unchanged")


# --- a full disk ----------------------------------------------------------------


def test_a_file_size_limit_at_indexing_is_one_line_and_the_index_still_answers(
    article_index_copy: Path, tmp_path: Path
) -> None:
    # No file may grow past the largest one of the index: the index cannot take more.
    limit = max(p.stat().st_size for p in article_index_copy.rglob("*") if p.is_file())
    more = write_corpus(tmp_path / "more", 3)

    def limited(*args: str) -> subprocess.CompletedProcess[str]:
        def set_limit() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        return subprocess.run(
            [str(BIN / "rag"), *args, "--index-dir", str(article_index_copy)],
            capture_output=True, text=True, preexec_fn=set_limit, timeout=120,
        )  # fmt: skip

    before = Assistant.from_settings(index_dir=article_index_copy).documents()
    refused = limited("index", str(more))
    assert refused.returncode == 1
    assert refused.stderr.startswith("rag: error: cannot write to the index (")
    assert refused.stderr.count("\n") == 1
    answered = limited("ask", HEADLINE)  # still under the limit
    assert answered.returncode == 0 and answered.stdout.startswith("Armenia"), answered.stderr
    assert Assistant.from_settings(index_dir=article_index_copy).documents() == before


@contextmanager
def small_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root (the file size limit test still runs)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_at_indexing_is_one_line_and_the_index_still_answers(
    article_index: Path, tmp_path: Path
) -> None:
    more = write_corpus(tmp_path / "more", 3)
    with small_tmpfs(tmp_path / "disk", "8m") as disk:
        # Only `rag` processes open this index: the mount must be free to unmount.
        index = ["--index-dir", str(shutil.copytree(article_index, disk / "index"))]
        before = run_rag("documents", "--json", *index).stdout
        refused = run_rag("index", str(more), *index)
        assert refused.returncode == 1
        assert refused.stderr.startswith("rag: error: not enough disk space for the index")
        assert refused.stderr.count("\n") == 1
        answered = run_rag("ask", HEADLINE, *index)
        assert answered.returncode == 0 and answered.stdout.startswith("Armenia")
        assert run_rag("documents", "--json", *index).stdout == before


def test_language_detection_needs_no_disk(tmp_path: Path) -> None:
    # The language model is unpacked into a cache file once; a full disk refuses
    # that file, and detection must go on without it.
    code = (
        "import resource; resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))\n"
        "from rag.text.language import detect_language\n"
        "print(detect_language('Qui assure la présidence de l’OTSC ?'))"
    )
    env = os.environ | {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout == "fr\n", result.stderr
    assert not list((tmp_path / "cache").rglob("*.npz"))
