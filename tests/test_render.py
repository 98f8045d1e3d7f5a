"""rag/render/console.py shows data as data: rich markup and terminal escapes in articles, file
names and questions are printed literally (or dropped, for control codes), never parsed, never a
crash.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_cli import invoke, said

MARKUP_ARTICLE = (
    "Orion Notes [draft]\n\n"
    "Orion [/note] raised $4 billion [citation needed] from Lumen in 2024. "
    "The \x1b[31mred\x1b[0m team at Orion [bold]hired 30 engineers[/bold] in March 2025.\n"
)


@pytest.fixture
def markup_rag(rag: CliRunner) -> CliRunner:
    corpus = rag_corpus()
    (corpus / "notes [draft].txt").write_text(MARKUP_ARTICLE, encoding="utf-8")
    (corpus / "empty [old].txt").write_text("", encoding="utf-8")
    result = invoke(rag, "ingest")
    assert result.exit_code == 0, result.output
    return rag


def rag_corpus() -> Path:
    return Path(os.environ["RAG_CORPUS_DIR"])


def test_skipped_file_name_with_brackets_is_shown_whole(rag: CliRunner) -> None:
    (rag_corpus() / "empty [old].txt").write_text("", encoding="utf-8")

    result = invoke(rag, "ingest")

    assert result.exit_code == 0
    assert "empty [old].txt: is empty" in said(result.stderr)


@pytest.mark.parametrize("command", ["ask", "search", "compare"])
def test_markup_in_an_article_is_printed_literally(markup_rag: CliRunner, command: str) -> None:
    result = invoke(markup_rag, command, "How much did Orion raise from Lumen?")

    assert result.exit_code == 0, result.output
    text = said(result.stdout)
    assert "[citation needed]" in text or "[/note]" in text
    assert "\x1b" not in result.stdout


def test_a_quote_keeps_its_brackets_and_its_source_name(markup_rag: CliRunner) -> None:
    result = invoke(markup_rag, "ask", "How much did Orion raise from Lumen?")

    text = said(result.stdout)
    assert "Orion [/note] raised $4 billion [citation needed] from Lumen in 2024." in text
    assert "notes [draft]" in text


@pytest.mark.parametrize("command", ["ask", "search", "compare"])
def test_markup_and_escapes_in_a_question_do_not_break_the_output(
    markup_rag: CliRunner, command: str
) -> None:
    result = invoke(markup_rag, command, "[/x] How much \x1b[2J did [bold]Orion raise?")

    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
