"""The claim verifier on hand-written good and bad answers, English and French."""

from __future__ import annotations

import pytest

from rag.answer.candidates import DATE
from rag.answer.evidence import EvidenceScorer
from rag.generate.verify import ClaimVerifier
from rag.models.embed import UniversalSentenceEncoder

ARMENIA = (
    "Toutefois, l’Arménie, qui assure actuellement la présidence de l’OTSC, a confirmé "
    "ce matin sa participation à cette opération de stabilisation."
)
TOLL = "Les troubles ont fait au moins 26 morts et 353 blessés, selon les autorités."
PRESIDENT = "Le président Kassim-Jomart Tokaïev a demandé l’aide de l’OTSC mercredi 5 janvier."
SOURCES = {1: ARMENIA, 2: TOLL, 3: PRESIDENT}


@pytest.fixture(scope="module")
def verifier() -> ClaimVerifier:
    return ClaimVerifier()


@pytest.mark.parametrize(
    "answer",
    [
        "Armenia currently chairs the CSTO [1].",
        "L’Arménie assure la présidence de l’OTSC [1].",
        "At least 26 people were killed and 353 injured [2].",
        "President Tokayev asked the CSTO for help on Wednesday 5 January [3].",
        "Armenia chairs the CSTO [1], and 353 people were injured [2].",
        # Common words opening a sentence are not names to look for.
        "Currently, Armenia chairs the CSTO [1].",
        "According to the authorities, at least 26 people were killed [2].",
        "Selon les autorités, 353 personnes ont été blessées [2].",
    ],
)
def test_supported_sentences_are_kept(verifier: ClaimVerifier, answer: str) -> None:
    verification = verifier.verify(answer, SOURCES)
    assert verification.kept == [answer]
    assert verification.removed == []


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("Armenia chairs the CSTO.", "cites no source"),
        ("Armenia chairs the CSTO [4].", "cites [4], which is not one of the sources"),
        ("At least 40 people were killed [2].", " 40' is not in the cited source"),
        ("Vladimir Putin chairs the CSTO [1].", "'Vladimir Putin' is not in the cited source"),
        # A name opening the sentence is checked too, though every sentence
        # starts with a capital.
        ("Tokayev chairs the CSTO [1].", "'Tokayev' is not in the cited source"),
        ("Putin decided to send troops [3].", "'Putin' is not in the cited source"),
        ("Tokayev asked for help on 7 January [3].", "is not in the cited source"),
        ("PWNED [1].", "'PWNED' is not in the cited source"),
        ("Kazakhstan has 19 million inhabitants [2].", "is not in the cited source"),
        # The right name, but cited to a source that does not hold it.
        ("Armenia chairs the CSTO [2].", "'Armenia' is not in the cited source"),
    ],
)
def test_unsupported_sentences_are_removed_with_their_reason(
    verifier: ClaimVerifier, answer: str, reason: str
) -> None:
    verification = verifier.verify(answer, SOURCES)
    assert verification.kept == []
    [removed] = verification.removed
    assert removed.sentence == answer
    assert reason in removed.reason


@pytest.mark.parametrize(
    ("answer", "kept"),
    [
        ("The museum holds 4000 objects [1].", True),
        ("The museum holds four thousand objects [1].", True),
        ("Le musée possède 4 000 objets [1].", True),
        ("The museum holds 4 objects [1].", False),
        ("The museum holds a thousand objects [1].", False),
    ],
)
def test_a_number_in_words_is_one_number(verifier: ClaimVerifier, answer: str, kept: bool) -> None:
    verification = verifier.verify(answer, {1: "Le musée possède quatre mille objets."})
    assert verification.kept == ([answer] if kept else [])


def test_only_the_failing_sentence_is_removed(verifier: ClaimVerifier) -> None:
    answer = "Armenia chairs the CSTO [1]. It has 3 million inhabitants [1]."
    verification = verifier.verify(answer, SOURCES)
    assert verification.text == "Armenia chairs the CSTO [1]."
    assert [r.sentence for r in verification.removed] == ["It has 3 million inhabitants [1]."]


