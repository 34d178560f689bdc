"""Measuring tools of the bench: latency percentiles, peak memory, disk size."""

from __future__ import annotations

import threading
from pathlib import Path

import psutil


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
