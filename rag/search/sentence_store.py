"""Vectors of every stored chunk's sentences, by the learned sentence scorer
(rag.models.e5), in a Chroma collection beside the chunks' (``<collection>-sentences``).

They live in Chroma so that every process serving the index reads the same
ones, embedded or on a server. E5 costs far more than USE a sentence, so they
are computed once, after a chunk is stored (behind indexing:
rag.ingest.sentence_fill), and a warm question embeds only itself. A
sentence's id is its chunk's id and its offsets in the chunk; a chunk's id
derives from its text, so a changed chunk is a new chunk with new sentences
and the old one's go when it goes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.records import Chunk
from rag.search.chroma import chroma_errors
from rag.search.store import ChunkStore
from rag.text.sentences import sentence_spans

SUFFIX = "-sentences"
Key = tuple[str, int, int]  # chunk id, sentence start and end in the chunk's text


class SentenceStore:
    """The sentence vectors of one index."""

    def __init__(self, collection: Any, scorer: Embeddings) -> None:
        self._collection = collection
        self._scorer = scorer

    @classmethod
    @chroma_errors(writes=True)
    def open(cls, client: Any, chunks_collection: str, scorer: Embeddings) -> SentenceStore:
        collection = client.get_or_create_collection(
            name=chunks_collection + SUFFIX, embedding_function=None
        )
        return cls(collection, scorer)

    @staticmethod
    def drop(client: Any, chunks_collection: str) -> None:
        ChunkStore.drop(client, chunks_collection + SUFFIX)

    def count(self) -> int:
        return int(self._collection.count())

    @chroma_errors(writes=True)
    def add(self, chunks: list[Chunk]) -> dict[Key, np.ndarray]:
        """Embed and store the sentences of ``chunks``; their vectors."""
        keys = [
            (c.id, start, end) for c in chunks for start, end in sentence_spans(c.text, c.language)
        ]
        if not keys:
            return {}
        texts = {c.id: c.text for c in chunks}
        sentences = [texts[chunk_id][start:end] for chunk_id, start, end in keys]
        vectors = self._scorer.embed_documents(sentences)
        self._collection.upsert(
            ids=[_id(key) for key in keys],
            embeddings=vectors,
            metadatas=[{"chunk": k[0], "start": k[1], "end": k[2]} for k in keys],
        )
        return {key: np.asarray(v, dtype=np.float32) for key, v in zip(keys, vectors, strict=True)}

    @chroma_errors(writes=True)
    def delete(self, chunk_ids: list[str]) -> None:
        """Forget the sentences of the chunks ``chunk_ids``."""
        if chunk_ids:
            self._collection.delete(where={"chunk": {"$in": chunk_ids}})

    @chroma_errors(writes=False)
    def vectors(self, chunks: list[Chunk]) -> dict[Key, np.ndarray]:
        """The stored vector of every sentence of ``chunks`` that has one."""
        if not chunks:
            return {}
        got = self._collection.get(
            where={"chunk": {"$in": list({c.id for c in chunks})}},
            include=["embeddings", "metadatas"],
        )
        return {
            (str(m["chunk"]), int(m["start"]), int(m["end"])): np.asarray(v, dtype=np.float32)
            for m, v in zip(got["metadatas"], got["embeddings"], strict=True)
        }


def _id(key: Key) -> str:
    return f"{key[0]}:{key[1]}-{key[2]}"
