"""Which source says what: per-source statements, figures, and disagreement flags."""

from __future__ import annotations

import pytest

from rag.chain import ask
from rag.compare import about_subject, compare, disagreements
from rag.cues import status_of
from rag.engine import Engine
from rag.figures import extract_figures
from rag.schema import Citation, SourceView, Statement

INVESTMENT = "How much has Amazon invested in Anthropic?"


def _view(doc_id: str, text: str) -> SourceView:
    citation = Citation(
        n=1,
        doc_id=doc_id,
        title=doc_id,
        quote=text,
        start=0,
        end=len(text),
        score=1.0,
        verified=True,
    )
    statement = Statement(citation=citation, figures=extract_figures(text))
    return SourceView(doc_id=doc_id, title=doc_id, addresses=True, statements=[statement])


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


@pytest.mark.slow
def test_investment_comparison_on_the_real_corpus(real_engine: Engine) -> None:
    comparison = compare(INVESTMENT, real_engine.settings, engine=real_engine)
    said = {v.doc_id: " ".join(s.citation.quote for s in v.statements) for v in comparison.sources}
    assert "up to an additional $20 billion" in said["001_29c1b148ce65f1bc"]
    assert "$8 billion" in said["002_9de286f62ec30d0e"]
    assert "additional $4 billion" in said["002_9de286f62ec30d0e"]
    assert "potential $25 billion" in said["003_0d4870f0a701256c"]
    assert len(comparison.sources) == 5
    [flag] = comparison.disagreements
    assert {c.citation.doc_id for c in flag.claims} >= {
        "001_29c1b148ce65f1bc",
        "002_9de286f62ec30d0e",
        "003_0d4870f0a701256c",
    }
    articles = real_engine.index.articles
    for view in comparison.sources:
        for st in view.statements:
            c = st.citation
            assert c.verified and articles[c.doc_id].text[c.start : c.end] == c.quote
    no_figure = [v for v in comparison.sources if not any(s.figures for s in v.statements)]
    assert no_figure, "sources without a figure are listed as such"


@pytest.mark.slow
def test_single_source_fact_is_not_flagged(real_engine: Engine) -> None:
    question = "How many customers run Claude on Bedrock?"
    comparison = compare(question, real_engine.settings, engine=real_engine)
    assert comparison.disagreements == []
    assert any("100,000" in s.citation.quote for v in comparison.sources for s in v.statements)


def test_a_question_that_asks_for_no_figure_is_not_flagged() -> None:
    views = [
        _view("a", "Amazon invested $8 billion in Anthropic."),
        _view("b", "Amazon’s investment in Anthropic reached a potential $25 billion."),
    ]
    assert disagreements("Does Amazon compete with Anthropic?", views) == []


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


@pytest.mark.slow
def test_availability_question_cites_both_sides_on_the_real_corpus(real_engine: Engine) -> None:
    question = (
        "Can AWS customers already use the Claude Platform through their accounts, or not yet?"
    )
    answer = ask(question, real_engine.settings, engine=real_engine)
    assert answer.sources_differ
    quotes = {c.doc_id: c.quote for c in answer.citations}
    assert "can now access" in quotes["001_29c1b148ce65f1bc"]
    assert "forthcoming" in quotes["000_dfd9dcc9c56fc0bc"]
