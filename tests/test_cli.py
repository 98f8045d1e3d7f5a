"""rag/cli.py through typer's runner: `rag ingest` and `rag search` output, and errors as one red
`Error:` line with exit code 1 (never a traceback).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from rag.cli import app
from rag.config import Settings
from rag.embedding.model import Embedder
from rag.render import console as render
from rag.schema import Citation, Comparison, Figure, SourceView, Statement
from rag.text.short_answers import ShortAnswer
from tests.conftest import use_embedder

HIT_FIELDS = {
    "chunk",
    "title",
    "rank",
    "score",
    "dense_score",
    "dense_rank",
    "bm25_score",
    "bm25_rank",
}
CHUNK_FIELDS = {"doc_id", "start", "end", "text", "idx", "first_sentence", "last_sentence"}


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, list(args))


def said(stream: str) -> str:
    """What a user reads, with rich's line wrapping undone."""
    return " ".join(stream.split())


def search_json(runner: CliRunner, question: str, *options: str) -> list[dict[str, Any]]:
    result = invoke(runner, "search", question, "--json", *options)
    assert result.exit_code == 0, result.output
    hits: list[dict[str, Any]] = json.loads(result.stdout)
    return hits


def assert_clean_error(result: Result, message: str) -> None:
    """One `Error:` line on stderr, exit code 1, and no traceback."""
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.startswith("Error: "), result.stderr
    assert message in said(result.stderr)
    assert "Traceback" not in result.output


def test_ingest_reports_what_it_built_then_that_nothing_changed(rag: CliRunner) -> None:
    first = invoke(rag, "ingest")
    second = invoke(rag, "ingest")

    assert first.exit_code == 0, first.output
    assert "updated: 4 documents" in said(first.stdout)
    assert "(4 new or changed, 0 unchanged, 0 removed)" in said(first.stdout)
    assert second.exit_code == 0, second.output
    assert "already up to date" in said(second.stdout)
    assert "Embedded 0 chunks and 0 sentences" in said(second.stdout)


def test_ingest_names_each_skipped_file_and_why(rag: CliRunner, settings: Settings) -> None:
    (settings.corpus_dir / "empty.txt").write_text("", encoding="utf-8")

    result = invoke(rag, "ingest")

    assert result.exit_code == 0, result.output
    assert "Skipped" in result.stderr
    assert "empty.txt: is empty" in said(result.stderr)
    assert "4 documents" in said(result.stdout)


