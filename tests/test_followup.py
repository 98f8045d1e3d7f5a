"""rag/answer/followup.py and rag/text/followup.py: follow-ups rewritten from the previous turn,
standalone questions left alone. Made-up names, so nothing here echoes the eval set."""

from __future__ import annotations

import pytest

from rag.answer.followup import rewrite
from rag.answer.followup import turn as turn_of
from rag.schema import Answer, Citation
from rag.text.followup import previous_turn, swap_target


def turn(question: str, quote: str = "", understood_as: str = "") -> Answer:
    cited = [Citation(n=1, doc_id="d", title="t", quote=quote, start=0, end=len(quote), score=1)]
    return Answer(
        question=question,
        text=quote,
        abstained=not quote,
        citations=cited if quote else [],
        understood_as=understood_as,
    )


INVEST = turn(
    "How much has Orion invested in Lumen?", "Orion agreed to invest $4 billion in Lumen."
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("And Nimbus?", "How much has Nimbus invested in Lumen?"),
        ("And Nimbus's?", "How much has Nimbus invested in Lumen?"),  # not "Nimbus's invested"
        ("What about Stratus?", "How much has Stratus invested in Lumen?"),
        ("and for Nimbus?", "How much has Nimbus invested in Lumen?"),
        ("When was that?", "When has Orion invested in Lumen?"),
        ("Why?", "Why has Orion invested in Lumen?"),
        ("And in 2023?", "How much has Orion invested in Lumen in 2023?"),
        ("Does it own a board seat?", "Does Orion own a board seat?"),
        ("What chips do they use?", "What chips do Orion use?"),
        ("Which sources say so?", "How much has Orion invested in Lumen?"),
    ],
)
def test_follow_ups_become_standalone_questions(question: str, expected: str) -> None:
    assert rewrite(question, [INVEST]) == expected


@pytest.mark.parametrize(
    "question",
    [
        "Who runs Vega Labs?",
        "How many customers use Nimbus accelerators?",
        "What is Nimbus selling its accelerators for?",  # "its" is Nimbus's own
        "Tell me about Stratus pricing",
    ],
)
def test_a_question_that_stands_alone_is_left_alone(question: str) -> None:
    assert rewrite(question, [INVEST]) == ""


def test_nothing_is_rewritten_without_history() -> None:
    assert rewrite("And Nimbus?", []) == ""


def test_the_latest_turn_is_read_as_it_was_understood() -> None:
    second = turn("And Nimbus?", understood_as="How much has Nimbus invested in Lumen?")
    assert rewrite("Why?", [INVEST, second]) == "Why has Nimbus invested in Lumen?"


def test_a_time_swap_replaces_the_previous_time_and_resolves_the_year() -> None:
    before = turn("What share did Nimbus hold at the start of 2025?")
    assert rewrite("And by the end of the year?", [before]) == (
        "What share did Nimbus hold by the end of 2025?"
    )
    assert rewrite("What about in 2026?", [before]) == "What share did Nimbus hold in 2026?"


def test_that_month_is_the_previous_turns_month() -> None:
    before = turn("What did Orion announce in November 2024?")
    assert rewrite("What did Lumen say that month?", [before]) == (
        "What did Lumen say November 2024?"
    )


def test_a_pronoun_after_a_name_asked_for_is_that_name() -> None:
    before = turn("Which lab designs the chips?", "The company designs the chips at Vega Labs.")
    assert previous_turn(turn_of(before)).antecedent == "Vega Labs"
    assert rewrite("Where is it based?", [before]) == "Where is Vega Labs based?"
    assert rewrite("Which sources say so?", [before]) == (
        "Which lab designs the chips — Vega Labs?"
    )


def test_an_ellipsis_reads_as_a_statement_of_the_previous_answer() -> None:
    before = turn("Which company rents processors by the hour?", "Stratus rents processors.")
    assert rewrite("How many processors?", [before]) == (
        "How many processors (Stratus rents processors by the hour)?"
    )


