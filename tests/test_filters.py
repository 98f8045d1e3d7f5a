"""rag/filters.py and the filters through retrieval, ask, compare and the CLI: only the chosen
sources are searched, and a filter that matches nothing says so instead of searching everything.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.answer.comparison import compare
from rag.chain import ask
from rag.cli import app
from rag.engine import build_engine
from rag.errors import FilterError
from rag.filters import select_documents
from rag.ingestion import IngestReport
from rag.schema import Article, Filters, date_range
from tests.conftest import FakeEmbedder

QUESTION = "How much did Orion agree to invest?"


def article(doc_id: str, title: str, published: str | None) -> Article:
    return Article(
        doc_id=doc_id,
        title=title,
        path=Path(f"{doc_id}.txt"),
        text="x",
        sha256="0",
        published=published,
    )


ARTICLES = {
    "a": article("a", "Chips and clouds", "2024-11-22"),
    "b": article("b", "The model maker", "2023"),
    "c": article("c", "Undated notes", None),
}


def test_no_filter_selects_everything() -> None:
    assert select_documents(ARTICLES, None) is None
    assert select_documents(ARTICLES, Filters()) is None


def test_sources_are_named_by_id_or_a_piece_of_the_title() -> None:
    assert select_documents(ARTICLES, Filters(sources=["a"])) == {"a"}
    assert select_documents(ARTICLES, Filters(sources=["MODEL maker", "c"])) == {"b", "c"}


def test_an_unknown_source_is_an_error_that_lists_the_known_ones() -> None:
    with pytest.raises(FilterError, match=r"No source matches 'zeta'.*a \(Chips and clouds\)"):
        select_documents(ARTICLES, Filters(sources=["zeta"]))


def test_dates_select_overlapping_articles_and_leave_undated_ones_out() -> None:
    assert select_documents(ARTICLES, Filters(since="2024")) == {"a"}
    assert select_documents(ARTICLES, Filters(until="2023-12-31")) == {"b"}
    assert select_documents(ARTICLES, Filters(since="2023-06", until="2023-06")) == {"b"}


def test_a_date_range_that_matches_nothing_says_what_dates_exist() -> None:
    with pytest.raises(FilterError, match=r"from 2030-01-01 .* 2023 to 2024-11-22; 1 of 3"):
        select_documents(ARTICLES, Filters(since="2030-01-01"))


@pytest.mark.parametrize("bad", ["yesterday", "2024-13", "2023-02-29", "24"])
def test_a_malformed_date_is_refused_where_it_enters(bad: str) -> None:
    with pytest.raises(ValueError, match="date"):
        Filters(since=bad)


def test_partial_dates_cover_their_whole_span() -> None:
    assert [str(d) for d in date_range("2024-02")] == ["2024-02-01", "2024-02-29"]
    assert [str(d) for d in date_range("2023")] == ["2023-01-01", "2023-12-31"]


def test_filtered_search_ask_and_compare_cite_only_the_chosen_source(
    settings, embedder: FakeEmbedder, ingested: IngestReport
) -> None:
    engine = build_engine(settings, embedder)
    assert {
        h.chunk.doc_id for h in engine.retriever.search(QUESTION, 10, docs=frozenset({"beta"}))
    } == {"beta"}
    answer = ask(QUESTION, settings, engine, filters=Filters(sources=["beta"]))
    cited = {c.doc_id for c in answer.citations + answer.related}
    assert cited <= {"beta"} and answer.filters == Filters(sources=["beta"])
    comparison = compare(QUESTION, settings, engine, filters=Filters(sources=["beta"]))
    assert [view.doc_id for view in comparison.sources] == ["beta"]


def test_cli_filters_narrow_and_refuse(rag: CliRunner, ingested: IngestReport) -> None:
    result = rag.invoke(app, ["ask", QUESTION, "--source", "beta", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {c["doc_id"] for c in answer["citations"] + answer["related"]} <= {"beta"}
    result = rag.invoke(app, ["ask", QUESTION, "--since", "2030-01-01"])
    assert result.exit_code == 1 and "No article was published" in result.stderr
    result = rag.invoke(app, ["search", QUESTION, "--until", "2024-02-30"])
    assert result.exit_code == 2 and "not a real date" in result.stderr
    assert "Traceback" not in result.output
