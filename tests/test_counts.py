"""Counts in other words: a count of people for "How many employees …?", a FAQ's count in words
under its own "How many …?", the count of the thing asked among a sentence's numbers, and a
flag when sources count it differently (its rule: tests/test_disagreements.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.answer.comparison import compare
from rag.answer.extractive import _section_for_heading, score_rows
from rag.engine import Engine
from rag.text.cues import OTHER_THINGS, counted_things, cue_match, wanted_kinds
from rag.text.short_answers import counts_asked

FAQ = """# Recall: questions and answers

## How many people got sick?

Health authorities have reported eight cases of illness that may be linked to our products.

## Which products are affected?

Recalled products:
- Queso fresco, 10 oz, best by 04/02/2026
- Ricotta, 15 oz, best by 04/10/2026

No other products are affected.
"""
NOTICE = "Cheese recall notice\n\nAs of March 13, 2026, eight illnesses have been reported.\n"
STORY = "Cheese recall widens\n\nThe count of illnesses reported stands at 13 illnesses.\n"


@pytest.fixture
def corpus_dir(corpus_dir: Path) -> Path:
    (corpus_dir / "faq.md").write_text(FAQ, encoding="utf-8")
    (corpus_dir / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (corpus_dir / "story.txt").write_text(STORY, encoding="utf-8")
    return corpus_dir


def test_a_count_of_people_may_count_what_is_asked_in_other_words() -> None:
    question = "How many employees does the plant have?"
    kinds, things = wanted_kinds(question), counted_things(question)
    said = "The plant employs about 240 people."
    assert cue_match(kinds, said, things) == OTHER_THINGS  # as "1,204 adults" for patients
    assert cue_match(kinds, "The plant employs 240 staff.", things) == OTHER_THINGS
    assert cue_match(kinds, "The plant opened in 1962.", things) < OTHER_THINGS


def test_a_faqs_count_in_words_answers_its_own_how_many(engine: Engine) -> None:
    """Under "How many people got sick?", "eight cases of illness" is the source's count: a
    number in words counting other things, which elsewhere is no answer to a count of people."""
    rows = np.asarray(engine.index.doc_sentence_rows("faq"))
    scored = score_rows("How many people got sick?", rows, engine.retriever)
    best = scored[0]
    assert best.sentence.text.startswith("Health authorities have reported eight cases")
    assert best.cue == 1.0 and best.answers == "How many people got sick?"
    # the same sentence under no such question counts nothing asked
    kinds, things = wanted_kinds("How many people got sick?"), ("people",)
    assert cue_match(kinds, best.sentence.text, things) < OTHER_THINGS


def test_a_line_leading_into_a_list_is_answered_by_the_list(engine: Engine) -> None:
    question = "Which products are recalled?"
    rows = np.asarray(engine.index.doc_sentence_rows("faq"))
    scored = score_rows(question, rows, engine.retriever)
    lead = next(s for s in scored if s.sentence.text == "Recalled products:")
    ordered = [lead, *[s for s in scored if s is not lead]]
    answered = _section_for_heading(question, ordered, engine.index)
    assert [s.sentence.text for s in answered[:2]] == [
        "Queso fresco, 10 oz, best by 04/02/2026",
        "Ricotta, 15 oz, best by 04/10/2026",
    ]
    assert answered[0].score == lead.score
    assert len(answered) == len(scored)


def test_a_number_counts_what_is_asked_when_its_word_follows() -> None:
    question = "How many illnesses have been reported?"
    both = "Officials say 31,000 cases have been pulled, and the count stands at 13 illnesses."
    assert counts_asked(question, both, both.index("13") + 2)
    assert not counts_asked(question, both, both.index("31,000") + 6)


def test_compare_flags_sources_counting_differently_and_shows_no_year_as_a_count(
    engine: Engine,
) -> None:
    question = "How many illnesses have been reported?"
    comparison = compare(question, engine.settings, engine=engine)
    [flag] = [d for d in comparison.disagreements if d.kind == "count"]
    assert "says eight" in flag.summary and "says 13" in flag.summary
    notice = next(v for v in comparison.sources if v.doc_id == "notice")
    assert notice.statements[0].figures == []  # "2026" is no count of illnesses
