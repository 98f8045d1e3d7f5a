"""rag/eval/metrics.py: normalisation, answer matching and the per-question metrics, on
hand-made answers and passages (the citation check uses the tiny test index).
"""

from __future__ import annotations

import pytest

from rag.eval.dataset import EvalItem
from rag.eval.metrics import (
    QuestionMetrics,
    answer_hit,
    contains,
    evidence_recall,
    failures,
    normalize,
    precise_citations,
    reciprocal_rank,
    source_recall,
)
from rag.index.core import Index
from rag.schema import Answer, Citation, Span

FACTOID = EvalItem(
    id="t1",
    type="factoid",
    question="How much has Orion Cloud spent on custom chips?",
    answers=["$5.5 billion"],
    sources=["alpha"],
    evidence=["Orion Cloud has spent $5.5 billion on custom chips"],
)
MULTI = EvalItem(
    id="t3",
    type="multi_source",
    question="Where does Orion's money for Lumen go?",
    answers=["cloud revenue"],
    sources=["beta", "delta"],
    evidence=["invest up to $4 billion", "most of the money returns to Orion as cloud revenue"],
)
UNANSWERABLE = EvalItem(
    id="t4",
    type="unanswerable",
    question="Capital of Mongolia?",
    answers=[],
    sources=[],
    evidence=[],
)


def span(text: str) -> Span:
    return Span(doc_id="alpha", start=0, end=len(text), text=text)


def answer(text: str, *cites: tuple[str, int, int, str], abstained: bool = False) -> Answer:
    """An answer citing (doc_id, start, end, quote) for each of `cites`."""
    citations = [
        Citation(n=n, doc_id=d, title=d, quote=q, start=s, end=e, score=1.0)
        for n, (d, s, e, q) in enumerate(cites, start=1)
    ]
    return Answer(question="q", text=text, abstained=abstained, citations=citations)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  The\tAI \n PLAN ", "the ai plan"),
        ("30–40% and 30—40 and 30−40", "30-40% and 30-40 and 30-40"),
        ("“AI‑first” isn’t ‘new’", "\"ai-first\" isn't 'new'"),
        ("8,100 repos, 1,300,000 users, $25,000", "8100 repos, 1300000 users, $25000"),
        ("8\u202f100 and 8\u00a0100", "8100 and 8100"),
        ("a\u00a0b", "a b"),
        ("notes 18,27 and 3,5 stay", "notes 18,27 and 3,5 stay"),
        ("in 2024 100 firms", "in 2024 100 firms"),
        ("Ｆｕｌｌ width", "full width"),
    ],
)
def test_normalize_folds_form_not_meaning(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("text", "wanted", "found"),
    [
        ("outages during 37 of the past 90 days", "37", True),
        ("founded in 1937", "37", False),
        ("costs rose 3.37 times", "37", False),
        ("$5.5 billion on chips", "5", False),
        ("$5.5 billion on chips", "$5.5 billion", True),
        ("a DMCA takedown that swept 8,100 repositories", "8100", True),
        ("priced at $25,000-$40,000 a year", "$25,000–$40,000", True),
        ("chips called Trainium2", "Trainium", True),
        ("Claude’s “Constitutional AI”", 'claude\'s "constitutional ai"', True),
        ("anything", "", False),
    ],
)
def test_contains_matches_whole_numbers_only(text: str, wanted: str, found: bool) -> None:
    assert contains(text, wanted) is found


def test_evidence_recall_counts_quotes_found_after_normalisation() -> None:
    passages = [span("Intro."), span("It said  30–40 PERCENT of 8,100 users.")]
    evidence = ["30-40 percent of 8100 users", "a quote nobody retrieved"]
    assert evidence_recall(evidence, passages) == 0.5
    assert evidence_recall([], passages) is None


def test_reciprocal_rank_is_one_over_the_first_passage_with_evidence() -> None:
    passages = [span("nothing"), span("x"), span("the quote is here"), span("quote is here too")]
    assert reciprocal_rank(["quote is here"], passages) == pytest.approx(1 / 3)
    assert reciprocal_rank(["absent"], passages) == 0.0
    assert reciprocal_rank([], passages) is None


def test_answer_hit_needs_an_answer_that_does_not_abstain() -> None:
    assert answer_hit(["87%", "87 percent"], answer("Resolution time fell by 87 PERCENT.")) is True
    assert answer_hit(["87%"], answer("It fell by 8%.")) is False
    assert answer_hit(["87%"], answer("Closest: 87%.", abstained=True)) is False
    assert answer_hit([], answer("anything")) is None


def test_source_recall_is_the_share_of_gold_sources_cited() -> None:
    cited = answer("a [1] b [2]", ("beta", 0, 1, "x"), ("gamma", 0, 1, "y"))
    assert source_recall(["beta", "delta"], cited) == 0.5
    assert source_recall(["beta"], answer("none")) == 0.0
    assert source_recall([], cited) is None


def test_a_citation_is_precise_when_verbatim_and_in_a_gold_source(index: Index) -> None:
    text = index.articles["alpha"].text
    start = text.index("Orion Cloud has spent")
    quote = text[start : start + 30]
    given = answer(
        "a",
        ("alpha", start, start + 30, quote),  # verbatim, in the gold source: precise
        ("alpha", start + 1, start + 31, quote),  # offsets off by one: not
        ("beta", 0, 20, index.articles["beta"].text[:20]),  # verbatim, not a gold source: not
    )
    assert precise_citations(FACTOID, given, index) == 1
    no_sources = FACTOID.model_copy(update={"sources": []})
    assert precise_citations(no_sources, given, index) == 2
    assert precise_citations(UNANSWERABLE, given, index) == 0


def test_failures_say_what_went_wrong() -> None:
    m = QuestionMetrics(
        evidence_recall=0.5, answer_hit=False, source_recall=0.5, citations=2, precise_citations=1
    )
    assert failures(MULTI, m) == [
        "no acceptable answer in the text",
        "evidence retrieved 1/2",
        "sources cited 1/2",
        "imprecise citations 1/2",
    ]
    assert failures(MULTI, QuestionMetrics(abstained=True, answer_hit=False)) == ["abstained"]
    declined = failures(UNANSWERABLE, QuestionMetrics(abstained=False))
    assert declined == ["answered instead of abstaining"]
    assert failures(UNANSWERABLE, QuestionMetrics(abstained=True)) == []
