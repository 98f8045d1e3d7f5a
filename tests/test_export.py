"""rag/render/export.py: answers, conversations, comparisons and timelines as Markdown (footnotes
that resolve, source text that renders as itself), CSV that parses and JSON that validates back, the
same bytes every time; and `--format` on the CLI through typer's runner.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from markdown_it import MarkdownIt
from pydantic import TypeAdapter

from rag.render.export import (
    CITATION_COLUMNS,
    CLAIM_COLUMNS,
    STATEMENT_COLUMNS,
    View,
    conversation_piece,
    to_csv,
    to_json,
    to_markdown,
)
from rag.schema import (
    Answer,
    AnswerSentence,
    Citation,
    Comparison,
    DatedClaim,
    Disagreement,
    Figure,
    Filters,
    SourceView,
    Statement,
    Timeline,
)

# Source text that Markdown would otherwise eat: emphasis, math, a table pipe, HTML, a "[2]".
TRICKY = "Orion's *new* chips cost $5 | $6 <b>each</b> [2], said “Vega_Labs”."
SPENT = Citation(
    n=1, doc_id="alpha", title="Chips *Reshape* the Cloud", quote=TRICKY, start=10,
    end=10 + len(TRICKY), score=0.91, verified=True, published="2024-11",
)  # fmt: skip
INVESTED = Citation(
    n=2, doc_id="beta_2", title="Why Orion | Invested", quote='1. Orion invested "$4 billion".',
    start=0, end=31, score=0.8, context="Orion, the cloud <firm>, grew.",
)  # fmt: skip
FOUR = Figure(raw="$4 billion", kind="money", value=4e9, start=19, end=29, qualifiers=["up to"])
ANSWER = Answer(
    question="How much has *Orion* spent?",
    text=f"{TRICKY} [1] {INVESTED.quote} [2]",
    abstained=False,
    citations=[SPENT, INVESTED],
    sentences=[
        AnswerSentence(text=TRICKY, citations=[1]),
        AnswerSentence(text=INVESTED.quote, citations=[2]),
    ],
    understood_as="How much has Orion spent on chips?",
    filters=Filters(sources=["alpha"], since="2024"),
    timings={"total_ms": 12.5, "retrieve_ms": 3.25},
)
ABSTAINED = Answer(
    question="Why?",
    text="The sources don't say. The closest passages are listed below as related.",
    abstained=True,
    reason="No passage supports an answer.",
    related=[INVESTED],
)
CONVERSATION = [ANSWER, ABSTAINED, ANSWER.model_copy(update={"question": "And Nimbus?"})]
COMPARISON = Comparison(
    question="How much has Orion invested?",
    sources=[
        SourceView(doc_id="gamma", title="Growing Tomatoes", addresses=False),
        SourceView(
            doc_id="beta_2",
            title=INVESTED.title,
            addresses=True,
            statements=[Statement(citation=INVESTED, figures=[FOUR])],
        ),
        SourceView(
            doc_id="alpha",
            title=SPENT.title,
            addresses=True,
            statements=[
                Statement(citation=SPENT),
            ],
        ),
    ],
    disagreements=[
        Disagreement(
            kind="figures",
            subject="Orion",
            claims=[Statement(citation=INVESTED, figures=[FOUR])],
            summary="Why Orion says up to $4 billion; *others* differ.",
        )
    ],
)
TIMELINE = Timeline(
    topic="Orion's investments",
    claims=[
        DatedClaim(
            date_text="September 2024",
            precision="month",
            start="2024-09-01",
            end="2024-09-30",
            what=INVESTED.quote,
            figures=[FOUR],
            citation=INVESTED,
        ),
        DatedClaim(
            date_text="since 2023", precision="range", start="2023-01-01", what="x", citation=SPENT
        ),
        DatedClaim(
            date_text="this year",
            precision="relative",
            start="2024-01-01",
            end="2024-12-31",
            resolved=True,
            what="y",
            citation=SPENT,
        ),
        DatedClaim(date_text="next year", precision="relative", what=TRICKY, citation=SPENT),
    ],
    filters=Filters(until="2025"),
)
VIEWS: dict[str, View] = {
    "answer": ANSWER,
    "abstained": ABSTAINED,
    "conversation": CONVERSATION,
    "comparison": COMPARISON,
    "timeline": TIMELINE,
}
REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
DEFINED = re.compile(r"^\[\^([^\]\s]+)\]: ", re.M)


def rendered_text(markdown: str) -> str:
    """What a reader sees of the Markdown (CommonMark + GFM tables), tags stripped."""
    page = MarkdownIt("commonmark").enable("table").render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def table_rows(markdown: str) -> list[int]:
    """The number of cells in each row of the first table, as a GFM parser sees them."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    counts: list[int] = []
    for token in tokens:
        if token.type == "tr_open":
            counts.append(0)
        elif token.type in ("th_open", "td_open"):
            counts[-1] += 1
    return counts


