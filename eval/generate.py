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

from rag.eval_generate import JSON_REPLY, Rejection, generate
from rag.eval_set import EVAL_DOCS, EVAL_SETS, load_eval_set
from rag.llm import describe, load_chat_model
from rag.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm-model-path", type=Path, required=True)
    parser.add_argument("--docs", type=Path, default=EVAL_DOCS)
    parser.add_argument("--out", type=Path, default=EVAL_SETS[1])
    args = parser.parse_args()
    settings = Settings(llm_model_path=args.llm_model_path, llm_max_tokens=200)
    chat = load_chat_model(settings, grammar=JSON_REPLY)
    dev = [i for i in load_eval_set(EVAL_SETS[0]) if i.split == "dev"]
    rejected_path = args.out.with_name(args.out.stem + "-rejected.jsonl")
    reasons: Counter[str] = Counter()
    with (
        args.out.open("w", encoding="utf-8") as kept,
        rejected_path.open("w", encoding="utf-8") as rejected,
    ):
        results = generate(
            lambda prompt: str(chat.invoke(prompt).content),
            [args.docs],
            dev,
            settings.chunk_size,
            settings.chunk_overlap,
        )
        for result in results:
            out = rejected if isinstance(result, Rejection) else kept
            record = result.to_dict() if isinstance(result, Rejection) else vars(result)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
            reasons[result.reason if isinstance(result, Rejection) else "kept"] += 1
    print(f"{describe(settings)}: {dict(reasons)}")


if __name__ == "__main__":
    main()
