"""A dated heading naming what a "When …?" question asks about states the answer itself:
"3.1.0 — 2024-06-18" for "When was 3.1.0 released?" in a changelog."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.answer.extractive import HEADING_FACTOR, _combined, _section_for_heading, score_rows
from rag.engine import Engine

CHANGELOG = """# Tidewater changelog

## 3.2.0 — 2024-11-04

- Dropped support for Python 3.8.

## 3.1.0 — 2024-06-18

- Fixed a crash when a path contained emoji.
"""


@pytest.fixture
def corpus_dir(corpus_dir: Path) -> Path:
    (corpus_dir / "changelog.md").write_text(CHANGELOG, encoding="utf-8")
    return corpus_dir


def _scored(engine: Engine, question: str) -> dict[str, tuple[float, float]]:
    """Each changelog heading's score, and what it would score as a sentence."""
    rows = np.asarray(engine.index.doc_sentence_rows("changelog"))
    return {
        s.sentence.text: (s.score, _combined(s.dense, s.lexical, s.cue))
        for s in score_rows(question, rows, engine.retriever)
        if s.sentence.heading
    }


def test_a_dated_heading_naming_the_version_asked_is_not_marked_down(engine: Engine) -> None:
    scored = _scored(engine, "When was 3.1.0 released?")
    score, full = scored["3.1.0 — 2024-06-18"]
    assert score == pytest.approx(full)
    other, other_full = scored["3.2.0 — 2024-11-04"]  # another version's date: a topic
    assert other == pytest.approx(other_full * HEADING_FACTOR)
    # nor for a question not asking when
    score, full = _scored(engine, "What changed in 3.1.0?")["3.1.0 — 2024-06-18"]
    assert score == pytest.approx(full * HEADING_FACTOR)


def test_a_heading_that_matches_best_is_answered_by_its_section(engine: Engine) -> None:
    """ "Known issues" is a topic: the sentences under it answer, at its score; a dated heading
    answering "When …?" answers itself."""
    rows = np.asarray(engine.index.doc_sentence_rows("changelog"))
    for question, stays in (("What changed in 3.2.0?", False), ("When was 3.2.0 out?", True)):
        scored = score_rows(question, rows, engine.retriever)
        heading = next(s for s in scored if s.sentence.text == "3.2.0 — 2024-11-04")
        ordered = [heading, *[s for s in scored if s is not heading]]
        answered = _section_for_heading(question, ordered, engine.index)
        if stays:
            assert answered[0] is heading
        else:
            assert answered[0].sentence.text == "Dropped support for Python 3.8."
            assert answered[0].score == heading.score
            assert "3.1.0 — 2024-06-18" not in {s.sentence.text for s in answered[:1]}
            assert len(answered) == len(scored)  # the section's sentence is not counted twice
