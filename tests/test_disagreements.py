"""rag/answer/disagreements.py: flags for different figures, availability, direction and denials,
without false alarms for different subjects or sources that agree."""

from __future__ import annotations

import pytest

from rag.answer.disagreements import (
    count_disagreement,
    date_disagreement,
    denied_subject,
    disagreements,
    opposite_ways,
)
from rag.schema import Citation, SourceView, Statement
from rag.text.cues import status_of
from rag.text.figures import extract_figures
from rag.text.short_answers import short_answer
from rag.text.trends import asks_direction, direction_of

INVESTMENT = "How much has Amazon invested in Anthropic?"


def _view(doc_id: str, text: str, question: str = "", published: str | None = None) -> SourceView:
    """A source whose one statement is `text`, with its short answer to `question` if given."""
    citation = Citation(
        n=1,
        doc_id=doc_id,
        title=doc_id,
        quote=text,
        start=0,
        end=len(text),
        score=1.0,
        verified=True,
        published=published,
    )
    said = short_answer(question, text) if question else None
    statement = Statement(citation=citation, figures=extract_figures(text), short_answer=said)
    return SourceView(doc_id=doc_id, title=doc_id, addresses=True, statements=[statement])


def test_agreeing_sources_are_not_flagged() -> None:
    views = [
        _view("a", "Amazon invested $8 billion in Anthropic."),
        _view("b", "Amazon’s $8 billion investment in Anthropic."),
    ]
    assert disagreements(INVESTMENT, views) == []


def test_different_values_are_flagged_with_each_side() -> None:
    views = [
        _view("a", "Amazon invested $8 billion in Anthropic."),
        _view("b", "Amazon’s investment in Anthropic reached a potential $25 billion."),
    ]
    [flag] = disagreements(INVESTMENT, views)
    assert flag.kind == "money"
    assert {c.citation.doc_id for c in flag.claims} == {"a", "b"}
    assert "potential $25 billion" in flag.summary and "$8 billion" in flag.summary


def test_figures_for_another_measure_than_asked_are_not_a_disagreement() -> None:
    question = "How much of Amazon's Anthropic money is contingent on commercial milestones?"
    views = [
        _view(
            "a", "Amazon invests $5 billion, with up to $20 billion tied to commercial milestones."
        ),
        _view("b", "Amazon’s $8 billion investment secures Anthropic some commercial advantages."),
    ]
    assert disagreements(question, views) == []
    question = "How much is Amazon committing to AWS infrastructure for Claude?"
    views = [
        _view("a", "Amazon is committing $100 billion to AWS infrastructure for Claude."),
        _view("b", "Amazon’s cumulative $8 billion investment in Anthropic was finalized."),
    ]
    assert disagreements(question, views) == []  # the $8 billion went into Anthropic


def test_committing_and_investing_are_one_measure() -> None:
    question = "How much money has Amazon committed to Anthropic?"
    views = [
        _view("a", "Amazon is committing $5 billion to Anthropic today."),
        _view("b", "Amazon’s investment in Anthropic could reach a potential $25 billion."),
    ]
    [flag] = disagreements(question, views)
    assert {c.citation.doc_id for c in flag.claims} == {"a", "b"}


def test_a_question_that_asks_for_no_figure_is_not_flagged() -> None:
    views = [
        _view("a", "Amazon invested $8 billion in Anthropic."),
        _view("b", "Amazon’s investment in Anthropic reached a potential $25 billion."),
    ]
    assert disagreements("Does Amazon compete with Anthropic?", views) == []


def test_the_figures_the_questions_words_stand_beside_are_what_a_source_claims() -> None:
    # both sources also give 7% (for headache): their figure sets overlap, their answers differ
    question = "What percentage of patients had infusion reactions?"
    views = [
        _view("a", "The most common were infusion-related reactions (9%) and headache (7%)."),
        _view("b", "Headache was reported by 7% of patients and infusion reactions by 11%."),
    ]
    [flag] = disagreements(question, views)
    assert "9%" in flag.summary and "11%" in flag.summary and "7%" not in flag.summary
    views[1] = _view("b", "Headache hit 7% of patients and infusion reactions 9%.")
    assert disagreements(question, views) == []


def test_different_ranges_are_different_figures() -> None:
    question = "How much cheaper is training on Trainium than on GPUs?"
    views = [
        _view("a", "Trainium training is 30–40% cheaper than GPUs."),
        _view("b", "Trainium training costs 30-50% less than GPUs."),
    ]
    [flag] = disagreements(question, views)
    assert flag.kind == "percent"


AVAILABLE = "Can customers already use the Claude Platform on AWS, or is it still upcoming?"


