"""Load .txt, .md, .html and .pdf files (or folders of them) as cleaned Documents."""

from __future__ import annotations

import codecs
import errno
import hashlib
import logging
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rag.errors import LoadError, PathNotFoundError
from rag.ingest.clean import clean_text
from rag.ingest.dates import publication_date
from rag.records import Document
from rag.text.language import detect_language

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
# A 32 MB text is some 60,000 chunks, minutes of embedding; a bigger file is
# more likely a dump than a document. Above the web upload cap (20 MB).
MAX_FILE_MB = 32

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


def discover(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Expand ``paths`` into supported files, recursively and in a stable order.

    Returns the files and the folders among ``paths`` (whose indexed files that
    no longer exist count as removed). Raises PathNotFoundError before anything
    is read when a path does not exist.
    """
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise PathNotFoundError(f"no such file or folder: {', '.join(missing)}")
    files: list[Path] = []
    folders: list[Path] = []
    for path in paths:
        resolved = path.resolve()
        if resolved.is_dir():
            folders.append(resolved)
            files.extend(_walk(resolved))
        else:
            files.append(resolved)
    return list(dict.fromkeys(files)), folders


def _walk(folder: Path) -> Iterator[Path]:
    # os.walk does not follow symlinked folders, so symlink loops cannot recur.
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(root, name)
            if not name.startswith(".") and path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path


def check_file(path: Path) -> None:
    """LoadError unless ``path`` is a regular file of at most MAX_FILE_MB, so
    that nothing reads a pipe, a device or a huge file."""
    try:
        info = path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise LoadError("symlink loop") from error
        raise LoadError(f"cannot read: {error.strerror or error}") from error
    if not stat.S_ISREG(info.st_mode):
        raise LoadError("not a regular file (a pipe, device or socket)")
    size_mb = info.st_size / 2**20
    if size_mb > MAX_FILE_MB:
        raise LoadError(f"too large ({size_mb:.0f} MB; the limit is {MAX_FILE_MB} MB)")


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes, read in blocks (after check_file)."""
    check_file(path)
    try:
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError as error:
        raise LoadError(f"cannot read: {error.strerror or error}") from error


def load_document(path: Path) -> Document:
    """Read one file into a Document; LoadError says why it cannot be used."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported file type {suffix or '(none)'}")
    check_file(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(f"cannot read: {error.strerror or error}") from error
    if not data.strip():
        raise LoadError("empty file")
    if suffix in HTML_SUFFIXES:
        title, raw_text, dated = _read_html(data)
    elif suffix in PDF_SUFFIXES:
        title, raw_text, dated = _read_pdf(path)
    else:
        raw_text, title, dated = _decode_text(data), "", None
    text = clean_text(raw_text)
    if not text:
        raise LoadError("no text after cleaning")
    language = detect_language(text)
    return Document(
        source=str(path.resolve()),
        title=title or _first_line(text) or path.name,
        language=language,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        date=publication_date(path.name, text, language, dated),
    )


def _decode_text(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        raise LoadError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LoadError(f"not UTF-8 text (byte {error.start}); convert it to UTF-8") from error


def _read_html(data: bytes) -> tuple[str, str, str | None]:
    """Title, main text and publication date of an HTML page."""
    import trafilatura  # imported here: only HTML needs it

    extracted = trafilatura.bare_extraction(
        data, include_comments=False, include_tables=True, with_metadata=True
    )
    text = getattr(extracted, "text", None) or ""
    if not text.strip():
        raise LoadError("no main text found in the HTML")
    return getattr(extracted, "title", None) or "", text, getattr(extracted, "date", None)


def _read_pdf(path: Path) -> tuple[str, str, str | None]:
    """Title, text and creation date of a PDF."""
    from pypdf import PdfReader  # imported here: only PDF needs it
    from pypdf.errors import PyPdfError

    # pypdf logs each repair of a damaged file; the reason a file is skipped
    # is said once, by the LoadError.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or ""
        created = _creation_date(reader)
    except (PyPdfError, ValueError, OSError) as error:
        raise LoadError(f"unreadable PDF: {error}") from error
    text = "\n\n".join(pages)
    if not text.strip():
        raise LoadError("PDF has no text layer (scanned?)")
    return title, text, created


def _creation_date(reader: Any) -> str | None:
    """The PDF's creation date, ISO; None when absent or malformed."""
    try:
        created = reader.metadata.creation_date if reader.metadata else None
    except ValueError:
        return None
    return created.date().isoformat() if created else None


def _first_line(text: str) -> str:
    first = text.lstrip().split("\n", 1)[0]
    return _MARKDOWN_HEADING.sub("", first).strip()[:200]
