"""A name the question asks about that no source mentions is said so (`Answer.unmentioned`), in
the CLI, the web UI and the exports: "Krakow" asked of a collection about Warsaw, or a misspelt
name, gets an answer about something else, and the reader is told."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.chain import ask
from rag.config import Settings
from rag.engine import Engine, build_engine
from rag.ingestion import ingest
from rag.render.export import to_markdown
from rag.text.names import (
    asked_figures,
    asked_lettered,
    asked_names,
    initialled,
    name_held,
    names_held,
    question_entities,
)
from rag.text.tokens import terms
from tests.conftest import FakeEmbedder
from tests.test_cli import invoke, said
from ui.render import conversation_html


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("How much did Orion invest in Lumen?", ["Orion", "Lumen"]),
        ("Orion invested how much?", []),  # a sentence's first word is capitalised anyway
        ("What did I ask? And Nimbus?", ["Nimbus"]),
        ("What did Orion's U.S. unit pay?", ["Orion", "U.S"]),
        ("how much did orion invest?", []),
        ("¿Cuánto invirtió Orion?", ["Orion"]),  # an opening mark opens the sentence too
    ],
)
def test_the_names_a_question_asks_about(question: str, names: list[str]) -> None:
    assert asked_names(question) == names


def test_a_name_no_source_mentions_is_listed(engine: Engine) -> None:
    answer = ask("How much did Orion invest in Lumenn?", engine.settings, engine=engine)
    assert answer.unmentioned == ["Lumenn"]


def test_names_the_sources_mention_are_not_listed(engine: Engine) -> None:
    for question in ("How much did Orion invest in Lumen?", "How much did Oríon invest?"):
        assert ask(question, engine.settings, engine=engine).unmentioned == []


def test_a_place_the_sources_name_by_its_adjective_is_mentioned(
    corpus_dir: Path, settings: Settings, embedder: FakeEmbedder
) -> None:
    """The stemmer keeps "Europe" and "European" apart: a longer held word of the same root
    mentions it; a misspelling stays unmentioned, longer ("Lumenn") or cut short ("Jasy")."""
    (corpus_dir / "filing.txt").write_text(
        "Orion will seek European approval in the spring. Its Chinese rivals wait. Andy Jassy",
        encoding="utf-8",
    )
    ingest(settings, embedder)
    retriever = build_engine(settings, embedder).retriever
    assert retriever.unmentioned(["Europe", "China", "Lumenn", "Jasy"]) == ["Lumenn", "Jasy"]


def test_a_follow_up_is_checked_as_the_question_it_stands_for(engine: Engine) -> None:
    first = ask("How much did Orion agree to invest in Lumen?", engine.settings, engine=engine)
    second = ask("And Nimbuss?", engine.settings, engine=engine, history=[first])
    assert second.understood_as and second.unmentioned == ["Nimbuss"]


def test_the_cli_the_ui_and_the_export_say_so(rag: CliRunner, engine: Engine) -> None:
    note = 'No source mentions "Lumenn": check the spelling'
    result = invoke(rag, "ask", "How much did Orion invest in Lumenn?")
    assert result.exit_code == 0, result.output
    assert note in said(result.stdout)
    answer = ask("How much did Orion invest in Lumenn?", engine.settings, engine=engine)
    assert note in to_markdown(answer)
    html = conversation_html([answer], engine.index.articles)
    assert 'data-kind="unmentioned"' in html and "Lumenn" in html
    clean = ask("How much did Orion invest in Lumen?", engine.settings, engine=engine)
    assert "No source mentions" not in to_markdown(clean) + conversation_html([clean], {})


def test_compare_says_so_too(engine: Engine) -> None:
    from rag.answer.comparison import compare

    comparison = compare("How much did Orion invest in Lumenn?", engine.settings, engine=engine)
    assert comparison.unmentioned == ["Lumenn"]
    assert comparison.notes[0].startswith('No source mentions "Lumenn"')
    clean = compare("How much did Orion invest in Lumen?", engine.settings, engine=engine)
    assert clean.unmentioned == [] and not any("No source" in n for n in clean.notes)


@pytest.fixture
def corpus_dir(corpus_dir: Path) -> Path:
    (corpus_dir / "epsilon.txt").write_text(
        "Orion names a new leader\n\n"
        "Orion chief executive Dana Reyes said the chips ship in May.\n"
        "Orion raised $48 million in a Series B round before World War II ended.\n",
        encoding="utf-8",
    )
    return corpus_dir


@pytest.mark.parametrize(
    ("question", "lettered"),
    [
        ("How much did Orion raise in its Series A?", ["Series A"]),
        ("What did the Phase 3 trial find, and who was Philip I?", ["Phase 3", "Philip I"]),
        # a date, a question word or a determiner before a letter or a number: no such name
        ("On January 7, what U.S. entity ruled? What U.S. body? The 4 centers?", []),
    ],
)
def test_the_names_told_apart_by_a_letter_or_digit(question: str, lettered: list[str]) -> None:
    assert asked_lettered(question) == lettered


def test_a_name_told_apart_by_a_letter_no_source_writes_abstains(engine: Engine) -> None:
    """ "Series A" matched "Series B" word for word: the letter is no word for the search."""
    answer = ask("How much did Orion raise in its Series A?", engine.settings, engine=engine)
    assert answer.abstained and answer.unmentioned == ["Series A"]
    for written in ("How much did Orion raise in its Series B?", "Who won before World War 2?"):
        assert ask(written, engine.settings, engine=engine).unmentioned == []
    # a name no source mentions at all is said once, not again with its letter
    unseen = ask("What did Orion raise in its Tranche A?", engine.settings, engine=engine)
    assert unseen.unmentioned == ["Tranche"]


def test_a_title_asked_by_its_initials_is_mentioned_when_spelled_out(engine: Engine) -> None:
    answer = ask("Who is Orion's CEO?", engine.settings, engine=engine)
    assert answer.unmentioned == []
    assert ask("Who is Orion's CFO?", engine.settings, engine=engine).unmentioned == ["CFO"]


def test_a_sentence_names_a_title_written_out() -> None:
    held = terms("Orion chief executive Dana Reyes said the chips ship in May.")
    assert names_held(question_entities("Who is Orion's CEO?"), held)
    assert not names_held(question_entities("Who is Orion's CFO?"), held)
    assert not names_held(question_entities("Who is Nimbus's CEO?"), held)


@pytest.mark.parametrize(
    ("question", "figures"),
    [
        ("Who passed the Scotland Act of 1988?", ["1988"]),
        ("There are 231 seats in which chamber?", ["231"]),
        ("What did it cost, $412 million in 2025, in pre-1875 money?", ["412", "2025", "1875"]),
        # written in too many ways for a word-for-word check: commas, decimals, decades, units
        ("How many in the 1990s or 1950's, for $1.5 billion or 1,000 or 103.5FM?", []),
        ("Who won Super Bowl 50 in 9999?", []),  # short numbers, not a year
    ],
)
def test_the_figures_a_question_asks_about(question: str, figures: list[str]) -> None:
    assert asked_figures(question) == figures


def test_a_year_no_source_mentions_abstains_and_says_so(engine: Engine) -> None:
    answer = ask("How much did Orion invest in Lumen in 2012?", engine.settings, engine=engine)

    assert answer.abstained and answer.related  # the closest passages, $4 billion among them
    assert answer.unmentioned == ["2012"]
    assert answer.reason == 'No source mentions "2012".'
    assert 'No source mentions "2012": the passages below may be about another' in to_markdown(
        answer
    )


def test_a_quarter_is_held_written_out_or_as_its_initials() -> None:
    assert initialled("What was revenue in the third quarter?") == "What was revenue in the Q3?"
    assert name_held("q3", terms("Revenue rose in the third quarter."))
    assert name_held("q3", terms("Q3 2024 | $378 million"))
    assert not name_held("q3", terms("Revenue rose in the fourth quarter."))
