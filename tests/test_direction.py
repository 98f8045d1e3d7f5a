"""`compare` and `ask` on sources that say the thing asked about moved opposite ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answer.comparison import compare
from rag.chain import ask
from rag.engine import Engine

QUESTION = "Have phosphorus levels in the lake risen or fallen?"


@pytest.fixture
def corpus_dir(corpus_dir: Path) -> Path:
    (corpus_dir / "study.txt").write_text(
        "Lake study\n\nThe team found that phosphorus levels in the lake rose by 15% since 2021.\n",
        encoding="utf-8",
    )
    (corpus_dir / "union.txt").write_text(
        "Farmers reply\n\nThe union says phosphorus levels in the lake have fallen since 2019.\n",
        encoding="utf-8",
    )
    return corpus_dir


def test_compare_flags_sources_moving_opposite_ways(engine: Engine) -> None:
    found = compare(QUESTION, engine.settings, engine=engine)

    [flag] = [d for d in found.disagreements if d.kind == "direction"]
    assert {c.citation.doc_id for c in flag.claims} == {"study", "union"}
    assert "Lake study says it rose" in flag.summary
    assert "Farmers reply says it fell" in flag.summary


def test_ask_answers_with_both_sides(engine: Engine) -> None:
    answer = ask(QUESTION, engine.settings, engine=engine)

    assert answer.sources_differ
    assert {c.doc_id for c in answer.citations} == {"study", "union"}
    assert answer.text.startswith("Sources differ: ")
