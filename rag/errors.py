"""Expected failures, each with a one-line message that says what to do next.

The CLI prints ``str(error)`` and exits non-zero; anything else is a bug and
keeps its traceback.
"""


class RagError(Exception):
    """Base class of every failure a user can cause or fix."""


class PathNotFoundError(RagError):
    """A path given to index does not exist."""


class LoadError(RagError):
    """A file cannot be read as text (empty, binary, undecodable, no text layer)."""


class IndexNotFoundError(RagError):
    """No index has been built yet where the settings point."""


class IndexLockedError(RagError):
    """Another process is indexing into the same index."""


class EmbeddingMismatchError(RagError):
    """The index was built with another embedding model than the one configured."""


class ChromaUnavailableError(RagError):
    """The configured Chroma server cannot be reached."""


class IndexStorageError(RagError):
    """The index folder cannot be written or read (disk full, file size limit)."""


class ModelLoadError(RagError):
    """The configured embedding model cannot be loaded offline."""


class QuestionError(RagError):
    """A question is empty or too long to be one."""


class EvalSetError(RagError):
    """The eval set or its floors file is missing or malformed."""


class LLMUnavailableError(RagError):
    """The configured LLM cannot be loaded or reached (answers fall back to extractive)."""
