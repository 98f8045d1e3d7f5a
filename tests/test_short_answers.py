"""rag/answer/short_answers.py: the span a sentence gives as its answer, the key that groups equal
answers, and `compare`'s answer groups and "answer" flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answer.comparison import compare
from rag.answer.disagreements import (
    SHORT_ANSWER_WORDS,
    answers_agree,
    changed_answers,
    source_answers,
)
from rag.answer.short_answers import worth_showing
from rag.chain import ask
from rag.config import Settings
from rag.engine import Engine, build_engine
from rag.ingestion import ingest
from rag.schema import AnswerGroup, Citation, SourceView, Statement
from rag.text.short_answers import ShortAnswer, normalize, short_answer, whole_span
from tests.conftest import FakeEmbedder, make_settings


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        (
            "Who directed Lahu Ke Do Rang?",
            "Lahu Ke Do Rang is a movie directed by Mahesh Bhatt.",
            "Mahesh Bhatt",
        ),
        (  # a life's span ends in its death
            "When did George Horner die?",
            "Sir George Horner (3 March 1605 – 9 February 1777) was an English lawyer.",
            "9 February 1777",
        ),
        (  # a year widened to a date of that year, not to a stretch of years ending in it
            "When did James Scudamore die?",
            "James Scudamore (died 1668) James Scudamore (26 June 1624 – 18 June 1668) sat in"
            " the House of Commons at various times between 1642 and 1668.",
            "18 June 1668",
        ),
        (  # the asked person's own middle name is no answer, nor is a month beside a number
            "What sport is Keith Butler associated with?",
            "Keith Allen Butler (born January 30, 1989) is an American former professional"
            " baseball pitcher.",
            "an American former professional baseball pitcher",
        ),
        (  # one held word after a name does not make the name the asked one
            "Which AI accelerators has Intel shelved?",
            "Intel shelved its Gaudi AI accelerator product.",
            "Gaudi",
        ),
        (  # a name written as a person's, before a nearer capitalised word
            "Who painted The Lantern Maker?",
            "It bought The Lantern Maker, a small Dutch panel by Pieter van Aelst.",
            "Pieter van Aelst",
        ),
        (
            "How much did Zorbex raise?",
            "Zorbex raised $8 billion in 2024 from 12 backers.",
            "$8 billion",
        ),
        ("What percentage of users left?", "In 2023, 40% of users left the app.", "40%"),
        (
            "What is the population of Tarnby?",
            "As of 2010, there were 3,559 people in Tarnby.",
            "3,559",
        ),
        (
            "When did the merger close?",
            "The merger closed in September 2024 after a review.",
            "September 2024",
        ),
        (
            "When was the cathedral built?",
            "The cathedral was built in 1856 by local masons.",
            "1856",
        ),
        (
            "When was Bryan born?",
            "Bryan (February 8, 1900 – March 2, 1977) was a general.",
            "February 8, 1900",
        ),
        # what a thing is, where no capital marks it: the phrase after "is"/"was"
        (
            "What sport is Ada Quill known for?",
            "Ada Quill is a Welsh rugby player who captained Cardiff.",
            "a Welsh rugby player",
        ),
        (
            "What is the median age in Orrin?",
            "The median age in Orrin was 41.2 years.",
            "41.2 years",
        ),
        (
            "What is the medium of Glass Harbour?",
            "Glass Harbour is a novel by Ines Marlow, published in 1998.",
            "a novel",
        ),
        (
            "What is Tidewater?",
            "Tidewater is an open-source sync tool written in Rust.",
            "an open-source sync tool",
        ),
        # a count too small for a thousands comma is still a count
        ("What is the population of Orrin?", "The population was 412 at the 2020 census.", "412"),
        ("How many piers does the bridge have?", "It stands on 14 concrete piers.", "14"),
        ("What is the population of Orrin?", "Roughly 90 residents remain.", "90"),
        ("How many firms joined?", "A group of 12 software and design firms joined.", "12"),
        # the number counting what is asked, not another count beside it; in words too
        (
            "How many illnesses have been reported?",
            "Officials say 31,000 cases have been pulled, and the count stands at 13 illnesses.",
            "13",
        ),
        (
            "How many illnesses were there?",
            "As of March 13, eight illnesses were reported.",
            "eight",
        ),
        ("How many illnesses were there?", "Some 31,000 cases were pulled.", "31,000"),
        # a date as precisely as the question asks
        (
            "When was Ada Quill born?",
            "Ada Quill (rugby player, born 1911) Ada Quill (born 3 May 1911) was a captain.",
            "3 May 1911",
        ),
        ("How long did the repair take?", "Crews replaced the seal within nine days.", "nine days"),
        ("How long was the wait?", "Buyers waited 6–12 months for chips.", "6–12 months"),
        ("How long has the paper run?", "The paper has been published since 1979.", "since 1979"),
        # how often: the frequency, not the other spans of time beside it
        (
            "How often is the drug given?",
            "Patients received it once every 12 weeks, or placebo, for 96 weeks.",
            "once every 12 weeks",
        ),
        (
            "How often does the council meet?",
            "The Council meets twice a year in May.",
            "twice a year",
        ),
        ("How often is the festival held?", "The AV Festival is biennial.", "biennial"),
        # a figure: the one the question's words stand beside, not the nearest to any of them
        (
            "What percentage of patients had infusion reactions?",
            "Headache was reported by 7% of patients and infusion reactions by 11%.",
            "11%",
        ),
        (
            "What year was Ada Quill born?",
            "Ada Quill was born on 3 May 1911 in Cardiff.",
            "3 May 1911",
        ),
        # a person's name with accents, before a nearer one without
        (
            "Who directed Le Train?",
            "Le Train is a 2009 French drama directed by André Téchiné, starring Emilie Dequenne.",
            "André Téchiné",
        ),
        # a nationality is no name, nor a record label a person
        (
            "Who is the artist behind the album Night Lines?",
            "Night Lines is an album by Canadian rock band Harbourlights, released by Cedar"
            " Records.",
            "Harbourlights",
        ),
        # a surname standing for the full name the sentence gave before
        (
            "Who directed The Storm?",
            "The Storm stars Pyotr Valin and Anna Gorska, and was directed by Valin in 1912.",
            "Valin",
        ),
        # the asked name with a possessive is still the asked name
        (
            "Who was Muzong's father?",
            "Emperor Muzong was the eldest son of Emperor Xianzong.",
            "Emperor Xianzong",
        ),
        # a place written "City, State, Country": the part asked for, or all of it for "where"
        (
            "In which state is Harlow Mill?",
            "Harlow Mill is a historic mill in Cedar Falls, Iowa, United States.",
            "Iowa",
        ),
        (
            "Where is the Ridge Gazette published?",
            "The Ridge Gazette is a weekly newspaper in Milton, Kentucky.",
            "Milton, Kentucky",
        ),
        # a population counts people, not households or families
        (
            "What is the population of Dunmore Township?",
            "As of the census of 2010, there were 4,211 people, 1,650 households, and 1,092"
            " families residing in the township.",
            "4,211",
        ),
        # a profession is what the subject is, not a name beside it
        (
            "What is Ann Roe's profession?",
            "Ann Roe, OBE (born 1950) is an American chef who ran a White House kitchen.",
            "an American chef",
        ),
        # a work's maker is named after "by", whatever describes it in between
        (
            'Who is the artist of the album "Tin Roofs"?',
            '"Tin Roofs" is the Juno-nominated album by Canadian folk duo Velvet Hollow.',
            "Velvet Hollow",
        ),
        (
            'Who is the author of "Salt Harbour"?',
            "Salt Harbour Hardcover edition Novel by Iris Mendel Published 1988 Bell Press",
            "Iris Mendel",
        ),
        # its performer, not whoever wrote it
        (
            'Who is the artist of the song "Blue Hour"?',
            '"Blue Hour" was written by Tom Arlo for the song cycle later recorded by Dana Kell.',
            "Dana Kell",
        ),
        # a record's field label ends a name its value runs into
        (
            'Who is the artist of the album "Low Light"?',
            "Low Light Studio album by Mara Voss Released May 4 , 2001 Length 41 : 10",
            "Mara Voss",
        ),
        # people per square mile are a density, not a population
        (
            "What is the estimated population of Kelby?",
            "In 2015 the town had an estimated population of 12,304 and a population density of"
            " 1,470 persons per km².",
            "12,304",
        ),
        # a record writes "date of birth" for "born"
        (
            "When was Hal Brent born?",
            "retrieved 9 October 2017 family name Brent 0 references date of birth 3 May 1840"
            " Gregorian stated in Who's Who",
            "3 May 1840",
        ),
        # a measure in the unit asked for: a length, not the weight beside it
        (
            "How tall is the main tower?",
            "The deck contains 9,000 tonnes of steel and the main tower is 95 metres tall.",
            "95 metres",
        ),
        (
            "How long is the Kelby Bridge?",
            "The Kelby Bridge, a 620-metre crossing, opened.",
            "620-metre",
        ),
        # of two lengths, the one English says is the dimension asked ("… in diameter")
        (
            "What was the diameter of the Kelby tower?",
            "It was 33 feet (10.1 m) in diameter and stood 363 feet (110.6 m) tall.",
            "33 feet",
        ),
        (
            "How high is the Kelby tower?",
            "It has a diameter of 33 feet and a height of 363 feet.",
            "363 feet",
        ),
        # "How long …?" by a span of time first, where a sentence gives both
        ("How long did the closure last?", "A 2 km stretch was shut for 48 minutes.", "48 minutes"),
        (
            "How many tonnes of steel went into the deck?",
            "The deck used 9,000 tonnes of steel.",
            "9,000 tonnes",
        ),
    ],
)
def test_the_span_of_the_kind_asked(question: str, sentence: str, answer: str) -> None:
    found = short_answer(question, sentence)
    assert found is not None and found.text == answer
    assert sentence[found.start : found.end] == answer


def test_offsets_shift_into_the_article_and_nothing_is_made_up() -> None:
    found = short_answer("Who directed it?", "It was directed by Frank Oz.", offset=100)
    assert found is not None and (found.start, found.end) == (119, 127)
    assert short_answer("How much did it cost?", "It cost a great deal.") is None
    assert short_answer("Who wrote Loitering?", "Loitering is a fine book.") is None
    # what a thing is answers "what", not "who" or "how much"; nor is a long clause an answer
    assert short_answer("How much is Tidewater?", "Tidewater is an open-source tool.") is None
    long = (
        "Tidewater is the one thing every single team across the whole company relies upon daily."
    )
    assert short_answer("What is Tidewater?", long) is None
    # A name holding what is asked is preferred, though its run is not yet trimmed to it.
    found = short_answer(
        "What is the language of Ardhangini?",
        "Ardhangini is an Assamese-language TV series by Zee.",
    )
    assert found is not None and "Assamese-language" in found.text


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("How many customers use Tidewater?", "Several Fortune 500 banks use Tidewater."),
        ("How many chips will Orrin get?", "Orrin will secure up to 5 gigawatts of power."),
        ("How many users does Orrin have?", "Orrin topped the charts in May 2026 1, said one."),
        ("How many branches are there?", "Branches opened in 1998 and 2004."),
        # a density is no population
        (
            "What is the population of Kelby?",
            "The population density was 624.6 inhabitants per square mile ( 241.2/km 2 ) .",
        ),
    ],
)
def test_no_count_from_a_name_a_mark_or_other_things(question: str, sentence: str) -> None:
    assert short_answer(question, sentence) is None


def test_normalize_groups_what_means_the_same() -> None:
    assert normalize("$8B") == normalize("$8 billion") == normalize("8 billion dollars")
    assert normalize("Dr. Mahesh Bhatt") == normalize("mahesh  bhatt.") == "mahesh bhatt"
    assert normalize("The Beatles") == normalize("Beatles")
    assert normalize("8 February 1900") == normalize("February 8, 1900")
    assert normalize("about 1820") == normalize("1820")
    assert normalize("Café") == "cafe"
    assert normalize("1900") != normalize("February 8, 1900")
    assert normalize("1868-12-18") == normalize("18 December 1868")
    assert normalize("620-metre") == normalize("620 metres") == normalize("0.62 km")
    assert normalize("620 metres") != normalize("640 metres")


def _source(doc_id: str, quote: str, said: ShortAnswer | None) -> SourceView:
    """A source whose one statement is `quote` (at its article's start), with `said`."""
    citation = Citation(
        n=1, doc_id=doc_id, title=doc_id, quote=quote, start=0, end=len(quote), score=1.0
    )
    statement = Statement(citation=citation, short_answer=said)
    return SourceView(doc_id=doc_id, title=doc_id, addresses=True, statements=[statement])


def _built(corpus: Path, tmp_path: Path) -> tuple[Settings, Engine]:
    """Settings and an engine over `corpus`, ingested with the fake embedder."""
    settings = make_settings(corpus, tmp_path / "index")
    embedder = FakeEmbedder()
    ingest(settings, embedder)
    return settings, build_engine(settings, embedder)


def _view(doc_id: str, quote: str, question: str) -> SourceView:
    """A source giving the rules' short answer to `question` in `quote`."""
    return _source(doc_id, quote, short_answer(question, quote))


def _saying(doc_id: str, quote: str, answer: str) -> SourceView:
    """A source whose one statement gives `answer` (a span of `quote`)."""
    at = quote.index(answer)
    return _source(doc_id, quote, ShortAnswer(text=answer, start=at, end=at + len(answer)))


def test_groups_of_the_sources_answers() -> None:
    question = "Who directed the film Rang?"
    views = [
        _view("a", "Rang is a film directed by Mahesh Bhatt.", question),
        _view("b", "Rang was directed by Dr. Mahesh Bhatt.", question),
        _view("c", "The film Rang was directed by Raj Kapoor.", question),
    ]
    groups = source_answers(views)
    assert [(g.doc_ids, g.key) for g in groups] == [
        (["a", "b"], "mahesh bhatt"),
        (["c"], "raj kapoor"),
    ]


CATHEDRAL = "Saint Augustine Cathedral is a Catholic cathedral in Kalamazoo, Michigan."


def test_a_copied_text_with_its_answer_changed_is_flagged() -> None:
    question = "When was the cathedral established?"
    views = [
        _view("a", "The parish was established in 1856 by the bishop.", question),
        _view("b", "The parish was established in 1900 by the bishop.", question),
        _view("c", "Its organ dates from a later restoration.", question),
    ]
    openings = {doc: f"{CATHEDRAL} It has a long history." for doc in "abc"}

    [flag], notes, _ = changed_answers(question, views, openings)

    assert flag.kind == "answer" and notes == []
    assert {st.citation.doc_id for st in flag.claims} == {"a", "b"}
    assert "1 source says 1856" in flag.summary and "1 says 1900" in flag.summary


TOWNSHIPS = {
    "a": "Moose Lake Township is one of the townships of Beltrami County in northern "
    "Minnesota, mostly lakes and forest.",
    "b": "Moose Lake Township of Carlton County lies near Duluth, along the railway built "
    "by loggers.",
}


def test_the_same_words_about_different_subjects_are_said_to_be_so_not_flagged() -> None:
    """Two townships of one name: the same sentence, documents that open differently."""
    question = "What was the population of Moose Lake?"
    views = [
        _saying("a", "The population of Moose Lake was 142 at the 2000 census.", "142"),
        _saying("b", "The population of Moose Lake was 205 at the 2000 census.", "205"),
    ]

    flags, [note], apart = changed_answers(question, views, TOWNSHIPS)

    assert flags == []
    assert note.startswith("Probably different subjects")
    assert note.endswith(
        "a (Minnesota, Beltrami, townships) says 142; b (Carlton, Duluth, railway) says 205."
    )
    assert apart == {frozenset("ab")}


def test_no_note_of_different_subjects_unless_both_sentences_name_the_asked_one() -> None:
    """Any two articles open differently: two sources dating one plan differently are not two
    namesakes unless each names what the question asks about where it gives its answer."""
    views = [
        _saying("a", "The committee expects the bridge to reopen in September 2026.", "2026"),
        _saying("b", "The firm expects the bridge to reopen in February 2027.", "2027"),
    ]
    openings = {"a": "Minutes of the Transport Committee", "b": "Calder & Rowe statement"}
    for question in ("When will the bridge reopen?", "When will the Millbrook Bridge reopen?"):
        assert changed_answers(question, views, openings) == ([], [], frozenset())
    views = [
        _saying("a", "The population was 142 at the 2000 census.", "142"),
        _saying("b", "The population was 205 at the 2000 census.", "205"),
    ]
    assert not changed_answers("What was the population of Moose Lake?", views, TOWNSHIPS).notes


def test_different_words_are_neither_a_flag_nor_a_note() -> None:
    question = "When was the cathedral established?"
    views = [
        _view("a", "The parish was established in 1856 by the bishop.", question),
        _view("b", "A fire in 1900 destroyed the old school next door.", question),
    ]
    openings = {doc: CATHEDRAL for doc in "ab"}

    assert changed_answers(question, views, openings) == ([], [], frozenset())


def test_compare_groups_each_sources_answer(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = {
        "one": "The film Zarnow was directed by Mahesh Bhatt in 1979.",
        "two": "The film Zarnow was directed by Raj Kapoor in 1979.",
        "three": "Film critics praised Zarnow and the film was directed by Mahesh Bhatt.",
    }
    for doc_id, text in texts.items():
        (corpus / f"{doc_id}.txt").write_text(f"Zarnow\n\n{text}\n", encoding="utf-8")
    settings, engine = _built(corpus, tmp_path)
    comparison = compare("Who directed the film Zarnow?", settings, engine=engine)
    groups = {g.key: sorted(g.doc_ids) for g in comparison.answer_groups}
    assert groups == {"mahesh bhatt": ["one", "three"], "raj kapoor": ["two"]}
    # "one" and "two" say it in the same words but for the name, in documents that open alike:
    # a changed answer, flagged with every source that words it so.
    [flag] = [d for d in comparison.disagreements if d.kind == "answer"]
    assert {st.citation.doc_id for st in flag.claims} >= {"one", "two"}
    assert flag.summary.endswith("say Mahesh Bhatt; 1 says Raj Kapoor.")
    named = {
        s.short_answer.text for v in comparison.sources for s in v.statements if s.short_answer
    }
    assert named == {"Mahesh Bhatt", "Raj Kapoor"}


def test_only_groups_that_two_sources_back_are_printed() -> None:
    def group(answer: str, *docs: str) -> AnswerGroup:
        return AnswerGroup(key=answer.lower(), answer=answer, doc_ids=list(docs))

    assert worth_showing([group("Andy Jassy", "a")])
    assert worth_showing([group("Mahesh Bhatt", "a", "b"), group("Raj Kapoor", "c")])
    assert not worth_showing([group("November", "a"), group("AWS", "b"), group("Our", "c")])
    assert not worth_showing([])


def test_spans_too_long_to_be_short_answers_are_not_set_against_each_other() -> None:
    """Two headlines read as "answers" made a note of different subjects; short ones still do."""
    first = "Amazon's bet on Anthropic reveals the real competition is about models"
    second = "Microsoft's stake in OpenAI shows the cloud war has moved to chips"
    openings = {"a": "Amazon and Anthropic", "b": "Google, Microsoft and the rest of the market"}

    def said(one: str, two: str) -> list[SourceView]:
        return [
            _saying("a", f"Analysts said: {one}.", one),
            _saying("b", f"Analysts said: {two}.", two),
        ]

    question = "What did Analysts say?"  # a name both sentences hold: a note may be made
    assert len(first.split()) > SHORT_ANSWER_WORDS
    assert changed_answers(question, said(first, second), openings).notes == []
    assert changed_answers(question, said("models", "chips"), openings).notes  # short: a note


def test_ask_answers_with_both_sides_of_a_changed_answer(tmp_path: Path) -> None:
    """The answer would quote one of two near-identical sentences; the changed answer makes it
    quote both, as "Sources differ"."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    page = (
        "Saint Augustine Cathedral\n\nThe Cathedral of Saint Augustine is a Catholic cathedral "
        "in Kalamazoo, Michigan. The parish was established in {} by Father Lefevere. The "
        "current building was completed in 1951.\n"
    )
    for doc_id, year in (("a", 1856), ("b", 1900)):
        (corpus / f"{doc_id}.txt").write_text(page.format(year), encoding="utf-8")
    (corpus / "organ.txt").write_text(
        "Organ\n\nA local firm restored the pipe organ in 2004.\n", encoding="utf-8"
    )
    settings, engine = _built(corpus, tmp_path)

    answer = ask("When was the parish established?", settings, engine=engine)

    assert answer.sources_differ
    assert {c.doc_id for c in answer.citations} == {"a", "b"}
    assert "1856" in answer.text and "1900" in answer.text
    assert answer.reason.startswith("Sources give different answers in otherwise the same words")
    assert "says 1856" in answer.reason and "says 1900" in answer.reason


def test_a_copied_sentence_with_words_changed_is_flagged_with_no_short_answer_read() -> None:
    """No span read as the answer on either side (a noun, a role): the changed words are shown."""
    views = [
        _source("a", "The parish church was consecrated by Bishop Lefevere in May.", None),
        _source("b", "The parish church was consecrated by Bishop Borgess in May.", None),
        _source("c", "Its organ dates from a later restoration.", None),
    ]
    openings = {doc: f"{CATHEDRAL} It has a long history." for doc in "abc"}

    [flag], notes, _ = changed_answers("Who consecrated the church?", views, openings)

    assert flag.kind == "wording" and notes == []
    assert {st.citation.doc_id for st in flag.claims} == {"a", "b"}
    assert flag.summary.endswith("a has “Lefevere”; b has “Borgess”.")


def test_a_copy_that_only_adds_or_drops_words_or_opens_otherwise_is_not_flagged() -> None:
    copy = "The population was 142 at the 2000 census."
    cited = "The population was 142 at the 2000 census [ 13 ]."
    other = "The population was 205 at the 2000 census."
    alike = {doc: f"{CATHEDRAL} It has a long history." for doc in "ab"}
    apart = {"a": "Moose Lake Township of Beltrami County", "b": "A railway town near Duluth"}

    def views(first: str, second: str) -> list[SourceView]:
        return [_source("a", first, None), _source("b", second, None)]

    question = "What was the population?"
    none = ([], [], frozenset())
    assert changed_answers(question, views(copy, cited), alike) == none  # a citation mark added
    assert changed_answers(question, views(copy, other), apart) == none  # two of one name
    assert changed_answers(question, views(copy, other), alike).flags  # one subject: flagged


def test_changed_words_beside_an_answer_both_give_are_flagged_but_ask_does_not_use_them() -> None:
    """Asked "when", both copies say 1856; the founders they name differ, not the answer:
    compare shows the change, ask does not answer "Sources differ" with it."""
    first = "The parish was established in 1856 by Father Francis Lefevere."
    second = "The parish was established in 1856 by Father Francis Borgess."
    openings = {doc: f"{CATHEDRAL} It has a long history." for doc in "ab"}

    question = "When was the parish established?"
    [beside] = changed_answers(
        question, [_saying("a", first, "1856"), _saying("b", second, "1856")], openings
    ).flags
    [unread] = changed_answers(
        question, [_source("a", first, None), _source("b", second, None)], openings
    ).flags

    assert beside.summary.endswith("a has “Lefevere”; b has “Borgess”; both say 1856.")
    assert unread.summary.endswith("a has “Lefevere”; b has “Borgess”.")
    assert answers_agree(beside) and not answers_agree(unread)


@pytest.mark.parametrize(
    ("question", "sentence", "cut", "whole"),
    [
        ("What is the population?", "The population was 1,417 in 2010.", "417", "1,417"),
        ("When was he born?", "Born October 12, 1753, in Lund.", "12, 1753", "October 12, 1753"),
        ("When did he die?", "He died on 11 November 1798 at home.", "1798", "11 November 1798"),
        ("What year did he die?", "He died on 11 November 1798 at home.", "1798", "1798"),
        ("How much did it raise?", "It raised $8 billion in all.", "$8", "$8 billion"),
        ("Who directed it?", "It was directed by Mahesh Bhatt.", "Mahesh Bhatt", "Mahesh Bhatt"),
    ],
)
def test_a_span_cutting_a_figure_or_date_in_two_is_widened_to_the_whole(
    question: str, sentence: str, cut: str, whole: str
) -> None:
    start = sentence.index(cut)
    first, last = whole_span(question, sentence, start, start + len(cut))
    assert sentence[first:last] == whole


def test_sources_dating_a_plan_differently_are_flagged_not_called_different_subjects(
    tmp_path: Path,
) -> None:
    """Articles about one bridge open differently, as any two articles do: the dates they give
    for its reopening are a disagreement, set out in the order they were published."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "minutes.md").write_text(
        "---\ntitle: Transport Committee minutes\ndate: 2025-03-11\n---\n\n"
        "Present: Councillor Dana Whitlock (chair) and the borough engineer.\n\n"
        "The committee expects the bridge to reopen to all traffic in September 2026.\n",
        encoding="utf-8",
    )
    (corpus / "statement.txt").write_text(
        "Calder & Rowe statement\nLeeds, 2 June 2025 -- Calder & Rowe today began work.\n\n"
        "The company expects the bridge to reopen to all traffic in February 2027.\n",
        encoding="utf-8",
    )
    settings, engine = _built(corpus, tmp_path)
    question = "When will the bridge reopen?"

    comparison = compare(question, settings, engine=engine)

    [flag] = comparison.disagreements
    assert flag.summary == (
        "Sources differ on the date: Transport Committee minutes (2025-03-11) says September "
        "2026; Calder & Rowe statement (2025-06-02) says February 2027."
    )
    assert comparison.notes == []
    answer = ask(question, settings, engine=engine)
    assert answer.sources_differ and {c.doc_id for c in answer.citations} == {
        "minutes",
        "statement",
    }
