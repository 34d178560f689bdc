"""Bad input at ingest: every unusable file gets a one-line reason, the usable
ones are indexed, and what was indexed before keeps its chunks, through the
API, the CLI and the web upload."""

from __future__ import annotations

import codecs
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from gradio_client import Client, handle_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag import Assistant
from rag.errors import LoadError
from rag.ingest.chunk import chunk_document
from rag.ingest.load import MAX_FILE_MB, load_document
from rag.records import IndexReport

from ..conftest import ARTICLE, run_rag
from ..ingest.test_index import stored_chunks
from ..ingest.test_load import make_pdf

pytestmark = pytest.mark.reliability
INDEXED = "indexed"
PROSE = (
    "The maritime museum of Port Elden opened in 1990 after twelve years of work by "
    "volunteers who restored the old harbour warehouse. Its curator, Maria Lindqvist, "
    "said the collection holds four thousand objects, from ship models to fishing nets. "
)
FRENCH = "Le musée maritime de Port Elden a ouvert en 1990, après douze ans de travaux. "


def _nested_html(depth: int) -> bytes:
    return f"<html><body>{'<div>' * depth}<p>{PROSE}</p>{'</div>' * depth}</body></html>".encode()


def _malformed_html() -> bytes:
    # Unclosed and crossed tags, stray end tags, bad entities: a browser shows the text.
    return (
        f"<html><head><title>Museum news</title><body><p>{PROSE}<b>bold <i>both</b> still"
        f"</i><div></p><table><tr><td>{PROSE}</p></td></span></html></html><<<>>>&bogus; &#xZZ;"
    ).encode()


