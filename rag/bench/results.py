"""What `rag bench` measured, as plain data; ``BenchResult.to_dict`` is the
``--json`` output and results.json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from rag.bench.naive import Baseline

DOCUMENTS_ALONE = "documents"  # the corpus of the eval documents without filler


@dataclass
class IndexFigures:
    """Indexing one corpus through the pipeline, and the encoder alone on its text."""

    passages: int
    documents: int
    seconds: float
    passages_per_s: float
    raw_encoder_per_s: float
    disk_mb: float
    # A planted article changed and indexed again, then asked about: seconds
    # until answered (None: not measured), and whether the answer was its new sentence's.
    reindex_s: float | None = None
    reindex_answered: bool = False
    # When the index was kept from an earlier run (`rag bench --keep`): that
    # run's date; the figures above, but for disk and re-index, are its own.
    reused_from: str | None = None

    @property
    def ratio(self) -> float:
        return round(self.passages_per_s / self.raw_encoder_per_s, 2)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ratio": self.ratio}


@dataclass
class QueryFigures:
    """The eval questions asked warm: latency per stage and how many were right."""

    stages_ms: dict[str, dict[str, float]]
    first_question_ms: float  # the first answer after indexing, its warm-up included
    hit_at_5: float
    accuracy: float
    hits: list[str] = field(default_factory=list)  # ids with gold evidence in the top 5
    accuracy_ci95: list[float] = field(default_factory=lambda: [0.0, 1.0])  # Wilson, 95%

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Row:
    """One corpus size on one store."""

    corpus: str
    store: str
    index: IndexFigures
    query: QueryFigures
    peak_rss_mb: float
    cold_ask_ms: float  # `rag ask` as a new process on this index, after the warm questions

    def to_dict(self) -> dict[str, Any]:
        return {
            "corpus": self.corpus,
            "store": self.store,
            "index": self.index.to_dict(),
            "query": self.query.to_dict(),
            "peak_rss_mb": self.peak_rss_mb,
            "cold_ask_ms": self.cold_ask_ms,
        }


@dataclass
class BenchResult:
    """Everything a run measured; ``to_dict`` is the --json output and results.json."""

    date: str
    cores: int
    load_average: tuple[float, float]  # 1-minute load at start and end: other work shows here
    embedding_model: str
    quick: bool
    questions: int
    rows: list[Row]
    baseline: Baseline | None
    cold_start_ms: dict[str, float]
    notes: list[str]
    llm: list[Baseline] = field(default_factory=list)  # ours, then the naive RAG, with an LLM

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "cores": self.cores,
            "load_average": list(self.load_average),
            "embedding_model": self.embedding_model,
            "quick": self.quick,
            "questions": self.questions,
            "rows": [r.to_dict() for r in self.rows],
            "baseline": self.baseline.to_dict() if self.baseline else None,
            "llm": [b.to_dict() for b in self.llm],
            "cold_start_ms": self.cold_start_ms,
            "notes": self.notes,
        }