def assert_footnotes_resolve(markdown: str) -> list[str]:
    """Every [^x] reference has exactly one definition and every definition is referenced."""
    defined = DEFINED.findall(markdown)
    assert len(defined) == len(set(defined)), defined
    assert set(REF.findall(markdown)) == set(defined)
    return defined


def parsed_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --- Markdown ----------------------------------------------------------------------------------


def test_an_answer_cites_every_sentence_with_a_footnote_holding_the_source() -> None:
    md = to_markdown(ANSWER)

    assert md.startswith("# How much has \\*Orion\\* spent?\n")
    assert "\n*Understood as:* How much has Orion spent on chips?\n" in md
    assert "\n*Searched only:* sources alpha; published 2024 to …\n" in md
    assert assert_footnotes_resolve(md) == ["1", "2"]
    note = next(line for line in md.splitlines() if line.startswith("[^1]: "))
    assert "(`alpha`, chars 10–" in note and "published 2024-11" in note and "✓ verified" in note
    seen = rendered_text(md)
    assert TRICKY in seen  # the quote's *, $, |, <b> and [2] show as themselves
    assert "Chips *Reshape* the Cloud" in seen
    assert "after “Orion, the cloud <firm>, grew.”" in seen and "✗ not verified" in seen
    assert "[2], said" in md.replace("\\", "")  # the quote's own [2] is no footnote reference


def test_an_answer_s_short_answers_are_exported_beside_it() -> None:
    said = ANSWER.model_copy(update={"answer_summary": "2 sources say $8 *billion*; 1 says $4"})

    md = to_markdown(said)

    line = next(x for x in md.splitlines() if x.startswith("*Short answers"))
    assert "2 sources say $8 *billion*; 1 says $4" in rendered_text(line)  # escaped, shown as is
    assert "Short answers" not in to_markdown(ANSWER)


def test_an_abstention_lists_related_passages_and_cites_nothing() -> None:
    md = to_markdown(ABSTAINED)

    assert "**No grounded answer.** The sources don't say." in md
    assert "## Related passages (not an answer)\n\n2. Why Orion \\| Invested" in md
    assert not REF.findall(md) and not DEFINED.findall(md)


def test_a_conversation_numbers_footnotes_per_turn_and_streams_the_same_document() -> None:
    md = to_markdown(CONVERSATION)

    assert md.startswith("# Conversation\n\n## 1. How much has")
    assert "\n## 2. Why?\n" in md and "\n### Related passages (not an answer)\n" in md
    assert assert_footnotes_resolve(md) == ["1-1", "1-2", "3-1", "3-2"]
    streamed = [
        conversation_piece(a, n, f) for f in ("md", "csv") for n, a in enumerate(CONVERSATION, 1)
    ]
    assert "".join(streamed[:3]) == md
    assert "".join(streamed[3:]) == to_csv(CONVERSATION)


def test_a_comparison_s_notes_on_different_subjects_are_exported() -> None:
    note = "Probably different subjects, not a disagreement: a (Beltrami) says 142; b says 205."
    md = to_markdown(Comparison(question="q", sources=[], notes=[note]))

    assert note in rendered_text(md)


