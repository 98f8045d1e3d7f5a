"""End to end: `rag serve` on a free loopback port, driven by Debian's headless Chromium.

Real model, real corpus (conftest's session index). Screenshots go to test-artifacts/.
Skipped only when /usr/bin/chromium is missing and CI is unset (`make browser` installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from rag.config import Settings
from rag.ingest import IngestReport
from ui.server import ServerError, serving

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
START_TIMEOUT = 240.0  # the model loads before the port opens; slow CI machines take a while

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        f"{CHROMIUM} is missing (run `make browser`); CI is unset, so skipping.",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def server(
    real_ingest: IngestReport, real_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`rag serve` in a subprocess on 127.0.0.1, over the session's real-model index."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    try:
        with serving(real_settings.corpus_dir, real_settings.index_dir, log, START_TIMEOUT) as url:
            yield url
    except ServerError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():  # only reached under CI, where the browser test must run
        pytest.fail(f"CI is set but {CHROMIUM} is missing: run `make browser` first.")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser: Browser, url: str) -> Page:
    """A tab on the app, once its status banner shows the index loaded."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.set_default_timeout(60_000)
    tab.goto(url)
    expect(tab.locator("#status")).to_contain_text("articles", timeout=60_000)
    return tab


@pytest.fixture(scope="module")
def page(server: str, browser: Browser) -> Iterator[Page]:
    tab = open_page(browser, server)
    yield tab
    tab.close()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_answer_citation_opens_the_highlighted_source(page: Page) -> None:
    page.locator("#question textarea").fill("How many customers run Claude on Bedrock?")
    page.locator("#ask-button").click()
    answer = page.locator('#answer [data-kind="answer"]')
    expect(answer.locator(".answer-text")).to_contain_text("100,000")
    cite = answer.locator("button.cite").first
    expect(cite).to_be_visible()
    expect(cite).to_contain_text("Bedrock")
    shot(page, "ask-answer")

    cite.click()
    mark = answer.locator("section.src-view:not([hidden]) mark")
    expect(mark).to_have_count(1)
    expect(mark).to_be_visible()
    expect(mark).to_be_in_viewport()
    expect(mark).to_contain_text("100,000 customers")
    expect(cite).to_have_class("cite active")
    page.screenshot(path=str(ARTIFACTS / "ask-citation-source.png"))


def test_empty_question_shows_an_error_not_a_trace(page: Page) -> None:
    page.locator("#question textarea").fill("   ")
    page.locator("#ask-button").click()
    error = page.locator('#answer [data-kind="error"]')
    expect(error).to_contain_text("The question is empty")
    expect(page.locator("body")).not_to_contain_text("Traceback")
    shot(page, "ask-error")


AMAZON = "How much has Amazon invested in Anthropic?"
AMAZON_ARTICLE = "002_9de286f62ec30d0e"


