"""Interviews and FAQs: a question in a source is answered by the sentences after it, which score
as close to a question as the source's own question does; the source's question itself is
never quoted as an answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.answer.extractive import score_rows
from rag.chain import ask
from rag.engine import Engine
from rag.index.core import Index

INTERVIEW = """Interview: the engineer behind the Kestrel dam
Valley Desk, 2 July 2025

Q: How many turbines does the dam run?
A: Of the 14 that were installed, 11 run today. That is enough for the whole valley.

Q: Why was the opening delayed?
A: The "spillway" cracked in testing. Repairs took a year.

Q: Is the reservoir full?
A: Not yet. It should be by late 2026, after two wet winters. Then we test again. And again.
"""


@pytest.fixture
def corpus_dir(corpus_dir: Path) -> Path:
    (corpus_dir / "interview.txt").write_text(INTERVIEW, encoding="utf-8")
    return corpus_dir


def _rows(index: Index) -> dict[str, int]:
    return {index.sentences[r].text: r for r in index.doc_sentence_rows("interview")}


def test_each_answer_knows_the_question_it_answers(index: Index) -> None:
    rows = _rows(index)
    turbines, delayed = (
        rows["Q: How many turbines does the dam run?"],
        rows["Q: Why was the opening delayed?"],
    )
    full = rows["Q: Is the reservoir full?"]
    answers = [
        ("A: Of the 14 that were installed, 11 run today.", turbines),
        ("That is enough for the whole valley.", turbines),
        ('A: The "spillway" cracked in testing.', delayed),
        ("Repairs took a year.", delayed),
        ("A: Not yet.", full),
        ("It should be by late 2026, after two wet winters.", full),
        ("Then we test again.", full),
        ("And again.", -1),  # past the answer's ANSWER_SENTENCES: no longer that answer
        ("Q: Is the reservoir full?", -1),  # a question answers nothing
        ("Valley Desk, 2 July 2025", -1),
    ]
    looked_up = np.asarray([rows[text] for text, _ in answers])
    expected = [row for _, row in answers]
    assert index.answered_question(looked_up).tolist() == expected
    # one by one (ask) and from the pass over every sentence (compare) alike
    every = np.arange(len(index.sentences))
    assert index.answered_question(every)[looked_up].tolist() == expected
    # and no sentence of another article answers a question
    others = [r for r in every if index.sentences[int(r)].doc_id != "interview"]
    assert (index.answered_question(np.asarray(others)) == -1).all()


def test_an_interviews_answer_is_quoted_with_its_question_not_the_question(
    engine: Engine,
) -> None:
    answer = ask("How many turbines does the dam run?", engine.settings, engine=engine)
    assert not answer.abstained
    first = answer.citations[0]
    assert first.quote == "A: Of the 14 that were installed, 11 run today."
    assert first.context == "Q: How many turbines does the dam run?"
    assert all(not c.quote.endswith("?") for c in answer.citations)


def test_an_answer_without_the_kind_asked_for_does_not_borrow_its_questions_closeness(
    engine: Engine,
) -> None:
    """ "When …?" asks for a date: under "Is the reservoir full?", "It should be by late 2026"
    holds one and stands as close as that question; "A: Not yet." holds none, so it scores as
    itself, far below (every sentence scored, as compare does)."""
    every = np.arange(len(engine.index.sentences))
    scored = score_rows("When will the reservoir be full?", every, engine.retriever)
    assert scored[0].sentence.text == "It should be by late 2026, after two wet winters."
    not_yet = next(s for s in scored if s.sentence.text == "A: Not yet.")
    assert not_yet.score < engine.settings.abstain_threshold
    # a question asking no kind of answer is answered by it, as before
    answer = ask("Is the reservoir full?", engine.settings, engine=engine)
    assert answer.citations[0].quote == "A: Not yet."
