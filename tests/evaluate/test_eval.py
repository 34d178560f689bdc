"""`rag eval` end to end on every split: the report files, and the floors of
eval/thresholds.toml (test and generated) that CI holds the answerer to."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from rag.evaluate.items import EVAL_SETS, load_eval_set
from rag.evaluate.metrics import below_floors, read_floors

from ..conftest import BIN, REPO, run_rag

pytestmark = pytest.mark.slow
FLOORS = REPO / "eval" / "thresholds.toml"


def test_eval_meets_the_floors_and_writes_the_report(tmp_path: Path) -> None:
    result = run_rag(
        "eval", "--floors", str(FLOORS),
        "--report-dir", str(tmp_path / "report"), "--index-dir", str(tmp_path / "index"),
        timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("| split | n | right |")
    written = sorted(p.name for p in (tmp_path / "report").iterdir())
    assert written == ["report.json", "report.md", "report.png"]
    data = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    [default] = data["configurations"]
    assert f"sha256 `{default['verdicts_sha256']}`" in result.stdout
    assert default["cold_start_ms"]["cold_ask_ms"] > default["cold_start_ms"]["import_ms"] > 0
    items = load_eval_set([REPO / path for path in EVAL_SETS])
    groups = default["groups"]
    for split in ("dev", "test", "generated"):
        assert groups[f"split={split}"]["questions"] == sum(i.split == split for i in items)
    assert below_floors(groups, read_floors(FLOORS)) == []
    # Test and generated are reported in aggregate only: no item of theirs is listed.
    listed = {failure["id"] for failure in data["failures"]}
    assert listed <= {i.id for i in items if i.split == "dev"}
    markdown = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "### test, by document" in markdown and "languages" in markdown
    assert not [i.id for i in items if i.split != "dev" and f"**{i.id}**" in markdown]


def test_a_metric_below_its_floor_fails_the_command(tmp_path: Path) -> None:
    impossible = tmp_path / "floors.toml"
    impossible.write_text("[floors.dev]\naccuracy = 1.01\n", encoding="utf-8")
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
    assert "rag: eval below floor: dev accuracy = 1.0 (below 1.01)" in result.stderr


def run_eval_tool(module: str, *args: str, index_dir: Path) -> subprocess.CompletedProcess[str]:
    """``python -m eval.<module>`` on its own index."""
    return subprocess.run(
        [str(BIN / "python"), "-m", f"eval.{module}", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "RAG_INDEX_DIR": str(index_dir)},
        timeout=600,
    )


def test_diagnose_lists_each_miss_with_its_word_matches(tmp_path: Path) -> None:
    result = run_eval_tool("diagnose", index_dir=tmp_path / "index")
    assert result.returncode == 0, result.stderr
    misses = [line for line in result.stdout.splitlines() if line[:1].isalpha()]
    assert misses and all("[refused]" in m or "[wrong]" in m or "[answered]" in m for m in misses)
    assert " asked " in result.stdout and "=1.00/" in result.stdout


def test_sentence_ranking_compares_the_scorers_in_aggregate(tmp_path: Path) -> None:
    result = run_eval_tool("sentence_ranking", "--split", "generated", index_dir=tmp_path / "index")
    assert result.returncode == 0, result.stderr
    head, _, row = result.stdout.strip().splitlines()
    assert head.startswith("| split | items reachable | evidence scorer top 1 |")
    assert "| E5 top 1 | E5 top 3 | E5 refused |" in head
    columns = [c.strip() for c in head.strip("|").split("|")]
    cells = dict(zip(columns, (c.strip() for c in row.strip("|").split("|")), strict=True))
    assert cells["split"] == "generated"
    reachable = int(cells["items reachable"])
    assert reachable > 0
    for column, value in cells.items():
        if column.endswith(("top 1", "top 3")):
            assert 0.0 <= float(value) <= 1.0
        elif column.endswith("refused"):
            assert 0 <= int(value) <= reachable