def ask(page: Page, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#ask-button").click()


def new_conversation(page: Page) -> None:
    page.get_by_role("tab", name="Ask").click()
    page.locator("#new-conversation").click()
    expect(page.locator("#answer")).to_contain_text("A new conversation")
    expect(page.locator("#answer .turn")).to_have_count(0)


def test_a_follow_up_is_understood_with_the_turn_before(page: Page) -> None:
    new_conversation(page)
    ask(page, AMAZON)
    first = page.locator('#answer .turn[data-turn="1"]')
    expect(first.locator("button.cite").first).to_be_visible()
    expect(first.locator(".understood-as")).to_have_count(0)

    ask(page, "And Google?")
    second = page.locator('#answer .turn[data-turn="2"]')
    expect(second.locator(".understood-as")).to_have_text(
        "Understood as: How much has Google invested in Anthropic?"
    )
    expect(second.locator(".answer-text")).to_contain_text("$2 billion")
    cite = second.locator("button.cite").first
    expect(cite).to_be_visible()
    expect(page.locator("#answer .turn").first).to_have_attribute("data-turn", "2")  # newest first
    expect(page.locator("#question textarea")).to_have_value("")  # ready for the next one
    shot(page, "ask-conversation")

    cite.click()  # opens the source in its own turn only: the first turn's [1] stays closed
    expect(second.locator("section.src-view:not([hidden]) mark")).to_contain_text("Google")
    expect(first.locator("section.src-view:not([hidden])")).to_have_count(0)

    page.get_by_role("button", name="Who is the CEO of Nvidia?").click()  # an example goes on
    expect(page.locator('#answer .turn[data-turn="3"] .asked')).to_contain_text("CEO of Nvidia")
    expect(page.locator("#answer .turn")).to_have_count(3)


def test_a_source_filter_narrows_the_citations(server: str, browser: Browser) -> None:
    page = open_page(browser, server)  # its own session: the filter must not leak into others
    ask(page, AMAZON)
    unfiltered = page.locator('#answer .turn[data-turn="1"] button.cite')
    expect(unfiltered.first).to_be_visible()
    others = [t for t in unfiltered.all_inner_texts() if AMAZON_ARTICLE not in t]
    assert others, "the unfiltered answer should cite more than the filtered article"

    page.locator("#filter-sources input").click()
    page.locator("#filter-sources input").fill(AMAZON_ARTICLE)
    page.get_by_role("option", name=AMAZON_ARTICLE, exact=False).click()
    page.keyboard.press("Escape")
    expect(page.locator("#filter-sources")).to_contain_text("Amazon’s $8 Billion")
    ask(page, AMAZON)

    turn = page.locator('#answer .turn[data-turn="2"]')
    expect(turn.locator('[data-kind="filters"]')).to_contain_text(f"sources {AMAZON_ARTICLE}")
    cited = turn.locator("button.cite")
    expect(cited.first).to_be_visible()
    texts = cited.all_inner_texts()
    assert texts and all(AMAZON_ARTICLE in t for t in texts), texts
    shot(page, "ask-source-filter")
    page.close()


def test_compare_flags_the_amazon_investment_disagreement(page: Page) -> None:
    page.get_by_role("tab", name="Compare").click()
    page.locator("#compare-question textarea").fill("How much has Amazon invested in Anthropic?")
    page.locator("#compare-button").click()
    flag = page.locator('#comparison [data-kind="disagreement"]').first
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("Sources disagree")
    expect(page.locator('#comparison [data-kind="disputed"]').first).to_be_visible()
    shot(page, "compare")


def test_sources_list_and_reader(page: Page) -> None:
    page.get_by_role("tab", name="Sources").click()
    expect(page.locator("#sources-table")).to_contain_text("002_9de286f62ec30d0e")
    page.locator("#sources-table").get_by_text("002_9de286f62ec30d0e").click()
    reader = page.locator('#reader [data-kind="article"]')
    expect(reader).to_contain_text("Amazon’s $8 Billion Anthropic Investment")
    shot(page, "sources")


def test_evaluate_an_upload_shows_scores_and_downloads(page: Page, tmp_path: Path) -> None:
    item = {
        "id": "b1",
        "type": "factoid",
        "question": "By how much did Lyft reduce customer service resolution time?",
        "answers": ["87%"],
        "sources": ["001_29c1b148ce65f1bc"],
        "evidence": ["reducing average customer service resolution time by 87%"],
    }
    upload = tmp_path / "mini.jsonl"
    upload.write_text(json.dumps(item) + "\n", encoding="utf-8")
    page.get_by_role("tab", name="Evaluate").click()
    page.locator("#eval-upload input[type=file]").set_input_files(str(upload))
    expect(page.locator("#eval-upload")).to_contain_text("mini.jsonl")
    page.locator("#eval-button").click()
    summary = page.locator('#eval-summary [data-kind="eval-summary"]')
    expect(summary).to_contain_text("upload: mini.jsonl", timeout=120_000)
    expect(page.locator("#eval-table")).to_contain_text("b1")
    expect(page.locator("#eval-json")).to_be_visible()
    with page.expect_download() as download:
        page.locator("#eval-json").click()
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert saved["dataset"] == "upload: mini.jsonl" and saved["questions"][0]["id"] == "b1"
    expect(page.locator("#eval-html")).to_be_visible()
    for chart in ("#eval-scores", "#eval-types"):
        expect(page.locator(f"{chart} svg.marks")).to_be_visible()
    shot(page, "evaluate")


@pytest.mark.parametrize(
    "path", ["/etc/passwd", str(ROOT / "pyproject.toml"), str(ROOT / "corpus" / "metadata.toml")]
)
def test_no_file_outside_the_app_is_served(server: str, path: str) -> None:
    try:
        with urllib.request.urlopen(f"{server}gradio_api/file={path}", timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    assert status in (403, 404)


# --- adding and removing an article (its own server: it changes the corpus) -------------------

NEW_ARTICLE = """Kestrel Tidal Ferries Expands Its Fleet

Kestrel Tidal Ferries is a fictional ferry operator based in the port town of Marrowick. In 2024 \
the company carried 3.2 million passengers across the Marrow Estuary. Kestrel Tidal Ferries now \
operates 14 electric ferries, each charged from tidal turbines at its two harbours. The company \
plans to retire its last diesel vessel by 2026.
"""
NEW_ID = "kestrel-ferries"
NEW_TITLE = "Kestrel Tidal Ferries Expands Its Fleet"
ONLY_IT_ANSWERS = "How many electric ferries does Kestrel Tidal Ferries operate?"


@pytest.fixture
def own_server(
    real_ingest: IngestReport, real_settings: Settings, tmp_path: Path
) -> Iterator[tuple[str, Path]]:
    """`rag serve` over copies of the corpus and of the session's index, which it may change.

    The copied index is current, so adding an article embeds only that article.
    """
    corpus = Path(shutil.copytree(real_settings.corpus_dir, tmp_path / "corpus"))
    index = Path(shutil.copytree(real_settings.index_dir, tmp_path / "index"))
    try:
        with serving(corpus, index, tmp_path / "serve.log", START_TIMEOUT) as url:
            yield url, corpus
    except ServerError as exc:
        pytest.fail(str(exc))


def ask_in_page(page: Page, question: str) -> None:
    """In a new conversation, so the page shows this answer alone."""
    new_conversation(page)
    ask(page, question)


def test_an_uploaded_article_is_cited_until_it_is_removed(
    own_server: tuple[str, Path], browser: Browser, tmp_path: Path
) -> None:
    url, corpus = own_server
    upload = tmp_path / "upload" / f"{NEW_ID}.txt"
    upload.parent.mkdir()
    upload.write_text(NEW_ARTICLE, encoding="utf-8")
    page = open_page(browser, url)

    page.get_by_role("tab", name="Sources").click()
    page.locator("#article-upload input[type=file]").set_input_files(str(upload))
    expect(page.locator("#article-upload")).to_contain_text(upload.name)
    page.locator("#add-article").click()
    added = page.locator('#sources-note [data-kind="corpus-changed"]')
    expect(added).to_contain_text(f"Added “{NEW_TITLE}”", timeout=180_000)
    expect(added).to_contain_text("1 added or changed")
    expect(page.locator("#sources-table")).to_contain_text(NEW_ID)
    expect(page.locator("#status")).to_contain_text("6 articles")
    shot(page, "sources-added")

    ask_in_page(page, ONLY_IT_ANSWERS)
    answer = page.locator('#answer [data-kind="answer"]')
    expect(answer.locator(".answer-text")).to_contain_text("14 electric ferries")
    expect(answer.locator("button.cite").first).to_contain_text(NEW_TITLE)
    expect(answer.locator("button.cite").first).to_contain_text(NEW_ID)
    shot(page, "ask-new-article")

    page.get_by_role("tab", name="Sources").click()
    page.locator("#sources-table").get_by_text(NEW_ID).click()
    expect(page.locator('#reader [data-kind="article"]')).to_contain_text("Marrowick")
    page.locator("#remove-article").click()
    confirm = page.locator("#confirm-remove")
    expect(confirm).to_have_text(f"Yes, remove “{NEW_TITLE}”")
    assert (corpus / upload.name).exists()  # nothing happens before the confirmation
    shot(page, "sources-confirm-remove")
    confirm.click()
    removed = page.locator('#sources-note [data-kind="corpus-changed"]')
    expect(removed).to_contain_text(f"Removed “{NEW_TITLE}”", timeout=180_000)
    expect(removed).to_contain_text("To restore it")
    expect(page.locator("#sources-table")).not_to_contain_text(NEW_ID)
    assert (corpus / ".removed" / upload.name).read_text(encoding="utf-8") == NEW_ARTICLE
    shot(page, "sources-removed")

    ask_in_page(page, ONLY_IT_ANSWERS)
    expect(page.locator('#answer [data-kind="abstained"]')).to_be_visible()
    expect(page.locator("#answer")).not_to_contain_text("14 electric ferries")
    shot(page, "ask-after-removal")
    page.close()
