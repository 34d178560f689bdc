"""Two web apps on one `chroma run` server, sharing one lexical index folder:
a document indexed through one is answered through the other."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from ..conftest import DATA, MEASURED, run_rag
from ..servers import web_app

pytestmark = [pytest.mark.slow, pytest.mark.server]
LIGHTHOUSE = (
    "Lighthouse news\n\nCAP ROUGE, 4 May 2024 — The Cap Rouge lighthouse was repainted last "
    "spring. Its keeper, Jeanne Morel, has lived there for thirty years.\n"
)
SEEN_WITHIN_S = 10


def test_a_file_indexed_through_one_app_is_answered_through_the_other(
    chroma_server: str, tmp_path: Path
) -> None:
    index_dir = tmp_path / "shared-index"
    env = {"RAG_CHROMA_URL": chroma_server, "RAG_COLLECTION": "two-apps"}
    indexed = run_rag("index", str(DATA), "--index-dir", str(index_dir), env=env)
    assert indexed.returncode == 0, indexed.stderr
    notice = tmp_path / "lighthouse.txt"
    notice.write_text(LIGHTHOUSE, encoding="utf-8")
    with web_app(index_dir, **env) as first_url, web_app(index_dir, **env) as second_url:
        first, second = Client(first_url, verbose=False), Client(second_url, verbose=False)
        answers: list[str] = []
        uploading = threading.Event()

        def keep_asking() -> None:  # through the second app, while the first indexes
            while uploading.is_set() or not answers:
                answers.append(
                    second.predict(question="Who chairs the CSTO?", api_name="/ask")["answer"]
                )

        uploading.set()
        asker = threading.Thread(target=keep_asking)
        asker.start()
        status, *_ = first.predict([handle_file(str(notice))], api_name="/upload")
        uploaded = time.perf_counter()
        uploading.clear()
        asker.join(timeout=60)
        assert "**lighthouse.txt**: indexed" in status
        assert answers and all(a.startswith("Armenia") for a in answers), answers

        question = "Who is the keeper of the lighthouse?"
        assert first.predict(question=question, api_name="/ask")["answer"].startswith(
            "Jeanne Morel"
        )
        while True:  # the other app knows the new document: its words and its date
            try:
                answer = second.predict(question=question, since="2024-05-04", api_name="/ask")
            except AppError:  # not yet: no document of that date there
                answer = None
            waited = time.perf_counter() - uploaded
            if answer or waited > SEEN_WITHIN_S:
                break
            time.sleep(0.2)
        assert answer and answer["answer"].startswith("Jeanne Morel"), answer
        assert answer["citations"][0]["date"] == "2024-05-04"
        MEASURED.append(
            f"two apps on one chroma server: indexed through one, answered through the "
            f"other {waited:.1f} s later ({len(answers)} questions asked meanwhile)"
        )
