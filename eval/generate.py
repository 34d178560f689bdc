"""Write the generated split: questions a local LLM writes from the eval's
passages, kept or rejected by checks against the text (rag.eval_generate).

    python -m eval.generate --llm-model-path models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf

Writes eval/generated.jsonl (the kept items) and eval/generated-rejected.jsonl
(each rejected reply with its reason). Once the split is frozen, do not re-run
it over the committed files: eval/CHANGES.md says why.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from rag.eval_generate import ANSWER_REPLY, QUESTION_REPLY, Rejection, generate
from rag.eval_set import EVAL_DOCS, EVAL_SETS, EvalItem, load_eval_set
from rag.llm import describe, load_chat_model
from rag.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm-model-path", type=Path, required=True)
    parser.add_argument("--docs", type=Path, default=EVAL_DOCS)
    parser.add_argument("--out", type=Path, default=EVAL_SETS[1])
    parser.add_argument("--target", type=int, default=80, help="stop once this many are kept")
    parser.add_argument("--resume", action="store_true", help="keep the files' results, go on")
    args = parser.parse_args()
    settings = Settings(llm_model_path=args.llm_model_path, llm_max_tokens=100)
    # One chat model per reply grammar (llama.cpp takes its grammar at load).
    chats = {g: load_chat_model(settings, grammar=g) for g in (QUESTION_REPLY, ANSWER_REPLY)}
    dev = [i for i in load_eval_set(EVAL_SETS[0]) if i.split == "dev"]
    rejected_path = args.out.with_name(args.out.stem + "-rejected.jsonl")
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
            out = rejected if isinstance(result, Rejection) else kept
            record = result.to_dict() if isinstance(result, Rejection) else vars(result)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
            reasons[result.reason if isinstance(result, Rejection) else "kept"] += 1
    print(f"{describe(settings)}: {dict(reasons)}")


def _rejections(path: Path) -> list[Rejection]:
    with path.open(encoding="utf-8") as lines:
        return [Rejection(**json.loads(line)) for line in lines if line.strip()]


if __name__ == "__main__":
    main()
