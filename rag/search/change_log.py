"""The writes of each indexing run, kept in Chroma for processes on other hosts.

A process that holds the BM25 index of one state of the collection brings it
up to date from the writes that led to the next (rag.search.lexical). On the
writer's host those are saved beside the index (rag.search.lexical_files),
which other hosts see only on a shared file system. So every run also
publishes its writes here, in a small collection beside the chunks'
(``<collection>-changes``): one record per run, from the generation it
started at to the one it left. A process on any host follows the chain from
its own state to the current one and applies it, instead of reading every
chunk back (19 s at 100,000 passages). A run that stored more than
MAX_CHUNKS chunks is recorded without its writes: a process then rebuilds.
Only the last KEPT runs are kept.
"""

from __future__ import annotations

import json
import time
from typing import Any

from rag.records import Chunk
from rag.search.chroma import chroma_errors
from rag.search.store import CHANGES, Written

MAX_CHUNKS = 5000  # ~2.5 MB of JSON: larger runs are rebuilt from, not replayed
KEPT = 50
# Chroma wants a vector with every record (without one it would run its own
# embedding function, which downloads a model): the records are never searched.
_NO_VECTOR = [0.0]


class ChangeLog:
    """The runs' writes of one index, in order."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection

    @classmethod
    @chroma_errors(writes=True)
    def open(cls, client: Any, chunks_collection: str) -> ChangeLog:
        return cls(
            client.get_or_create_collection(
                name=chunks_collection + CHANGES, embedding_function=None
            )
        )

    @chroma_errors(writes=True)
    def publish(self, before: str, after: str, writes: list[Written]) -> None:
        """Record that ``writes`` took the collection from ``before`` to ``after``."""
        stored = sum(len(w.stored) for w in writes)
        replayable = stored <= MAX_CHUNKS
        self._collection.upsert(
            ids=[after],
            documents=[json.dumps([_plain(w) for w in writes]) if replayable else ""],
            metadatas=[{"before": before, "replayable": replayable, "at": time.time()}],
            embeddings=[_NO_VECTOR],
        )
        self._prune()

    @chroma_errors(writes=False)
    def between(self, start: str, end: str) -> list[Written] | None:
        """The writes that took the collection from ``start`` to ``end``, or
        None when the chain is broken (pruned, a run too large, or a state
        no run left)."""
        got = self._collection.get(include=["metadatas"])
        runs = {after: meta for after, meta in zip(got["ids"], got["metadatas"] or [], strict=True)}
        chain: list[str] = []
        state = end
        while state != start:
            if state not in runs or not runs[state]["replayable"] or len(chain) > len(runs):
                return None
            chain.append(state)
            state = str(runs[state]["before"])
        chain.reverse()
        documents = self._documents(chain)
        return [_written(w) for run in chain for w in json.loads(documents[run])]

    def _documents(self, ids: list[str]) -> dict[str, str]:
        """The recorded writes of the runs ``ids`` (JSON), by run."""
        if not ids:
            return {}
        got = self._collection.get(ids=ids, include=["documents"])
        return {i: d or "[]" for i, d in zip(got["ids"], got["documents"] or [], strict=True)}

    def _prune(self) -> None:
        got = self._collection.get(include=["metadatas"])
        runs = sorted(zip(got["ids"], got["metadatas"] or [], strict=True), key=_at)
        if len(runs) > KEPT:
            self._collection.delete(ids=[run_id for run_id, _ in runs[: len(runs) - KEPT]])


def _at(run: tuple[str, Any]) -> float:
    return float(run[1]["at"])


def _plain(write: Written) -> dict[str, Any]:
    return {
        "stored": [c.to_dict() for c in write.stored],
        "updated": [list(pair) for pair in write.updated],
        "deleted": list(write.deleted),
    }


def _written(data: dict[str, Any]) -> Written:
    return Written(
        stored=tuple(Chunk(**c) for c in data["stored"]),
        updated=tuple((str(i), dict(m)) for i, m in data["updated"]),
        deleted=tuple(data["deleted"]),
    )