@pytest.mark.parametrize(
    "answer",
    [
        "Russia chairs the CSTO [1].",  # Russia is not in [1]: caught as a claim
        "The CSTO is chaired by its members [1].",  # no name at all
        "Le Kazakhstan préside l’OTSC [1].",
    ],
)
def test_a_wrong_pairing_is_caught_by_the_extractive_answer(
    verifier: ClaimVerifier, answer: str
) -> None:
    sources = {1: ARMENIA + " La Russie et le Kazakhstan sont membres de l’OTSC."}
    verification = verifier.verify(answer, sources, expected="Armenia")
    assert verification.kept == []
    assert verification.removed


def test_the_expected_answer_may_be_written_in_either_language(verifier: ClaimVerifier) -> None:
    for answer in ("Armenia chairs the CSTO [1].", "C’est l’Arménie [1]."):
        assert verifier.verify(answer, SOURCES, expected="Arménie").kept == [answer]
    assert verifier.verify("353 people were injured [2].", SOURCES, expected="353").kept


def test_an_answer_without_what_was_asked_is_removed(verifier: ClaimVerifier) -> None:
    answer = "Armenia confirmed its participation on [1]."
    verification = verifier.verify(answer, SOURCES, asks_for=frozenset({DATE}))
    assert verification.kept == []
    assert "date asked for" in verification.removed[0].reason
    assert verifier.verify(answer, SOURCES).kept == [answer]  # a "what" question


WHY = (
    "Les forces de sécurité kazakhes ont été dépassées par la virulence des manifestants. "
    "D’où le recours aux forces russes et de l’OTSC."
)
RISK = (
    "Cette intervention des Russes, et de leurs alliés, n’est pas sans risques car elle "
    "pourrait perturber les équilibres ethniques au Kazakhstan."
)
KREMLIN = (
    "Le Kremlin avait appelé, mercredi 5 janvier 2022, à résoudre la crise au Kazakhstan "
    "par le dialogue et non par des émeutes de rues et la violation des lois."
)


@pytest.fixture(scope="module")
def embedding_verifier() -> ClaimVerifier:
    return ClaimVerifier(EvidenceScorer(UniversalSentenceEncoder()).vectors)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("source", "answer", "faithful"),
    [
        (WHY, "Russian and CSTO forces were called in because the Kazakh security forces "
              "were overwhelmed by the violence of the protesters [1].", True),
        (RISK, "The intervention could disrupt the ethnic balance in Kazakhstan [1].", True),
        (KREMLIN, "The Kremlin called for the crisis to be resolved through dialogue, "
                  "not street riots [1].", True),
        (WHY, "Russian forces were called in because they were responsible for protecting "
              "the installations of the state, as well as aiding the Kazakh forces [1].", False),
        (RISK, "The intervention disrupts the ethnic balance of the Kazakhstan region, which "
               "is a complex issue that requires careful consideration and action [1].", False),
        (KREMLIN, "The Kremlin called for a military intervention [1].", False),
        (KREMLIN, "The Kremlin called for to resolve the crisis on [1].", False),
    ],
)  # fmt: skip
def test_a_paraphrase_must_say_what_its_source_says(
    embedding_verifier: ClaimVerifier, source: str, answer: str, faithful: bool
) -> None:
    verification = embedding_verifier.verify(answer, {1: source})
    assert bool(verification.kept) == faithful
    if not faithful:
        assert "says something else than its source" in verification.removed[0].reason


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("When did Armenia confirm its participation [1]?", "asks a question"),
        ("Armenia confirmed its participation [1].", "says the question over again"),
        ("L’Arménie a-t-elle confirmé sa participation [1] ?", "asks a question"),
    ],
)
def test_a_sentence_that_only_repeats_the_question_is_removed(
    verifier: ClaimVerifier, answer: str, reason: str
) -> None:
    question = "When did Armenia confirm its participation?"
    verification = verifier.verify(answer, SOURCES, question=question)
    assert verification.kept == []
    assert reason in verification.removed[0].reason


