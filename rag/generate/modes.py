"""The answerer of each answer mode, built from the settings."""

from __future__ import annotations

from rag.answer.answerer import Answerer, TopPassageAnswerer
from rag.answer.confidence import CalibratedAnswerer, load_confidence
from rag.answer.evidence import EvidenceScorer
from rag.answer.extractive import ExtractiveAnswerer
from rag.errors import LLMUnavailableError
from rag.generate.generative import GenerativeAnswerer
from rag.generate.llm import load_chat_model
from rag.generate.verify import ClaimVerifier
from rag.settings import Settings


def make_answerer(
    mode: str, settings: Settings, scorer: EvidenceScorer, scorer_name: str
) -> Answerer:
    """The answerer of ``mode``, ranking evidence with ``scorer`` (named
    ``scorer_name``: "e5" or "use", whose calibration the learned confidence
    reads). An LLM that cannot be loaded leaves the extractive answer, noted."""
    if mode == "top-passage":
        return TopPassageAnswerer()
    if mode == "extractive" and settings.confidence == "learned":
        return CalibratedAnswerer(scorer, load_confidence(scorer_name))
    extractive = ExtractiveAnswerer(scorer)
    if mode == "extractive":
        return extractive
    verifier = ClaimVerifier(scorer.vectors) if settings.verify else None
    try:
        chat = load_chat_model(settings)
    except LLMUnavailableError as error:
        return GenerativeAnswerer(extractive, None, verifier, unavailable=str(error))
    return GenerativeAnswerer(extractive, chat, verifier, serial=not settings.llm_base_url)
