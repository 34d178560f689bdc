"""Indexing with the real encoder and a real embedded Chroma in temp folders."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rag import Assistant
from rag.errors import IndexLockedError, PathNotFoundError
from rag.ingest import prepare
from rag.ingest.load import load_document
from rag.search.chroma import chroma_client
from rag.search.store import ChunkStore

from ..conftest import ARTICLE, REPO, run_rag

pytestmark = pytest.mark.slow
OTHER = REPO / "tests" / "data" / "other"


def stored_chunks(assistant: Assistant) -> dict[str, tuple[str, int, int, str]]:
    """Chunk id -> (source, start, end, text) of everything in the index."""
    client = chroma_client(assistant.settings.index_dir, None, create=False)
    store = ChunkStore.open(client, "rag", "use-multilingual-v3", create=False)
    return {c.id: (c.source, c.start, c.end, c.text) for c in store.chunks()}


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(OTHER, folder)
    shutil.copy(ARTICLE, folder / ARTICLE.name)
    return folder


@pytest.fixture()
def assistant(tmp_path: Path) -> Assistant:
    return Assistant.from_settings(index_dir=tmp_path / "index")


def test_index_is_idempotent(assistant: Assistant, corpus: Path) -> None:
    first = assistant.index([corpus])
    assert len(first.with_status("indexed")) == 3
    assert first.chunks_added == first.total_chunks > 3
    before = stored_chunks(assistant)

    second = assistant.index([corpus])
    assert len(second.with_status("unchanged")) == 3
    assert (second.chunks_added, second.chunks_removed) == (0, 0)
    assert stored_chunks(assistant) == before


def test_every_stored_chunk_locates_its_text_in_the_source(
    assistant: Assistant, corpus: Path
) -> None:
    assistant.index([corpus])
    for source, start, end, text in stored_chunks(assistant).values():
        assert load_document(Path(source)).text[start:end] == text


def test_changed_file_reembeds_only_its_new_chunks(assistant: Assistant, corpus: Path) -> None:
    assistant.index([corpus])
    before = stored_chunks(assistant)
    article = corpus / ARTICLE.name
    article.write_text(
        article.read_text(encoding="utf-8") + "\nUn paragraphe ajouté à la fin.\n",
        encoding="utf-8",
    )
    report = assistant.index([corpus])
    [changed] = report.with_status("indexed")
    assert changed.source == str(article)
    assert 1 <= changed.chunks_added < len([c for c in before.values() if c[0] == str(article)])
    after = stored_chunks(assistant)
    assert len(after) == len(before) + changed.chunks_added - changed.chunks_removed
    assert any("paragraphe ajouté" in text for _, _, _, text in after.values())


def test_inserted_text_updates_offsets_without_reembedding(
    assistant: Assistant, corpus: Path
) -> None:
    doc = corpus / "harbour-bridge.en.md"
    assistant.index([doc])
    doc.write_text(
        doc.read_text(encoding="utf-8").replace("\n\n", "\n\nA short note.\n\n", 1),
        encoding="utf-8",
    )
    assistant.index([doc])
    for source, start, end, text in stored_chunks(assistant).values():
        assert load_document(Path(source)).text[start:end] == text


def test_removed_file_loses_its_chunks_and_others_stay(assistant: Assistant, corpus: Path) -> None:
    assistant.index([corpus])
    (corpus / "festival-jazz.fr.txt").unlink()
    report = assistant.index([corpus])
    [removed] = report.with_status("removed")
    assert removed.source.endswith("festival-jazz.fr.txt") and removed.chunks_removed > 0
    sources = {s for s, *_ in stored_chunks(assistant).values()}
    assert sources == {str(corpus / ARTICLE.name), str(corpus / "harbour-bridge.en.md")}


def test_indexing_one_file_keeps_the_rest(assistant: Assistant, corpus: Path) -> None:
    assistant.index([corpus])
    total = assistant.index([corpus]).total_chunks
    report = assistant.index([corpus / "harbour-bridge.en.md"])
    assert report.total_chunks == total
    assert not report.with_status("removed")


def test_bad_files_are_skipped_and_nothing_indexed_is_lost(
    assistant: Assistant, corpus: Path, tmp_path: Path
) -> None:
    total = assistant.index([corpus]).total_chunks
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (bad / "latin1.txt").write_bytes("Un café à Montréal, été comme hiver. ".encode("latin-1"))
    (bad / "good.md").write_text("# Good\n\nThe lighthouse was painted red in 1990.\n")
    report = assistant.index([bad])
    reasons = {Path(f.source).name: f.reason for f in report.with_status("skipped")}
    assert set(reasons) == {"empty.txt", "binary.txt", "latin1.txt"}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert [Path(f.source).name for f in report.with_status("indexed")] == ["good.md"]
    assert report.total_chunks == total + 1


def test_the_bm25_index_is_kept_until_the_chunks_change(
    assistant: Assistant, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = assistant.settings.index_dir
    assistant.index([corpus])
    # Indexing built and saved it: neither the first question nor a new
    # process reads every chunk back from Chroma.
    assert (index_dir / "lexical-rag" / "chunks.jsonl").is_file()
    with monkeypatch.context() as patched:
        patched.setattr(ChunkStore, "chunks", lambda store: pytest.fail("BM25 rebuilt"))
        assert assistant.search("Tokaïev").passages
        assert Assistant.from_settings(index_dir=index_dir).search("Tokaïev").passages

    # New words of a changed file are found: indexing renewed the generation.
    doc = corpus / "harbour-bridge.en.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\nThe zeppelinwharf opened.\n")
    assistant.index([corpus])
    [top, *_] = Assistant.from_settings(index_dir=index_dir).search("zeppelinwharf").passages
    assert top.lexical_score and "zeppelinwharf" in top.chunk.text

    # A damaged copy is rebuilt, not trusted.
    (index_dir / "lexical-rag" / "chunks.jsonl").write_text("{not json", encoding="utf-8")
    [top, *_] = Assistant.from_settings(index_dir=index_dir).search("zeppelinwharf").passages
    assert "zeppelinwharf" in top.chunk.text

    # A removed file's words are gone from it too.
    assistant.remove(doc)
    found = Assistant.from_settings(index_dir=index_dir).search("zeppelinwharf").passages
    assert all(p.chunk.source != str(doc) for p in found)


def test_worker_processes_store_what_one_process_stores(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepare, "MIN_BYTES_FOR_WORKERS", 0)  # workers even for 3 files
    (corpus / "empty.txt").write_bytes(b"")
    reports, contents, vectors = [], [], []
    for workers in (1, 2):
        assistant = Assistant.from_settings(
            index_dir=tmp_path / f"index-{workers}", index_workers=workers
        )
        reports.append(assistant.index([corpus]))
        contents.append(stored_chunks(assistant))
        client = chroma_client(assistant.settings.index_dir, None, create=False)
        got = client.get_collection("rag").get(include=["embeddings"])
        vectors.append(dict(zip(got["ids"], got["embeddings"], strict=True)))
    serial, parallel = reports
    assert [(f.source, f.status, f.chunks_added, f.reason) for f in parallel.files] == [
        (f.source, f.status, f.chunks_added, f.reason) for f in serial.files
    ]
    assert parallel.with_status("skipped") and contents[0] == contents[1]
    for chunk_id, vector in vectors[0].items():
        assert np.allclose(vector, vectors[1][chunk_id], atol=1e-4)


@pytest.mark.reliability
def test_missing_path_is_an_error_that_changes_nothing(assistant: Assistant, corpus: Path) -> None:
    total = assistant.index([corpus]).total_chunks
    with pytest.raises(PathNotFoundError, match="no-such-folder"):
        assistant.index([corpus, corpus / "no-such-folder"])
    assert sum(assistant.documents().values()) == total


def test_rebuild_starts_from_an_empty_collection(assistant: Assistant, corpus: Path) -> None:
    assistant.index([corpus])
    report = assistant.index([corpus / "harbour-bridge.en.md"], rebuild=True)
    assert list(assistant.documents()) == [str(corpus / "harbour-bridge.en.md")]
    assert report.total_chunks == report.chunks_added


@pytest.mark.reliability
def test_a_second_indexer_is_refused_while_one_holds_the_lock(
    assistant: Assistant, corpus: Path
) -> None:
    index_dir = assistant.settings.index_dir
    index_dir.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from rag.ingest.index import index_lock\n"
            f"with index_lock(__import__('pathlib').Path({str(index_dir)!r})):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(IndexLockedError, match="another `rag index`"):
            assistant.index([corpus])
        result = run_rag("index", str(corpus), env={"RAG_INDEX_DIR": str(index_dir)})
        assert result.returncode == 1
        assert result.stderr.strip().startswith("rag: error: another `rag index`")
    finally:
        holder.kill()
        holder.wait()


def test_killed_indexer_leaves_an_index_that_a_rerun_completes(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    sentences = load_document(ARTICLE).text.split(". ")
    for n in range(40):
        body = ". ".join(f"{s} (note {n}-{i})" for i, s in enumerate(sentences))
        (folder / f"doc-{n:02d}.txt").write_text(f"Document {n}\n{body}", encoding="utf-8")
    index_dir = tmp_path / "killed"
    indexer = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "rag"),
            "index",
            str(folder),
            "--index-dir",
            str(index_dir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not (index_dir / "chroma" / "chroma.sqlite3").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)
    indexer.send_signal(signal.SIGKILL)
    indexer.wait()

    rerun = Assistant.from_settings(index_dir=index_dir)
    rerun.index([folder])
    clean = Assistant.from_settings(index_dir=tmp_path / "clean")
    clean.index([folder])
    assert stored_chunks(rerun) == stored_chunks(clean)
    assert rerun.retrieve("Who chairs the CSTO?")


def test_an_index_made_before_dates_gets_them_without_reembedding(tmp_path: Path) -> None:
    """An index of pipeline v1 (no dates): the next `rag index` of its files
    fills the dates into the chunks' metadata and embeds nothing."""
    assistant = Assistant.from_settings(index_dir=tmp_path / "index")
    assistant.index([ARTICLE])
    client = chroma_client(tmp_path / "index", None, create=False)
    store = ChunkStore.open(client, "rag", "use-multilingual-v3", create=False)
    old = {
        i: m | {"date": None, "chunking": "v1/800/120"}  # None: Chroma drops the key
        for i, m in store.metadata_of(str(ARTICLE.resolve())).items()
    }
    store.update_metadata(list(old), list(old.values()))
    assert {m.get("date") for m in store.metadata_of(str(ARTICLE.resolve())).values()} == {None}
    again = Assistant.from_settings(index_dir=tmp_path / "index").index([ARTICLE])
    assert [f.status for f in again.files] == ["indexed"] and again.chunks_added == 0
    dates = {m["date"] for m in store.metadata_of(str(ARTICLE.resolve())).values()}
    assert dates == {"2022-01-06"}
