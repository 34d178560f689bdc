"""What the citation grammar costs llama.cpp's generation speed.

    python -m bench.grammar_cost models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf

Generates the same answer, with the prompt the LLM mode sends, freely and
under ``rag.generate.llm.CITED_SENTENCES``, a few times each after a warm-up (so the
prompt is cached and only generation is timed), and prints tokens per second.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from rag.generate.generative import SYSTEM_PROMPT
from rag.generate.llm import CITED_SENTENCES

SOURCE = (
    "Toutefois, l’Arménie, qui assure actuellement la présidence de l’OTSC, a confirmé ce "
    "matin sa participation à cette opération de stabilisation."
)
QUESTION = "Who chairs the CSTO, and what did it confirm this morning?"
RUNS = 3


def main(argv: list[str]) -> int:
    from llama_cpp import Llama, LlamaGrammar

    if len(argv) != 1 or not Path(argv[0]).is_file():
        print("usage: python -m bench.grammar_cost MODEL.gguf", file=sys.stderr)
        return 2
    model = Llama(argv[0], n_ctx=2048, n_batch=512, n_threads=2, verbose=False)
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {
            "role": "user",
            "content": f"Sources:\n[1] «{SOURCE}»\nQuestion: «{QUESTION}»\n"
            "Answer in English, in one complete sentence ending with [1]:",
        },
    ]
    grammar = LlamaGrammar.from_string(CITED_SENTENCES, verbose=False)
    for label, options in (("free", {}), ("cited-sentence grammar", {"grammar": grammar})):
        rates = []
        for _ in range(RUNS + 1):  # the first run evaluates the prompt
            started = time.perf_counter()
            reply = model.create_chat_completion(messages, max_tokens=60, temperature=0, **options)
            rates.append(reply["usage"]["completion_tokens"] / (time.perf_counter() - started))
        print(f"{label}: {statistics.median(rates[1:]):.1f} tokens/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
