"""load_document and discover on real files written to tmp_path."""

from __future__ import annotations

import codecs
import hashlib
import os
from pathlib import Path

import pytest

from rag.errors import LoadError, PathNotFoundError
from rag.ingest.load import discover, load_document

from ..conftest import ARTICLE

ENGLISH = (
    "The new public library of Harbour Town opened its doors on Saturday morning, "
    "after three years of construction and a long debate in the town council about "
    "its cost. More than two thousand residents queued along the seafront to visit "
    "the building, which houses eighty thousand books and a children's reading room."
)

HTML_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Harbour Town Opens Its New Library</title>
</head>
<body>
<header>
  <nav>
    <ul>
      <li><a href="/">Home</a></li>
      <li><a href="/subscribe">Subscribe now</a></li>
      <li><a href="/weather">Weather forecast</a></li>
    </ul>
  </nav>
</header>
<main>
<article>
  <h1>Harbour Town Opens Its New Library</h1>
  <p>The new public library of Harbour Town opened its doors on Saturday morning,
  after three years of construction and a long debate in the town council about
  its cost.</p>
  <p>More than two thousand residents queued along the seafront to visit the
  building, which houses eighty thousand books, a children's reading room and a
  workshop where volunteers repair old bicycles.</p>
  <p>The architect, Helena Marsh, said the timber frame was chosen to store carbon
  and to echo the fishing sheds that once lined the harbour. The roof collects
  rain water for the gardens.</p>
  <p>The mayor thanked the volunteers who raised money for the project and
  announced that the library will stay open until nine in the evening from Monday
  to Friday.</p>
</article>
</main>
<footer>
  <p>Copyright 2024 Harbour Gazette. All rights reserved.</p>
  <a href="/privacy">Privacy policy</a>
</footer>
</body>
</html>
"""


def make_pdf(content: bytes) -> bytes:
    """A one-page PDF whose page draws ``content`` with Helvetica as /F1."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --- text and markdown ------------------------------------------------------


def test_txt_article_title_is_first_line_and_language_french():
    document = load_document(ARTICLE)
    assert document.title == (
        "Kazakhstan. Des dizaines de manifestants tués, les troupes russes arrivent en renfort"
    )
    assert document.language == "fr"
    assert document.source == str(ARTICLE.resolve())


def test_txt_english_paragraph_is_detected_as_english(tmp_path):
    document = load_document(write(tmp_path / "library.txt", "Library opens\n" + ENGLISH))
    assert document.language == "en"
    assert document.title == "Library opens"
    assert "eighty thousand books" in document.text


def test_txt_text_is_cleaned(tmp_path):
    path = write(tmp_path / "a.txt", "Title\r\nThe law was broken\n.\n" + ENGLISH)
    document = load_document(path)
    assert "broken." in document.text
    assert "\r" not in document.text


def test_markdown_title_drops_hashes(tmp_path):
    path = write(tmp_path / "notes.md", "# Harbour library opens\n\n" + ENGLISH)
    document = load_document(path)
    assert document.title == "Harbour library opens"
    assert "eighty thousand books" in document.text


