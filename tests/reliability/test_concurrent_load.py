"""Load: 20 chats at once for 60 s against `rag serve`, through gradio_client,
and `rag ask --json -` over 1,000 questions in constant memory."""

from __future__ import annotations

import json
import statistics
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psutil
import pytest
from gradio_client import Client

from ..conftest import BIN, MEASURED, REPO

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
CHATS = 20
SECONDS = 60
# The headline question, in both languages, and how its answer must begin.
HEADLINE = [
    ("Who chairs the CSTO?", "Armenia"),
    ("Qui assure la présidence de l’OTSC ?", "Arménie"),
]
BATCH = 1000
MEMORY_GROWTH_MB = 20  # allowed between the 100th and the 1,000th answer


@dataclass(frozen=True)
class Turn:
    seconds: float
    question: str
    answer: str = ""
    error: str = ""


def chat(url: str, deadline: float) -> list[Turn]:
    """One user asking the headline question until ``deadline``, each turn
    after the previous one in the history, as the web chat sends it."""
    client = Client(url, verbose=False)
    turns: list[Turn] = []
    history: list[dict[str, str]] = []
    while time.monotonic() < deadline:
        question, _ = HEADLINE[len(turns) % len(HEADLINE)]
        started = time.perf_counter()
        try:
            answer = client.predict(question=question, history=history, api_name="/ask")
        except Exception as error:  # any failure counts, whatever its type
            turns.append(Turn(time.perf_counter() - started, question, error=repr(error)))
            continue
        turns.append(Turn(time.perf_counter() - started, question, answer["answer"]))
        history = [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer["answer"]},
        ]
    return turns


def test_twenty_chats_for_a_minute_all_answered_right(served_url: str) -> None:
    deadline = time.monotonic() + SECONDS
    with ThreadPoolExecutor(max_workers=CHATS) as pool:
        chats = list(pool.map(lambda _: chat(served_url, deadline), range(CHATS)))
    turns = [turn for turns in chats for turn in turns]
    expected = dict(HEADLINE)
    errors = [t for t in turns if t.error]
    wrong = [t for t in turns if not t.error and not t.answer.startswith(expected[t.question])]
    latencies = sorted(t.seconds * 1000 for t in turns)
    p50, p95 = statistics.median(latencies), statistics.quantiles(latencies, n=20)[18]
    MEASURED.append(
        f"load: {CHATS} chats for {SECONDS} s, {len(turns)} answers, "
        f"{len(errors)} errors, {len(wrong)} wrong, latency p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    assert errors == [] and wrong == []
    assert all(chats), "a chat got no answer in a minute"


def test_a_batch_of_a_thousand_questions_in_constant_memory(article_index: Path) -> None:
    eval_questions = [
        json.loads(line)["question"]
        for line in (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    # Every 100th line is empty: an error line, and the batch goes on.
    questions = [
        "" if n % 100 == 99 else eval_questions[n % len(eval_questions)] for n in range(BATCH)
    ]
    batch = subprocess.Popen(
        [str(BIN / "rag"), "ask", "--json", "-", "--index-dir", str(article_index)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert batch.stdin is not None and batch.stdout is not None
    threading.Thread(target=_feed, args=(batch.stdin, questions), daemon=True).start()
    process = psutil.Process(batch.pid)
    results: list[dict[str, Any]] = []
    memory_mb: dict[int, float] = {}
    for n, line in enumerate(batch.stdout, start=1):
        results.append(json.loads(line))
        if n in (100, BATCH):
            memory_mb[n] = process.memory_info().rss / 2**20
    assert batch.wait(timeout=60) == 2  # some lines failed
    assert [r["question"] for r in results] == questions
    assert all(("error" in r) == (r["question"] == "") for r in results)
    growth = memory_mb[BATCH] - memory_mb[100]
    MEASURED.append(
        f"batch: {BATCH} questions, RSS {memory_mb[100]:.0f} MB after 100, "
        f"{memory_mb[BATCH]:.0f} MB after {BATCH}"
    )
    assert growth < MEMORY_GROWTH_MB


def _feed(stdin: IO[str], questions: list[str]) -> None:
    for question in questions:
        stdin.write(question + "\n")
    stdin.close()
