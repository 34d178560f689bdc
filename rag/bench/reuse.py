"""Corpora and indexes that `rag bench --keep DIR` keeps for later runs.

Building the 100k haystack's index takes about 9 of a full run's 27 minutes.
A kept index is reused only when nothing that shapes it has changed: the key
hashes the corpus size, the planted documents, the source of the corpus
generator and of the indexing code (rag/ingest, rag/search, rag/text,
rag/models), and the settings an index is built with. A reused index is
still indexed again (every file found unchanged by its fingerprint, a few
seconds), so a corpus edited by hand is brought in line, not trusted; its
indexing figures are those of the run that built it, saved beside it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from rag.bench.corpus import Corpus, build_corpus
from rag.bench.results import IndexFigures
from rag.settings import Settings

PACKAGE = Path(__file__).resolve().parents[1]
SHAPING_CODE = ("bench/corpus.py", "ingest", "search", "text", "models")
SHAPING_SETTINGS = (
    "embedding_model", "chunk_size", "chunk_overlap", "collection", "dense_ef_search",
    "sentence_vectors",
)  # fmt: skip
CORPUS_FILE = "corpus.json"  # written once the corpus is whole
FIGURES_FILE = "indexed.json"  # written once the index is built and measured


def kept_key(size: int, needles: Sequence[Path], settings: Settings) -> str:
    """A short hash of what a corpus of ``size`` passages and its index are made from."""
    digest = hashlib.sha256(f"{size}".encode())
    for needle in needles:
        digest.update(needle.name.encode() + needle.read_bytes())
    for part in SHAPING_CODE:
        root = PACKAGE / part
        for path in sorted([root] if root.is_file() else root.rglob("*.py")):
            digest.update(str(path.relative_to(PACKAGE)).encode() + path.read_bytes())
    shaping = {name: str(getattr(settings, name)) for name in SHAPING_SETTINGS}
    digest.update(json.dumps(shaping, sort_keys=True).encode())
    return digest.hexdigest()[:12]


def kept_corpus(root: Path, size: int, needles: Sequence[Path]) -> Corpus:
    """The corpus built under ``root`` by an earlier run, or a new one."""
    record = root / CORPUS_FILE
    if record.is_file():
        data = json.loads(record.read_text(encoding="utf-8"))
        planted = tuple(Path(p) for p in data["planted"])
        return Corpus(root, data["documents"], data["characters"], planted)
    corpus = build_corpus(root, size, needles)
    data = {"documents": corpus.documents, "characters": corpus.characters}
    record.write_text(json.dumps(data | {"planted": list(map(str, corpus.planted))}), "utf-8")
    return corpus


def kept_figures(folder: Path) -> tuple[IndexFigures, float, str] | None:
    """The indexing figures, peak RSS and date of the run that built the
    index in ``folder``, or None when no run finished building it."""
    record = folder / FIGURES_FILE
    if not record.is_file():
        return None
    data = json.loads(record.read_text(encoding="utf-8"))
    index = {k: v for k, v in data["index"].items() if k != "ratio"}
    return IndexFigures(**index), float(data["peak_rss_mb"]), str(data["date"])


def keep_figures(folder: Path, index: IndexFigures, peak_rss_mb: float) -> None:
    """Record how the index in ``folder`` was built (now), for the runs that reuse it."""
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    data = {"index": index.to_dict(), "peak_rss_mb": peak_rss_mb, "date": date}
    (folder / FIGURES_FILE).write_text(json.dumps(data), encoding="utf-8")
