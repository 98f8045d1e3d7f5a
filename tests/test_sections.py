"""A sentence under a dated section heading ("3.1.0 — 2024-06-18" above "Added Windows
support.") holds the date a "When …?" asks for, and its quote shows the heading; an article's
first line (its title) dates nothing, and an issue number ("#1412") is no year."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answer.extractive import dated_section
from rag.answer.timeline import timeline
from rag.chain import ask
from rag.engine import Engine
from rag.index.core import Index
from rag.text.cues import has_kind
from rag.text.dates import find_dates

CHANGELOG = """# Tidewater changelog 2024

## 3.1.0 — 2024-06-18

- Added Windows support for file watching.
- Fixed a crash when a path contained emoji (#1412).

## 3.0.0 — 2024-01-09

- Sync is now up to 3x faster.

## Notes

Releases ship when they are ready.
"""


@pytest.fixture
def corpus_dir(corpus_dir: Path) -> Path:
    (corpus_dir / "changelog.md").write_text(CHANGELOG, encoding="utf-8")
    return corpus_dir


def _rows_of(index: Index, doc_id: str) -> dict[str, int]:
    return {index.sentences[r].text: r for r in index.doc_sentence_rows(doc_id)}


def _rows(index: Index) -> dict[str, int]:
    return _rows_of(index, "changelog")


def test_each_sentence_knows_the_section_heading_it_stands_under(index: Index) -> None:
    rows = _rows(index)
    windows = rows["Added Windows support for file watching."]
    assert index.section_heading(windows) == rows["3.1.0 — 2024-06-18"]
    assert index.section_heading(rows["Releases ship when they are ready."]) == rows["Notes"]
    # the title heads the whole article: it is no section of it
    assert index.section_heading(rows["3.1.0 — 2024-06-18"]) is None
    for doc_id in ("alpha", "beta", "delta"):  # never a heading of another article
        rows_of = index.doc_sentence_rows(doc_id)
        assert all(index.section_heading(r) in (None, *rows_of) for r in rows_of)


def test_when_is_answered_by_the_date_of_the_section_heading(engine: Engine) -> None:
    answer = ask("When was Windows support added?", engine.settings, engine=engine)

    assert not answer.abstained
    [cited] = [c for c in answer.citations if "Windows support" in c.quote]
    assert cited.context == "3.1.0 — 2024-06-18"


def test_a_section_without_a_date_or_the_title_dates_nothing(engine: Engine) -> None:
    answer = ask("When do releases ship?", engine.settings, engine=engine)
    assert all(c.context != "Notes" for c in answer.citations + answer.related)


def test_an_issue_number_is_no_year() -> None:
    assert not has_kind("Fixed a crash when a path contained emoji (#1412).", "date")
    assert find_dates("Fixed a crash (#1412).") == []
    assert has_kind("Founded in 1412.", "date")


def test_the_timeline_dates_a_sentence_by_its_section(engine: Engine) -> None:
    found = timeline("Windows support", engine.settings, engine=engine)
    [claim] = [c for c in found.claims if "Windows support" in c.what]
    assert (claim.start, claim.date_text) == ("2024-06-18", "2024-06-18")
    assert claim.citation.context == "3.1.0 — 2024-06-18"


@pytest.fixture
def byline(corpus_dir: Path) -> Path:
    (corpus_dir / "blog.txt").write_text(
        "How fast is Tidewater?\nOpen Harbor blog, 20 November 2024\n\n"
        "We synced a folder of 40,000 files with Tidewater.\n",
        encoding="utf-8",
    )
    return corpus_dir


def test_one_dated_heading_is_a_byline_that_dates_no_sentence(byline: Path, index: Index) -> None:
    rows = _rows_of(index, "blog")
    heading, body = (
        rows["Open Harbor blog, 20 November 2024"],
        rows["We synced a folder of 40,000 files with Tidewater."],
    )
    assert index.section_heading(body) == heading
    assert dated_section(index, body) is None
    assert dated_section(index, _rows(index)["Added Windows support for file watching."])
