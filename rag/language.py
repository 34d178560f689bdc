"""Language identification of documents and questions (py3langid).

Short texts such as questions are easily mistaken for a rare language
("Who chairs the CSTO?" scores as Scottish Gaelic), so texts shorter than
``SHORT_TEXT`` are only compared among the languages the default multilingual
encoder covers; long texts may be any of langid's 97 languages.
"""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Languages of Universal Sentence Encoder multilingual v3.
COMMON_LANGUAGES = (
    "ar", "de", "en", "es", "fr", "it", "ja", "ko",
    "nl", "pl", "pt", "ru", "th", "tr", "zh",
)  # fmt: skip
SHORT_TEXT = 200


@lru_cache(maxsize=2)
def _identifier(restricted: bool) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    if restricted:
        identifier.set_languages(list(COMMON_LANGUAGES))
    return identifier


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language (``"en"`` when there is no text)."""
    sample = text[:5000]
    if not sample.strip():
        return "en"
    language, _score = _identifier(len(sample) < SHORT_TEXT).classify(sample)
    return str(language)
