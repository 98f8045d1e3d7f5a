"""`rag chat`: questions line by line from stdin, follow-ups read with the earlier turns, one
Answer per line with --json; a bad line is reported and the conversation goes on."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rag.cli import app
from rag.ingestion import IngestReport


def chat(rag: CliRunner, text: str, *args: str) -> list[dict]:
    result = rag.invoke(app, ["chat", "--json", *args], input=text)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_follow_up_is_answered_as_the_question_it_stands_for(
    rag: CliRunner, ingested: IngestReport
) -> None:
    first, second = chat(rag, "How much did Orion agree to invest in Lumen?\nAnd Nimbus?\n")
    assert first["understood_as"] == ""
    assert second["question"] == "And Nimbus?"
    assert second["understood_as"] == "How much did Nimbus agree to invest in Lumen?"


def test_new_starts_over_and_blank_lines_are_skipped(
    rag: CliRunner, ingested: IngestReport
) -> None:
    answers = chat(rag, "How much did Orion agree to invest?\n\n/new\nAnd Nimbus?\n")
    assert len(answers) == 2 and answers[1]["understood_as"] == ""


def test_a_bad_line_is_reported_and_the_chat_goes_on(
    rag: CliRunner, ingested: IngestReport
) -> None:
    result = rag.invoke(app, ["chat", "--json"], input="?!\nWho designs the chips?\n")
    assert result.exit_code == 0
    assert "Error:" in result.stderr and "Traceback" not in result.output
    assert [json.loads(x)["question"] for x in result.stdout.splitlines()] == [
        "Who designs the chips?"
    ]


def test_human_output_shows_how_a_follow_up_was_understood(
    rag: CliRunner, ingested: IngestReport
) -> None:
    result = rag.invoke(app, ["chat"], input="How much did Orion agree to invest?\nWhy?\n")
    assert result.exit_code == 0, result.output
    assert "Understood as: Why did Orion agree to invest?" in " ".join(result.stdout.split())


def test_a_filter_that_matches_nothing_stops_before_reading(
    rag: CliRunner, ingested: IngestReport
) -> None:
    result = rag.invoke(app, ["chat", "--source", "nosuch"], input="Who designs the chips?\n")
    assert result.exit_code == 1 and "No source matches" in result.stderr