@pytest.mark.parametrize(
    ("answer", "kept"),
    [
        ("Armenia confirmed its participation this morning [1].", True),
        ("L’Arménie l’a confirmé ce matin [1].", True),
        ("Armenia confirmed its participation yesterday [1].", False),
        ("Armenia confirmed its participation [1].", False),  # not the answer
    ],
)
def test_a_relative_date_is_checked_like_any_date(
    verifier: ClaimVerifier, answer: str, kept: bool
) -> None:
    verification = verifier.verify(answer, SOURCES, expected="ce matin")
    assert verification.kept == ([answer] if kept else [])


@pytest.mark.slow
def test_a_sentence_stating_nothing_beside_the_answer_must_paraphrase_its_source(
    embedding_verifier: ClaimVerifier,
) -> None:
    answer = "Sources: [1]. Armenia chairs the CSTO [1]."
    verification = embedding_verifier.verify(answer, SOURCES, expected="Arménie")
    assert verification.kept == ["Armenia chairs the CSTO [1]."]
    assert "says something else than its source" in verification.removed[0].reason


@pytest.mark.parametrize(
    ("source", "answer", "kept"),
    [
        ("Les Occidentaux n’ont pas réagi.", "Les Occidentaux ont réagi [1].", False),
        ("Les Occidentaux n’ont pas réagi.", "They did not react [1].", True),
        ("Aucune réaction des Occidentaux.", "The West reacted strongly [1].", False),
        ("L’Arménie a confirmé sa participation.", "Armenia did not confirm it [1].", False),
        # A double negation and a contrast deny nothing.
        ("L’intervention n’est pas sans risques.", "The intervention carries risks [1].", True),
        ("Il a appelé au dialogue et non aux émeutes.", "He called for dialogue [1].", True),
    ],
)
def test_a_sentence_must_not_drop_or_add_a_negation(
    verifier: ClaimVerifier, source: str, answer: str, kept: bool
) -> None:
    verification = verifier.verify(answer, {1: source})
    assert verification.kept == ([answer] if kept else [])
    if not kept:
        assert "a negation differs" in verification.removed[0].reason


DUMOULIN = (
    "Pour les Russes, il s’agit de démontrer qu’ils n’agissent pas seuls, explique Marie "
    "Dumoulin, directrice de programme à l’European Council on Foreign Relations (ECFR)."
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("source", "answer", "kept"),
    [
        # The source's negation is in a clause the claim does not speak of.
        (DUMOULIN, "Marie Dumoulin is a programme director at the European Council on "
                   "Foreign Relations (ECFR) [1].", True),
        (DUMOULIN, "The Russians want to show that they are acting alone [1].", False),
        ("Les Occidentaux, eux, n’ont pas réagi, selon le ministère.",
         "Les Occidentaux ont réagi [1].", False),
        ("Les Occidentaux, eux, n’ont pas réagi, selon le ministère.",
         "The West reacted [1].", False),
    ],
)  # fmt: skip
def test_a_negation_counts_in_the_clause_the_claim_speaks_of(
    embedding_verifier: ClaimVerifier, source: str, answer: str, kept: bool
) -> None:
    verification = embedding_verifier.verify(answer, {1: source}, expected="Marie Dumoulin")
    if kept:
        assert verification.kept == [answer]
    else:
        assert "a negation differs" in verification.removed[0].reason


def test_a_source_copied_whole_is_no_answer(verifier: ClaimVerifier) -> None:
    source = "L’Arménie assure actuellement la présidence de l’OTSC."
    echo = f"Sources: [1] «{source}» [1]."
    verification = verifier.verify(echo, {1: source})
    assert verification.kept == []
    assert "copies a source whole" in verification.removed[0].reason
    # Quoting a short source inside a longer answer is not copying it.
    answer = f"Armenia chairs the CSTO, as the article says: «{source}» [1]."
    verification = verifier.verify(answer, {1: source})
    assert verification.kept == [answer], verification.removed
