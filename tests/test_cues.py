"""rag/text/cues.py: what a question asks for, and which kinds of answer a sentence holds."""

from __future__ import annotations

import pytest

from rag.text.cues import (
    asks_status,
    counted_things,
    counts,
    cue_match,
    kinds_in,
    numbers_in,
    wanted_kinds,
)
from rag.text.kinds import Kind


@pytest.mark.parametrize(
    "text",
    [
        "Anthropic is integrated into Microsoft's Foundry 12—reveals it.",
        "Claude Code Desktop is similarly accessible through Bedrock 32,33, and more.",
        "Anthropic trains its most advanced models on AWS Trainium 25, embedding its core.",
    ],
)
def test_bare_reference_numbers_are_no_figure(text: str) -> None:
    assert not kinds_in(text) & {"number", "count"}


def test_a_number_going_on_past_a_mark_is_no_reference_number() -> None:
    """ "About 1,400" and "Python 3.9" were read as a reference " 1" or " 3" and a rest."""
    assert numbers_in("About 1,400 customers moved to Python 3.9, then 3.10.") == {
        "1,400",
        "3.9",
        "3.10",
    }
    assert "count" in kinds_in("About 1,400 customers were affected.")
    assert numbers_in("Claude Code Desktop is accessible through Bedrock 32,33, and more.") == set()


@pytest.mark.parametrize(
    ("text", "dated"),
    [
        ("The firewall rule was updated at 12:40, and writes resumed at 12:52.", True),
        ("The office opens at 9 a.m. on weekdays.", True),
        ("They met at noon.", True),
        ("The ratio was 3:1.", False),
        ("She ran it in 1:02:33.", False),
    ],
)
def test_a_time_of_day_answers_when(text: str, dated: bool) -> None:
    assert ("date" in kinds_in(text)) is dated
    assert wanted_kinds("What time did writes resume?") == (Kind.DATE,)


def test_a_digit_inside_a_name_is_no_number() -> None:
    assert "number" not in kinds_in("Anthropic will use Trainium2 and Trainium3 chips.")
    assert "number" in kinds_in("It moved from Claude 3 to GPT-4.")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Over 100,000 customers run Claude.", "count"),
        ("It will run for over 10 years.", "number"),
        ("Google invested $2 billion.", "money"),
        ("Costs fell by 55%.", "percent"),
    ],
)
def test_real_figures_are_kept(text: str, kind: str) -> None:
    assert kind in kinds_in(text)


def test_the_most_specific_wanted_kind_scores_highest() -> None:
    kinds = wanted_kinds("How much has Google put into Anthropic?")
    assert kinds[0] == "money"
    assert cue_match(kinds, "Google invested $2 billion.") == 1.0
    assert cue_match(kinds, "Google's 8th-generation TPUs are central.") == 0.6
    assert cue_match(kinds, "Google is a partner.") == 0.0


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Can customers already use the Claude Platform?", True),
        ("Is the Claude Platform on AWS still upcoming?", True),
        ("How many customers run Claude on Bedrock?", False),
    ],
)
def test_questions_about_availability(question: str, asks: bool) -> None:
    assert asks_status(question) is asks


def test_a_count_must_count_what_the_question_asks_about() -> None:
    question = "How many customers use Claude on Bedrock?"
    kinds, things = wanted_kinds(question), counted_things(question)
    assert things == ("customers", "use")
    assert cue_match(kinds, "Over 100,000 customers already run Claude.", things) == 1.0
    # counting something else: the count asked for in other words, or not (OTHER_THINGS)
    assert cue_match(kinds, "Scientists search through 20,000 documents.", things) == 0.8
    assert cue_match(kinds, "Usage rose to 80% of all calls.", things) == 0.6  # a share
    assert cue_match(kinds, "It ran on Bedrock for 24 weeks.", things) == 0.6  # a span of time
    assert cue_match(kinds, "Claude is on Bedrock.", things) == 0.0
    gigawatts = counted_things("How many gigawatts will Anthropic get?")
    assert cue_match(("count", "number"), "It gets up to 5 gigawatts.", gigawatts) == 1.0
    assert counted_things("How many enterprise customers run Claude?")[:2] == (
        "enterprise",
        "customers",
    )
    assert counted_things("How much has Google invested?") == ()


@pytest.mark.parametrize(
    ("text", "things", "counted"),
    [
        ("It serves 100,000 enterprise customers.", ("customers",), True),
        ("Nearly 300 companies signed up.", ("company",), True),
        ("It has 300 custom chips.", ("customers",), False),  # "custom" is no customer
        ("Bedrock 32,33, and more customers.", ("customers",), False),  # a reference number
        ("A coalition of 12 major technology and finance companies.", ("companies",), True),
        ("API call reduction from 5 to 1.", ("api", "calls"), True),  # the thing before it
        ("The DMCA takedown swept 8,100 repositories 23,42—further harm.", ("repositories",), True),
        ("About 80% of customers use the API.", ("customers",), False),  # a share
    ],
)
def test_counts_of_a_thing(text: str, things: tuple[str, ...], counted: bool) -> None:
    assert counts(text, things) is counted


