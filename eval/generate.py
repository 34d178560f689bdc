"""Write the generated split: questions a local LLM writes from the eval's
documents, kept or rejected by checks against the text (rag.evaluate.question_generation),
then read by a person against their sentence (the review).

    python -m eval.generate --llm-model-path models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
    python -m eval.generate --apply-review

The first writes eval/generated.jsonl (the kept items) and
eval/generated-rejected.jsonl (each rejected reply with its reason); --resume
goes on from them. The second applies eval/generated-review.jsonl (per item:
keep, or reject with a reason; extra accepted forms of the same answer): the
items it rejects move to the rejected file. Once the split is frozen, neither
is run again over the committed files (eval/CHANGES.md).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path
from typing import IO, Any

from rag.evaluate.items import EVAL_DOCS, EVAL_SETS, EvalItem, load_eval_set
from rag.evaluate.question_generation import ANSWER_REPLY, QUESTION_REPLY, Rejection, generate
from rag.generate.llm import describe, load_chat_model
from rag.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm-model-path", type=Path)
    parser.add_argument("--docs", type=Path, default=EVAL_DOCS)
    parser.add_argument("--out", type=Path, default=EVAL_SETS[1])
    parser.add_argument("--target", type=int, default=80, help="stop once this many are kept")
    parser.add_argument("--resume", action="store_true", help="keep the files' results, go on")
    parser.add_argument("--apply-review", action="store_true", help="apply the review file")
    args = parser.parse_args()
    rejected_path = args.out.with_name(args.out.stem + "-rejected.jsonl")
    if args.apply_review:
        apply_review(args.out, rejected_path, args.out.with_name(args.out.stem + "-review.jsonl"))
    elif args.llm_model_path:
        run(args, rejected_path)
    else:
        parser.error("--llm-model-path or --apply-review is needed")


def run(args: argparse.Namespace, rejected_path: Path) -> None:
    settings = Settings(llm_model_path=args.llm_model_path, llm_max_tokens=100)
    # One chat model per reply grammar (llama.cpp takes its grammar at load).
    chats = {g: load_chat_model(settings, grammar=g) for g in (QUESTION_REPLY, ANSWER_REPLY)}
    dev = [i for i in load_eval_set(EVAL_SETS[0]) if i.split == "dev"]
    earlier: tuple[list[EvalItem], list[Rejection]] = ([], [])
    if args.resume and args.out.is_file() and rejected_path.is_file():
        earlier = (load_eval_set(args.out), _rejections(rejected_path))
    mode = "a" if args.resume else "w"
    reasons: Counter[str] = Counter()
    with (
        args.out.open(mode, encoding="utf-8") as kept,
        rejected_path.open(mode, encoding="utf-8") as rejected,
    ):
        results = generate(
            lambda prompt, grammar: str(chats[grammar].invoke(prompt).content),
            [args.docs],
            dev,
            args.target,
            earlier,
        )
        for result in results:
            if isinstance(result, Rejection):
                _write(rejected, result.to_dict())
                reasons[result.reason] += 1
            else:
                _write(kept, asdict(result))
                reasons["kept"] += 1
    print(f"{describe(settings)}: {dict(reasons)}")


def apply_review(items_path: Path, rejected_path: Path, review_path: Path) -> None:
    """Items the review rejects move to the rejected file with its reason;
    kept ones gain the extra accepted forms it lists."""
    with review_path.open(encoding="utf-8") as lines:
        reviews = {r["id"]: r for r in map(json.loads, lines) if r}
    items = load_eval_set(items_path)
    missing = [i.id for i in items if i.id not in reviews]
    if missing:
        raise SystemExit(f"generate: no review of {', '.join(missing)}")
    with (
        items_path.open("w", encoding="utf-8") as kept,
        rejected_path.open("a", encoding="utf-8") as rejected,
    ):
        for item in items:
            review = reviews[item.id]
            if review["keep"]:
                extra = [a for a in review.get("extra_answers", []) if a not in item.answers]
                _write(kept, asdict(replace(item, answers=[*item.answers, *extra])))
            else:
                reason = f"review: {review['reason']}"
                rejection = Rejection(item.document, item.evidence[0], item.language, "", reason)
                _write(rejected, rejection.to_dict() | {"question": item.question})


def _write(out: IO[str], record: dict[str, Any]) -> None:
    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()


def _rejections(path: Path) -> list[Rejection]:
    with path.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    fields = Rejection.__dataclass_fields__
    return [Rejection(**{k: v for k, v in r.items() if k in fields}) for r in records]


if __name__ == "__main__":
    main()