NOW = "AWS customers can now access the Claude Platform through their AWS account."


FORTHCOMING = 'The forthcoming "Claude Platform on AWS" promises a unified experience.'


def test_now_against_forthcoming_is_a_status_disagreement() -> None:
    views = [
        _view("a", NOW),
        _view("b", FORTHCOMING),
    ]
    [flag] = disagreements(AVAILABLE, views)
    assert flag.kind == "availability"
    assert [c.citation.doc_id for c in flag.claims] == ["a", "b"]
    assert "a says it is available now" in flag.summary
    assert "b says it is still to come" in flag.summary


def test_sources_agreeing_on_availability_are_not_flagged() -> None:
    views = [
        _view("a", NOW),
        _view("b", "The Claude Platform on AWS is now available to every AWS customer."),
    ]
    assert disagreements(AVAILABLE, views) == []


def test_status_words_about_other_things_are_not_a_disagreement() -> None:
    views = [
        _view("a", NOW),
        _view("b", "Amazon will open a new data centre in Ohio next year."),
    ]
    assert disagreements(AVAILABLE, views) == []


def test_status_is_only_compared_when_the_question_asks_about_it() -> None:
    views = [
        _view("a", NOW),
        _view("b", FORTHCOMING),
    ]
    assert disagreements("What does the Claude Platform on AWS offer customers?", views) == []


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Customers can now access the console.", "current"),
        ("Over 100,000 customers already run Claude.", "current"),
        ("The forthcoming platform promises more.", "upcoming"),
        ("Amazon plans to ship it next year.", "upcoming"),
        ("It is available now and will get more features.", None),
        ("Amazon invested $8 billion.", None),
    ],
)
def test_status_of_a_sentence(text: str, status: str | None) -> None:
    assert status_of(text) == status


def test_a_source_denying_what_another_affirms_of_the_same_name() -> None:
    affirmed = "Amazon has its own AI models and competes directly with Anthropic."
    denied = (
        "Model Sovereignty: Amazon lacks a first-party frontier model that competes with GPT-4."
    )
    assert denied_subject(affirmed, denied) == "Amazon"
    assert denied_subject(denied, affirmed) == "Amazon"


@pytest.mark.parametrize(
    "other",
    [
        "Amazon has a first-party frontier model that competes with GPT-4.",  # agrees
        "Google lacks a first-party frontier model that competes with GPT-4.",  # another name
        "Amazon lacks a data centre in Ohio.",  # about something else
    ],
)
def test_no_denial_without_the_same_name_and_subject(other: str) -> None:
    assert (
        denied_subject("Amazon has its own AI models and competes with Anthropic.", other) is None
    )


DIRECTION = "Have phosphorus levels in the lake risen or fallen?"
ROSE = "They found that phosphorus levels rose by 15% over the period."
FELL = "According to Hale, phosphorus levels in the lake have fallen over the last five years."


def _said(doc_id: str, text: str) -> Statement:
    return _view(doc_id, text).statements[0]


def test_one_source_saying_it_rose_and_another_that_it_fell_is_a_direction_disagreement() -> None:
    flag = opposite_ways(DIRECTION, [_said("study", ROSE), _said("union", FELL)])

    assert flag is not None and flag.kind == "direction"
    assert [c.citation.doc_id for c in flag.claims] == ["study", "union"]
    assert "study says it rose" in flag.summary and "union says it fell" in flag.summary


def test_sources_moving_the_same_way_or_other_things_are_not_flagged() -> None:
    same_way = _said("report", "Phosphorus levels increased, up from 0.04 in 2019.")
    other_thing = _said("union", "Farmers say fertiliser use has fallen by 20% since 2020.")
    assert opposite_ways(DIRECTION, [_said("study", ROSE), same_way]) is None
    assert opposite_ways(DIRECTION, [_said("study", ROSE), other_thing]) is None


def test_a_source_sides_with_its_first_statement_that_says_a_way() -> None:
    both = [_said("union", FELL), _said("union", ROSE.replace("They", "Others"))]
    assert opposite_ways(DIRECTION, both) is None  # one source, not two sides


def test_direction_is_only_compared_when_the_question_asks_which_way() -> None:
    said = [_said("study", ROSE), _said("union", FELL)]
    assert opposite_ways("What did the study find about phosphorus levels?", said) is None
    # uses the words, asks for something else
    assert opposite_ways("What about phosphorus levels fell as the lake warmed?", said) is None


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        (DIRECTION, True),
        ("Is ridership up or down?", True),
        ("Did prices rise?", True),
        ("How has ridership changed since 2019?", True),
        ("What about Luther declined as his antisemitism increased?", False),
        ("Changes in rainfall reduced what kind of vegetation cover?", False),
    ],
)
def test_which_questions_ask_which_way(question: str, asks: bool) -> None:
    assert asks_direction(question) is asks


