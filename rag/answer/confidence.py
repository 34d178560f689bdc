"""The calibrated answerer: extractive answers shown on a learned confidence
rather than on word-match rules.

Every answer the best evidence sentences could give is a proposal: each
name, number or date of the asked-for kind in them (a question asking for a
number or date gets no other), and for other questions each sentence
quoted. A logistic model over features of a proposal (how the learned
sentence scorer, USE and the word alignment rate its sentence, whether its
passage names what the question names, how well a short answer's
surroundings fit the question) gives the probability that it is right; the
answerer shows the most probable when it reaches the threshold, and
abstains otherwise. `python -m eval.calibrate` fits the model and its
threshold on the eval's dev split and writes confidence.json, one model per
sentence scorer (without E5 its features are zero and the others weigh more).

No single signal tells an answerable question from a tempting unanswerable
one: E5's similarity is as high for "What is the population of Kazakhstan?"
against a sentence about Kazakhstan as for many answerable questions, and
an answer may be worded unlike the question. Measured against the rules of
rag.answer.extractive in the README (`rag eval --compare`).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.answer.answerer import Draft, WholeAnswerer, abstention, quote
from rag.answer.candidates import NAME, Candidate
from rag.answer.evidence import Evidence, EvidenceScorer, Ranking
from rag.answer.extractive import (
    cause_of,
    differing_draft,
    other_figure,
    short_answers,
    short_draft,
)
from rag.answer.question import Question
from rag.records import Passage

MODELS_FILE = Path(__file__).with_name("confidence.json")
TOP_SENTENCES = 5  # the evidence sentences proposals come from
FEATURES = (
    "learned",
    "learned_z",
    "learned_best",
    "dense",
    "match",
    "asked_match",
    "names_present",
    "fit",
    "quote",
    "position",
)


@dataclass(frozen=True)
class Confidence:
    """Standardised features, weighted and summed, through the logistic
    function: the probability that a proposal is right; shown from
    ``threshold`` up."""

    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(
            w * (features[name] - m) / s
            for name, m, s, w in zip(FEATURES, self.means, self.scales, self.weights, strict=True)
        )
        return 1 / (1 + math.exp(-z))


@dataclass(frozen=True)
class Proposal:
    """An answer the evidence could give, and what the model weighs of it."""

    draft: Draft
    evidence: Evidence
    features: dict[str, float]
    chosen: list[Candidate]  # its short answer (none: the sentence quoted)


class CalibratedAnswerer(WholeAnswerer):
    """Shows the most probable proposal when the confidence model trusts it."""

    mode = "extractive"

    def __init__(self, scorer: EvidenceScorer, confidence: Confidence) -> None:
        self._scorer = scorer
        self._confidence = confidence

    def answer(self, question: Question, passages: list[Passage], documents: int) -> Draft:
        ranking = self._scorer.rank(question, passages)
        rated = [
            (self._confidence.probability(p.features), p)
            for p in proposals(question, ranking, documents)
        ]
        if not rated:
            return abstention(question, documents)
        probability, best = max(rated, key=lambda r: r[0])
        if probability < self._confidence.threshold:
            return abstention(question, documents)
        trusted = [
            (p.evidence, p.chosen, chance)
            for chance, p in rated
            if chance >= self._confidence.threshold and p.chosen
        ]
        if best.chosen and (rival := other_figure(best.evidence, best.chosen, trusted, _third)):
            return differing_draft(question, [(best.evidence, best.chosen), rival], documents)
        return best.draft


def proposals(question: Question, ranking: Ranking, documents: int) -> list[Proposal]:
    """Every answer the top evidence sentences give ``question``: for one
    asking for a number or date, each such candidate in them; for one asking
    for a name, each name and each sentence quoted (a "who" answer need not
    be a proper name: "l’armée de l’air russe"); otherwise each sentence quoted."""
    found = []
    for position, evidence in enumerate(ranking.evidence[:TOP_SENTENCES]):
        if not question.expects or NAME in question.expects:
            cause = cause_of(question, evidence)
            draft = quote(question, cause, documents)
            found.append(_proposal(question, draft, ranking, cause, position))
        if question.expects:
            for chosen, fit in short_answers(question, evidence, ranking.matcher):
                draft = short_draft(question, evidence, chosen, documents)
                found.append(_proposal(question, draft, ranking, evidence, position, chosen, fit))
    return found


def _proposal(
    question: Question,
    draft: Draft,
    ranking: Ranking,
    chosen: Evidence,
    position: int,
    short: list[Candidate] | None = None,
    fit: float = 0.0,
) -> Proposal:
    names = [
        score
        for term, (score, _) in zip(question.terms, chosen.context_alignment, strict=True)
        if term in question.specific
    ]
    features = {
        "learned": chosen.learned,
        "learned_z": chosen.learned_z,
        "learned_best": max(e.learned for e in ranking.evidence),
        "dense": chosen.dense,
        "match": chosen.match,
        "asked_match": chosen.asked_match,
        "names_present": min(names, default=1.0),
        "fit": fit,
        "quote": float(not draft.short),
        "position": float(position),
    }
    return Proposal(draft, chosen, features, short or [])


def _third(found: tuple[Evidence, list[Candidate], float]) -> float:
    return found[2]  # a rival's probability


def load_confidence(scorer: str, path: Path = MODELS_FILE) -> Confidence:
    """The model fitted for the sentence scorer ``scorer`` ("e5" or "use")."""
    fitted = json.loads(path.read_text(encoding="utf-8"))[scorer]
    if tuple(fitted["features"]) != FEATURES:
        raise ValueError(f"{path} was fitted on other features: run `python -m eval.calibrate`")
    return Confidence(
        means=tuple(fitted["means"]),
        scales=tuple(fitted["scales"]),
        weights=tuple(fitted["weights"]),
        bias=float(fitted["bias"]),
        threshold=float(fitted["threshold"]),
    )


def save_confidence(models: dict[str, Confidence], path: Path = MODELS_FILE) -> None:
    data = {name: asdict(model) | {"features": list(FEATURES)} for name, model in models.items()}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
