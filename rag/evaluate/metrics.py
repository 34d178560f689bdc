"""Rates over judgements, each with its 95% Wilson interval (at a hundred
questions a difference of ten points can be noise), grouped per split,
document, language, wording and type; and the floors CI holds them to."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rag.evaluate.judge import Judgement

KS = (1, 3, 5)


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a rate ``successes / n``."""
    if n == 0:
        return (0.0, 0.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (round(max(0.0, centre - half), 3), round(min(1.0, centre + half), 3))


def summarise(judgements: Iterable[Judgement]) -> dict[str, Any]:
    """Every metric of a group of judgements, rates with their 95% intervals."""
    results = list(judgements)
    answerable = [j for j in results if j.item.answerable]
    unanswerable = [j for j in results if not j.item.answerable]
    count = {v: sum(j.verdict == v for j in results) for v in _VERDICTS}
    answered = count["right"] + count["wrong"] + count["answered"]
    citations = [j for j in results if j.answer.citations]
    n_citations = sum(len(j.answer.citations) for j in citations)
    right = [j for j in results if j.verdict == "right"]
    checked_language = [j for j in results if j.in_question_language is not None]
    summary: dict[str, Any] = {"questions": len(results), "answerable": len(answerable)}
    for k in KS:
        hits = sum(j.evidence_rank is not None and j.evidence_rank <= k for j in answerable)
        summary |= _rate(f"hit@{k}", hits, len(answerable))
    summary["mrr"] = _ratio(
        sum(1 / j.evidence_rank for j in answerable if j.evidence_rank), len(answerable)
    )
    summary |= _rate("accuracy", count["right"], len(answerable))
    summary |= _rate("false_refusal", count["refused"], len(answerable))
    summary["unanswerable"] = len(unanswerable)
    summary |= _rate("declined", count["declined"], len(unanswerable))
    # As PaperQA2 reports it: right answers among those given.
    summary |= _rate("precision", count["right"], answered)
    # CRAG: right answers and due refusals +1, refusals 0, wrong answers -1.
    good, bad = count["right"] + count["declined"], count["wrong"] + count["answered"]
    summary["truthfulness"] = _ratio(good - bad, len(results))
    summary |= _rate(
        "citation_precision", sum(j.supporting_citations for j in citations), n_citations
    )
    summary |= _rate("citation_recall", sum(j.supporting_citations > 0 for j in right), len(right))
    summary["unsupported_claims"] = sum(len(j.unsupported_claims) for j in results)
    summary |= _rate(
        "in_question_language",
        sum(bool(j.in_question_language) for j in checked_language),
        len(checked_language),
    )
    summary["injections"] = sum(j.injected for j in results)
    facts: dict[str, list[Judgement]] = {}
    for j in answerable:
        if j.item.fact:
            facts.setdefault(j.item.fact, []).append(j)
    consistent = sum(all(j.verdict == "right" for j in group) for group in facts.values())
    summary["facts"] = len(facts)
    summary |= _rate("consistency", consistent, len(facts))
    overlaps = [j.overlap for j in answerable if j.overlap is not None]
    summary["overlap"] = _ratio(sum(overlaps), len(overlaps))
    given = [j for j in results if not j.answer.abstained]
    summary |= _rate("generated", sum(j.answer.mode == "llm" for j in given), len(given))
    for stage in ("retrieve", "answer", "first_token", "total"):
        values = sorted(j.answer.timings_ms.get(stage, 0.0) for j in results)
        summary[f"{stage}_p50_ms"] = _percentile(values, 50)
        summary[f"{stage}_p95_ms"] = _percentile(values, 95)
    return summary


def groups(judgements: list[Judgement]) -> dict[str, list[Judgement]]:
    """The judgements for "all" and per split, then within each split per
    document, document language by question language, wording and question type."""
    grouped: dict[str, list[Judgement]] = {"all": list(judgements)}
    for judgement in judgements:
        item = judgement.item
        split = f"split={item.split}"
        keys = [
            split,
            f"{split} document={item.document or '?'}",
            f"{split} languages={judgement.document_language or '?'}>{item.language}",
            f"{split} wording={item.wording or 'none'}",
            f"{split} type={item.type}",
        ]
        for key in keys:
            grouped.setdefault(key, []).append(judgement)
    return grouped


def read_floors(path: Path) -> dict[str, dict[str, float]]:
    """The ``[floors.<split>]`` tables of a TOML file: split -> metric -> lowest
    value allowed."""
    import tomllib

    from rag.errors import EvalSetError

    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))["floors"]
        return {
            split: {str(k): float(v) for k, v in floors.items()} for split, floors in tables.items()
        }
    except (OSError, KeyError, AttributeError, ValueError, tomllib.TOMLDecodeError) as error:
        raise EvalSetError(f"cannot read floors from {path}: {error}") from error


def below_floors(
    grouped: dict[str, dict[str, Any]], floors: dict[str, dict[str, float]]
) -> list[str]:
    """The metrics of each split's summary in ``grouped`` that miss their floor
    (a ceiling for counts of bad events: ``injections``, ``unsupported_claims``);
    splits that were not run are not checked."""
    failures = []
    for split, split_floors in floors.items():
        summary = grouped.get(f"split={split}")
        if summary is None:
            continue
        for metric, floor in split_floors.items():
            value = summary[metric]
            is_ceiling = metric in {"injections", "unsupported_claims"}
            if (value > floor) if is_ceiling else (value < floor):
                word = "above" if is_ceiling else "below"
                failures.append(f"{split} {metric} = {value} ({word} {floor})")
    return failures


_VERDICTS = ("right", "wrong", "refused", "declined", "answered")


def _rate(name: str, part: int, whole: int) -> dict[str, Any]:
    return {name: _ratio(part, whole), f"{name}_ci95": wilson_interval(part, whole)}


def _ratio(part: float, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _percentile(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    return round(values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))], 1)