def test_ingest_options_override_the_folders(
    rag: CliRunner, settings: Settings, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"

    result = invoke(rag, "ingest", "--corpus", str(settings.corpus_dir), "--index", str(elsewhere))

    assert result.exit_code == 0, result.output
    assert (elsewhere / "manifest.json").exists()
    assert not settings.index_dir.exists()


def test_search_json_has_stable_fields_and_exact_offsets(
    rag: CliRunner, settings: Settings
) -> None:
    invoke(rag, "ingest")

    hits = search_json(rag, "How many customers use Lumen models?", "--k", "3")

    assert [h["rank"] for h in hits] == [1, 2, 3]
    for hit in hits:
        assert set(hit) == HIT_FIELDS
        assert set(hit["chunk"]) == CHUNK_FIELDS
    top = hits[0]["chunk"]
    assert top["doc_id"] == "beta"
    assert hits[0]["title"] == "Why Orion Invested in a Model Maker"
    source = (settings.corpus_dir / "beta.txt").read_text(encoding="utf-8")
    assert source[top["start"] : top["end"]] == top["text"]


def test_search_table_shows_source_and_ranks(rag: CliRunner) -> None:
    invoke(rag, "ingest")

    result = invoke(rag, "search", "Zanzibar heirloom tomatoes", "--k", "1")

    assert result.exit_code == 0, result.output
    row = said(result.stdout)
    assert "│ 1 │ Growing" in row
    assert "gamma" in row
    assert "Zanzibar" in row


def test_search_without_an_index_says_to_run_ingest(rag: CliRunner) -> None:
    result = invoke(rag, "search", "Who invested in Lumen?")

    assert_clean_error(result, "Run `rag ingest`")


def test_ingest_of_a_missing_corpus_says_where_to_point(rag: CliRunner, tmp_path: Path) -> None:
    result = invoke(rag, "ingest", "--corpus", str(tmp_path / "nowhere"))

    assert_clean_error(result, "does not exist. Point --corpus at a folder")


@pytest.mark.parametrize("question", ["", "   ", "\x07"])
def test_search_refuses_an_empty_question(rag: CliRunner, question: str) -> None:
    invoke(rag, "ingest")

    assert_clean_error(invoke(rag, "search", question), "The question is empty.")


def test_search_refuses_an_overlong_question(rag: CliRunner) -> None:
    assert_clean_error(invoke(rag, "search", "a" * 2001), "the limit is 2,000")


def test_search_on_a_stale_index_says_to_rebuild(
    rag: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke(rag, "ingest")
    monkeypatch.setenv("RAG_CHUNK_SIZE", "500")

    assert_clean_error(invoke(rag, "search", "Orion chips"), "Rebuild it with `rag ingest`")


def test_search_on_a_corrupt_index_says_to_rebuild(rag: CliRunner, settings: Settings) -> None:
    invoke(rag, "ingest")
    (settings.index_dir / "chunks.jsonl").write_text("{}\n", encoding="utf-8")

    assert_clean_error(invoke(rag, "search", "Orion chips"), "does not match the manifest")


def test_error_line_is_red_on_a_colour_terminal(
    rag: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")

    result = invoke(rag, "search", "Who invested in Lumen?")

    assert result.exit_code == 1
    assert result.stderr.startswith("\x1b[1;31mError:")


@pytest.mark.slow
def test_real_search_json_finds_the_bedrock_customer_count(
    real_ingest: object,
    real_settings: Settings,
    real_embedder: Embedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_embedder(monkeypatch, real_embedder)

    hits = search_json(
        CliRunner(),
        "How many customers run Claude models on Bedrock?",
        "--k",
        "3",
        "--index",
        str(real_settings.index_dir),
    )

    assert any("Over 100,000 customers" in h["chunk"]["text"] for h in hits)


def test_compare_table_says_no_figure_only_where_others_give_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def view(doc_id: str, quote: str, figures: list[Figure]) -> SourceView:
        citation = Citation(
            n=1, doc_id=doc_id, title=doc_id, quote=quote, start=0, end=len(quote), score=1.0
        )
        statement = Statement(citation=citation, figures=figures)
        return SourceView(doc_id=doc_id, title=doc_id, addresses=True, statements=[statement])

    eight = Figure(raw="$8 billion", kind="money", value=8e9, start=16, end=26)
    quiet = view("quiet", "Amazon and Anthropic are close.", [])
    render.print_comparison(
        Comparison(
            question="How much?", sources=[view("a", "Amazon invested $8 billion.", [eight]), quiet]
        )
    )
    assert capsys.readouterr().out.count("no figure") == 1
    render.print_comparison(Comparison(question="Who?", sources=[quiet]))
    assert "no figure" not in capsys.readouterr().out
    # a figure elsewhere, but the question asks for a person: no "no figure"
    who = Comparison(
        question="Who invested?", sources=[view("a", "Amazon invested $8 billion.", [eight]), quiet]
    )
    render.print_comparison(who)
    assert "no figure" not in capsys.readouterr().out
    year = view("old", "Founded in 1856.", [])  # an answer, though not a figure read
    year.statements[0].short_answer = ShortAnswer(text="1856", start=11, end=15)
    render.print_comparison(
        Comparison(
            question="When?", sources=[view("a", "Amazon invested $8 billion.", [eight]), year]
        )
    )
    assert "no figure" not in capsys.readouterr().out
