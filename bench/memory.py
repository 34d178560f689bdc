"""What a serving process holds in memory for an index, stage by stage.

    python -m bench.memory --index-dir DIR [--chroma-url URL]

Opens the index as `rag serve` does and prints the resident memory (RSS)
after each step: the encoder, the Chroma collection, the BM25 index with the
chunk list it keeps (the one structure here that grows with the corpus), and
the answerer after a first question. Point it at an index `rag bench --work
DIR` built (DIR/embedded-100000/index) to get the figures per 100k passages.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

import psutil

from rag import Assistant


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--chroma-url")
    args = parser.parse_args(argv)
    process = psutil.Process()
    last = process.memory_info().rss

    def step(name: str) -> None:
        nonlocal last
        gc.collect()
        rss = process.memory_info().rss
        print(f"| {name} | {rss / 2**20:.0f} | {(rss - last) / 2**20:+.0f} |")
        last = rss

    print("| step | RSS MB | added MB |\n|---|---|---|")
    step("python and rag imported")
    assistant = Assistant.from_settings(index_dir=args.index_dir, chroma_url=args.chroma_url)
    assistant.embeddings.embed_query("warm-up")
    step("encoder loaded")
    retriever = assistant.as_retriever().hybrid
    passages = assistant.documents()
    step(f"Chroma collection opened ({sum(passages.values()):,} passages)")
    dates = retriever.dates  # loads the BM25 index and its chunk list
    step(f"BM25 index and chunk list loaded ({len(dates):,} documents)")
    assistant.ask("Who chairs the CSTO?")
    step("first answer (answerer, dense search)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
