"""Evidence scoring: the names of the question found around a sentence."""

from __future__ import annotations

import pytest

from rag.answer.evidence import EvidenceScorer
from rag.answer.match import PRESENT
from rag.answer.question import analyse
from rag.models.embed import UniversalSentenceEncoder
from tests.factories import make_passage

NAMED = "L’OTSC a envoyé une force collective au Kazakhstan."
MISSION = "Leur mission sera de protéger les installations de l’État."


@pytest.fixture(scope="module")
def scorer() -> EvidenceScorer:
    return EvidenceScorer(UniversalSentenceEncoder())


def csto_around_the_mission(
    scorer: EvidenceScorer, named_index: int, source: str, title: str = "Kazakhstan"
) -> float:
    question = analyse("What will the mission of the CSTO force be?")
    passages = [
        make_passage(MISSION, index=1, start=60, source="article", title=title),
        make_passage(NAMED, index=named_index, source=source),
    ]
    [evidence] = [e for e in scorer.rank(question, passages).evidence if e.sentence.text == MISSION]
    return evidence.context_alignment[question.terms.index("CSTO")][0]


@pytest.mark.slow
def test_a_name_in_the_chunk_before_counts_for_its_first_sentence(scorer: EvidenceScorer) -> None:
    assert csto_around_the_mission(scorer, named_index=0, source="article") >= PRESENT


@pytest.mark.slow
@pytest.mark.parametrize(("index", "source"), [(2, "article"), (5, "article"), (0, "other")])
def test_a_name_elsewhere_does_not(scorer: EvidenceScorer, index: int, source: str) -> None:
    assert csto_around_the_mission(scorer, named_index=index, source=source) < PRESENT


@pytest.mark.slow
def test_a_name_in_the_document_title_counts_for_every_sentence(scorer: EvidenceScorer) -> None:
    title = "Kazakhstan : les troupes de l’OTSC arrivent"
    assert csto_around_the_mission(scorer, named_index=5, source="article", title=title) >= PRESENT


@pytest.mark.slow
def test_a_name_only_the_title_holds_counts_too(scorer: EvidenceScorer) -> None:
    question = analyse("What will the mission of the CSTO force be?")
    passage = make_passage(MISSION, source="article", title="Kazakhstan : l’OTSC arrive")
    [evidence] = scorer.rank(question, [passage]).evidence
    assert evidence.context_alignment[question.terms.index("CSTO")][0] >= PRESENT
