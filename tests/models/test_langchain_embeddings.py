"""LangChain's own standard suites (unit and integration) for every
``Embeddings`` the project ships: USE multilingual v3 and multilingual-e5-small."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from rag.models.e5 import E5Embeddings
from rag.models.embed import UniversalSentenceEncoder


class TestUniversalSentenceEncoderUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[Embeddings]:
        return UniversalSentenceEncoder


class TestUniversalSentenceEncoderIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[Embeddings]:
        return UniversalSentenceEncoder


class TestE5Unit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[Embeddings]:
        return E5Embeddings


class TestE5Integration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[Embeddings]:
        return E5Embeddings