def test_the_swapped_name_is_the_clauses_subject_not_a_modifier() -> None:
    assert swap_target("What AI chips did Orion shelve?") == "Orion"
    assert swap_target("Who is the CEO of Orion?") == "Orion"
    assert rewrite("And Nimbus?", [turn("Who is the CEO of Orion?")]) == "Who is the CEO of Nimbus?"
    assert rewrite("And Nimbus's?", [turn("Who is the CEO of Orion?")]) == (
        "Who is the CEO of Nimbus?"
    )
    assert rewrite("And Nimbus's?", [turn("What is Orion's revenue?")]) == (
        "What is Nimbus's revenue?"
    )


def test_a_time_swap_reads_years_before_1900_too() -> None:
    before = turn("Who ruled Warsaw in 1830?")
    assert rewrite("And in 1795?", [before]) == "Who ruled Warsaw in 1795?"


def test_it_after_who_is_the_subject_not_the_person_answered() -> None:
    before = turn(
        "Who founded Vega Labs?",
        "Following the merger, Ada Quill started Vega Labs on an old campus.",
    )
    assert rewrite("How big is its campus?", [before]) == "How big is Vega Labs’s campus?"
    assert rewrite("When did she leave?", [before]) == "When did Ada Quill leave?"


def test_a_quote_opening_with_a_pronoun_is_not_a_name() -> None:
    before = turn("Who runs Lumen?", '"Our users need it," said Ada Quill, who runs Lumen.')
    assert rewrite("What did she say?", [before]) == "What did Ada Quill say?"


def test_who_was_answered_by_the_person_in_the_quote_not_the_first_name() -> None:
    before = turn("Who runs Lumen?", '"Users love Orion Cloud," said Ada Quill, who runs Lumen.')
    assert rewrite("What did she say?", [before]) == "What did Ada Quill say?"
    before = turn("Who runs Lumen?", "Lumen is run by Ada Quill and Nimbus by Bo Reyes.")
    assert rewrite("What did she say?", [before]) == "What did Ada Quill say?"


def test_who_was_answered_by_the_name_after_the_asked_word_as_the_quote_inflects_it() -> None:
    quote = "The Harbor Museum bought The Lantern Maker, by the painter Pieter van Aelst."
    before = turn("Who painted The Lantern Maker?", quote)
    assert rewrite("When did he die?", [before]) == "When did Pieter van Aelst die?"


def test_a_pronoun_after_what_about_is_the_topic_not_a_name_in_the_answer() -> None:
    before = turn(
        "What about the county?", "The county plans to spend $3.2 million along the Ash River."
    )
    assert not previous_turn(turn_of(before)).asks_for_name
    assert rewrite("When will it publish its data?", [before]) == (
        "When will the county publish the county’s data?"
    )


def test_it_after_what_caused_the_thing_is_the_thing_not_a_name_in_the_answer() -> None:
    before = turn(
        "What caused the outage?",
        "The outage began when an automated upgrade to Tessera 3.2 moved the nodes.",
    )
    assert not previous_turn(turn_of(before)).asks_for_name
    assert rewrite("How many customers did it affect?", [before]) == (
        "How many customers did the outage affect?"
    )
    # a question of its own after another: not re-asked with the one before
    port = turn("What is the default port?", "The default port remains 7400.")
    assert rewrite("What caused the outage?", [port]) == ""
    # "What company makes …" still asks for a name, and "it" is the name answered
    named = turn("What company makes Trainium?", "Amazon makes Trainium chips.")
    assert previous_turn(turn_of(named)).asks_for_name


def test_it_is_never_a_person_known_by_their_title() -> None:
    before = turn("What did Professor Ada Quill find?", "Professor Ada Quill found the cause.")
    assert rewrite("What did she find next?", [before]) == "What did Professor Ada Quill find next?"
    # "it" is something else: re-asked beside the previous question, not "paid for Professor …"
    assert rewrite("Who paid for it?", [before]) == (
        "Who paid for it (what did Professor Ada Quill find)?"
    )


def test_the_name_answered_extends_the_asked_name_and_is_no_bullet_label() -> None:
    before = turn(
        "Which Vega generation ships this year?",
        "Compute Capacity: Orion will add racks, with Vega3 chips shipping this year.",
    )
    assert previous_turn(turn_of(before)).answered == "Vega3"
    assert rewrite("What comes after it?", [before]) == "What comes after Vega3?"
    labelled = turn("Which lab designs the chips?", "Chip Design: the chips come from Vega Labs.")
    assert previous_turn(turn_of(labelled)).answered == "Vega Labs"
