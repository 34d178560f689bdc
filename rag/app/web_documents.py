"""The web chat's Documents panel: uploads indexed, the listing, the choices."""

from __future__ import annotations

import shutil
from pathlib import Path

import gradio as gr

from rag.assistant import Assistant
from rag.errors import RagError


def index_uploads(assistant: Assistant, paths: list[str], progress: gr.Progress) -> str:
    """Copy each upload into the upload folder (it stays indexed, so it stays)
    and index it; one line per file."""
    folder = assistant.settings.upload_dir
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for path in progress.tqdm(paths, desc="Indexing"):
        target = folder / Path(path).name
        shutil.copyfile(path, target)
        try:
            [file] = assistant.index([target]).files
        except RagError as error:
            lines.append(f"- **{target.name}**: not indexed, {error}")
            continue
        if file.status == "indexed":
            lines.append(f"- **{target.name}**: indexed (+{file.chunks_added} chunks)")
        elif file.status == "skipped":
            lines.append(f"- **{target.name}**: skipped, {file.reason}")
        else:
            lines.append(f"- **{target.name}**: {file.status}")
    return "\n".join(lines) or "No file received."


def indexed_sources(assistant: Assistant) -> list[str]:
    """The indexed sources, for the document choices (none without an index)."""
    try:
        return sorted(assistant.documents())
    except RagError:
        return []


def documents_table(assistant: Assistant) -> str:
    """A Markdown table of the indexed documents, their chunks and dates."""
    try:
        documents = assistant.documents()
    except RagError as error:
        return f"⚠️ {error}"
    if not documents:
        return "No document indexed yet."
    dates = assistant.document_dates()
    rows = [f"| {Path(s).name} | {n} | {dates.get(s, '')} |" for s, n in sorted(documents.items())]
    return "| document | chunks | published |\n|---|---|---|\n" + "\n".join(rows)
