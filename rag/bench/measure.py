"""Measuring tools of the bench: latency percentiles, peak memory, disk size,
the encoder's own rate and the time a changed article takes to be answered on."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psutil
from langchain_core.embeddings import Embeddings

from rag.assistant import Assistant
from rag.ingest.chunk import chunk_document
from rag.ingest.load import discover, load_document
from rag.settings import Settings

RAW_SAMPLE = 1_000  # passages the raw encoder embeds to give its own rate


def percentiles(values: list[float]) -> dict[str, float]:
    """p50 and p95 of ``values`` in ms (linear interpolation)."""
    import numpy as np

    if not values:
        return {"p50": 0.0, "p95": 0.0}
    p50, p95 = np.percentile(values, [50, 95])
    return {"p50": round(float(p50), 1), "p95": round(float(p95), 1)}


class PeakRss:
    """The highest resident memory of this process plus ``pids`` (and their
    children) while the block runs, sampled every 50 ms in a thread."""

    def __init__(self, pids: list[int]) -> None:
        others = [psutil.Process(pid) for pid in pids]
        children = [c for p in others for c in p.children(recursive=True)]
        self._processes = [psutil.Process(), *others, *children]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.peak_mb = 0.0

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            rss = sum(p.memory_info().rss for p in self._processes if p.is_running())
            self.peak_mb = max(self.peak_mb, round(rss / 2**20, 1))
            if self._stop.wait(0.05):
                return


def megabytes(folder: Path) -> float:
    """What the files under ``folder`` take, in MB."""
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return round(size / 2**20, 1)


# Added to a planted article to time its re-index (the name is in no document).
CHANGE = "The inquiry's spokesperson, Odile Brassard, confirmed the figures on Friday."
CHANGE_QUESTION, CHANGE_ANSWER = "Who is the spokesperson of the inquiry?", "Odile Brassard"


def reindex_one(assistant: Assistant, path: Path) -> tuple[float, bool]:
    """Seconds from re-indexing ``path``, with CHANGE added, to an answer on
    it, and whether the answer was CHANGE's; ``path`` and its index entries
    are restored after."""
    text = path.read_text(encoding="utf-8")
    path.write_text(f"{text.rstrip()} {CHANGE}\n", encoding="utf-8")
    try:
        started = time.perf_counter()
        assistant.index([path])
        answer = assistant.ask(CHANGE_QUESTION).answer
        seconds = time.perf_counter() - started
    finally:
        path.write_text(text, encoding="utf-8")
        assistant.index([path])
    return round(seconds, 2), answer.startswith(CHANGE_ANSWER)


def raw_encoder_rate(paths: list[Path], encoder: Embeddings, settings: Settings) -> float:
    """Passages per second of the encoder alone, in one call, on up to
    RAW_SAMPLE passages of the same text chunked as the pipeline chunks it."""
    texts: list[str] = []
    files, _ = discover(paths)
    for path in files:
        document = load_document(path)
        texts += [
            c.text for c in chunk_document(document, settings.chunk_size, settings.chunk_overlap)
        ]
        if len(texts) >= RAW_SAMPLE:
            break
    encoder.embed_documents(texts[:8])  # first-call setup is not throughput
    started = time.perf_counter()
    encoder.embed_documents(texts[:RAW_SAMPLE])
    return round(min(len(texts), RAW_SAMPLE) / (time.perf_counter() - started), 1)
