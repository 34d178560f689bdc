"""Write an eval run as report.json, report.md and report.png."""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path
from typing import Any

from rag.evaluate.items import SPLITS
from rag.evaluate.judge import Judgement
from rag.evaluate.metrics import groups, summarise
from rag.evaluate.report_files import write_report_files
from rag.evaluate.runner import Run

# (metric, column title) of the tables; rates show their 95% interval.
COLUMNS = [
    ("hit@5", "hit@5"),
    ("mrr", "MRR"),
    ("accuracy", "right"),
    ("false_refusal", "refused"),
    ("declined", "declined"),
    ("precision", "precision"),
    ("truthfulness", "truthful"),
    ("citation_precision", "cit. prec."),
    ("citation_recall", "cit. rec."),
    ("unsupported_claims", "unsupported"),
    ("in_question_language", "language"),
    ("injections", "injected"),
    ("generated", "by LLM"),
    ("first_token_p50_ms", "first ms"),
    ("total_p50_ms", "p50 ms"),
    ("total_p95_ms", "p95 ms"),
]
# The headline: per split, what a reader meets.
HEADLINE = [
    ("accuracy", "right"),
    ("declined", "declined"),
    ("precision", "precision"),
    ("unsupported_claims", "unsupported"),
    ("citation_precision", "cit. prec."),
    ("citation_recall", "cit. rec."),
    ("consistency", "consistent"),
    ("overlap", "overlap"),
]
# The breakdowns within a split.
BREAKDOWN = [
    ("hit@5", "hit@5"),
    ("accuracy", "right"),
    ("false_refusal", "refused"),
    ("declined", "declined"),
    ("precision", "precision"),
    ("consistency", "consistent"),
    ("overlap", "overlap"),
]
CHART_METRICS = ("accuracy", "declined", "precision", "consistency")
_FAILURE_ORDER = {"answered": 0, "wrong": 1, "refused": 2}
_BREAKDOWNS = (
    ("document", "by document"),
    ("languages", "by document language > question language"),
    ("wording", "by wording"),
    ("type", "by kind of question"),
)


def report_data(runs: list[Run], split: str) -> dict[str, Any]:
    """Everything the report shows, as plain data (the JSON report). Items
    are listed for dev only: test and generated are reported in aggregate."""
    configurations = []
    for run in runs:
        configurations.append(
            {
                "name": run.configuration.name,
                "overrides": run.configuration.overrides,
                "index_seconds": run.index_seconds,
                "cold_start_ms": run.cold_start_ms,
                "groups": {k: summarise(v) for k, v in sorted(groups(run.judgements).items())},
                "verdicts_sha256": verdicts_digest(run.judgements),
            }
        )
    return {
        "split": split,
        "configurations": configurations,
        "failures": [_failure(j) for j in dev_failures(runs[0].judgements)],
    }


def digest_line(data: dict[str, Any]) -> str:
    default = data["configurations"][0]
    return (
        f"Verdicts of {default['name']}, item by item: sha256 `{default['verdicts_sha256']}` "
        "(runs with equal digests gave every item the same verdict)."
    )


def verdicts_digest(judgements: list[Judgement]) -> str:
    """A fingerprint of every item's verdict: two runs (a refactoring before
    and after) gave the same verdicts item by item when their digests match,
    and no test or generated item is shown to tell it."""
    lines = sorted(f"{j.item.id}\t{j.verdict}" for j in judgements)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def dev_failures(judgements: list[Judgement]) -> list[Judgement]:
    """Dev items failed: unanswerable ones answered first, then wrong answers,
    then refusals."""
    failed = [j for j in judgements if j.verdict in _FAILURE_ORDER and j.item.split == "dev"]
    return sorted(failed, key=lambda j: (_FAILURE_ORDER[j.verdict], j.item.id))


def write_report(data: dict[str, Any], directory: Path) -> list[Path]:
    """report.json, report.md and report.png in ``directory``."""
    names = ("report.json", "report.md", "report.png")
    return write_report_files(
        directory, names, data, markdown(data), partial(chart, data), size=(11, 4.5)
    )


def headline_table(data: dict[str, Any]) -> str:
    """The first configuration on each split present, side by side."""
    summaries = data["configurations"][0]["groups"]
    lines = _table_head("split", HEADLINE)
    for split in _splits(data):
        lines.append(_row(split, summaries[f"split={split}"], HEADLINE))
    return "\n".join(lines)


def configurations_table(data: dict[str, Any], split: str) -> str:
    """One row per configuration on ``split``, the first being the reference."""
    rows = [(c["name"], c["groups"][f"split={split}"]) for c in data["configurations"]]
    reference = rows[0][1]
    lines = _table_head("configuration", COLUMNS) + [
        _row(name, summary, COLUMNS, reference if i else None)
        for i, (name, summary) in enumerate(rows)
    ]
    return "\n".join(lines)


