"""Chunks, their vectors and metadata in a Chroma collection.

The client comes from rag.search.chroma (embedded, or a server when
``chroma_url`` is set). The collection records the embedding model
that filled it, and opening it with another model is an error: vectors from
two models cannot be compared. Chroma's own embedding function never runs:
every collection is created with ``embedding_function=None`` and vectors come
from our LangChain ``Embeddings``, computed before they are stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from rag.errors import ChromaUnavailableError, EmbeddingMismatchError, IndexNotFoundError
from rag.records import Chunk
from rag.search.chroma import chroma_errors

Metadata = dict[str, Any]
CHANGES = "-changes"  # the collection of the runs' writes (rag.search.change_log)
_PAGE = 5000
_NAMES = 1000  # sources named in one query (SQLite caps a query's parameters)
# Chroma's HNSW defaults (16 neighbours, ef 100) lose most of the planted
# documents' passages among 10,000 of the bench's (dense hit@5 of the dev
# questions 0.10, against 0.50 for an exact search; recall@20 of the exact
# top 20: 0.77). A denser graph searched deeper finds nearly all of them
# (recall@20 0.99) for ~2 ms more a query and twice the build time, which
# is seconds beside embedding. The graph's shape is fixed when a collection
# is created; the search depth is a setting (dense_ef_search).
HNSW = {"space": "cosine", "max_neighbors": 32, "ef_construction": 400}


@dataclass(frozen=True)
class Written:
    """One write made through a ChunkStore: chunks stored, the metadata of
    chunks changed (id, metadata), or chunks deleted (ids)."""

    stored: tuple[Chunk, ...] = ()
    updated: tuple[tuple[str, Metadata], ...] = ()
    deleted: tuple[str, ...] = ()


class ChunkStore:
    """The collection of one index; all Chroma access goes through here.

    It keeps what was written through it since the collection was at
    generation ``opened_at`` (``take_written``), so that what is built from
    the chunks (the BM25 index) can be brought up to date without reading
    them all."""

    def __init__(self, collection: Any, client: Any = None) -> None:
        """``client``: the one ``collection`` came from, to read it afresh."""
        self._collection = collection
        self._client = client
        self.opened_at = self.generation()
        self._written: list[Written] = []

    def take_written(self) -> list[Written]:
        """The writes made through this store, in order; forgotten here (a
        run's new chunks are not kept twice)."""
        written, self._written = self._written, []
        return written

    @classmethod
    @chroma_errors(writes=True)
    def open(
        cls,
        client: Any,
        name: str,
        model: str,
        *,
        create: bool,
        ef_search: int | None = None,
    ) -> ChunkStore:
        """Open the collection ``name``, creating it when ``create`` is true,
        its HNSW graph searched ``ef_search`` deep (None: as it was made).

        Raises IndexNotFoundError when it is missing and not created, and
        EmbeddingMismatchError when it was built with another model.
        """
        from chromadb.errors import InvalidArgumentError, NotFoundError

        try:
            if create:
                collection = client.get_or_create_collection(
                    name=name,
                    embedding_function=None,
                    metadata={"embedding_model": model},
                    configuration={"hnsw": HNSW | ({"ef_search": ef_search} if ef_search else {})},
                )
            else:
                collection = client.get_collection(name=name, embedding_function=None)
        except NotFoundError as error:
            raise IndexNotFoundError(
                f"no collection {name!r} in the index: run `rag index` first"
            ) from error
        except (ValueError, InvalidArgumentError) as error:  # a name Chroma does not take
            raise ChromaUnavailableError(f"Chroma refused the collection: {error}") from error
        built_with = (collection.metadata or {}).get("embedding_model")
        if built_with != model:
            raise EmbeddingMismatchError(
                f"the index was built with {built_with!r} but the settings ask for "
                f"{model!r}: rebuild it with `rag index --rebuild` or set "
                f"RAG_EMBEDDING_MODEL={built_with}"
            )
        if ef_search:
            _search_depth(collection, ef_search)
        return cls(collection, client)

    @classmethod
    @chroma_errors(writes=True)
    def drop(cls, client: Any, name: str) -> None:
        """Delete collection ``name`` and its log of changes, where they exist."""
        existing = {c if isinstance(c, str) else c.name for c in client.list_collections()}
        for collection in (name, name + CHANGES):
            if collection in existing:
                client.delete_collection(collection)

    @property
    def client(self) -> Any:
        """The Chroma client the collection came from (None if not known)."""
        return self._client

    def generation(self) -> str:
        """A token that changes whenever the chunks may have (see renew_generation),
        so that what is built from them (the BM25 index) can be kept meanwhile."""
        return str((self._collection.metadata or {}).get("generation", ""))

    @chroma_errors(writes=False)
    def reopened(self) -> ChunkStore:
        """This store as the index holds it now: another process may have
        changed it since it was opened (generation() tells)."""
        if self._client is None:
            return self
        return ChunkStore(
            self._client.get_collection(self._collection.name, embedding_function=None),
            self._client,
        )

    @chroma_errors(writes=True)
    def renew_generation(self) -> None:
        """Mark the chunks as changed: called before and after every write run."""
        metadata = dict(self._collection.metadata or {}) | {"generation": uuid.uuid4().hex}
        self._collection.modify(metadata=metadata)

    @chroma_errors(writes=False)
    def count(self) -> int:
        return int(self._collection.count())

    @chroma_errors(writes=False)
    def metadata_of(self, source: str) -> dict[str, Metadata]:
        """Chunk id -> metadata for every chunk of ``source``."""
        got = self._collection.get(where={"source": source}, include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)}

    @chroma_errors(writes=False)
    def sources(self) -> dict[str, int]:
        """Every indexed source with its chunk count."""
        counts: dict[str, int] = {}
        for _, _, metadata in self._pages(include=["metadatas"]):
            source = str(metadata.get("source", ""))
            counts[source] = counts.get(source, 0) + 1
        return counts

    @chroma_errors(writes=False)
    def fingerprints(
        self, sources: Collection[str] | None = None
    ) -> dict[str, set[tuple[str, str]]]:
        """Every indexed source (of ``sources`` when given: far faster than
        reading a large index whole) with the (file sha256, chunking) its
        chunks were made from."""
        wheres: list[Any] = [None]
        if sources is not None:
            names = sorted(sources)
            batches = [names[i : i + _NAMES] for i in range(0, len(names), _NAMES)]
            wheres = [{"source": {"$in": batch}} for batch in batches]
        found: dict[str, set[tuple[str, str]]] = {}
        for where in wheres:
            for _, _, metadata in self._pages(include=["metadatas"], where=where):
                key = (str(metadata.get("file_sha256", "")), str(metadata.get("chunking", "")))
                found.setdefault(str(metadata.get("source", "")), set()).add(key)
        return found

    @chroma_errors(writes=False)
    def chunks(self) -> list[Chunk]:
        """Every chunk in the collection (for the lexical index)."""
        return [
            chunk_from_record(i, text or "", m)
            for i, text, m in self._pages(include=["documents", "metadatas"])
        ]

    @chroma_errors(writes=True)
    def add(
        self, chunks: list[Chunk], metadatas: list[Metadata], vectors: list[list[float]]
    ) -> None:
        """Store ``chunks`` with their metadata and vectors, one each."""
        if chunks:
            self._collection.upsert(
                ids=[c.id for c in chunks],
                documents=[c.text for c in chunks],
                metadatas=metadatas,
                embeddings=vectors,
            )
            self._written.append(Written(stored=tuple(chunks)))

    @chroma_errors(writes=True)
    def update_metadata(self, ids: list[str], metadatas: list[Metadata]) -> None:
        if ids:
            self._collection.update(ids=ids, metadatas=metadatas)
            self._written.append(Written(updated=tuple(zip(ids, metadatas, strict=True))))

    def remove_source(self, source: str) -> list[str]:
        """Delete every chunk of ``source``; the ids of those there were."""
        ids = list(self.metadata_of(source))
        if ids:
            self.renew_generation()
            self.delete(ids)
            self.renew_generation()
        return ids

    @chroma_errors(writes=True)
    def delete(self, ids: list[str]) -> None:
        if ids:
            self._collection.delete(ids=ids)
            self._written.append(Written(deleted=tuple(ids)))

    @chroma_errors(writes=False)
    def search(
        self, vector: list[float], k: int, sources: frozenset[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """The ``k`` nearest chunks to ``vector`` with their cosine similarity;
        only chunks of ``sources`` when it is given."""
        where: Any = None if sources is None else {"source": {"$in": sorted(sources)}}
        found = self._collection.query(
            query_embeddings=[vector],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        ids, texts = found["ids"][0], (found["documents"] or [[]])[0]
        metadatas, distances = (found["metadatas"] or [[]])[0], (found["distances"] or [[]])[0]
        return [
            (chunk_from_record(i, t or "", m), 1.0 - float(d))
            for i, t, m, d in zip(ids, texts, metadatas, distances, strict=True)
            if m is not None  # deleted by another process since this one read the graph
        ]

    def _pages(
        self, include: list[str], where: Any = None
    ) -> Iterator[tuple[str, str | None, Metadata]]:
        offset = 0
        while True:
            got = self._collection.get(include=include, where=where, limit=_PAGE, offset=offset)
            ids = got["ids"]
            texts = got.get("documents") or [None] * len(ids)
            metadatas = got.get("metadatas") or [{}] * len(ids)
            for record in zip(ids, texts, metadatas, strict=True):
                yield record[0], record[1], dict(record[2] or {})
            if len(ids) < _PAGE:
                return
            offset += _PAGE


def still_stored(written: list[Written]) -> list[Chunk]:
    """The chunks ``written`` stored and did not delete after."""
    deleted = {i for w in written for i in w.deleted}
    return [c for w in written for c in w.stored if c.id not in deleted]


def _search_depth(collection: Any, ef_search: int) -> None:
    """Search ``collection``'s graph ``ef_search`` deep (it is stored with
    the collection, so an index made before keeps its own until told)."""
    hnsw = (getattr(collection, "configuration", None) or {}).get("hnsw") or {}
    if hnsw.get("ef_search") != ef_search:
        collection.modify(configuration={"hnsw": {"ef_search": ef_search}})


def chunk_metadata(chunk: Chunk) -> Metadata:
    """The chunk's fields as Chroma metadata (its id and text are stored apart)."""
    data = chunk.to_dict()
    del data["id"], data["text"]
    return data


def chunk_from_record(chunk_id: str, text: str, metadata: Metadata) -> Chunk:
    return Chunk(
        id=chunk_id,
        source=str(metadata.get("source", "")),
        title=str(metadata.get("title", "")),
        language=str(metadata.get("language", "")),
        index=int(metadata.get("index", 0)),
        start=int(metadata.get("start", 0)),
        end=int(metadata.get("end", 0)),
        text=text,
        date=str(metadata.get("date", "")),
    )
