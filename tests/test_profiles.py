"""A profile names a person in full once, then by surname ("Tomás Ibáñez" … "Ibáñez left");
it tells a series apart by place ("their debut album", "The second album"). A "Who …?" is
answered by the surname's sentence, and a question on the debut is not by the second's."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answer.extractive import person_named
from rag.retrieval import Retriever
from rag.text.names import full_person_names, given_names
from rag.text.tokens import terms
from tests.conftest import scored_by_text

PROFILE = """Saltmarsh Choir
Saltmarsh Choir is an English indie folk band formed in 2009 in Whitby. The band consists of \
Maren Oduya (vocals), Tomás Ibáñez (guitar) and Lewis Crane (drums).

Career
Their debut album, Low Tide Hymns, was released on 4 May 2012 and sold 40,000 copies.
The second album, Iron Coast, was recorded in Bergen. It sold about 60,000 copies in its first year.
In 2019 Ibáñez left the band to work as a session musician in Madrid. He was replaced by Alys \
Penhale.
"""


# a story with a paragraph per line: "The record" refers back across the line break
NEWS = """Saltmarsh Choir return
The band will release their fourth album, Driftwood Psalms, in April.
The record was produced by Gethin Rowlands in Aberaeron.
"""


@pytest.fixture
def corpus_dir(corpus_dir: Path) -> Path:
    (corpus_dir / "profile.txt").write_text(PROFILE, encoding="utf-8")
    (corpus_dir / "news.txt").write_text(NEWS, encoding="utf-8")
    return corpus_dir


def test_a_surname_alone_names_whom_the_article_named_in_full(retriever: Retriever) -> None:
    left = "In 2019 Ibáñez left the band to work as a session musician in Madrid."
    assert scored_by_text("Who left the band in 2019?", "profile", retriever)[left].cue == 1.0
    # a surname the question itself gives is nobody else
    assert scored_by_text("Who did Ibáñez work for in 2019?", "profile", retriever)[left].cue == 0.0


def test_a_person_asked_in_full_is_named_by_surname(retriever: Retriever) -> None:
    question = "Who replaced Tomás Ibáñez?"
    replaced = scored_by_text(question, "profile", retriever)["He was replaced by Alys Penhale."]
    assert person_named(replaced, question, retriever)
    # not someone the article never names in full
    assert not person_named(replaced, "Who replaced Pablo Ibáñez?", retriever)


def test_a_statement_on_another_of_a_series_answers_nothing(retriever: Retriever) -> None:
    scored = scored_by_text("How many copies did the debut album sell?", "profile", retriever)
    debut = "Their debut album, Low Tide Hymns, was released on 4 May 2012 and sold 40,000 copies."
    # "It" refers back to "The second album": its "first year" is no place in the series
    second = "It sold about 60,000 copies in its first year."
    assert scored[debut].score > 0
    assert scored[second].score == 0.0
    assert (
        scored_by_text("How many copies did the second album sell?", "profile", retriever)[
            second
        ].score
        > 0
    )


def test_full_names_and_given_names() -> None:
    assert full_person_names("Singer Maren Oduya met Amazon CEO Andy Jassy.") == (
        "Maren Oduya",
        "Andy Jassy",
    )
    assert full_person_names("Harbour Lane Records and The New York Times") == ()
    assert given_names("Who replaced Tomás Ibáñez?") == terms("Tomás")


def test_a_work_referred_back_to_on_the_next_line_is_that_work(retriever: Retriever) -> None:
    record = "The record was produced by Gethin Rowlands in Aberaeron."
    assert scored_by_text("Who produced the fourth album?", "news", retriever)[record].score > 0
    # it is the fourth album's producer, not the debut's
    assert scored_by_text("Who produced the debut album?", "news", retriever)[record].score == 0.0
