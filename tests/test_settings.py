"""Settings precedence and validation, and the CLI flags built from its fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import rag.app.cli
from rag.settings import DEFAULT_EMBEDDING_MODEL, Settings


@pytest.fixture(autouse=True)
def no_rag_environment(monkeypatch):
    """Tests start from the defaults whatever the developer's shell exports."""
    for name in Settings.model_fields:
        monkeypatch.delenv(f"RAG_{name.upper()}", raising=False)


def test_defaults():
    settings = Settings()
    assert settings.index_dir == Path("index")
    assert settings.embedding_model == "use-multilingual-v3" == DEFAULT_EMBEDDING_MODEL
    assert settings.chroma_url is None
    assert settings.chunk_overlap < settings.chunk_size


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("RAG_TOP_K", "7")
    monkeypatch.setenv("RAG_INDEX_DIR", "/tmp/elsewhere")
    settings = Settings()
    assert settings.top_k == 7
    assert settings.index_dir == Path("/tmp/elsewhere")


def test_environment_variable_name_is_case_insensitive(monkeypatch):
    monkeypatch.setenv("rag_top_k", "9")
    assert Settings().top_k == 9


def test_explicit_values_override_environment(monkeypatch):
    monkeypatch.setenv("RAG_TOP_K", "7")
    monkeypatch.setenv("RAG_INDEX_DIR", "/tmp/elsewhere")
    settings = Settings(top_k=3, index_dir=Path("mine"))
    assert settings.top_k == 3
    assert settings.index_dir == Path("mine")


def test_invalid_environment_value_raises(monkeypatch):
    monkeypatch.setenv("RAG_TOP_K", "many")
    with pytest.raises(ValidationError):
        Settings()


def test_overlap_not_below_size_raises():
    with pytest.raises(ValidationError, match="chunk_overlap"):
        Settings(chunk_size=200, chunk_overlap=200)


def test_overlap_from_environment_checked_against_size(monkeypatch):
    monkeypatch.setenv("RAG_CHUNK_OVERLAP", "600")
    with pytest.raises(ValidationError):
        Settings()


def test_overlap_just_below_size_is_valid():
    assert Settings(chunk_size=200, chunk_overlap=199).chunk_overlap == 199


@pytest.mark.parametrize(
    "overrides",
    [{"chunk_size": 99, "chunk_overlap": 0}, {"top_k": 0}, {"top_k": 101}, {"rrf_k": 0}],
)
def test_out_of_range_values_raise(overrides):
    with pytest.raises(ValidationError):
        Settings(**overrides)


def test_unknown_field_raises():
    with pytest.raises(ValidationError):
        Settings(top_kk=3)


def test_cli_flags_parse_into_field_names():
    args = rag.app.cli.settings_flags().parse_args(["--index-dir", "X", "--top-k", "3"])
    assert vars(args) == {"index_dir": "X", "top_k": "3"}


def test_every_settings_field_is_a_cli_flag():
    parser = rag.app.cli.settings_flags()
    argv = [part for name in Settings.model_fields for part in (f"--{name.replace('_', '-')}", "1")]
    assert set(vars(parser.parse_args(argv))) == set(Settings.model_fields)


def test_unset_flags_leave_settings_to_environment(monkeypatch):
    monkeypatch.setenv("RAG_TOP_K", "7")
    args = rag.app.cli.settings_flags().parse_args([])
    assert vars(args) == {}
    assert Settings(**vars(args)).top_k == 7


def test_flag_strings_validate_into_typed_settings():
    args = rag.app.cli.settings_flags().parse_args(["--index-dir", "X", "--top-k", "3"])
    settings = Settings(**vars(args))
    assert settings.index_dir == Path("X")
    assert settings.top_k == 3