def markdown(data: dict[str, Any]) -> str:
    default = data["configurations"][0]
    parts = [
        "# Eval report",
        "",
        "Items: `eval/questions.jsonl` (dev, test) and `eval/generated.jsonl` (generated), "
        f"over the documents of `eval/docs/`; split `{data['split']}`. Regenerate with "
        "`rag eval --compare`. Rates show their 95% Wilson interval. *consistent*: the "
        "share of facts answered right under every phrasing. *overlap*: the mean share of "
        "a question's content words found (same word or stem, not translated) in its "
        "evidence sentence, so how lexical the questions are.",
        "",
        f"## {default['name']}: dev, test and generated",
        "",
        headline_table(data),
        "",
        digest_line(data),
        "",
        *_gap(data),
    ]
    if len(data["configurations"]) > 1:
        parts += [
            "## Configurations",
            "",
            "≈ marks a difference from the first row that lies within noise (the intervals "
            "overlap), ↑/↓ one that does not.",
            "",
        ]
        for split in _splits(data):
            parts += [f"### {split}", "", configurations_table(data, split), ""]
    for split in _splits(data):
        for field, title in _BREAKDOWNS:
            prefix = f"split={split} {field}="
            rows = [
                (key.removeprefix(prefix), summary)
                for key, summary in default["groups"].items()
                if key.startswith(prefix)
            ]
            parts += [f"### {split}, {title}", "", *_table_head(field, BREAKDOWN)]
            parts += [_row(key, summary, BREAKDOWN) for key, summary in rows]
            parts.append("")
    if default["cold_start_ms"]:
        cold = default["cold_start_ms"]
        parts += [
            f"Cold start of `rag ask` as a whole process: {cold['cold_ask_ms']:.0f} ms "
            f"(of which importing the package: {cold['import_ms']:.0f} ms).",
            "",
        ]
    parts += [f"## Dev failures ({default['name']}); test and generated are not listed", ""]
    for failure in data["failures"]:
        parts += [
            f"- **{failure['id']}** ({failure['verdict']}) {failure['question']}",
            f"  - answer: {failure['answer']}",
        ]
        if failure["quote"]:
            parts.append(f"  - quote: “{failure['quote']}”")
    return "\n".join(parts) + "\n"


def chart(data: dict[str, Any], axes: Any) -> None:
    """Grouped bars of the main rates of the first configuration per split,
    with 95% intervals."""
    groups = data["configurations"][0]["groups"]
    splits = _splits(data)
    width = 0.8 / max(1, len(splits))
    for i, split in enumerate(splits):
        summary = groups[f"split={split}"]
        values = [summary[m] for m in CHART_METRICS]
        errors = [
            [v - summary[f"{m}_ci95"][0] for m, v in zip(CHART_METRICS, values, strict=True)],
            [summary[f"{m}_ci95"][1] - v for m, v in zip(CHART_METRICS, values, strict=True)],
        ]
        positions = [x + i * width for x in range(len(CHART_METRICS))]
        axes.bar(positions, values, width, yerr=errors, capsize=3, label=split)
    axes.set_xticks([x + width * (len(splits) - 1) / 2 for x in range(len(CHART_METRICS))])
    axes.set_xticklabels(["right", "declined", "precision", "consistent"])
    axes.set_ylim(0, 1.05)
    axes.set_title(f"Eval, {data['configurations'][0]['name']}, by split (95% intervals)")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))


def _splits(data: dict[str, Any]) -> list[str]:
    present = data["configurations"][0]["groups"]
    return [s for s in SPLITS if f"split={s}" in present]


def _gap(data: dict[str, Any]) -> list[str]:
    """How far test and generated lie from dev, in points of right answers."""
    groups = data["configurations"][0]["groups"]
    if "split=dev" not in groups:
        return []
    dev = groups["split=dev"]["accuracy"]
    gaps = [
        f"{split} {100 * (groups[f'split={split}']['accuracy'] - dev):+.0f}"
        for split in ("test", "generated")
        if f"split={split}" in groups
    ]
    if not gaps:
        return []
    return [f"Right answers against dev (points): {', '.join(gaps)}.", ""]


def _table_head(first: str, columns: list[tuple[str, str]]) -> list[str]:
    titles = [first, "n"] + [title for _, title in columns]
    return ["| " + " | ".join(titles) + " |", "|" + "---|" * len(titles)]


def _row(
    name: str,
    summary: dict[str, Any],
    columns: list[tuple[str, str]],
    reference: dict[str, Any] | None = None,
) -> str:
    cells = [name, str(summary["questions"])]
    for metric, _ in columns:
        value = summary[metric]
        cell = f"{value:.2f}" if isinstance(value, float) and "_ms" not in metric else str(value)
        if f"{metric}_ci95" in summary:
            low, high = summary[f"{metric}_ci95"]
            if (value, low, high) == (0.0, 0.0, 0.0):  # no question to measure on
                cells.append("–")
                continue
            cell += f" [{low:.2f}-{high:.2f}]"
            if reference is not None:
                cell += " " + _versus(summary, reference, metric)
        cells.append(cell)
    return "| " + " | ".join(cells) + " |"


def _versus(summary: dict[str, Any], reference: dict[str, Any], metric: str) -> str:
    low, high = summary[f"{metric}_ci95"]
    ref_low, ref_high = reference[f"{metric}_ci95"]
    if low > ref_high:
        return "↑"
    if high < ref_low:
        return "↓"
    return "≈"


def _failure(judgement: Judgement) -> dict[str, Any]:
    citations = judgement.answer.citations
    return {
        "id": judgement.item.id,
        "verdict": judgement.verdict,
        "question": judgement.item.question,
        "answer": judgement.answer.answer,
        "quote": citations[0].quote if citations else "",
    }
