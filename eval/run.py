"""Run the eval set through the public API and print a report.

    python -m eval.run [--json] [--index-dir DIR] [--set FIELD=VALUE ...]

Indexes data/ (incrementally) into the configured index, then scores
retrieval per question language and per split.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag import Assistant, RagError
from rag.evaluate import KS, load_eval_set, score_retrieval

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
        groups = score_retrieval(
            items, assistant.retrieve, lambda i: (f"language={i.language}", f"split={i.split}")
        )
    except RagError as error:
        print(f"eval: error: {error}", file=sys.stderr)
        return 1
    report = {key: scores.to_dict() for key, scores in sorted(groups.items())}
    if args.json:
        print(json.dumps({"retrieval": report}))
        return 0
    header = f"{'retrieval':<14}{'n':>4}" + "".join(f"{f'hit@{k}':>18}" for k in KS) + f"{'MRR':>7}"
    print(header)
    for key, row in report.items():
        cells = "".join(
            f"{row[f'hit@{k}']:>7.2f} [{row[f'hit@{k}_ci95'][0]:.2f}-{row[f'hit@{k}_ci95'][1]:.2f}]"
            for k in KS
        )
        print(f"{key:<14}{row['n']:>4}{cells}{row['mrr']:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
