"""Load, chunk and embed the files an index run must (re)read, in worker
processes when there is enough text to pay for starting them.

Embedding is most of indexing, and the encoder's second BLAS thread adds
little (USE on 2 cores: 180 passages/s with 1 thread, 262 with 2), while
loading and sentence splitting are pure Python that cannot overlap with it in
one process. Worker processes of one encoder thread each, taking whole files
through load, chunk and embed, use the cores fully. Measured on 2 cores on
the benchmark's generated news (``rag bench`` prints the pipeline's rate next
to the raw encoder's): 5,000 passages indexed at 228 passages/s against 150
in one process, 1,000 at 180 against 149, 300 at 128 in both.

Workers are forked: a spawned or forkserver worker re-imports the caller's
``__main__``, which breaks (and re-runs) any script that calls the API
without an ``if __name__ == "__main__"`` guard. The child only loads files
and runs NumPy on its own encoder, never the parent's Chroma client or locks.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.embeddings import Embeddings

from rag.errors import LoadError
from rag.ingest.chunk import chunk_document
from rag.ingest.load import load_document
from rag.models.embed import load_embeddings
from rag.records import Chunk
from rag.settings import Settings

# Starting the workers (a fork and the encoder's weights each) costs what one
# process spends on about 130 KB of text (measured above): below twice that,
# the files are read here.
MIN_BYTES_FOR_WORKERS = 256 * 1024
FILES_PER_TASK = 8


@dataclass(frozen=True)
class Job:
    """A file to read, and the ids of its chunks the index already holds
    (those are not embedded again)."""

    path: Path
    known: frozenset[str] = frozenset()


@dataclass
class Prepared:
    """A file's chunks and the vectors of those that are new, or why it was skipped."""

    path: Path
    chunks: list[Chunk] = field(default_factory=list)
    vectors: dict[str, list[float]] = field(default_factory=dict)
    sha256: str = ""
    error: str = ""


def prepare(job: Job, embeddings: Embeddings, settings: Settings) -> Prepared:
    """Load, chunk and embed one file's new chunks."""
    try:
        document = load_document(job.path)
    except LoadError as error:
        return Prepared(job.path, error=str(error))
    chunks = chunk_document(document, settings.chunk_size, settings.chunk_overlap)
    new = [c for c in chunks if c.id not in job.known]
    vectors = embeddings.embed_documents([c.text for c in new]) if new else []
    return Prepared(
        job.path,
        chunks,
        {c.id: v for c, v in zip(new, vectors, strict=True)},
        document.sha256,
    )


def prepare_all(jobs: list[Job], embeddings: Embeddings, settings: Settings) -> Iterator[Prepared]:
    """``prepare`` each job, in order: in worker processes (``index_workers``,
    0 for one per core) when the files are large enough, else here with
    ``embeddings``."""
    workers = settings.index_workers or os.cpu_count() or 1
    if workers < 2 or _total_bytes(jobs) < MIN_BYTES_FOR_WORKERS:
        for job in jobs:
            yield prepare(job, embeddings, settings)
        return
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(settings,),
    ) as pool:
        tasks = [jobs[i : i + FILES_PER_TASK] for i in range(0, len(jobs), FILES_PER_TASK)]
        for prepared in pool.map(_prepare_in_worker, tasks):
            yield from prepared


_worker: tuple[Embeddings, Settings] | None = None


def _start_worker(settings: Settings) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    settings = settings.model_copy(update={"threads": 1})
    _worker = (load_embeddings(settings), settings)


def _prepare_in_worker(jobs: list[Job]) -> list[Prepared]:
    assert _worker is not None, "the worker was not started"
    embeddings, settings = _worker
    return [prepare(job, embeddings, settings) for job in jobs]


def _total_bytes(jobs: list[Job]) -> int:
    total = 0
    for job in jobs:
        try:
            total += job.path.stat().st_size
        except OSError:
            continue
        if total >= MIN_BYTES_FOR_WORKERS:
            break
    return total
