"""The calibrated answerer: its logistic model, the file that holds it, the
threshold eval.calibrate picks, and answers on the article with real models."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from eval.calibrate import best_per_item, best_threshold
from rag import Assistant
from rag.answer.confidence import (
    FEATURES,
    CalibratedAnswerer,
    Confidence,
    Proposal,
    load_confidence,
    proposals,
    save_confidence,
)
from rag.answer.question import analyse

from ..conftest import DATA


def model(weights: dict[str, float], threshold: float = 0.5) -> Confidence:
    return Confidence(
        means=tuple(0.0 for _ in FEATURES),
        scales=tuple(1.0 for _ in FEATURES),
        weights=tuple(weights.get(name, 0.0) for name in FEATURES),
        bias=0.0,
        threshold=threshold,
    )


def features(**values: float) -> dict[str, float]:
    return {name: values.get(name, 0.0) for name in FEATURES}


def test_the_probability_rises_with_a_positively_weighted_feature() -> None:
    confidence = model({"match": 2.0})
    assert confidence.probability(features()) == pytest.approx(0.5)
    assert confidence.probability(features(match=1.0)) > 0.85
    assert confidence.probability(features(match=-1.0)) < 0.15


def test_models_are_saved_and_loaded_per_scorer(tmp_path: Path) -> None:
    path = tmp_path / "confidence.json"
    e5, use = model({"learned_z": 1.0}, 0.4), model({"dense": 1.0}, 0.6)
    save_confidence({"e5": e5, "use": use}, path)
    assert load_confidence("e5", path) == e5
    assert load_confidence("use", path) == use


def test_a_model_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "confidence.json"
    save_confidence({"e5": model({})}, path)
    data = json.loads(path.read_text())
    data["e5"]["features"] = ["learned", "dense"]
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=r"eval\.calibrate"):
        load_confidence("e5", path)


def test_the_committed_models_load() -> None:
    for scorer in ("e5", "use"):
        assert 0 < load_confidence(scorer).threshold < 1


def test_each_item_is_judged_by_its_most_probable_proposal() -> None:
    chosen = best_per_item([0.2, 0.9, 0.4, 0.3], [1, 0, 1, 0], [0, 0, 1, 1])
    assert sorted(chosen) == [(0.4, 1), (0.9, 0)]


def test_the_threshold_weighs_a_wrong_answer_against_three_right_ones() -> None:
    # Above 0.7: two right, none wrong. Down to 0.5: one wrong more, which
    # costs three right answers, for one right more.
    chosen = [(0.9, 1), (0.8, 1), (0.6, 0), (0.5, 1), (0.3, 0)]
    threshold, shown = best_threshold(chosen)
    assert threshold == 0.8
    assert shown == {"shown": 2, "right": 2, "wrong": 0}


@pytest.mark.slow
def test_the_calibrated_answerer_rates_the_answer_above_a_tempting_unanswerable(
    article_index_copy: Path,
) -> None:
    assistant = Assistant.from_settings(index_dir=article_index_copy, sentence_vectors=True)
    assistant.index([DATA])  # built without sentence vectors: all queued now
    assistant.wait_for_sentence_vectors()
    confidence = load_confidence("e5")

    def rated(text: str) -> list[tuple[float, Proposal]]:
        question = analyse(text)
        ranking = assistant.evidence_scorer.rank(question, assistant.retrieve(text))
        found = proposals(question, ranking, documents=1)
        return sorted(((confidence.probability(p.features), p) for p in found), key=first)

    *_, (best, chosen) = rated("Who chairs the CSTO?")
    assert chosen.draft.short == "Armenia"
    assert "qui assure actuellement la présidence de l’OTSC" in chosen.draft.citations[0].quote
    *_, (tempting, _) = rated("What is the population of Kazakhstan?")
    assert tempting < confidence.threshold and tempting < best / 5

    # Shown from the threshold up, abstaining below it.
    for threshold, abstains in ((best - 0.01, False), (best + 0.01, True)):
        answerer = CalibratedAnswerer(
            assistant.evidence_scorer, replace(confidence, threshold=threshold)
        )
        question = analyse("Who chairs the CSTO?")
        draft = answerer.answer(question, assistant.retrieve(question.text), documents=1)
        assert draft.abstained is abstains


def first(pair: tuple[float, Proposal]) -> float:
    return pair[0]
