"""Language identification, and the cache of py3langid's unpacked model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.text.language import detect_language

DETECT = (
    "from rag.text.language import detect_language\n"
    "print(detect_language('Qui assure la présidence de l’OTSC ?'), "
    "detect_language('Who chairs the CSTO?'))"
)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Who chairs the CSTO?", "en"),
        ("Qui assure la présidence de l’OTSC ?", "fr"),
        ("Des troupes russes se déploient au Kazakhstan où des émeutes ont éclaté. " * 4, "fr"),
        ("", "en"),
    ],
)
def test_languages_are_identified(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_the_unpacked_model_is_cached_once_and_a_damaged_copy_replaced(tmp_path: Path) -> None:
    env = os.environ | {"XDG_CACHE_HOME": str(tmp_path)}

    def detect() -> str:
        result = subprocess.run(
            [sys.executable, "-c", DETECT], capture_output=True, text=True, env=env
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert detect() == "fr en\n"
    [cached] = (tmp_path / "rag-news").glob("*.npz")
    written = cached.stat().st_mtime_ns
    assert detect() == "fr en\n"
    assert cached.stat().st_mtime_ns == written  # read, not written again
    cached.write_bytes(b"not a model")
    assert detect() == "fr en\n"
    assert cached.stat().st_size > 1_000_000
