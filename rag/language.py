"""Language identification of documents and questions (py3langid).

Short texts such as questions are easily mistaken for a rare language
("Who chairs the CSTO?" scores as Scottish Gaelic), so texts shorter than
``SHORT_TEXT`` are only compared among the languages the default multilingual
encoder covers; long texts may be any of langid's 97 languages.
"""

from __future__ import annotations

import io
import lzma
from array import array
from functools import lru_cache

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

# Languages of Universal Sentence Encoder multilingual v3.
COMMON_LANGUAGES = (
    "ar", "de", "en", "es", "fr", "it", "ja", "ko",
    "nl", "pl", "pt", "ru", "th", "tr", "zh",
)  # fmt: skip
SHORT_TEXT = 200


@lru_cache(maxsize=2)
def _identifier(restricted: bool) -> LanguageIdentifier:
    try:
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    except OSError:
        # py3langid unpacks its model into a temporary file, which a full disk
        # (or a file size limit) refuses: questions must still be answered.
        identifier = _unpacked_in_memory()
    if restricted:
        identifier.set_languages(list(COMMON_LANGUAGES))
    return identifier


def _unpacked_in_memory() -> LanguageIdentifier:
    """py3langid's model read without a temporary file (65 MB of memory meanwhile)."""
    with lzma.open(MODEL_DIR / MODEL_FILE) as packed:
        model = np.load(io.BytesIO(packed.read()), allow_pickle=False)
    return LanguageIdentifier(
        model["ptc"],
        model["pc"],
        model["classes"].tolist(),
        _stdlib_array(model["nextmove"]),
        model["out_feat"].tolist(),
        tk_row=_stdlib_array(model["nextmove_row"]),
    )


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
