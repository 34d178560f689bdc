"""The BM25 index on disk, beside the Chroma index, for other processes.

A folder holds the base (bm25s's own files, its chunks, and ``base.json``:
the generation of the collection it was built from, the tokenizer's
fingerprint, the average chunk length) and ``delta.json``: the chunks added
and the base chunks removed since, for a later generation. A re-index of one
article rewrites only the delta (atomically: written aside, then renamed);
a new base replaces the folder whole. Loading checks both tags, so a half
written or stale folder is never used: the caller rebuilds instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import bm25s

from rag.records import Chunk
from rag.search.lexical import Base, LexicalIndex
from rag.text.words import STOPWORDS

_BASE, _CHUNKS, _DELTA = "base.json", "chunks.jsonl", "delta.json"
# An index tokenized with other stop words is rebuilt, not loaded.
TOKENIZER = hashlib.sha256(" ".join(sorted(STOPWORDS)).encode()).hexdigest()[:16]


def save_lexical(index: LexicalIndex, folder: Path) -> None:
    """Write ``index`` to ``folder``: only its delta when the folder holds its base."""
    if _base_tag(folder) == _tag(index.base):
        _write_delta(index, folder)
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        base = index.base
        if base.bm25 is not None:
            base.bm25.save(partial, show_progress=False)
        with (partial / _CHUNKS).open("w", encoding="utf-8") as out:
            for chunk in base.chunks:
                out.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        _write_delta(index, partial)
        (partial / _BASE).write_text(json.dumps(_tag(base)), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def load_lexical(
    folder: Path, generation: str, known: LexicalIndex | None = None
) -> LexicalIndex | None:
    """The index saved in ``folder`` for ``generation`` by this tokenizer, or
    None; the base of ``known`` is reused when it is the saved one."""
    try:
        tag = _base_tag(folder)
        if tag is None or tag["tokenizer"] != TOKENIZER:
            return None
        delta = json.loads((folder / _DELTA).read_text(encoding="utf-8"))
        if delta["base"] != tag["generation"] or generation not in (
            delta["generation"],
            tag["generation"],
        ):
            return None
        if delta["generation"] != generation:  # the base alone is this generation's
            delta = {"added": [], "removed": []}
        if known is not None and _tag(known.base) == tag:
            base = known.base
        else:
            with (folder / _CHUNKS).open(encoding="utf-8") as lines:
                chunks = [Chunk(**json.loads(line)) for line in lines]
            bm25 = bm25s.BM25.load(folder, show_progress=False) if chunks else None
            base = Base(chunks, bm25, tag["average_length"], tag["generation"])
        added = [Chunk(**c) for c in delta["added"]]
        return LexicalIndex(base, generation, added, frozenset(delta["removed"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None  # missing, half-written or from another version: rebuilt


def _tag(base: Base) -> dict[str, Any]:
    return {
        "generation": base.generation,
        "tokenizer": TOKENIZER,
        "average_length": base.average_length,
    }


def _base_tag(folder: Path) -> dict[str, Any] | None:
    try:
        tag = json.loads((folder / _BASE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return tag if isinstance(tag, dict) else None


def _write_delta(index: LexicalIndex, folder: Path) -> None:
    delta = {
        "generation": index.generation,
        "base": index.base.generation,
        "added": [c.to_dict() for c in index.added],
        "removed": sorted(index.removed),
    }
    partial = folder / f".{_DELTA}.{os.getpid()}"
    partial.write_text(json.dumps(delta, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, folder / _DELTA)
