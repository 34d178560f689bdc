"""Run the eval set through the public API and print one report.

    python -m eval.run [--json] [--index-dir DIR] [--set FIELD=VALUE ...]

Indexes data/ (incrementally) into the configured index, asks every question
once (with its chat history), and scores retrieval and answers per question
language, type and split.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rag import Assistant, RagError
from rag.evaluate import KS, EvalItem, evaluate, load_eval_set

EVAL_SET = Path(__file__).with_name("questions.jsonl")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.run", description=__doc__.split("\n")[0])
    parser.add_argument("--eval-set", type=Path, default=EVAL_SET)
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument(
        "--set", action="append", default=[], metavar="FIELD=VALUE", help="a settings override"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    overrides = dict(pair.split("=", 1) for pair in args.set)
    if args.index_dir:
        overrides["index_dir"] = str(args.index_dir)
    try:
        assistant = Assistant.from_settings(**overrides)
        assistant.index()
        items = load_eval_set(args.eval_set)

        def ask(item: EvalItem) -> Any:
            return assistant.ask(item.question, item.history)

        retrieval, answers = evaluate(
            items, ask, lambda i: (f"lang={i.language}", f"type={i.type}", f"split={i.split}")
        )
    except RagError as error:
        print(f"eval: error: {error}", file=sys.stderr)
        return 1
    report = {
        "retrieval": {key: value.to_dict() for key, value in sorted(retrieval.items())},
        "answers": {key: value.to_dict() for key, value in sorted(answers.items())},
    }
    if args.json:
        print(json.dumps(report))
    else:
        _print_report(report)
    return 0


def _print_report(report: dict[str, dict[str, dict[str, Any]]]) -> None:
    print(f"{'retrieval':<18}{'n':>4}" + "".join(f"{f'hit@{k}':>18}" for k in KS) + f"{'MRR':>7}")
    for key, row in report["retrieval"].items():
        cells = "".join(
            f"{row[f'hit@{k}']:>7.2f} [{row[f'hit@{k}_ci95'][0]:.2f}-{row[f'hit@{k}_ci95'][1]:.2f}]"
            for k in KS
        )
        print(f"{key:<18}{row['n']:>4}{cells}{row['mrr']:>7.2f}")
    print()
    print(
        f"{'answers':<18}{'n':>4}{'accuracy':>20}{'refused':>9}{'n_un':>6}{'declined':>20}"
        f"{'precision':>10}{'truthful':>9}{'inject':>7}{'p50 ms':>8}{'p95 ms':>8}"
    )
    for key, row in report["answers"].items():
        accuracy = (
            f"{row['accuracy']:.2f} [{row['accuracy_ci95'][0]:.2f}-{row['accuracy_ci95'][1]:.2f}]"
        )
        declined = (
            f"{row['declined']:.2f} [{row['declined_ci95'][0]:.2f}-{row['declined_ci95'][1]:.2f}]"
        )
        print(
            f"{key:<18}{row['answerable']:>4}{accuracy:>20}{row['false_refusal']:>9.2f}"
            f"{row['unanswerable']:>6}{declined:>20}{row['precision']:>10.2f}"
            f"{row['truthfulness']:>9.2f}{row['injections']:>7}{row['p50_ms']:>8.0f}{row['p95_ms']:>8.0f}"
        )


if __name__ == "__main__":
    sys.exit(main())
