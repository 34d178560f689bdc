"""Offline question answering over news articles, with cited passages."""

from rag.assistant import Assistant
from rag.errors import RagError
from rag.records import Chunk, Document, FileReport, IndexReport, Passage
from rag.settings import Settings

__all__ = [
    "Assistant",
    "Chunk",
    "Document",
    "FileReport",
    "IndexReport",
    "Passage",
    "RagError",
    "Settings",
]
