"""Language identification of documents and questions (py3langid).

Short texts such as questions are easily mistaken for a rare language
("Who chairs the CSTO?" scores as Scottish Gaelic), so texts shorter than
``SHORT_TEXT`` are only compared among the languages the default multilingual
encoder covers; long texts may be any of langid's 97 languages.
"""

from __future__ import annotations

import io
import lzma
import os
from array import array
from functools import lru_cache
from importlib.metadata import version

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from rag.settings import user_cache_dir

# Languages of Universal Sentence Encoder multilingual v3.
COMMON_LANGUAGES = (
    "ar", "de", "en", "es", "fr", "it", "ja", "ko",
    "nl", "pl", "pt", "ru", "th", "tr", "zh",
)  # fmt: skip
SHORT_TEXT = 200


@lru_cache(maxsize=2)
def _identifier(restricted: bool) -> LanguageIdentifier:
    model = _model()
    identifier = LanguageIdentifier(
        model["ptc"],
        model["pc"],
        model["classes"].tolist(),
        _stdlib_array(model["nextmove"]),
        model["out_feat"].tolist(),
        tk_row=_stdlib_array(model["nextmove_row"]),
    )
    if restricted:
        identifier.set_languages(list(COMMON_LANGUAGES))
    return identifier


@lru_cache(maxsize=1)
def _model() -> dict[str, np.ndarray]:
    """py3langid's model, unpacked once into the user's cache folder.

    py3langid unpacks its xz-compressed model into a temporary file at every
    start (about 0.5 s of a cold `rag ask`, and refused on a full disk); the
    unpacked copy loads in a few milliseconds. It is read in memory, and not
    kept, when the cache cannot be written.
    """
    cached = user_cache_dir() / f"py3langid-{version('py3langid')}-model.npz"
    try:
        with np.load(cached, allow_pickle=False) as stored:
            return dict(stored)
    except (OSError, ValueError):
        pass
    with lzma.open(MODEL_DIR / MODEL_FILE) as packed:
        data = packed.read()
    with np.load(io.BytesIO(data), allow_pickle=False) as unpacked:
        model = dict(unpacked)
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as out:
            np.savez(out, **model)
        partial.replace(cached)
    except OSError:
        partial.unlink(missing_ok=True)
    return model


def _stdlib_array(values: np.ndarray) -> array[int]:
    """The unsigned integers of ``values`` as the stdlib array py3langid indexes fastest."""
    return array({2: "H", 4: "I", 8: "L"}[values.dtype.itemsize], values.tobytes())


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language (``"en"`` when there is no text)."""
    sample = text[:5000]
    if not sample.strip():
        return "en"
    language, _score = _identifier(len(sample) < SHORT_TEXT).classify(sample)
    return str(language)
