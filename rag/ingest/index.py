"""Incremental, idempotent indexing of files into a ChunkStore.

Per file: an unchanged file (same bytes, same chunking) is skipped without
loading; otherwise only chunks whose id is new are embedded, chunks that moved
get their offsets updated, and chunks no longer present are deleted, after the
new ones are stored, so an interrupted run never leaves a file with fewer
chunks than before. Files that disappeared from an indexed folder are removed.
One process indexes at a time (a file lock in the index folder).

Changes are written in batches that span files: each write to Chroma costs
some 25 ms whatever its size (measured, embedded store), which for news-sized
files of 5 to 10 chunks had cost as much as embedding them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from langchain_core.embeddings import Embeddings

from rag.errors import IndexLockedError, IndexStorageError, LoadError
from rag.ingest.load import discover, file_sha256
from rag.ingest.prepare import Job, Prepared, prepare_all
from rag.records import Chunk, FileReport, IndexReport
from rag.search.sentence_store import SentenceStore
from rag.search.store import ChunkStore, Metadata, chunk_metadata
from rag.settings import Settings

# Bump when loading, cleaning or chunking changes what a file turns into.
PIPELINE_VERSION = "2"  # 2: documents carry their publication date
# An embedded index takes some 8 KB of disk per chunk (measured), and Chroma
# keeps its write log until it is applied: a write that fills the disk leaves
# an index that cannot even be read until space is freed, so it is refused
# beforehand.
DISK_PER_CHUNK = 16 * 1024
DISK_MARGIN = 32 * 2**20


@contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's lock, or raise IndexLockedError at once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(index_dir / ".index.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout as error:
        raise IndexLockedError(
            f"another `rag index` is writing to {index_dir}; wait for it to finish"
        ) from error
    try:
        yield
    finally:
        lock.release()


def chunking_signature(settings: Settings) -> str:
    return f"v{PIPELINE_VERSION}/{settings.chunk_size}/{settings.chunk_overlap}"


def index_paths(
    paths: list[Path],
    store: ChunkStore,
    embeddings: Embeddings,
    settings: Settings,
    *,
    sentences: SentenceStore | None = None,
    progress: bool = False,
) -> IndexReport:
    """Bring ``store`` in line with the files under ``paths``, deleting from
    ``sentences`` (when kept) the sentence vectors of chunks deleted; those
    of chunks added are computed after (rag.ingest.sentence_fill)."""
    files, folders = discover(paths)
    signature = chunking_signature(settings)
    # Files alone: what the index holds of them is all that is read (a
    # folder's run also looks for files gone from it).
    indexed = store.fingerprints(None if folders else {str(f) for f in files})
    reports: dict[str, FileReport] = {}
    stored: dict[str, dict[str, Metadata]] = {}
    jobs: list[Job] = []
    for path in files:
        source = str(path)
        try:
            sha256 = file_sha256(path)
        except LoadError as error:
            reports[source] = FileReport(source, "skipped", str(error))
            continue
        if indexed.get(source) == {(sha256, signature)}:
            reports[source] = FileReport(source, "unchanged")
            continue
        stored[source] = store.metadata_of(source) if source in indexed else {}
        jobs.append(Job(path, frozenset(stored[source])))
    found = {str(f) for f in files}
    gone = [s for s in indexed if s not in found and _under(s, folders) and not Path(s).exists()]
    if jobs:  # before and after the writes: nothing built meanwhile is kept
        store.renew_generation()
    writer = _Writer(store, settings, sentences)
    for prepared in _progress(prepare_all(jobs, embeddings, settings), len(jobs), progress):
        source = str(prepared.path)
        reports[source] = writer.write(prepared, stored.pop(source), signature)
    writer.flush()
    if jobs:
        store.renew_generation()
    report = IndexReport(files=[reports[str(f)] for f in files])
    for source in gone:  # renews the generation itself
        removed = remove_source(source, store, sentences)
        report.files.append(FileReport(source, "removed", chunks_removed=removed))
    if not files:
        report.files.extend(
            FileReport(str(f), "skipped", "no supported files (.txt .md .html .pdf)")
            for f in folders
        )
    report.total_chunks = store.count()
    return report


def remove_source(source: str, store: ChunkStore, sentences: SentenceStore | None) -> int:
    """Delete every chunk of ``source``, and its sentences' vectors when kept;
    how many chunks there were."""
    removed = store.remove_source(source)
    if sentences:
        sentences.delete(removed)
    return len(removed)


class _Writer:
    """Pending changes of several files, written once ``embed_batch_size`` new
    chunks wait: all additions first, then metadata updates, then deletions,
    so a write cut short leaves files with extra chunks, never missing ones."""

    def __init__(
        self, store: ChunkStore, settings: Settings, sentences: SentenceStore | None
    ) -> None:
        self._store = store
        self._settings = settings
        self._sentences = sentences
        self._clear()

    def _clear(self) -> None:
        self._new: list[Chunk] = []
        self._new_metadata: list[Metadata] = []
        self._vectors: list[list[float]] = []
        self._moved: dict[str, Metadata] = {}
        self._stale: list[str] = []

    def write(self, file: Prepared, stored: dict[str, Metadata], signature: str) -> FileReport:
        """Queue ``file``'s changes against what the index ``stored`` of it."""
        source = str(file.path)
        if file.error:
            return FileReport(source, "skipped", file.error)
        extra = {"file_sha256": file.sha256, "chunking": signature}
        current = {c.id for c in file.chunks}
        new = [c for c in file.chunks if c.id not in stored]
        self._new += new
        self._new_metadata += [_metadata(c, extra) for c in new]
        self._vectors += [file.vectors[c.id] for c in new]
        for chunk in file.chunks:
            metadata = _metadata(chunk, extra)
            if chunk.id in stored and metadata != stored[chunk.id]:
                self._moved[chunk.id] = metadata
        stale = [i for i in stored if i not in current]
        self._stale += stale
        if len(self._new) >= self._settings.embed_batch_size:
            self.flush()
        return FileReport(source, "indexed", chunks_added=len(new), chunks_removed=len(stale))

    def flush(self) -> None:
        if self._new and not self._settings.chroma_url:
            check_disk_space(self._settings.index_dir, len(self._new))
        self._store.add(self._new, self._new_metadata, self._vectors)
        self._store.update_metadata(list(self._moved), list(self._moved.values()))
        self._store.delete(self._stale)
        if self._sentences:
            self._sentences.delete(self._stale)
        self._clear()


def check_disk_space(index_dir: Path, chunks: int) -> None:
    """IndexStorageError unless the disk of ``index_dir`` has room for ``chunks`` more."""
    free = shutil.disk_usage(index_dir).free
    needed = DISK_MARGIN + chunks * DISK_PER_CHUNK
    if free < needed:
        raise IndexStorageError(
            f"not enough disk space for the index in {index_dir} ({free / 2**20:.0f} MB free, "
            f"{needed / 2**20:.0f} MB needed): free some space, then run `rag index` again"
        )


def _metadata(chunk: Chunk, extra: dict[str, str]) -> Metadata:
    return chunk_metadata(chunk) | extra


def _under(source: str, folders: list[Path]) -> bool:
    path = Path(source)
    return any(path.is_relative_to(folder) for folder in folders)


def _progress(files: Iterator[Prepared], total: int, enabled: bool) -> Iterator[Prepared]:
    if not enabled:
        yield from files
        return
    from tqdm import tqdm

    yield from tqdm(files, total=total, desc="indexing", unit="file", leave=False)
