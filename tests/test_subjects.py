"""rag/text/subjects.py: whom a figure is about (its actor, owner or target, names carried from the
sentence before) and what a question measures."""

from __future__ import annotations

import pytest

from rag.text.subjects import (
    about_subject,
    dated_event,
    event_terms,
    measure_terms,
    measure_words,
    namesakes,
)

INVESTMENT = "How much has Amazon invested in Anthropic?"


def test_different_subjects_are_not_a_disagreement() -> None:
    text = "Google maintains Gemini while investing $2 billion in Anthropic."
    assert not about_subject(INVESTMENT, text, text.index("$2"))
    text = "Yet Amazon is investing $5 billion in Anthropic today."
    assert about_subject(INVESTMENT, text, text.index("$5"))


def test_a_name_standing_far_past_the_figure_is_not_its_subject() -> None:
    question = "How much has Google put into Anthropic?"
    text = (
        "Top AI researchers command seven-figure salaries, so the $25 billion provides a war "
        "chest for Anthropic to maintain its talent edge against the gravity of Google DeepMind."
    )
    assert not about_subject(question, text, text.index("$25"))
    text = "Google maintains Gemini while investing $2 billion in Anthropic."
    assert about_subject(question, text, text.index("$2"))
    question = "How much cheaper is it to train models on Trainium than on GPUs?"
    text = "Trainium2 gives 30–40% better price-performance than GPUs do for model training."
    assert about_subject(question, text, text.index("30"))  # "training" is no Trainium


def test_a_name_owning_the_figure_is_its_subject() -> None:
    question = "How much has Google invested in Anthropic?"
    text = "If a startup finds a breakthrough, Amazon’s $25 billion investment becomes a legacy."
    assert not about_subject(question, text, text.index("$25"))
    assert about_subject(INVESTMENT, text, text.index("$25"))
    text = "It answers Microsoft’s OpenAI partnership, which has generated $10 billion."
    assert not about_subject("How much revenue does Anthropic make?", text, text.index("$10"))


def test_a_question_naming_no_one_leaves_a_figure_to_any_name() -> None:
    # a sentence's first word reads as a name acting on the figure ("Headache was …"); with no
    # name asked about, none can own it instead
    sentence = "Headache was reported by 7% of patients and infusion reactions by 11%."
    question = "What percentage of patients had infusion reactions?"
    assert about_subject(question, sentence, sentence.index("11%"))
    assert not about_subject("What share of Orion's patients had it?", sentence, 25)


def test_a_figure_going_into_another_name_than_asked_is_not_about_it() -> None:
    text = "Yet Amazon is investing $5 billion in Anthropic today."
    assert not about_subject(
        "How much has Amazon invested in nuclear energy?", text, text.index("$5")
    )
    assert about_subject(INVESTMENT, text, text.index("$5"))
    assert about_subject("How much has Amazon invested?", text, text.index("$5"))
    text = "Amazon’s cumulative $8 billion investment in Anthropic was finalized."
    assert not about_subject("How much went into Project Rainier?", text, text.index("$8"))
    text = "Amazon finalized an additional $4 billion commitment in November 2024."
    assert about_subject(INVESTMENT, text, text.index("$4"))  # a month is no target


def test_a_sentence_referring_back_is_about_the_names_it_carries() -> None:
    question = "How much time has Claude saved Pfizer's scientists?"
    text = "The pharmaceutical giant reported 30% faster literature review cycles."
    assert not about_subject(question, text, text.index("30"))
    assert about_subject(question, text, text.index("30"), carried="Pfizer Claude")
    text = "It answers Microsoft’s partnership, which brought 30% faster review cycles."
    assert not about_subject(question, text, text.index("30"), carried="Pfizer Claude")


def test_what_a_question_measures() -> None:
    question = "How much of Amazon's new Anthropic money is contingent on commercial milestones?"
    assert measure_terms(question) == {"conting", "commerci", "mileston"}
    assert measure_terms("How much money has Amazon committed to Anthropic?") == {"invest"}
    assert measure_words("Amazon is committing $5 billion") & measure_words("an investment")


def test_a_figure_for_another_purpose_is_not_the_whole() -> None:
    text = "The city's new budget, which it put at $94 million for transit, passed."
    assert not about_subject("How much is the city budget?", text, text.index("$94"))
    assert about_subject("How much will the city spend on transit?", text, text.index("$94"))
    text = "The council approved $412 million for fiscal year 2026."
    assert about_subject("How much did the council approve?", text, text.index("$412"))


def test_the_earlier_value_a_figure_is_compared_with_is_not_it() -> None:
    text = "Transit: $96 million, up from $81 million."
    assert about_subject("How much is spent on transit?", text, text.index("$96"))
    assert not about_subject("How much is spent on transit?", text, text.index("$81"))
    assert about_subject("How much was spent on transit before?", text, text.index("$81"))


@pytest.mark.parametrize(
    ("question", "event"),
    [
        ("When did the Millbrook Bridge open?", {"open"}),
        ("When will the bridge reopen?", {"reopen"}),  # "the bridge" is what, not what happened
        ("In what year was the treaty signed?", {"sign"}),
        ("When was he born?", {"born"}),
        ("When did van Aelst die?", {"die"}),  # "van" is of the name, not what happened
        ("When is the launch?", set()),  # nothing happens in the question's words: no event
    ],
)
def test_what_happened_of_a_question_asking_when(question: str, event: set[str]) -> None:
    assert event_terms(question) == event


def test_a_date_is_of_the_event_when_a_word_for_it_stands_next_to_it() -> None:
    sentence = "The bridge was widened in 1962 and reopened in 1964 after years of works."
    widened, reopened = sentence.index("1962"), sentence.index("1964")
    assert dated_event(sentence, widened, widened + 4, frozenset({"widen"}))
    assert dated_event(sentence, reopened, reopened + 4, frozenset({"reopen"}))
    late = "The bridge reopened to lorries, cyclists, buses, vans and every car in town in 1964."
    assert not dated_event(late, late.index("1964"), len(late) - 1, frozenset({"reopen"}))


@pytest.mark.parametrize(
    ("question", "first", "second", "apart"),
    [
        (
            "When was Frederick Groves born?",
            "Frederick Groves (footballer, born 1891)",
            "Frederick Groves (footballer, born 1892)",
            True,
        ),
        (
            "When was the Submarine Service established?",
            "Royal Australian Navy Submarine Service",
            "Royal Netherlands Navy Submarine Service",
            True,
        ),
        (  # other names in news titles are outlets and firms, not the bridge's
            "When did the Millbrook Bridge open?",
            "Harwick Gazette: Millbrook Bridge costs climb",
            "Calder & Rowe statement on Millbrook Bridge",
            False,
        ),
        (
            "When did the Millbrook Bridge open?",
            "A short history of the Millbrook Bridge",
            "Bridge costs climb",  # does not name it
            False,
        ),
        ("When will the bridge reopen?", "Bridge (1887)", "Bridge (2027)", False),  # no name asked
    ],
)
def test_namesakes_are_told_apart_within_the_name_or_in_brackets_after_it(
    question: str, first: str, second: str, apart: bool
) -> None:
    assert namesakes(question, first, second) is apart
