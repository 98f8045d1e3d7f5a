"""End to end: `rag serve` on a free loopback port, driven by Debian's headless Chromium.

Real model, real corpus (conftest's session index). Screenshots go to test-artifacts/.
Skipped only when /usr/bin/chromium is missing and CI is unset (`make browser` installs it).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

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
def page(server: str) -> Iterator[Page]:
    if not CHROMIUM.exists():  # only reached under CI, where the browser test must run
        pytest.fail(f"CI is set but {CHROMIUM} is missing: run `make browser` first.")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.set_default_timeout(60_000)
        tab.goto(server)
        expect(tab.locator("#status")).to_contain_text("articles", timeout=60_000)
        yield tab
        browser.close()


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
