"""LangChain's own standard suite for retrievers, run against the hybrid
retriever over the article's real index."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.retrievers import BaseRetriever
from langchain_tests.integration_tests import RetrieversIntegrationTests

from rag import Assistant
from rag.search.retrieve import HybridRetriever, PassageRetriever

pytestmark = pytest.mark.slow


class TestPassageRetriever(RetrieversIntegrationTests):
    hybrid: HybridRetriever

    @pytest.fixture(autouse=True)
    def _article_index(self, article_assistant: Assistant) -> None:
        self.hybrid = article_assistant.as_retriever().hybrid

    @property
    def retriever_constructor(self) -> type[BaseRetriever]:
        return PassageRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"hybrid": self.hybrid}

    @property
    def retriever_query_example(self) -> str:
        return "Who chairs the CSTO?"


def test_invoke_k_overrides_the_constructor_k(article_assistant: Assistant) -> None:
    retriever = article_assistant.as_retriever(k=2)
    assert len(retriever.invoke("Who chairs the CSTO?")) == 2
    assert len(retriever.invoke("Who chairs the CSTO?", k=4)) == 4