def _huge_text(path: Path) -> None:
    line = PROSE.encode() + b"\n"
    with path.open("wb") as file:
        for _ in range(50 * 2**20 // len(line) + 1):
            file.write(line)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _symlink_loop(path: Path) -> None:
    # loop-a.txt -> loop-b.txt -> loop-a.txt
    other = path.with_name("loop-b.txt")
    path.symlink_to(other.name)
    other.symlink_to(path.name)


@dataclass(frozen=True)
class Case:
    """A file of the bad folder and what indexing it must give: INDEXED, or a
    phrase of the reason it is skipped."""

    name: str
    expected: str
    content: bytes | Callable[[Path], None]
    uploadable: bool = True  # a regular file that a browser can send

    def write(self, folder: Path) -> None:
        if isinstance(self.content, bytes):
            (folder / self.name).write_bytes(self.content)
        else:
            self.content(folder / self.name)


CASES = [
    Case("empty.txt", "empty file", b" \n\t \r\n"),
    Case("zero-bytes.txt", "empty file", b""),
    Case("huge.txt", f"too large (50 MB; the limit is {MAX_FILE_MB} MB)", _huge_text, False),
    Case("image.txt", "binary file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    Case("latin-1.txt", "not UTF-8", (FRENCH * 3).encode("latin-1")),
    Case("utf-16.txt", INDEXED, codecs.BOM_UTF16_LE + (FRENCH * 3).encode("utf-16-le")),
    Case("control-chars.txt", INDEXED, f"{PROSE}\x01\x02\x1b[31m\x07\x7f{PROSE}".encode()),
    Case("nul-bytes.txt", "binary file", f"{PROSE}\x00{PROSE}".encode()),
    Case("scanned.pdf", "no text layer", make_pdf(b"")),
    Case("broken.pdf", "unreadable PDF", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n"),
    Case("malformed.html", INDEXED, _malformed_html()),
    # An unclosed <title> holds the whole page, for browsers too: no body text.
    Case("unclosed-title.html", "no main text", f"<title>x<body><p>{PROSE}</p>".encode()),
    Case("deeply-nested.html", "no main text", _nested_html(100_000)),
    Case("loop-a.txt", "symlink loop", _symlink_loop, False),
    Case("fifo.txt", "not a regular file", _fifo, False),
    Case("name with spaces.md", INDEXED, f"# Museum\n\n{PROSE}".encode()),
    Case("été – 日本語 ñ.txt", INDEXED, f"Musée\n{FRENCH}".encode()),
]
SKIPPED = {c.name: c.expected for c in CASES if c.expected != INDEXED}
SKIPPED["loop-b.txt"] = "symlink loop"  # the other end of loop-a.txt
GOOD = sorted(c.name for c in CASES if c.expected == INDEXED)


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every case in one folder, with a sub-folder that links back to it."""
    folder = tmp_path_factory.mktemp("bad") / "bad input"
    folder.mkdir()
    for case in CASES:
        case.write(folder)
    (folder / "sub").mkdir()
    (folder / "sub" / "again").symlink_to("..", target_is_directory=True)
    return folder


def _by_name(report: IndexReport) -> dict[str, tuple[str, str]]:
    return {Path(f.source).name: (f.status, f.reason) for f in report.files}


# --- through the API ------------------------------------------------------------


@dataclass(frozen=True)
class ApiRun:
    index: Path
    report: IndexReport
    before: dict[str, int]
    after: dict[str, int]


@pytest.fixture(scope="module")
def api_run(
    bad_folder: Path, article_index: Path, tmp_path_factory: pytest.TempPathFactory
) -> ApiRun:
    index = shutil.copytree(article_index, tmp_path_factory.mktemp("api") / "index")
    assistant = Assistant.from_settings(index_dir=index)
    before = assistant.documents()
    report = assistant.index([bad_folder])
    return ApiRun(index, report, before, assistant.documents())


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_api_gives_each_file_its_outcome(api_run: ApiRun, case: Case) -> None:
    status, reason = _by_name(api_run.report)[case.name]
    if case.expected == INDEXED:
        assert (status, reason) == ("indexed", "")
    else:
        assert status == "skipped" and case.expected in reason and "\n" not in reason


@pytest.mark.slow
def test_api_indexes_the_good_files_and_keeps_what_was_indexed(api_run: ApiRun) -> None:
    assert sorted(_by_name(api_run.report)) == sorted([*GOOD, *SKIPPED])  # no loop followed
    assert_article_kept(api_run.before, api_run.after)
    assert added_names(api_run.before, api_run.after) == GOOD


@pytest.mark.slow
def test_api_stores_no_control_character(api_run: ApiRun) -> None:
    stored = stored_chunks(Assistant.from_settings(index_dir=api_run.index))
    texts = [text for source, *_, text in stored.values() if source.endswith("control-chars.txt")]
    assert texts and not any(CONTROL.search(text) for text in texts)


def assert_article_kept(before: dict[str, int], after: dict[str, int]) -> None:
    article = str(ARTICLE.resolve())
    assert after[article] == before[article] > 0


def added_names(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(Path(source).name for source in set(after) - set(before))


# --- through the CLI ------------------------------------------------------------

WARNING = re.compile(r"^rag: warning: skipped (.+?): (.+)$")


@pytest.mark.slow
def test_cli_warns_once_per_bad_file_and_keeps_what_was_indexed(
    bad_folder: Path, article_index_copy: Path
) -> None:
    assistant = Assistant.from_settings(index_dir=article_index_copy)
    before = assistant.documents()
    result = run_rag("index", str(bad_folder), "--index-dir", str(article_index_copy))
    assert result.returncode == 2, result.stderr
    warnings = [WARNING.match(line) for line in result.stderr.splitlines()]
    assert all(warnings), result.stderr  # one line each, no traceback
    reasons = {Path(w[1]).name: w[2] for w in warnings if w}
    assert sorted(reasons) == sorted(SKIPPED)
    assert all(SKIPPED[name] in reason for name, reason in reasons.items())
    after = assistant.documents()
    assert_article_kept(before, after)
    assert added_names(before, after) == GOOD


@pytest.mark.slow
def test_cli_a_folder_without_supported_files_is_one_warning(
    tmp_path: Path, article_index_copy: Path
) -> None:
    folder = tmp_path / "no documents"
    folder.mkdir()
    (folder / "report.docx").write_bytes(b"PK\x03\x04")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n")
    before = Assistant.from_settings(index_dir=article_index_copy).documents()
    result = run_rag("index", str(folder), "--index-dir", str(article_index_copy))
    assert result.returncode == 2
    assert result.stderr == (
        f"rag: warning: skipped {folder}: no supported files (.txt .md .html .pdf)\n"
    )
    assert Assistant.from_settings(index_dir=article_index_copy).documents() == before


@pytest.mark.slow
def test_cli_a_collection_name_chroma_refuses_is_one_line(tmp_path: Path) -> None:
    result = run_rag("index", str(ARTICLE), "--collection", "a", "--index-dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("rag: error: Chroma refused the collection: ")
    assert result.stderr.count("\n") == 1


# --- through the web upload -----------------------------------------------------

STATUS = re.compile(r"^- \*\*(.+)\*\*: (indexed|skipped)(.*)$")


@pytest.mark.slow
def test_upload_gives_one_status_line_per_file_and_keeps_what_was_indexed(
    bad_folder: Path, served_url: str, served_index: Path
) -> None:
    uploads = [c for c in CASES if c.uploadable]
    before = Assistant.from_settings(index_dir=served_index).documents()
    client = Client(served_url, verbose=False)
    status, listing, _, _ = client.predict(
        [handle_file(str(bad_folder / c.name)) for c in uploads], api_name="/upload"
    )
    lines = [STATUS.match(line) for line in status.splitlines()]
    assert len(lines) == len(uploads) and all(lines), status
    outcomes = {m[1]: (m[2], m[3]) for m in lines if m}
    for case in uploads:
        state, reason = outcomes[case.name]
        assert state == "indexed" if case.expected == INDEXED else case.expected in reason
    [article_chunks] = [n for source, n in before.items() if source.endswith(ARTICLE.name)]
    assert f"| {ARTICLE.name} | {article_chunks} |" in listing


@pytest.mark.slow
def test_upload_over_the_cap_is_refused_by_the_server(bad_folder: Path, served_url: str) -> None:
    # gradio_client refuses it before sending; a hostile client would not.
    with (bad_folder / "huge.txt").open("rb") as huge:
        response = httpx.post(f"{served_url}gradio_api/upload", files={"files": huge}, timeout=60)
    assert response.status_code == 413
    assert "maximum allowed size" in response.text


# --- any bytes ------------------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
VALID_PDF = make_pdf(b"BT /F1 12 Tf 72 720 Td (Hello PDF world) Tj ET")


def _damaged_pdf(edits: list[tuple[int, int]]) -> bytes:
    data = bytearray(VALID_PDF)
    for position, value in edits:
        data[position % len(data)] = value
    return bytes(data)


_contents = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=1500).map(str.encode),
    st.text(max_size=500).map(lambda t: f"<html><body><p>{t}</p>{t}</div></b>".encode()),
    st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 255)), max_size=8).map(_damaged_pdf),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from([".txt", ".md", ".html", ".pdf"]), content=_contents)
def test_any_bytes_give_a_document_or_a_reason(suffix: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, f"file{suffix}")
        path.write_bytes(content)
        try:
            document = load_document(path)
        except LoadError as error:
            assert str(error) and "\n" not in str(error)
            return
    assert not CONTROL.search(document.text)
    for chunk in chunk_document(document, 500, 100):
        assert document.text[chunk.start : chunk.end] == chunk.text