def test_sha256_is_of_the_file_bytes(tmp_path):
    path = write(tmp_path / "a.txt", ENGLISH)
    assert load_document(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_sha256_changes_when_bytes_change(tmp_path):
    path = write(tmp_path / "a.txt", ENGLISH)
    before = load_document(path).sha256
    write(path, ENGLISH + " One more sentence.")
    assert load_document(path).sha256 != before


def test_utf8_with_bom_decodes_without_bom(tmp_path):
    path = write(tmp_path / "bom.txt", codecs.BOM_UTF8 + "Café crème.\n".encode() * 20)
    document = load_document(path)
    assert document.text.startswith("Café crème.")
    assert "\ufeff" not in document.text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_decodes(tmp_path, encoding):
    bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else codecs.BOM_UTF16_BE
    path = write(tmp_path / "wide.txt", bom + ("Café crème.\n" * 20).encode(encoding))
    document = load_document(path)
    assert document.text.startswith("Café crème.")
    assert "\ufeff" not in document.text


# --- HTML -------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_document(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("html") / "page.html", HTML_PAGE)
    return load_document(path)


def test_html_title_comes_from_title_tag(html_document):
    assert html_document.title == "Harbour Town Opens Its New Library"


def test_html_main_text_is_extracted(html_document):
    text = html_document.text
    assert "opened its doors on Saturday morning" in text
    assert "workshop where volunteers repair old bicycles" in text
    assert "The roof collects rain water for the gardens." in text
    assert "from Monday to Friday." in text
    assert html_document.language == "en"


def test_html_boilerplate_is_not_extracted(html_document):
    text = html_document.text
    assert "Subscribe now" not in text
    assert "Weather forecast" not in text
    assert "Privacy policy" not in text
    assert "<p>" not in text


def test_html_without_main_text_raises(tmp_path):
    path = write(tmp_path / "empty.html", "<html><head><title>x</title></head><body></body></html>")
    with pytest.raises(LoadError):
        load_document(path)


# --- PDF --------------------------------------------------------------------


def test_pdf_text_layer_is_extracted(tmp_path):
    path = write(
        tmp_path / "hello.pdf", make_pdf(b"BT /F1 12 Tf 72 720 Td (Hello PDF world) Tj ET")
    )
    document = load_document(path)
    assert document.text == "Hello PDF world"
    assert document.title == "Hello PDF world"


def test_pdf_without_text_layer_raises(tmp_path):
    path = write(tmp_path / "scan.pdf", make_pdf(b""))
    with pytest.raises(LoadError, match="no text layer"):
        load_document(path)


def test_corrupt_pdf_raises_load_error(tmp_path):
    path = write(tmp_path / "broken.pdf", b"%PDF-1.4\nthis is not a pdf at all\n")
    with pytest.raises(LoadError):
        load_document(path)


# --- unusable files ---------------------------------------------------------


def test_empty_file_raises(tmp_path):
    with pytest.raises(LoadError, match="empty"):
        load_document(write(tmp_path / "empty.txt", b""))


def test_whitespace_only_file_raises(tmp_path):
    with pytest.raises(LoadError, match="empty"):
        load_document(write(tmp_path / "blank.txt", b"  \n\t\r\n  "))


def test_binary_file_named_txt_raises(tmp_path):
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(LoadError, match="binary"):
        load_document(write(tmp_path / "image.txt", data))


def test_latin1_bytes_raise_not_utf8(tmp_path):
    with pytest.raises(LoadError, match="UTF-8"):
        load_document(write(tmp_path / "latin.txt", b"caf\xe9 " * 50))


def test_unsupported_suffix_raises(tmp_path):
    with pytest.raises(LoadError, match="unsupported"):
        load_document(write(tmp_path / "report.docx", ENGLISH))


def test_text_that_cleans_to_nothing_raises(tmp_path):
    with pytest.raises(LoadError):
        load_document(write(tmp_path / "ctl.txt", b"\x01\x02\x03\n\x04"))


# --- discover ---------------------------------------------------------------


def test_discover_walks_folders_recursively_in_sorted_order(tmp_path):
    for name in ["b.txt", "a.md", "sub/z.html", "sub/deeper/c.pdf", "another/y.txt"]:
        write(tmp_path / name, "x")
    files, folders = discover([tmp_path])
    root = tmp_path.resolve()
    assert files == [
        root / "a.md",
        root / "b.txt",
        root / "another" / "y.txt",
        root / "sub" / "z.html",
        root / "sub" / "deeper" / "c.pdf",
    ]
    assert folders == [root]


def test_discover_ignores_unsupported_and_hidden_files(tmp_path):
    for name in ["keep.txt", "skip.docx", "skip.png", ".hidden.txt", ".git/config.txt"]:
        write(tmp_path / name, "x")
    files, _ = discover([tmp_path])
    assert files == [tmp_path.resolve() / "keep.txt"]


def test_discover_accepts_files_and_removes_duplicates(tmp_path):
    one = write(tmp_path / "one.txt", "x")
    files, folders = discover([one, tmp_path, one])
    assert files == [one.resolve()]
    assert folders == [tmp_path.resolve()]


def test_discover_keeps_an_explicit_file_of_any_suffix(tmp_path):
    # An explicit file is passed on; load_document then says why it cannot be used.
    docx = write(tmp_path / "report.docx", "x")
    assert discover([docx])[0] == [docx.resolve()]


def test_discover_missing_path_raises_before_anything(tmp_path):
    write(tmp_path / "a.txt", "x")
    with pytest.raises(PathNotFoundError, match="nope"):
        discover([tmp_path, tmp_path / "nope"])


def test_discover_does_not_loop_on_symlink_loop(tmp_path):
    write(tmp_path / "folder" / "a.txt", "x")
    os.symlink(tmp_path / "folder", tmp_path / "folder" / "loop", target_is_directory=True)
    files, _ = discover([tmp_path])
    assert files == [tmp_path.resolve() / "folder" / "a.txt"]
