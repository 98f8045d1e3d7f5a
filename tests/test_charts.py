"""rag/render/charts.py, rag/eval/charts.py and rag/render/svg.py: the SVG parses, and every bar,
point, bin and threshold line carries the label and value a reader sees (data-* attributes say
so)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from rag.eval.charts import latency_histogram, metric_bars, threshold_bars
from rag.eval.gate import check
from rag.eval.harness import EvalReport, QuestionResult, SystemRun, aggregates
from rag.eval.metrics import QuestionMetrics
from rag.render.charts import figure_bars, timeline_axis
from rag.render.svg import clip, in_unit, nice_ticks
from rag.schema import (
    Answer,
    Citation,
    Comparison,
    DatedClaim,
    Disagreement,
    Figure,
    SourceView,
    Statement,
    Timeline,
)

# --- comparisons --------------------------------------------------------------------------


def statement(doc_id: str, quote: str, *figures: tuple[str, float, list[str]]) -> Statement:
    cite = Citation(n=1, doc_id=doc_id, title=doc_id, quote=quote, start=0, end=len(quote), score=1)
    found = [
        Figure(raw=raw, kind="money", value=value, unit="USD", qualifiers=q, start=0, end=len(raw))
        for raw, value, q in figures
    ]
    return Statement(citation=cite, figures=found)


def source(doc_id: str, title: str, *statements: Statement) -> SourceView:
    return SourceView(doc_id=doc_id, title=title, addresses=True, statements=list(statements))


FIVE = statement(
    "a",
    "Amazon is investing $5 billion, with up to $20 billion more.",
    ("$5 billion", 5e9, []),
    ("$20 billion", 20e9, ["up to"]),
)
EIGHT = statement("b", "Amazon’s cumulative $8 billion.", ("$8 billion", 8e9, ["cumulative"]))
TWENTY_FIVE = statement("c", "a potential $25 billion", ("$25 billion", 25e9, ["potential"]))
PASSING = statement("c", "the $25 billion deployment", ("$25 billion", 25e9, []))
AMAZON = Comparison(
    question="How much has Amazon invested in Anthropic?",
    sources=[
        source("a", "Amazon's $100 Billion Infrastructure Bet on Anthropic Reveals", FIVE),
        source("b", "Amazon’s $8 Billion Anthropic Investment", EIGHT),
        source("c", "Why Amazon Committed 25 Billion", PASSING, TWENTY_FIVE),
        SourceView(doc_id="d", title="Silent", addresses=False),
    ],
    disagreements=[
        Disagreement(kind="money", subject="the investment", claims=[FIVE, EIGHT], summary="…")
    ],
)


def parsed(svg: str | None) -> ET.Element:
    assert svg is not None
    root = ET.fromstring(svg)
    assert root.tag == "svg" and root.get("role") == "img" and root.get("aria-label")
    assert root.find("title") is not None
    return root


def bars(svg: str | None) -> dict[str, ET.Element]:
    return {
        g.get("data-label", ""): g
        for g in parsed(svg).iter("g")
        if g.get("class", "") in {"bar", "bar flagged"}
    }


def test_each_figure_is_a_bar_labelled_with_its_source_and_qualifier() -> None:
    drawn = bars(figure_bars(AMAZON))
    assert {label: float(g.get("data-value", "")) for label, g in drawn.items()} == {
        "Amazon's $100 Billion Infrastructure… — $5 billion": 5e9,
        "Amazon's $100 Billion Infrastructure… — up to $20 billion": 20e9,
        "Amazon’s $8 Billion Anthropic Investment — cumulative $8 billion": 8e9,
        "Why Amazon Committed 25 Billion — potential $25 billion": 25e9,  # its fullest wording
    }
    for label, g in drawn.items():  # what the reader sees is the label, and the value in $B
        texts = [t.text or "" for t in g.iter("text")]
        assert texts[0] == label
        assert "".join(g.find("text[2]").itertext()).startswith(  # type: ignore[union-attr]
            in_unit(float(g.get("data-value", "")), "money", "USD")
        )


def test_bars_share_one_axis_in_dollars_and_flag_the_disagreeing_sources() -> None:
    root = parsed(figure_bars(AMAZON))
    ticks = [t.text for t in root.iter("text") if t.get("text-anchor") == "middle"]
    assert ticks == ["$0", "$5B", "$10B", "$15B", "$20B", "$25B"]
    widths = {g.get("data-value"): float(g.find("rect").get("width", "")) for g in root.iter("g")}  # type: ignore[union-attr]
    assert widths["20000000000"] == pytest.approx(4 * widths["5000000000"])
    flagged = {g.get("data-doc") for g in root.iter("g") if g.get("data-flagged") == "true"}
    assert flagged == {"a", "b"}
    assert "disagrees" in "".join(root.itertext())


def test_a_flagged_sources_figure_the_flag_did_not_count_is_not_marked() -> None:
    # source a disputes the amount invested and also names $100 billion of cloud spend: a
    # different subject, which compare leaves out of the flag's claims
    cloud = statement("a", "$100 billion to AWS over a decade", ("$100 billion", 100e9, []))
    view = source("a", "Amazon's $100 Billion Infrastructure Bet on Anthropic Reveals", FIVE, cloud)
    comparison = AMAZON.model_copy(update={"sources": [view, *AMAZON.sources[1:]]})
    flagged = {
        g.get("data-value"): g.get("data-flagged")
        for g in parsed(figure_bars(comparison)).iter("g")
        if g.get("data-doc") == "a"
    }
    assert flagged == {"5000000000": "true", "20000000000": "true", "100000000000": "false"}


def test_a_flag_whose_claims_list_no_figure_marks_the_figures_of_their_sentences() -> None:
    # a changed-answer flag quotes the sentences bare; the rows hold them with their figures
    bare = [st.model_copy(update={"figures": []}) for st in (FIVE, EIGHT)]
    flag = Disagreement(kind="answer", subject="", claims=bare, summary="…")
    comparison = AMAZON.model_copy(update={"disagreements": [flag]})
    flagged = {
        g.get("data-doc")
        for g in bars(figure_bars(comparison)).values()
        if g.get("data-flagged") == "true"
    }
    assert flagged == {"a", "b"}


def test_a_range_is_a_bar_from_its_low_to_its_high_end() -> None:
    ranged = Figure(
        raw="$10–15 billion", kind="money", value=10e9, high=15e9, unit="USD", start=0, end=14
    )
    other = Figure(raw="$20 billion", kind="money", value=20e9, unit="USD", start=0, end=11)
    views = [source("x", "X", Statement(citation=FIVE.citation, figures=[ranged, other]))]
    root = parsed(figure_bars(Comparison(question="q", sources=views)))
    (g,) = [g for g in root.iter("g") if g.get("data-high")]
    assert float(g.get("data-high", "")) == 15e9
    bar, full = g.find("rect"), [r for r in root.iter("rect") if r.get("height") == "14.0"][1]
    assert bar is not None
    # $10B..$15B on a $0..$20B axis: starts halfway, a quarter of the $20 billion bar long
    assert float(bar.get("width", "")) == pytest.approx(float(full.get("width", "")) / 4, abs=0.2)
    assert float(bar.get("x", "")) == pytest.approx(16 + float(full.get("width", "")) / 2, abs=0.2)
    assert "$10B–$15B" in "".join(g.itertext())


def test_nothing_to_compare_draws_nothing() -> None:
    assert figure_bars(Comparison(question="q", sources=[])) is None
    one = Comparison(question="q", sources=[source("b", "B", EIGHT)])
    assert figure_bars(one) is None
    year = Figure(raw="2024", kind="date", value=2024, start=0, end=4)
    dated = Statement(
        citation=EIGHT.citation, figures=[year, year.model_copy(update={"value": 2023})]
    )
    assert figure_bars(Comparison(question="q", sources=[source("b", "B", dated)])) is None


def test_charts_are_deterministic_and_escape_titles() -> None:
    assert figure_bars(AMAZON) == figure_bars(AMAZON.model_copy(deep=True))
    nasty = AMAZON.model_copy(update={"sources": [source("z", 'A<b> & "C"', FIVE)]})
    svg = figure_bars(nasty)
    assert svg is not None and "<b>" not in svg and "A&lt;b&gt; &amp; &quot;C&quot;" in svg
    assert 'A<b> & "C" — $5 billion' in bars(svg)


# --- timelines ----------------------------------------------------------------------------


def claim(
    date_text: str, precision: str, start: str | None, end: str | None, doc: str = "a"
) -> DatedClaim:
    cite = Citation(n=1, doc_id=doc, title=f"Source {doc}", quote="q", start=0, end=1, score=1)
    return DatedClaim.model_validate(
        {
            "date_text": date_text,
            "precision": precision,
            "start": start,
            "end": end,
            "what": f"{date_text} it happened",
            "citation": cite,
        }
    )


TIMELINE = Timeline(
    topic="Amazon and Anthropic",
    claims=[
        claim("2023", "year", "2023-01-01", "2023-12-31"),
        claim("September 2023", "month", "2023-09-01", "2023-09-30", "b"),
        claim("November 22, 2024", "day", "2024-11-22", "2024-11-22", "c"),
        claim("last year", "relative", None, None, "b"),
    ],
)


def test_timeline_places_points_and_spans_on_a_time_axis() -> None:
    root = parsed(timeline_axis(TIMELINE))
    moments = {g.get("data-label"): g for g in root.iter("g") if "moment" in g.get("class", "")}
    assert set(moments) == {
        "2023 — Source a",
        "September 2023 — Source b",
        "November 22, 2024 — Source c",
    }
    year, month, day = moments.values()
    assert year.find("rect") is not None and year.find("circle") is None  # a year is a span
    assert month.find("circle") is not None and day.find("circle") is not None
    x = [float(g.find("circle").get("cx", "")) for g in (month, day)]  # type: ignore[union-attr]
    span = year.find("rect")
    assert span is not None and float(span.get("x", "")) < x[0] < x[1]
    assert day.get("data-start") == "2024-11-22"
    ticks = [t.text for t in root.iter("text") if t.get("text-anchor") == "middle"]
    assert "Jan 2024" in ticks or "2024" in ticks
    (unplaced,) = [g for g in root.iter("g") if g.get("class") == "unplaced"]
    assert unplaced.get("data-label") == "last year — Source b"


def test_a_timeline_with_no_placeable_date_draws_nothing() -> None:
    only_relative = Timeline(topic="t", claims=[claim("last year", "relative", None, None)])
    assert timeline_axis(only_relative) is None
    assert timeline_axis(Timeline(topic="t")) is None


# --- evaluations --------------------------------------------------------------------------


def result(n: int, kind: str, hit: bool, ms: float) -> QuestionResult:
    return QuestionResult.model_validate(
        {
            "id": f"q{n}",
            "type": kind,
            "question": "q",
            "answer": Answer(question="q", text="a", abstained=False),
            "retrieved": [],
            "expected": {"answers": [], "sources": [], "evidence": []},
            "metrics": QuestionMetrics(answer_hit=hit, latency_ms=ms),
        }
    )


def run(name: str, hits: list[bool], times: list[float]) -> SystemRun:
    kinds = ["factoid", "factoid", "conflict", "conflict", "factoid", "conflict", "factoid"]
    questions = [
        result(i, kinds[i], h, t) for i, (h, t) in enumerate(zip(hits, times, strict=True))
    ]
    return SystemRun(
        name=name, k=5, questions=questions, aggregates=aggregates(questions), seconds=1
    )


TIMES = [40.0, 55.0, 61.0, 70.0, 120.0, 130.0, 480.0]
OURS = run("rag", [True, True, True, False, True, True, True], TIMES)
REPORT = EvalReport(
    **dict(OURS),
    dataset="t",
    created="2026-01-01",
    settings={},
    baseline=run("langchain-naive", [True, False, False, False, True, False, True], TIMES),
)
LIMITS = {"overall": {"answer_hit_rate": 0.9}, "factoid": {"answer_hit_rate": 0.5}}


def test_threshold_marker_sits_at_its_value_coloured_by_the_verdict() -> None:
    checks = check(REPORT.aggregates, LIMITS)
    (svg,) = threshold_bars(REPORT, checks, {"answer_hit_rate": "answer hit rate"})
    root = parsed(svg)
    marks = {g.get("data-group"): g for g in root.iter("g") if "threshold" in g.get("class", "")}
    assert set(marks) == {"overall", "factoid"}
    assert marks["overall"].get("class") == "threshold missed"  # 6/7 < 0.9
    assert marks["factoid"].get("class") == "threshold met"
    assert float(marks["overall"].get("data-threshold", "")) == 0.9
    scores = {
        (g.get("data-system"), g.get("data-group")): g
        for g in root.iter("g")
        if g.get("class") == "score"
    }
    track = scores[("rag", "overall")].findall("rect")[0]
    x0, full = float(track.get("x", "")), float(track.get("width", ""))
    marker = marks["overall"].find("line")
    assert marker is not None and float(marker.get("x1", "")) == pytest.approx(
        x0 + 0.9 * full, abs=0.1
    )
    assert "min 0.9" in "".join(marks["overall"].itertext())
    assert float(scores[("langchain-naive", "factoid")].get("data-value", "")) == 0.75
    assert root.get("aria-label") == "answer hit rate per question type"


def test_no_threshold_no_threshold_chart_but_the_metric_still_draws() -> None:
    assert threshold_bars(REPORT, []) == []
    root = parsed(metric_bars(REPORT, "answer_hit_rate"))
    assert not [g for g in root.iter("g") if "threshold" in g.get("class", "")]
    assert metric_bars(REPORT, "rewrite_accuracy") is None  # nothing measured it


def test_latency_histogram_counts_every_question_and_marks_p50_p95() -> None:
    root = parsed(latency_histogram(REPORT))
    bins = [g for g in root.iter("g") if g.get("class") == "bin"]
    assert sum(int(g.get("data-count", "")) for g in bins) == len(TIMES)
    for g in bins:
        lo, hi = float(g.get("data-from", "")), float(g.get("data-to", ""))
        assert int(g.get("data-count", "")) == sum(lo <= t < hi for t in TIMES)
    marks = {
        g.get("data-label"): float(g.get("data-value", ""))
        for g in root.iter("g")
        if g.get("class") == "percentile"
    }
    overall = REPORT.aggregates["overall"]
    assert marks == {"p50": overall.latency_p50_ms, "p95": overall.latency_p95_ms}
    assert "p50 70 ms" in "".join(root.itertext())


def test_a_run_without_questions_has_no_histogram() -> None:
    empty = REPORT.model_copy(update={"questions": []})
    assert latency_histogram(empty) is None
    same = REPORT.model_copy(update={"questions": [result(0, "factoid", True, 50.0)] * 3})
    root = parsed(latency_histogram(same))
    assert [g.get("data-count") for g in root.iter("g") if g.get("class") == "bin"] == ["3"]


# --- the drawing pieces -------------------------------------------------------------------


def test_ticks_and_units_read_as_a_person_writes_them() -> None:
    assert nice_ticks(20e9)[-1] == 20e9 and nice_ticks(21e9)[-1] == 25e9
    assert in_unit(2.5e9, "money", "USD") == "$2.5B" and in_unit(8e6, "money", "EUR") == "€8M"
    assert clip("The Vertical Integration of Intelligence", 20) == "The Vertical…"


def test_a_label_that_fits_on_neither_side_of_its_span_is_cut_to_the_room() -> None:
    wide = Timeline(
        topic="t",
        claims=[
            claim("March 11, 2025", "day", "2025-03-11", "2025-03-11"),
            claim("fiscal year 2026", "fiscal_year", "2026-01-01", "2026-12-31", "b" * 40),
            claim("2027", "year", "2027-01-01", "2027-12-31", "c"),
        ],
    )
    root = parsed(timeline_axis(wide))
    width = float(root.get("width", "0"))
    (span,) = [g for g in root.iter("g") if g.get("data-label", "").startswith("fiscal")]
    text = span.find("text")
    assert text is not None and text.text and text.text.endswith("…")
    assert len(text.text) < len(span.get("data-label", ""))  # the whole label stays in the data
    start = float(text.get("x", "0"))
    drawn = len(text.text) * 6.6
    end = start - drawn if text.get("text-anchor") == "end" else start + drawn
    assert min(start, end) >= 0 and max(start, end) <= width
