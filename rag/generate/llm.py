"""The chat model of the generative mode, as a LangChain ``BaseChatModel``.

Two backends: llama.cpp in-process on any GGUF file (``llm_model_path``, the
``llm`` extra) and any OpenAI-compatible server (``llm_base_url``: Ollama,
vLLM, llama.cpp's own server, a hosted API). Both answer at temperature 0.
Nothing is downloaded: the GGUF is a local file (``rag models`` assembles
one from PyPI packages) and the server is the user's.
"""

from __future__ import annotations

import weakref
from typing import Any

from langchain_core.language_models import BaseChatModel

from rag.errors import LLMUnavailableError
from rag.settings import Settings


def load_chat_model(settings: Settings, grammar: str | None = None) -> BaseChatModel:
    """The chat model the settings name, or LLMUnavailableError saying why not.
    With llama.cpp, its output is held to ``grammar`` (GBNF), by default to
    CITED_SENTENCES when ``llm_grammar`` is on."""
    if settings.llm_base_url:
        return _openai_compatible(settings)
    if settings.llm_model_path:
        default = CITED_SENTENCES if settings.llm_grammar else None
        return _llama_cpp(settings, grammar or default)
    raise LLMUnavailableError(
        "no LLM configured: set RAG_LLM_MODEL_PATH to a GGUF file (see `rag models`) "
        "or RAG_LLM_BASE_URL to an OpenAI-compatible server"
    )


def describe(settings: Settings) -> str:
    """A short name of the configured LLM, for reports."""
    if settings.llm_base_url:
        return f"{settings.llm_model} at {settings.llm_base_url}"
    return settings.llm_model_path.name if settings.llm_model_path else "none"


def _openai_compatible(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    options: dict[str, Any] = {
        "base_url": settings.llm_base_url,
        "model": settings.llm_model,
        "api_key": key,
        "temperature": 0.0,
        "max_tokens": settings.llm_max_tokens,
        "timeout": settings.llm_timeout,
        "max_retries": 0,
        "streaming": True,
    }
    return ChatOpenAI(**options)


# Decoding constrained to one or two sentences, each closed by a source
# number: a small model forgets its citations otherwise. What the sentences
# say is still verified afterwards (rag.generate.verify).
CITED_SENTENCES = r"""
root ::= sentence (" " sentence)?
sentence ::= [^\[\]\n] [^\[\]\n.!?]+ " [" [1-9] "]."
"""


def _llama_cpp(settings: Settings, grammar: str | None) -> BaseChatModel:
    path = settings.llm_model_path
    assert path is not None
    if not path.is_file():
        raise LLMUnavailableError(f"no GGUF file at {path}: see `rag models`")
    try:
        from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as error:
        raise LLMUnavailableError(
            "llama.cpp is not installed: pip install -e '.[llm]' (compiles for ~5 min)"
        ) from error
    try:
        chat = ChatLlamaCpp(
            model_path=str(path),
            n_ctx=settings.llm_context,
            n_batch=512,  # LangChain's default of 8 makes a 300-token prompt take a minute
            n_threads=settings.threads,
            temperature=0.0,
            max_tokens=settings.llm_max_tokens,
            streaming=True,
            grammar=grammar,
            verbose=False,
        )
    except Exception as error:  # llama.cpp reports a bad file as ValueError or RuntimeError
        raise LLMUnavailableError(f"cannot load {path.name} with llama.cpp: {error}") from error
    # Free the model with the chat model, or at exit while llama_cpp can still
    # do it (its own __del__ then runs after the module is torn down, and fails).
    weakref.finalize(chat, chat.client.close)
    return chat
