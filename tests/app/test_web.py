"""The web chat through its API, as gradio_client users call it, against
`python ui.py` started on a free port with a real index."""

from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from rag import Assistant

from ..conftest import REPO
from ..servers import web_app
from .test_cli import ANSWER_KEYS

pytestmark = pytest.mark.slow
HEADLINE = "Who chairs the CSTO?"


@pytest.fixture(scope="module")
def client(app_url: str) -> Client:
    return Client(app_url, verbose=False)


def test_ask_endpoint_returns_the_cli_json_object(client: Client) -> None:
    answer = client.predict(question=HEADLINE, history=[], api_name="/ask")
    assert set(answer) == ANSWER_KEYS
    assert answer["answer"].startswith("Armenia")
    assert any("présidence de l’OTSC" in c["quote"] for c in answer["citations"])


def test_ask_endpoint_uses_the_history(client: Client) -> None:
    history = [
        {"role": "user", "content": "Who is the Kazakh president?"},
        {"role": "assistant", "content": "Kassim-Jomart Tokaïev [1]."},
    ]
    answer = client.predict(question="What did he choose?", history=history, api_name="/ask")
    assert any("épreuve de force" in c["quote"] for c in answer["citations"])


def test_ask_keeps_to_documents_published_in_a_date_range(client: Client) -> None:
    kept = client.predict(question="Who chairs the CSTO?", until="2022-01-06", api_name="/ask")
    assert kept["answer"].startswith("Armenia")
    assert {c["date"] for c in kept["citations"]} == {"2022-01-06"}
    with pytest.raises(AppError, match="no indexed document is dated from 2022-01-07"):
        client.predict(question="Who chairs the CSTO?", since="2022-01-07", api_name="/ask")


def test_an_empty_question_is_a_clear_error(client: Client) -> None:
    with pytest.raises(AppError, match="the question is empty"):
        client.predict(question="  ", history=[], api_name="/ask")


def test_an_uploaded_file_is_indexed_answers_and_can_be_removed(
    client: Client, tmp_path: Path, web_index: Path
) -> None:
    notice = tmp_path / "lighthouse.md"
    notice.write_text(
        "# Lighthouse news\n\nThe Cap Rouge lighthouse was repainted in 2021. "
        "Its keeper, Jeanne Morel, has lived there for thirty years.\n",
        encoding="utf-8",
    )
    status, listing, _, _ = client.predict([handle_file(str(notice))], api_name="/upload")
    assert "**lighthouse.md**: indexed" in status
    assert "lighthouse.md" in listing
    answer = client.predict(question="Who is the keeper of the lighthouse?", api_name="/ask")
    assert answer["answer"].startswith("Jeanne Morel")
    again, _, _, _ = client.predict([handle_file(str(notice))], api_name="/upload")
    assert "**lighthouse.md**: unchanged" in again
    [uploaded] = [
        s for s in Assistant.from_settings(index_dir=web_index).documents() if "light" in s
    ]
    kept = client.predict(
        question="Who is the keeper of the lighthouse?", documents=[uploaded], api_name="/ask"
    )
    assert {Path(c["source"]).name for c in kept["citations"]} == {"lighthouse.md"}
    elsewhere = client.predict(
        question="Who is the keeper of the lighthouse?",
        documents=["kazakhstan-otsc-2022-01-06.fr.txt"],
        api_name="/ask",
    )
    assert elsewhere["abstained"]
    removed, listing, _, _ = client.predict(uploaded, api_name="/remove")
    assert removed.startswith("Removed lighthouse.md") and "lighthouse.md" not in listing
    gone = client.predict(question="Who is the keeper of the lighthouse?", api_name="/ask")
    assert gone["abstained"]


@pytest.mark.reliability
def test_bad_uploads_are_refused_with_a_message(client: Client, tmp_path: Path) -> None:
    program = tmp_path / "tool.exe"
    program.write_bytes(b"MZ\x90\x00")
    with pytest.raises(AppError, match="Invalid file type"):
        client.predict([handle_file(str(program))], api_name="/upload")
    big = tmp_path / "big.txt"
    big.write_text("word " * 300_000, encoding="utf-8")  # 1.5 MB, over the 1 MB cap
    with pytest.raises(ValueError, match="exceeds the maximum file size"):
        client.predict([handle_file(str(big))], api_name="/upload")


def test_twenty_concurrent_clients_all_get_the_answer(app_url: str) -> None:
    def ask(_: int) -> str:
        answer = Client(app_url, verbose=False).predict(question=HEADLINE, api_name="/ask")
        return str(answer["answer"])

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(ask, range(20)))
    assert all(a.startswith("Armenia") for a in answers)


@pytest.mark.reliability
@pytest.mark.parametrize(
    "path",
    ["/etc/passwd", str(REPO / "README.md"), str(REPO / "rag" / "settings.py"), "../../etc/passwd"],
)
def test_files_outside_the_app_cannot_be_fetched(app_url: str, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{app_url}gradio_api/file={path}", timeout=10)
    assert refused.value.code in (403, 404)


def test_basic_auth_keeps_everything_behind_the_login(web_index: Path) -> None:
    with web_app(web_index, RAG_UI_USER="reader", RAG_UI_PASSWORD="s3cret") as url:
        with pytest.raises(Exception, match="credentials"):
            Client(url, verbose=False)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}gradio_api/info", timeout=10)
        assert refused.value.code == 401
        client = Client(url, auth=("reader", "s3cret"), verbose=False)
        assert client.predict(question=HEADLINE, api_name="/ask")["answer"].startswith("Armenia")
