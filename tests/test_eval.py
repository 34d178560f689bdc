"""`rag eval` end to end on the test split: the report files, and the floors
of eval/thresholds.toml that CI holds the answerer to."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from rag.evaluate import below_floors, load_eval_set, read_floors

from .conftest import BIN, REPO, run_rag

pytestmark = pytest.mark.slow
FLOORS = REPO / "eval" / "thresholds.toml"


def test_eval_on_the_test_split_meets_the_floors_and_writes_the_report(tmp_path: Path) -> None:
    result = run_rag(
        "eval", "--split", "test", "--floors", str(FLOORS),
        "--report-dir", str(tmp_path / "report"), "--index-dir", str(tmp_path / "index"),
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("| configuration | n |")
    written = sorted(p.name for p in (tmp_path / "report").iterdir())
    assert written == ["report.json", "report.md", "report.png"]
    data = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    [default] = data["configurations"]
    assert default["cold_start_ms"]["cold_ask_ms"] > default["cold_start_ms"]["import_ms"] > 0
    summary = default["groups"]["all"]
    test_items = [i for i in load_eval_set(REPO / "eval" / "questions.jsonl") if i.split == "test"]
    assert summary["questions"] == len(test_items)
    assert below_floors(summary, read_floors(FLOORS)) == []
    markdown = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "## Worst failures" in markdown and "language=fr" in markdown


def test_a_metric_below_its_floor_fails_the_command(tmp_path: Path) -> None:
    impossible = tmp_path / "floors.toml"
    impossible.write_text("[floors]\naccuracy = 1.01\n", encoding="utf-8")
    eval_set = tmp_path / "one.jsonl"
    eval_set.write_text(
        (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n",
        encoding="utf-8",
    )
    result = run_rag(
        "eval", "--eval-set", str(eval_set), "--floors", str(impossible),
        "--report-dir", str(tmp_path / "report"), "--index-dir", str(tmp_path / "index"),
    )  # fmt: skip
    assert result.returncode == 1
    assert "rag: eval below floor: accuracy = 1.0 (below 1.01)" in result.stderr


def test_diagnose_lists_each_miss_with_its_word_matches(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(BIN / "python"), "-m", "eval.diagnose", "--split", "dev"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "RAG_INDEX_DIR": str(tmp_path / "index")},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    misses = [line for line in result.stdout.splitlines() if line[:1].isalpha()]
    assert misses and all("[refused]" in m or "[wrong]" in m or "[answered]" in m for m in misses)
    assert " asked " in result.stdout and "=1.00/" in result.stdout
