"""End to end: `rag serve` on a free loopback port, driven by Debian's headless Chromium.

Real model, real corpus (conftest's session index). Screenshots go to test-artifacts/.
Skipped only when /usr/bin/chromium is missing and CI is unset (`make browser` installs it).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from rag.config import Settings
from rag.engine import Engine
from rag.eval.dataset import TYPES
from rag.eval.gate import check, load_thresholds
from rag.eval.harness import load_dataset, run_eval
from rag.eval.report import write_html
from rag.ingestion import IngestReport
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
LYFT = "By how much did Lyft reduce customer service resolution time?"
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

    # an example (the eval set's first unanswerable question) goes on the conversation
    page.get_by_role("button", name="How many employees does Anthropic have?").click()
    expect(page.locator('#answer .turn[data-turn="3"] .asked')).to_contain_text("employees")
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


def test_thumbs_down_should_have_abstained_is_drafted_as_unanswerable(
    page: Page, real_settings: Settings, tmp_path: Path
) -> None:
    import re

    from typer.testing import CliRunner

    from rag.cli import app

    question = "Who is the CEO of Nvidia?"
    new_conversation(page)
    expect(page.locator("#feedback").first).to_be_hidden()  # nothing to rate yet
    ask(page, question)
    expect(page.locator('#answer .turn[data-turn="1"] .asked')).to_contain_text(question)
    expect(page.locator("#feedback-turn input")).to_have_value(f"1. {question}")  # the newest
    page.locator("#feedback-down").click()
    expect(page.locator("#feedback-status")).to_contain_text("👎 chosen")
    expect(page.locator("#feedback-down")).to_have_class(re.compile(r"\bprimary\b"))
    page.locator("#feedback-reason input").click()
    page.get_by_role("option", name="should have abstained").click()
    page.locator("#feedback-note textarea").fill("none of the articles names a CEO")
    page.locator("#feedback-send").click()
    expect(page.locator("#feedback-status")).to_contain_text("Thanks — saved (#")
    expect(page.locator("#feedback-note textarea")).to_have_value("")
    expect(page.locator("#feedback-down")).to_have_class(re.compile(r"\bsecondary\b"))
    shot(page, "ask-feedback")

    out = tmp_path / "from-feedback.jsonl"
    index = str(real_settings.index_dir)
    result = CliRunner().invoke(app, ["feedback", "export", "--to", str(out), "--index", index])
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    (item,) = [i for i in items if i["question"] == question]
    assert item["type"] == "unanswerable" and item["draft"] is True
    assert item["answers"] == item["sources"] == item["evidence"] == []
    assert item["note"] == "should have abstained: none of the articles names a CEO"


def test_compare_flags_the_amazon_investment_disagreement(page: Page) -> None:
    page.get_by_role("tab", name="Compare").click()
    page.locator("#compare-question textarea").fill("How much has Amazon invested in Anthropic?")
    page.locator("#compare-button").click()
    flag = page.locator('#comparison [data-kind="disagreement"]').first
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("Sources disagree")
    expect(page.locator('#comparison [data-kind="disputed"]').first).to_be_visible()
    shot(page, "compare")


def test_compare_charts_each_sources_figure_above_the_table(page: Page) -> None:
    page.get_by_role("tab", name="Compare").click()
    page.locator("#compare-question textarea").fill(AMAZON)
    page.locator("#compare-button").click()
    chart = page.locator('#comparison [data-kind="figure-chart"] svg[role="img"]')
    expect(chart).to_be_visible()
    table = page.locator("#comparison table.compare")
    assert chart.bounding_box()["y"] < table.bounding_box()["y"]  # type: ignore[index]
    bars = chart.locator("g.bar")
    drawn = {
        float(b.get_attribute("data-value") or 0): b.get_attribute("data-label") or ""
        for b in bars.all()
    }
    assert {5e9, 20e9, 8e9, 25e9} <= set(drawn), drawn
    assert drawn[5e9].endswith("$5 billion") and "up to" in drawn[20e9]
    assert drawn[8e9].endswith("cumulative $8 billion")
    assert drawn[25e9].endswith("potential $25 billion")
    for value, label in drawn.items():  # the label is on the page, not only in an attribute
        bar = bars.filter(has=page.locator(f'text:text-is("{label}")'))
        expect(bar).to_have_count(1)
        expect(bar.locator("rect")).to_be_visible()
        assert value > 0
    expect(chart.locator("text", has_text="$25B").first).to_be_visible()  # the axis, in $B
    chart.screenshot(path=str(ARTIFACTS / "compare-chart.png"))


def test_eval_report_charts_thresholds_and_latency(
    real_engine: Engine, browser: Browser, tmp_path: Path
) -> None:
    """A small run of the real set, written as `rag eval --html` writes it, opened from disk."""
    items = load_dataset(ROOT / "evals" / "qa.jsonl")
    picked = [i for kind in TYPES for i in [x for x in items if x.type == kind][:2]]
    report = run_eval(
        picked, real_engine, "evals/qa.jsonl (2 per type)", baseline="langchain-naive"
    )
    checks = check(report.aggregates, load_thresholds(ROOT / "evals" / "thresholds.toml"))
    write_html(tmp_path / "eval.html", report, checks)
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.goto((tmp_path / "eval.html").as_uri())

    gated = [c for c in checks if not c.skipped]
    assert gated
    for c in gated:
        mark = tab.locator(
            f'svg.metric-chart g.threshold[data-group="{c.group}"][data-metric="{c.metric}"]'
        )
        expect(mark).to_have_count(1)
        expect(mark).to_have_attribute("data-threshold", f"{c.threshold:.12g}")
        expect(mark).to_have_class(f"threshold {'met' if c.passed else 'missed'}")
        expect(mark.locator("text")).to_have_text(f"{'max' if c.is_max else 'min'} {c.threshold:g}")
        expect(mark).to_be_visible()  # (its line alone is 0 px wide: "hidden" to Playwright)
        expect(mark.locator("line")).to_have_attribute("stroke-width", "2.5")
    hit_rate = tab.locator('svg.metric-chart[aria-label="answer hit rate per question type"]')
    expect(hit_rate.locator('g.score[data-system="langchain-naive"]').first).to_be_visible()

    latency = tab.locator("svg.latency-chart")
    expect(latency).to_be_visible()
    counts = [int(b.get_attribute("data-count") or -1) for b in latency.locator("g.bin").all()]
    assert sum(counts) == len(picked)
    overall = report.aggregates["overall"]
    for name, value in (("p50", overall.latency_p50_ms), ("p95", overall.latency_p95_ms)):
        mark = latency.locator(f'g.percentile[data-label="{name}"]')
        expect(mark).to_have_attribute("data-value", f"{value:.12g}")
        expect(mark.locator("text")).to_have_text(f"{name} {value:.0f} ms")

    first = tab.locator(".charts").first.bounding_box()
    last = latency.bounding_box()
    assert first and last
    bottom = last["y"] + last["height"] + 10
    clip = {"x": 0, "y": first["y"] - 40, "width": 1400, "height": bottom - first["y"] + 40}
    tab.screenshot(path=str(ARTIFACTS / "eval-charts.png"), clip=clip, full_page=True)
    tab.close()


def test_the_conversation_downloads_as_markdown(server: str, browser: Browser) -> None:
    page = open_page(browser, server)  # its own session: a conversation of one turn
    button = page.locator("#download-conversation-md")
    expect(button).to_be_hidden()  # nothing to download yet
    ask(page, LYFT)
    expect(page.locator('#answer [data-kind="answer"] .answer-text')).to_contain_text("87%")
    expect(button).to_be_visible()
    expect(page.locator("#download-conversation-json")).to_be_visible()
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "conversation.md"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith(f"# Conversation\n\n## 1. {LYFT}\n")
    assert "by 87%" in text and "[^1-1]" in text
    note = next(line for line in text.splitlines() if line.startswith("[^1-1]: "))
    assert "(`001_29c1b148ce65f1bc`, chars " in note and "✓ verified" in note
    shot(page, "ask-download")
    page.close()


def test_the_comparison_downloads_as_csv(server: str, browser: Browser) -> None:
    page = open_page(browser, server)
    page.get_by_role("tab", name="Compare").click()
    page.locator("#compare-question textarea").fill(AMAZON)
    page.locator("#compare-button").click()
    expect(page.locator('#comparison [data-kind="disagreement"]').first).to_be_visible()
    button = page.locator("#download-compare-csv")
    expect(button).to_be_visible()
    for other in ("md", "json"):
        expect(page.locator(f"#download-compare-{other}")).to_be_visible()
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "comparison.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    header, *rows = csv.reader(io.StringIO(text))
    assert header[:3] == ["doc_id", "title", "quote"] and rows
    assert AMAZON_ARTICLE in {row[0] for row in rows}
    assert any(row[header.index("disputed")] == "true" for row in rows)
    page.close()


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
    # Gradio lays a file's name out as stem and extension ("mini .jsonl" as text) on some runs
    expect(page.locator("#eval-upload")).to_contain_text(re.compile(r"mini\s*\.jsonl"))
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
    # the file widget shows the name once the upload reached the server: seconds on a busy host
    expect(page.locator("#article-upload")).to_contain_text(upload.name, timeout=60_000)
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


def test_timeline_tab_lists_the_dated_investment_steps_in_order(
    server: str, browser: Browser
) -> None:
    tab = open_page(browser, server)
    tab.get_by_role("tab", name="Timeline").click()
    tab.locator("#timeline-topic textarea").fill("Amazon's investment in Anthropic")
    tab.locator("#timeline-button").click()
    rows = tab.locator("#timeline tr.claim")
    expect(rows.first).to_be_visible()
    starts = [s for s in (r.get_attribute("data-start") for r in rows.all()) if s]
    assert starts == sorted(starts)
    september = tab.locator('#timeline tr.claim[data-start="2024-09-01"]').first
    november = tab.locator('#timeline tr.claim[data-start="2024-11-01"]').first
    expect(september).to_contain_text("Cleared")
    expect(november).to_contain_text("$4 billion")
    expect(november).to_contain_text("verified")
    expect(tab.locator('#timeline [data-kind="timeline-chart"] svg')).to_be_visible()
    shot(tab, "timeline")
    with tab.expect_download() as download:
        tab.locator("#download-timeline-csv").click()
    assert download.value.suggested_filename == "timeline.csv"
    header, *rows = csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8")))
    assert rows and "November 2024" in {row[header.index("date")] for row in rows}
    tab.close()
