"""`--format md|json|csv` on `rag ask`, `chat`, `compare` and `timeline` through typer's runner:
what each prints is what rag/render/export.py makes of the model `--format json` prints, so a
second run gives the same bytes; `--json` is `--format json`, and a wrong format exits 2."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.config import Settings
from rag.ingestion import IngestReport, ingest
from rag.render.export import (
    CITATION_COLUMNS,
    CLAIM_COLUMNS,
    STATEMENT_COLUMNS,
    to_csv,
    to_markdown,
)
from rag.schema import Answer, Comparison, Timeline
from tests.conftest import FakeEmbedder
from tests.test_export import assert_footnotes_resolve, parsed_csv, rendered_text, table_rows

SPENT_Q = "How much has Orion Cloud spent on custom chips?"
LUMEN_Q = "How much will Orion invest in Lumen?"


def printed(rag: CliRunner, *args: str, stdin: str | None = None) -> str:
    result = rag.invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_ask_prints_the_answer_as_markdown_csv_or_json(
    rag: CliRunner, ingested: IngestReport
) -> None:
    md = printed(rag, "ask", SPENT_Q, "--format", "md")
    answer = Answer.model_validate_json(printed(rag, "ask", SPENT_Q, "--format", "json"))
    same = Answer.model_validate_json(printed(rag, "ask", SPENT_Q, "--json"))

    assert md.startswith(f"# {SPENT_Q}\n") and "$5.5 billion" in rendered_text(md)
    assert assert_footnotes_resolve(md) and "(`alpha`, chars " in md
    assert md == to_markdown(answer)  # a second run gives the same Markdown
    assert same.model_copy(update={"timings": {}}) == answer.model_copy(update={"timings": {}})
    rows = parsed_csv(printed(rag, "ask", SPENT_Q, "--format", "csv"))
    assert rows[0] == CITATION_COLUMNS and rows[1][4] == "alpha"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "Invalid value for '--format'"),
        (["--json", "--format", "md"], "--json asks for JSON but --format asks for md"),
    ],
)
def test_a_wrong_format_exits_2_with_a_message(
    rag: CliRunner, args: list[str], message: str
) -> None:
    for command in (["ask", SPENT_Q], ["compare", LUMEN_Q], ["chat"], ["timeline", "Orion"]):
        result = rag.invoke(app, [*command, *args], input="")
        assert result.exit_code == 2, (command, result.output)
        assert message in " ".join(result.stderr.split())


def test_compare_prints_the_table_as_csv_markdown_or_json(
    rag: CliRunner, ingested: IngestReport
) -> None:
    rows = parsed_csv(printed(rag, "compare", LUMEN_Q, "--format", "csv"))
    md = printed(rag, "compare", LUMEN_Q, "--format", "md")
    comparison = Comparison.model_validate_json(printed(rag, "compare", LUMEN_Q, "--json"))

    assert rows[0] == STATEMENT_COLUMNS and any("$4 billion" in r[2] for r in rows[1:])
    assert to_csv(comparison) == printed(rag, "compare", LUMEN_Q, "--format", "csv")
    assert md == to_markdown(comparison) and md.startswith(f"# {LUMEN_Q}\n")
    assert len(table_rows(md)) == 1 + len(rows[1:]) + sum(
        not v.addresses for v in comparison.sources
    )


def test_chat_streams_one_markdown_document_turn_by_turn(
    rag: CliRunner, ingested: IngestReport
) -> None:
    lines = "How much did Orion agree to invest in Lumen?\nAnd Nimbus?\n"
    md = printed(rag, "chat", "--format", "md", stdin=lines)
    jsonl = printed(rag, "chat", "--format", "json", stdin=lines).splitlines()
    turns = [Answer.model_validate_json(line) for line in jsonl]

    assert len(turns) == 2 and md == to_markdown(turns)
    assert "*Understood as:* How much did Nimbus agree to invest in Lumen?" in md
    rows = parsed_csv(printed(rag, "chat", "--format", "csv", stdin=lines))
    assert rows[0] == CITATION_COLUMNS and {r[0] for r in rows[1:]} <= {"1", "2"}


def test_timeline_prints_markdown_csv_or_json(
    rag: CliRunner, settings: Settings, embedder: FakeEmbedder
) -> None:
    dated = (
        "Lumen Funding History\n\nOrion Cloud first invested in Lumen in March 2023, a sum of "
        "$1 billion. Orion added $4 billion to its Lumen investment in November 2024.\n"
    )
    (settings.corpus_dir / "lumen-history.txt").write_text(dated, encoding="utf-8")
    ingest(settings, embedder)
    topic = "Orion's investment in Lumen"

    timeline = Timeline.model_validate_json(printed(rag, "timeline", topic, "--format", "json"))
    md = printed(rag, "timeline", topic, "--format", "md")
    rows = parsed_csv(printed(rag, "timeline", topic, "--format", "csv"))

    assert len(timeline.claims) >= 2 and md == to_markdown(timeline)
    assert md.startswith("# Timeline: Orion's investment in Lumen\n")
    assert "| March 2023 (2023-03-01 to 2023-03-31) |" in md
    assert len(table_rows(md)) == 1 + len(timeline.claims) == len(rows)
    assert rows[0] == CLAIM_COLUMNS and rows[1][0] == "March 2023"
