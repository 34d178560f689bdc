"""The eval report's fingerprint of verdicts, item by item."""

from __future__ import annotations

from dataclasses import replace

from rag.evaluate.judge import Judgement, judge
from rag.evaluate.report import verdicts_digest
from rag.records import Answer

from .test_judge import item


def _judged(item_id: str, abstained: bool) -> Judgement:
    answer = Answer("?", "", abstained, [], [], "extractive", "en")
    return judge(replace(item("x"), id=item_id), answer)


def test_the_digest_depends_on_every_verdict_and_not_on_the_order() -> None:
    judgements = [_judged("a", True), _judged("b", True)]
    assert verdicts_digest(judgements) == verdicts_digest(judgements[::-1])
    assert verdicts_digest(judgements) != verdicts_digest([_judged("a", True), _judged("b", False)])
