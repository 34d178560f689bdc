"""Incremental, idempotent indexing of files into a ChunkStore.

Per file: an unchanged file (same bytes, same chunking) is skipped without
loading; otherwise only chunks whose id is new are embedded, chunks that moved
get their offsets updated, and chunks no longer present are deleted, after the
new ones are stored, so an interrupted run never leaves a file with fewer
chunks than before. Files that disappeared from an indexed folder are removed.
One process indexes at a time (a file lock in the index folder).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from rag.chunk import chunk_document
from rag.errors import IndexLockedError, IndexStorageError, LoadError
from rag.load import discover, file_sha256, load_document
from rag.records import Chunk, FileReport, IndexReport
from rag.settings import Settings
from rag.store import ChunkStore, chunk_metadata

# Bump when loading, cleaning or chunking changes what a file turns into.
PIPELINE_VERSION = "1"
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
    paths: list[Path], store: ChunkStore, settings: Settings, *, progress: bool = False
) -> IndexReport:
    """Bring ``store`` in line with the files under ``paths``."""
    files, folders = discover(paths)
    report = IndexReport()
    signature = chunking_signature(settings)
    for path in _progress(files, progress):
        report.files.append(_index_file(path, store, settings, signature))
    found = {str(f) for f in files}
    for source in store.sources():
        if source not in found and _under(source, folders) and not Path(source).exists():
            removed = store.remove_source(source)
            report.files.append(FileReport(source, "removed", chunks_removed=removed))
    if not files:
        report.files.extend(
            FileReport(str(f), "skipped", "no supported files (.txt .md .html .pdf)")
            for f in folders
        )
    report.total_chunks = store.count()
    return report


def _index_file(path: Path, store: ChunkStore, settings: Settings, signature: str) -> FileReport:
    source = str(path)
    stored = store.metadata_of(source)
    try:
        sha256 = file_sha256(path)
    except LoadError as error:
        return FileReport(source, "skipped", str(error))
    if stored and all(
        m.get("file_sha256") == sha256 and m.get("chunking") == signature for m in stored.values()
    ):
        return FileReport(source, "unchanged")
    try:
        document = load_document(path)
    except LoadError as error:
        return FileReport(source, "skipped", str(error))
    chunks = chunk_document(document, settings.chunk_size, settings.chunk_overlap)
    extra = {"file_sha256": document.sha256, "chunking": signature}
    new = [c for c in chunks if c.id not in stored]
    if new and not settings.chroma_url:
        check_disk_space(settings.index_dir, len(new))
    for batch in _batches(new, settings.embed_batch_size):
        store.add(batch, extra)
    moved = [c for c in chunks if c.id in stored and _metadata(c, extra) != stored[c.id]]
    store.update_metadata([c.id for c in moved], [_metadata(c, extra) for c in moved])
    current = {c.id for c in chunks}
    stale = [i for i in stored if i not in current]
    store.delete(stale)
    return FileReport(source, "indexed", chunks_added=len(new), chunks_removed=len(stale))


def check_disk_space(index_dir: Path, chunks: int) -> None:
    """IndexStorageError unless the disk of ``index_dir`` has room for ``chunks`` more."""
    free = shutil.disk_usage(index_dir).free
    needed = DISK_MARGIN + chunks * DISK_PER_CHUNK
    if free < needed:
        raise IndexStorageError(
            f"not enough disk space for the index in {index_dir} ({free / 2**20:.0f} MB free, "
            f"{needed / 2**20:.0f} MB needed): free some space, then run `rag index` again"
        )


def _metadata(chunk: Chunk, extra: dict[str, str]) -> dict[str, object]:
    return chunk_metadata(chunk) | extra


def _batches(chunks: list[Chunk], size: int) -> Iterator[list[Chunk]]:
    for i in range(0, len(chunks), size):
        yield chunks[i : i + size]


def _under(source: str, folders: list[Path]) -> bool:
    path = Path(source)
    return any(path.is_relative_to(folder) for folder in folders)


def _progress(files: list[Path], enabled: bool) -> Iterator[Path]:
    if not enabled:
        yield from files
        return
    from tqdm import tqdm

    yield from tqdm(files, desc="indexing", unit="file", leave=False)