@pytest.mark.parametrize(
    ("text", "way"),
    [
        (ROSE, "up"),
        (FELL, "down"),
        ("Phosphorus: 0.09 milligrams per litre, up from 0.04 in 2019", "up"),
        ("Revenue rose in Europe and fell in Asia.", None),
        ("The council approved the budget.", None),
    ],
)
def test_which_way_a_sentence_says_it_went(text: str, way: str | None) -> None:
    assert direction_of(text) == way


def _dated(doc_id: str, text: str, published: str | None = None) -> SourceView:
    view = _view(doc_id, text)
    view.statements[0].citation.published = published
    view.statements[0].citation.title = f"{doc_id} title"
    return view


def test_sources_dating_what_was_asked_differently_are_a_date_disagreement() -> None:
    views = [
        _dated(
            "history", "The Millbrook Bridge was designed by Josiah Grimsby and opened in 1889."
        ),
        _dated("gazette", "The bridge, which opened in 1887, carries 11,000 vehicles a day."),
    ]
    [flag] = date_disagreement("When did the Millbrook Bridge open?", views)
    assert flag.kind == "date"
    assert flag.summary == (
        "Sources differ on the date: history title says 1889; gazette title says 1887."
    )


def test_a_plans_dates_are_set_out_in_the_order_the_sources_were_published() -> None:
    views = [
        _dated("gazette", "The reopening has been pushed back to spring 2027.", "2025-10-14"),
        _dated(
            "minutes", "The committee expects the bridge to reopen in September 2026.", "2025-03"
        ),
        _dated("notes", "Engineers hope the bridge will reopen in 2027."),
    ]
    [flag] = date_disagreement("When will the bridge reopen?", views)
    assert flag.summary == (
        "Sources differ on the date: minutes title (2025-03) says September 2026; gazette title "
        "(2025-10-14) says 2027; notes title says 2027."
    )


@pytest.mark.parametrize(
    "other",
    [
        "The bridge reopened to traffic in May 2027.",  # a year agrees with a date in it
        "The bridge was widened in 1962 and will reopen in 2027.",  # shares a date
        "The bridge was widened in 1962.",  # another event
        "The bridge is the oldest in the county, built in 1889.",  # nothing says "reopen"
    ],
)
def test_no_date_disagreement_when_a_date_is_shared_or_of_something_else(other: str) -> None:
    views = [_dated("a", "The bridge will reopen in 2027, the council said."), _dated("b", other)]
    assert date_disagreement("When will the bridge reopen?", views) == []


def test_a_date_of_another_in_a_series_is_no_date_disagreement() -> None:
    """A band's debut album is not its fourth: dated apart, they do not disagree; two sources
    dating the debut (the "first album") differently do."""
    question = "When was the debut album released?"
    profile = _dated("profile", "Their debut album, Low Tide Hymns, was released on 4 May 2012.")
    news = _dated("news", "The group will release their fourth album on 19 April 2024.")
    assert date_disagreement(question, [profile, news]) == []
    fan = _dated("fan", "Their first album was released in 2013.")
    [flag] = date_disagreement(question, [profile, news, fan])
    assert flag.summary == (
        "Sources differ on the date: profile title says May 2012; fan title says 2013."
    )


def test_no_date_disagreement_between_namesakes_or_for_a_question_not_asking_when() -> None:
    views = [
        _dated("a", "Kevin Lewis was born in 1940 in Ellesmere Port."),
        _dated("b", "Kevin Lewis was born in 1952 in Hull."),
    ]
    assert date_disagreement("When was Kevin Lewis born?", views)
    assert (
        date_disagreement("When was Kevin Lewis born?", views, frozenset({frozenset("ab")})) == []
    )
    assert date_disagreement("Where was Kevin Lewis born?", views) == []


def test_namesakes_told_apart_by_their_titles_are_no_date_disagreement() -> None:
    views = [
        _dated("a", "John Sparke died in 1566 at Plymouth."),
        _dated("b", "John Sparke died in 1680 in London."),
    ]
    views[0].statements[0].citation.title = "John Sparke (died 1566)"
    views[1].statements[0].citation.title = "John Sparke (died 1680)"
    assert date_disagreement("When did John Sparke die?", views) == []
    views[1].statements[0].citation.title = "Tudor merchants of Plymouth"
    assert date_disagreement("When did John Sparke die?", views)


