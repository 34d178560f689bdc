"""The web chat in a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from ..conftest import MEASURED

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "BROWSER TESTS SKIPPED: Debian's chromium is not installed and could not be "
            "(make test runs apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_url)
    yield page
    page.close()


def ask(page: Page, question: str) -> None:
    box = page.locator("#rag-question textarea")
    box.fill(question)
    box.press("Enter")


def test_the_answer_cites_and_the_citation_opens_its_highlighted_quote(
    page: Page, tmp_path: Path
) -> None:
    asked = time.perf_counter()
    ask(page, "Who chairs the CSTO?")
    page.locator("#rag-chat").get_by_text("Armenia").first.wait_for(timeout=WAIT_MS)
    shown_ms = (time.perf_counter() - asked) * 1000
    page.locator("#rag-chat a.rag-cite").first.click()
    source = page.locator("#rag-source-1")
    expect(source).to_have_class(re.compile("rag-focus"))
    expect(source.locator("mark")).to_contain_text("présidence de l’OTSC")
    expect(source.locator("mark")).to_be_in_viewport()
    expect(page.locator("#rag-sources .rag-other").first).to_be_attached()
    screenshot = tmp_path / "answer-with-highlighted-quote.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    MEASURED.append(f"browser: question to first answer text {shown_ms:.0f} ms")
    MEASURED.append(f"browser: screenshot {screenshot}")


def test_a_question_the_article_does_not_answer_looks_different(page: Page) -> None:
    ask(page, "What is the population of Kazakhstan?")
    declined = page.locator("#rag-chat .rag-abstained")
    expect(declined).to_be_visible(timeout=WAIT_MS)
    expect(declined).to_contain_text("does not say")
    expect(page.locator("#rag-chat a.rag-cite")).to_have_count(0)


def test_examples_start_with_the_headline_question(page: Page) -> None:
    expect(page.get_by_text("Who chairs the CSTO?").first).to_be_visible()


@pytest.mark.reliability
def test_markup_in_a_question_is_shown_as_text_never_run(page: Page) -> None:
    ask(page, '<img src=x onerror="window.__pwned=1"> Who chairs the CSTO?')
    reply = page.locator("#rag-chat button[aria-label='Like']")
    expect(reply.first).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#rag-chat").get_by_text("<img src=x").first).to_be_visible()
    assert page.evaluate("window.__pwned") is None


def test_thumbs_up_is_stored_with_the_answer(page: Page, web_index: Path) -> None:
    feedback = web_index / "feedback.jsonl"
    before = feedback.read_text(encoding="utf-8").count("\n") if feedback.exists() else 0
    ask(page, "Who chairs the CSTO?")
    expect(page.locator("#rag-chat a.rag-cite").first).to_be_visible(timeout=WAIT_MS)
    page.locator("#rag-chat button[aria-label='Like']").last.click()
    for _ in range(50):
        if feedback.exists() and feedback.read_text(encoding="utf-8").count("\n") > before:
            break
        page.wait_for_timeout(100)
    record = json.loads(feedback.read_text(encoding="utf-8").splitlines()[-1])
    assert record["liked"] is True and record["question"] == "Who chairs the CSTO?"
    assert any("présidence de l’OTSC" in c["quote"] for c in record["citations"])


def test_phone_width_shows_chat_and_sources_without_overflow(
    browser: Browser, app_url: str
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(app_url)
    ask(page, "Who chairs the CSTO?")
    expect(page.locator("#rag-chat a.rag-cite").first).to_be_visible(timeout=WAIT_MS)
    for element in ("#rag-chat", "#rag-sources"):
        box = page.locator(element).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


def test_a_reader_uploads_a_file_and_asks_about_it(page: Page, tmp_path: Path) -> None:
    notice = tmp_path / "harbour-notice.txt"
    notice.write_text(
        "Harbour notice\nThe ferry to Isle Verte leaves at 7:40 every morning. "
        "Its captain, Ines Carvalho, has sailed the route since 2015.\n",
        encoding="utf-8",
    )
    page.get_by_text("Documents").first.click()
    page.locator("#rag-upload input[type=file]").set_input_files(str(notice))
    status = page.locator("#rag-upload-status")
    expect(status).to_contain_text("harbour-notice.txt: indexed", timeout=WAIT_MS)
    expect(page.locator("#rag-documents")).to_contain_text("harbour-notice.txt")
    ask(page, "Who is the captain of the ferry?")
    expect(page.locator("#rag-chat").get_by_text("Ines Carvalho").first).to_be_visible(
        timeout=WAIT_MS
    )


def test_a_reader_keeps_the_question_to_a_date_range(page: Page) -> None:
    page.locator("#rag-settings").get_by_text("Settings").first.click()
    since = page.locator("#rag-since input").first
    since.fill("2022-01-07")
    since.press("Enter")
    ask(page, "Who chairs the CSTO?")
    expect(page.locator("#rag-chat")).to_contain_text(
        "no indexed document is dated from 2022-01-07", timeout=WAIT_MS
    )
    since.fill("2022-01-06")
    since.press("Enter")
    ask(page, "Who chairs the CSTO?")
    expect(page.locator("#rag-chat").get_by_text("Armenia").first).to_be_visible(timeout=WAIT_MS)
