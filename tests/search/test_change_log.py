"""The runs' writes kept in Chroma (rag.search.change_log), on a real
embedded Chroma in a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.search import change_log
from rag.search.change_log import ChangeLog
from rag.search.chroma import chroma_client
from rag.search.store import Written
from tests.factories import make_chunk

FIRST = Written(stored=(make_chunk("Le phare a été repeint.", index=0),))
SECOND = Written(
    stored=(make_chunk("Sa gardienne est Jeanne Morel.", index=1),),
    updated=(("s#0", {"source": "s", "start": 4}),),
    deleted=("s#9",),
)


@pytest.fixture()
def log(tmp_path: Path) -> ChangeLog:
    return ChangeLog.open(chroma_client(tmp_path, None, create=True), "rag")


def test_the_writes_of_several_runs_are_replayed_in_order(log: ChangeLog) -> None:
    log.publish("g0", "g1", [FIRST])
    log.publish("g1", "g2", [SECOND])
    assert log.between("g0", "g2") == [FIRST, SECOND]
    assert log.between("g1", "g2") == [SECOND]
    assert log.between("g2", "g2") == []


def test_a_broken_chain_says_so(log: ChangeLog, monkeypatch: pytest.MonkeyPatch) -> None:
    log.publish("g0", "g1", [FIRST])
    assert log.between("other", "g1") is None  # a state no run left
    assert log.between("g0", "g9") is None  # a state no run reached
    monkeypatch.setattr(change_log, "MAX_CHUNKS", 0)
    log.publish("g1", "g2", [SECOND])  # too large to replay: rebuilt from
    assert log.between("g1", "g2") is None and log.between("g0", "g1") == [FIRST]


def test_only_the_last_runs_are_kept(log: ChangeLog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(change_log, "KEPT", 2)
    for n in range(4):
        log.publish(f"g{n}", f"g{n + 1}", [FIRST])
    assert log.between("g0", "g4") is None
    assert log.between("g2", "g4") == [FIRST, FIRST]
