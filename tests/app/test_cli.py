"""The `rag` command as users run it: JSON contracts and one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ARTICLE, REPO, run_rag

pytestmark = pytest.mark.slow

PASSAGE_KEYS = {
    "chunk_id", "source", "title", "language", "index", "start", "end", "text", "date",
    "score", "dense_score", "lexical_score",
}  # fmt: skip
REPORT_KEYS = {
    "indexed", "unchanged", "removed", "skipped", "chunks_added", "chunks_removed",
    "total_chunks",
}  # fmt: skip


def assert_one_line_error(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("rag: error: ") and needle in result.stderr


def test_retrieve_json_contract(article_index: Path) -> None:
    result = run_rag(
        "retrieve", "--json", "Who chairs the CSTO?", "--index-dir", str(article_index)
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"question", "passages", "timings_ms"}
    assert data["question"] == "Who chairs the CSTO?"
    assert len(data["passages"]) == 5
    assert all(set(p) == PASSAGE_KEYS for p in data["passages"])
    assert any("présidence de l’OTSC" in p["text"] for p in data["passages"][:3])


def test_retrieve_reads_its_index_from_the_environment(article_index: Path) -> None:
    result = run_rag(
        "retrieve", "Où les parachutistes ont-ils été déployés ?", "-k", "2",
        env={"RAG_INDEX_DIR": str(article_index)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("[1] ") and "Almaty" in result.stdout


def test_index_json_report_and_skipped_files(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(ARTICLE, docs)
    (docs / "empty.txt").write_text("")
    index = ["--index-dir", str(tmp_path / "index")]
    result = run_rag("index", str(docs), "--json", *index)
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == REPORT_KEYS
    assert report["indexed"] == [str(docs / ARTICLE.name)]
    assert report["skipped"] == [{"source": str(docs / "empty.txt"), "reason": "empty file"}]
    assert report["total_chunks"] == report["chunks_added"] > 0

    (docs / "empty.txt").unlink()
    again = run_rag("index", str(docs), *index)
    assert again.returncode == 0, again.stderr
    assert "unchanged" in again.stdout and again.stderr == ""

    listed = run_rag("documents", "--json", *index)
    assert json.loads(listed.stdout) == {str(docs / ARTICLE.name): report["total_chunks"]}


def test_index_without_paths_indexes_the_data_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    shutil.copy(REPO / "tests" / "data" / "other" / "festival-jazz.fr.txt", tmp_path / "data")
    result = run_rag("index", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["indexed"] == [str(tmp_path / "data" / "festival-jazz.fr.txt")]
    assert (tmp_path / "index" / "chroma").is_dir()


def test_python_dash_m_rag_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rag", "retrieve", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "--index-dir" in result.stdout


@pytest.mark.reliability
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["retrieve", "Who chairs the CSTO?"], "run `rag index` first"),
        (["index", "/no/such/path"], "no such file or folder"),
        (["index", "--chunk-size", "big"], "invalid setting chunk_size"),
        (["index", "--chunk-size", "200", "--chunk-overlap", "300"], "chunk_overlap"),
        (["retrieve", "--chroma-url", "http://127.0.0.1:9", "x"], "cannot reach the Chroma"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], needle: str) -> None:
    assert_one_line_error(run_rag(*args, "--index-dir", str(tmp_path / "none")), needle)


def test_empty_question_is_a_one_line_error(article_index: Path) -> None:
    result = run_rag("retrieve", "  ", "--index-dir", str(article_index))
    assert_one_line_error(result, "question is empty")


ANSWER_KEYS = {
    "question", "answer", "abstained", "citations", "passages", "mode", "language", "timings_ms",
    "note", "unverified", "differing",
}  # fmt: skip
CITATION_KEYS = {"n", "chunk_id", "source", "text", "quote", "start", "end", "date"}


def test_ask_json_contract(article_index: Path) -> None:
    result = run_rag("ask", "--json", "Who chairs the CSTO?", "--index-dir", str(article_index))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == ANSWER_KEYS
    assert data["answer"].startswith("Armenia") and data["abstained"] is False
    assert data["mode"] == "extractive" and data["language"] == "en"
    assert set(data["timings_ms"]) == {"retrieve", "answer", "first_token", "total"}
    assert data["note"] == "" and data["unverified"] == [] and data["differing"] == []
    assert all(set(c) == CITATION_KEYS for c in data["citations"])
    assert any("présidence de l’OTSC" in c["quote"] for c in data["citations"])
    assert all(set(p) == {"chunk_id", "source", "text", "score"} for p in data["passages"])


def test_scope_flags_keep_the_search_to_named_and_dated_documents(article_index: Path) -> None:
    index = ("--index-dir", str(article_index))
    kept = run_rag("retrieve", "--json", "--document", ARTICLE.name, "Who chairs the CSTO?", *index)
    assert kept.returncode == 0, kept.stderr
    assert {Path(p["source"]).name for p in json.loads(kept.stdout)["passages"]} == {ARTICLE.name}
    unknown = run_rag("ask", "-", "--json", "--document", "nope.txt", *index, stdin="x\ny\n")
    assert_one_line_error(unknown, "no indexed document is named 'nope.txt'")
    assert unknown.stdout == ""  # refused before the first question
    dated = run_rag("retrieve", "--json", "--until", "2022-01-06", "Who chairs the CSTO?", *index)
    assert dated.returncode == 0 and json.loads(dated.stdout)["passages"], dated.stderr
    later = run_rag("ask", "-", "--since", "2022-01-07", *index, stdin="Who chairs the CSTO?\n")
    assert_one_line_error(later, "no indexed document is dated from 2022-01-07 to today")
    bad = run_rag("chat", "--since", "last week", *index, stdin="Who chairs the CSTO?\n")
    assert_one_line_error(bad, "since wants a date as YYYY-MM-DD, not 'last week'")
    listed = run_rag("documents", *index)
    assert "2022-01-06  data/kazakhstan-otsc-2022-01-06.fr.txt" in listed.stdout, listed.stdout


def test_ask_prints_the_answer_then_its_sources(article_index: Path) -> None:
    result = run_rag(
        "ask", "Qui assure la présidence de l’OTSC ?", "--index-dir", str(article_index)
    )
    assert result.returncode == 0, result.stderr
    answer, sources = result.stdout.split("\nSources\n")
    assert answer.startswith("Arménie [1]")
    assert sources.startswith("[1] ") and "**" in sources  # the quote, highlighted


def test_ask_batch_reads_stdin_and_reports_bad_lines(article_index: Path) -> None:
    questions = "Who chairs the CSTO?\n\nWhat is the population of Kazakhstan?\n"
    result = run_rag("ask", "--json", "-", "--index-dir", str(article_index), stdin=questions)
    assert result.returncode == 2, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[0]["answer"].startswith("Armenia")
    assert lines[1] == {"question": "", "error": "the question is empty"}
    assert lines[2]["abstained"] is True


def test_chat_keeps_the_conversation(article_index: Path) -> None:
    result = run_rag(
        "chat", "--index-dir", str(article_index),
        stdin="Who is the Kazakh president?\nWhat did he choose?\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Kassim-Jomart Tokaïev [1]" in result.stdout
    assert "choisi l’épreuve de force" in result.stdout


@pytest.mark.reliability
@pytest.mark.parametrize(
    ("question", "needle"),
    [("   ", "question is empty"), ("x" * 2001, "the limit is 2000")],
)
def test_ask_rejects_unusable_questions_in_one_line(
    article_index: Path, question: str, needle: str
) -> None:
    assert_one_line_error(run_rag("ask", question, "--index-dir", str(article_index)), needle)


def test_ask_without_an_index_says_so(tmp_path: Path) -> None:
    result = run_rag("ask", "Who chairs the CSTO?", "--index-dir", str(tmp_path))
    assert_one_line_error(result, "run `rag index` first")