@pytest.mark.parametrize(
    "sentence",
    ["Harvard was formed in 1636 by vote of the Great and General Court.", "It opened in 2024."],
)
def test_a_year_of_any_century_answers_when(sentence: str) -> None:
    assert cue_match(wanted_kinds("When was it formed?"), sentence) == 1.0


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("When did it open?", (Kind.DATE,)),
        ("When exactly was it built?", (Kind.DATE,)),
        ("Since when?", (Kind.DATE,)),
        ("Prior to the merger, when were they last profitable?", (Kind.DATE,)),
        ("How old was Manning when he played his last game?", ()),  # an age
        ("Who fumbled the ball when tackled by Stewart?", (Kind.PERSON,)),
        # "What is the … date of …?" asks for a date too; "up to date", "who set the date" not
        ("What is the founding date of the Left Movement?", (Kind.DATE,)),
        ("What was the date of the first broadcast?", (Kind.DATE,)),
        ("Is the data up to date?", ()),
        ("Who set the date?", (Kind.PERSON,)),
        ("What is the date range of the survey?", ()),
    ],
)
def test_when_asks_for_a_date_only_as_a_question_word(question: str, kinds: tuple) -> None:
    assert wanted_kinds(question) == kinds


@pytest.mark.parametrize(
    ("sentence", "things"),
    [
        ("States or departments in four nations contain the name.", ("nations",)),
        ("He led the team with a career high seven interceptions.", ("interceptions",)),
        ("Over 100,000 customers already run it.", ("customers",)),
        ("The painter made fewer than forty pictures.", ("pictures",)),
    ],
)
def test_a_number_written_out_counts_things_too(sentence: str, things: tuple[str, ...]) -> None:
    assert counts(sentence, things)


@pytest.mark.parametrize(
    "sentence",
    [
        "In the late 1980s the ctenophore was introduced into the Black Sea.",
        "His writings were largely ignored in the 18th and 19th centuries.",
        "Media day was held on the Tuesday afternoon before the game.",
    ],
)
def test_a_decade_a_century_or_a_weekday_answers_when(sentence: str) -> None:
    assert cue_match(wanted_kinds("When did that happen?"), sentence) == 1.0


def test_how_long_prefers_a_span_of_time_without_requiring_one() -> None:
    from rag.text.cues import cue_match

    kinds = wanted_kinds("How long did the outage last?")
    assert kinds == (Kind.DURATION, Kind.MEASURE)  # "How long is the bridge?" asks a length
    assert cue_match(kinds, "Writes resumed 48 minutes later.") == 1.0
    assert cue_match(kinds, "It took two and a half years.") == 1.0
    assert cue_match(kinds, "Life appeared 3.5 billion years ago.") == 1.0
    # "since 1979", "until the age of 16" answer too: neither for nor against
    assert cue_match(kinds, "It has run since 1979.") == 0.5
    assert cue_match(kinds, "The outage was caused by a faulty switch.") == 0.5


def test_how_often_prefers_a_frequency_without_requiring_one() -> None:
    from rag.text.cues import cue_match

    kinds = wanted_kinds("How often do the teams meet?")
    assert kinds == (Kind.FREQUENCY,)
    for sentence in (
        "The teams meet every two weeks.",
        "They talk daily.",
        "The board meets three times a year.",
        "Elections are held every four years.",
    ):
        assert cue_match(kinds, sentence) == 1.0, sentence
    assert cue_match(kinds, "The teams met in 2024.") == 0.5  # neither for nor against


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # the company asked about, by its full name, is nobody to answer "who" with
        ("Who runs Corvane?", "Corvane Therapeutics was founded in Leiden.", False),
        ("Who runs Northwind?", "Operator: Northwind Air.", False),
        ("Who runs Corvane?", "It is led by Ilse Marquardt.", True),
        # a person the question names by surname, in full
        ("Who worked with Smeaton?", "Newcomen's rival John Smeaton improved it.", True),
        # who a named person is: the sentence naming them answers
        ("Who is Tim Cook?", "Tim Cook is the chief executive of Apple.", True),
        ("Who is Tim Cook?", "Tim Cook grew up in a small town.", True),
        # a surname's particles are part of a person's name
        ("Who painted the panel?", "It is a panel by the Dutch painter Pieter van Aelst.", True),
        # a run of the question's words only stands in for what the pattern cannot read
        (
            "Who founded the Muslim Brotherhood?",
            "It saw the founding of the Muslim Brotherhood by Hassan al Banna.",
            True,
        ),
    ],
)
def test_who_needs_a_name_beyond_the_question_s_own(
    question: str, sentence: str, expected: bool
) -> None:
    from rag.text.cues import names_someone_else

    assert names_someone_else(question, sentence) is expected


def test_a_measure_is_preferred_for_how_tall_how_far_and_the_length_of() -> None:
    from rag.text.cues import cue_match

    for question in (
        "How tall is the main tower?",
        "How far is the station from the town centre?",
        "What is the length of the bridge?",
        "How much power will the data centre draw?",
    ):
        kinds = wanted_kinds(question)
        assert kinds == (Kind.MEASURE,), question
    kinds = wanted_kinds("How tall is the main tower?")
    assert cue_match(kinds, "The main tower is 95 metres tall.") == 1.0
    assert cue_match(kinds, "It rises to 312 ft above the river.") == 1.0
    # preferred, not required: "How far did the talks get?" is answered in words
    assert cue_match(kinds, "The tower is the tallest in the county.") == 0.5
    # "area" as a region asks no measure
    assert wanted_kinds("In what area of the city is the bridge?") == ()
    assert cue_match(wanted_kinds("How long is the bridge?"), "a 620-metre crossing") == 1.0


def test_a_measure_fits_the_question_by_its_unit() -> None:
    from rag.text.cues import fits_the_measure

    assert fits_the_measure("How tall is the tower?", "measure", "m")
    assert not fits_the_measure("How tall is the tower?", "measure", "kg")
    assert fits_the_measure("How heavy is the deck?", "measure", "kg")
    assert fits_the_measure("How tall is the tower?", "money", "USD")  # not a measure: as before