def test_a_source_that_never_names_what_was_asked_does_not_date_it() -> None:
    """The notes of Tessera 3.1 say when 3.1 was released, not 3.2: they never name "3.2"."""
    views = [
        _dated("notes-3-1", "Released 3 November 2025."),
        _dated("notes-3-2", "Released 14 April 2026."),
    ]
    titles = ("Tessera 3.1 release notes", "Tessera 3.2 release notes")
    for view, title in zip(views, titles, strict=True):
        view.title = view.statements[0].citation.title = title
    question = "When was Tessera 3.2 released?"
    assert date_disagreement(question, views)  # without knowing what each source names
    named = {"tessera": frozenset({"notes-3-1", "notes-3-2"})}
    assert date_disagreement(question, views, naming=lambda t: named.get(t, frozenset())) == []
    # a name in the title counts: the text of 3.2's notes need not repeat "3.2"
    views.append(_dated("notes-3-2-copy", "Released 2 March 2026."))
    views[2].title = views[2].statements[0].citation.title = "Tessera 3.2 release notes (copy)"
    assert date_disagreement(question, views, naming=lambda t: named.get(t, frozenset()))


def test_a_date_said_relative_to_publication_agrees_with_that_date() -> None:
    """ "last month", written in May 2026, is April 2026: no flag against "14 April 2026"."""
    views = [
        _dated("review", "Started in 2019, Tessera released version 3.2 last month.", "2026-05-20"),
        _dated("notes", "Tessera 3.2 was released on 14 April 2026."),
    ]
    assert date_disagreement("When was Tessera 3.2 released?", views) == []
    views[0].statements[0].citation.published = "2026-08-20"  # then "last month" is July
    assert date_disagreement("When was Tessera 3.2 released?", views)


def test_a_document_with_no_title_of_its_own_is_not_set_against_others() -> None:
    """A web snippet titled by its first words, cut: nothing says which namesake it is about."""
    views = [
        _dated("a", "The Pugh House was built in 1870 by a planter."),
        _dated("b", "The Pugh House was built in 1910 by a captain."),
    ]
    assert date_disagreement("When was the Pugh House built?", views)
    views[1].title = "in the Pugh family cemetery. The Pugh House was built in 1910 by…"
    assert date_disagreement("When was the Pugh House built?", views) == []


def test_sources_counting_the_asked_thing_differently_are_flagged_in_date_order() -> None:
    """Small counts and counts in words are no figures ("eight", "13"): the count flag reads
    the sources' short answers that count what is asked."""
    question = "How many illnesses have been reported?"
    views = [
        _view("blog", "The count stands at 13 illnesses in four states.", question, "2026-04-02"),
        _view("notice", "Eight illnesses have been reported in three states.", question),
        _view("story", "Health officials have counted 12 illnesses.", question, "2026-03-21"),
    ]
    [flag] = count_disagreement(question, views)
    assert flag.kind == "count"
    assert [c.citation.doc_id for c in flag.claims] == ["story", "blog", "notice"]
    assert "story (2026-03-21) says 12; blog (2026-04-02) says 13; notice says Eight" in (
        flag.summary
    )
    # the same count in digits and in words agrees; a count of something else is no claim
    agreeing = [
        _view("a", "Eight illnesses were reported.", question),
        _view("b", "Officials counted 8 illnesses.", question),
        _view("c", "Some 31,000 cases were pulled.", question),
    ]
    assert count_disagreement(question, agreeing) == []
    assert count_disagreement("What was recalled?", views) == []


def test_sources_giving_different_lengths_differ_on_the_length() -> None:
    question = "How long is the Millbrook Bridge?"
    views = [
        _view("a", "The Millbrook Bridge, a 620-metre crossing over the Tane, opened on Friday."),
        _view("b", "The Millbrook Bridge is 640 metres long, the council said."),
    ]
    [flag] = disagreements(question, views)
    assert flag.kind == "measure"
    assert flag.summary.startswith("Sources differ on the length:")
    assert "620-metre" in flag.summary and "640 metres" in flag.summary


def test_one_length_in_two_units_or_a_measure_of_another_kind_is_no_disagreement() -> None:
    question = "How long is the Millbrook Bridge?"
    views = [
        _view("a", "The Millbrook Bridge is 0.62 km long."),
        _view("b", "The Millbrook Bridge, a 620-metre crossing, opened on Friday."),
    ]
    assert disagreements(question, views) == []
    question = "How tall is the Millbrook Bridge's tower?"
    views = [
        _view("a", "The Millbrook Bridge's tower is 95 metres tall."),
        _view("b", "The Millbrook Bridge's tower weighs 9,000 tonnes."),
    ]
    assert disagreements(question, views) == []
