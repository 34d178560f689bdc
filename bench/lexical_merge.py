"""What the BM25 index costs to build whole, as when its changes are merged.

    python -m bench.lexical_merge --index-dir DIR

Loads the index's saved BM25 index (base and changes, as a serving process
does), then builds a new base from every chunk it holds and saves it to a
temporary folder, printing the time of each step. A re-index of a few files
only applies its changes (milliseconds); this is what a merge costs, once
the changes outgrow 5% of the base (rag.search.lexical.MERGE_SHARE).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from rag import Assistant
from rag.search.lexical import LexicalIndex
from rag.search.lexical_files import save_lexical


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    assistant = Assistant.from_settings(index_dir=args.index_dir)
    started = time.perf_counter()
    chunks = assistant.as_retriever().hybrid.lexical().chunks
    loaded = time.perf_counter()
    merged = LexicalIndex.build(chunks, "merged")
    built = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        save_lexical(merged, Path(folder) / "lexical")
    saved = time.perf_counter()
    print(
        f"{len(chunks):,} chunks: loaded {loaded - started:.1f} s, new base built "
        f"{built - loaded:.1f} s, saved {saved - built:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
