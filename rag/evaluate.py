"""Score the assistant on a hand-written eval set (JSONL), through the public API.

Retrieval for now: hit@k (a gold evidence string lies inside one of the top k
passages) and MRR, with 95% Wilson intervals, since at a few dozen questions
a difference of ten points can be noise.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.records import Passage

KS = (1, 3, 5)


@dataclass(frozen=True)
class EvalItem:
    """One question with its gold answers and evidence (exact article substrings)."""

    id: str
    split: str
    question: str
    language: str
    type: str
    answerable: bool
    answers: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    history: list[dict[str, str]] = field(default_factory=list)


def load_eval_set(path: Path) -> list[EvalItem]:
    """Items of a JSONL eval file, one object per line."""
    with path.open(encoding="utf-8") as lines:
        return [EvalItem(**json.loads(line)) for line in lines if line.strip()]


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a rate ``successes / n``."""
    if n == 0:
        return (0.0, 0.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (round(max(0.0, centre - half), 3), round(min(1.0, centre + half), 3))


def evidence_rank(item: EvalItem, passages: list[Passage]) -> int | None:
    """1-based rank of the first passage holding gold evidence, else None."""
    for rank, passage in enumerate(passages, start=1):
        if any(e in passage.chunk.text for e in item.evidence):
            return rank
    return None


@dataclass
class RetrievalScores:
    """hit@k and MRR over a group of answerable items."""

    n: int
    hits: dict[int, int]
    reciprocal_ranks: float

    @property
    def mrr(self) -> float:
        return self.reciprocal_ranks / self.n if self.n else 0.0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"n": self.n}
        for k, hits in self.hits.items():
            data[f"hit@{k}"] = round(hits / self.n, 3) if self.n else 0.0
            data[f"hit@{k}_ci95"] = wilson_interval(hits, self.n)
        data["mrr"] = round(self.mrr, 3)
        return data


def score_retrieval(
    items: Iterable[EvalItem],
    retrieve: Callable[[str], list[Passage]],
    groups_of: Callable[[EvalItem], Iterable[str]] = lambda item: (),
) -> dict[str, RetrievalScores]:
    """Retrieval scores of the answerable ``items``: for "all" and per group key."""
    groups: dict[str, RetrievalScores] = {}
    for item in items:
        if not item.answerable:
            continue
        rank = evidence_rank(item, retrieve(item.question))
        for key in {"all", *groups_of(item)}:
            scores = groups.setdefault(key, RetrievalScores(0, dict.fromkeys(KS, 0), 0.0))
            scores.n += 1
            if rank is not None:
                scores.reciprocal_ranks += 1 / rank
                for k in KS:
                    scores.hits[k] += rank <= k
    return groups