def test_a_comparison_flags_disagreements_then_tables_each_statement() -> None:
    md = to_markdown(COMPARISON)

    head = md.split("\n| source |", 1)[0]
    assert "**Sources disagree** on Orion (figures)" in head
    assert "says up to $4 billion; *others* differ." in rendered_text(head)
    assert table_rows(md) == [3, 3, 3, 3]  # header, two statements, the silent source
    assert md.index("Why Orion") < md.index("Growing Tomatoes")  # silent sources last
    assert "**(disagrees)**" in md and "| up to \\$4 billion |" in md
    assert "*does not address this*" in md
    assert assert_footnotes_resolve(md) == ["1", "2"]
    assert TRICKY in rendered_text(md)


def test_a_timeline_tables_each_dated_claim_with_its_normalised_date() -> None:
    md = to_markdown(TIMELINE)

    assert md.startswith("# Timeline: Orion's investments\n")
    assert "*Searched only:* published … to 2025" in md
    assert table_rows(md) == [4] * 5
    assert "| September 2024 (2024-09-01 to 2024-09-30) |" in md
    assert "| since 2023 (from 2023-01-01) |" in md
    assert "| this year (2024-01-01 to 2024-12-31, placed by the publication date) |" in md
    assert "| next year (relative, not placed) |" in md
    assert assert_footnotes_resolve(md) == ["1", "2", "3", "4"]


def test_a_markdown_table_survives_a_pipe_in_a_document_id() -> None:
    odd = INVESTED.model_copy(update={"doc_id": "a|b`c"})
    view = SourceView(
        doc_id="a|b`c", title="T", addresses=True, statements=[Statement(citation=odd)]
    )
    md = to_markdown(Comparison(question="Q?", sources=[view]))
    assert table_rows(md) == [3, 3]


# --- CSV and JSON ------------------------------------------------------------------------------


def test_csv_has_a_row_per_citation_statement_and_claim() -> None:
    answer = parsed_csv(to_csv(ANSWER))
    assert answer[0] == CITATION_COLUMNS and len(answer) == 3
    row = dict(zip(CITATION_COLUMNS, answer[1], strict=True))
    assert row["quote"] == TRICKY and row["verified"] == "true" and row["start"] == "10"
    assert parsed_csv(to_csv(ABSTAINED))[1][2] == "related"
    assert [r[0] for r in parsed_csv(to_csv(CONVERSATION))[1:]] == ["1", "1", "2", "3", "3"]

    statements = parsed_csv(to_csv(COMPARISON))
    assert statements[0] == STATEMENT_COLUMNS and len(statements) == 3
    beta = dict(zip(STATEMENT_COLUMNS, statements[1], strict=True))
    assert beta["quote"] == INVESTED.quote and beta["figures"] == "up to $4 billion"
    assert beta["disputed"] == "true" and beta["context"] == INVESTED.context

    claims = parsed_csv(to_csv(TIMELINE))
    assert claims[0] == CLAIM_COLUMNS
    assert [c[0] for c in claims[1:]] == ["September 2024", "since 2023", "this year", "next year"]
    assert [c[2:5] for c in claims[3:]] == [["2024-01-01", "2024-12-31", "true"], ["", "", "false"]]


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_json_validates_back_into_the_same_model(name: str) -> None:
    view = VIEWS[name]
    text = to_json(view)
    if isinstance(view, list):
        assert TypeAdapter(list[Answer]).validate_json(text) == view
        first = json.loads(text)[0]
    else:
        assert type(view).model_validate_json(text) == view
        first = json.loads(text)
    assert list(first) == list(type(view[0] if isinstance(view, list) else view).model_fields)


@pytest.mark.parametrize("name", sorted(VIEWS))
@pytest.mark.parametrize("export", [to_markdown, to_json, to_csv])
def test_the_same_view_gives_the_same_bytes(name: str, export: object) -> None:
    view = VIEWS[name]
    copy = json.loads(to_json(view))  # an equal view, rebuilt from scratch
    rebuilt = (
        TypeAdapter(list[Answer]).validate_python(copy)
        if isinstance(view, list)
        else type(view).model_validate(copy)
    )
    assert callable(export)
    assert export(view) == export(view) == export(rebuilt)
    assert "\r" not in export(view)
