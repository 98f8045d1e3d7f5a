"""rag/answer/timeline.py (and `rag timeline`): dated statements on a topic in date order, relative
dates last unless a publication date places them, conflicting dates and amounts flagged."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rag.answer.timeline import timeline
from rag.cli import app
from rag.config import Settings
from rag.engine import Engine, build_engine
from rag.ingestion import ingest
from rag.schema import Filters
from tests.conftest import FakeEmbedder

TOPIC = "Orion's investment in Lumen"
FIRST = (
    "Lumen Funding History\n\n"
    "Orion Cloud made its first investment in Lumen in March 2023, a sum of $1 billion. "
    "Regulators cleared the Orion investment in Lumen on September 12, 2024. "
    "Orion added $4 billion to its Lumen investment in November 2024. "
    "Orion expects its investment in Lumen to grow this year.\n"
)
SECOND = (
    "Orion and Lumen\n\n"
    "Orion's investment in Lumen grew by $4 billion in December 2024, filings show. "
    "Orion put $2 billion of investment into Lumen in November 2024.\n"
)


@pytest.fixture
def engine(settings: Settings, embedder: FakeEmbedder) -> Engine:
    (settings.corpus_dir / "lumen-history.txt").write_text(FIRST, encoding="utf-8")
    (settings.corpus_dir / "lumen-filings.txt").write_text(SECOND, encoding="utf-8")
    ingest(settings, embedder)
    return build_engine(settings, embedder)


def test_dated_statements_come_in_date_order_with_verified_quotes(engine: Engine) -> None:
    result = timeline(TOPIC, engine.settings, engine)
    dated = [(c.start, c.date_text) for c in result.claims if c.start]
    assert dated == sorted(dated)
    texts = [c.date_text for c in result.claims]
    assert (
        texts.index("March 2023") < texts.index("September 12, 2024") < texts.index("December 2024")
    )
    assert all(c.citation.verified and c.what == c.citation.quote for c in result.claims)
    cleared = next(c for c in result.claims if c.date_text == "September 12, 2024")
    assert (cleared.precision, cleared.start, cleared.end) == ("day", "2024-09-12", "2024-09-12")


def test_an_unplaced_relative_date_comes_last_and_says_so(engine: Engine) -> None:
    last = timeline(TOPIC, engine.settings, engine).claims[-1]
    assert (last.date_text, last.precision, last.start, last.resolved) == (
        "this year",
        "relative",
        None,
        False,
    )


def test_a_publication_date_places_relative_dates(engine: Engine, settings: Settings) -> None:
    (settings.corpus_dir / "metadata.toml").write_text(
        '["lumen-history"]\npublished = "2025-02-01"\n', encoding="utf-8"
    )
    ingest(settings, engine.embedder)
    placed = build_engine(settings, engine.embedder)
    claim = next(c for c in timeline(TOPIC, settings, placed).claims if c.date_text == "this year")
    assert (claim.precision, claim.start, claim.resolved) == ("year", "2025-01-01", True)


def test_different_amounts_for_one_month_and_one_amount_dated_apart_are_flagged(
    engine: Engine,
) -> None:
    flags = {f.kind: f for f in timeline(TOPIC, engine.settings, engine).disagreements}
    assert "2024-11" in flags["money"].summary and "$2 billion" in flags["money"].summary
    assert flags["date"].subject == "$4 billion"
    assert "November 2024" in flags["date"].summary and "December 2024" in flags["date"].summary


def test_a_source_filter_narrows_the_timeline(engine: Engine) -> None:
    result = timeline(TOPIC, engine.settings, engine, Filters(sources=["lumen-filings"]))
    assert {c.citation.doc_id for c in result.claims} == {"lumen-filings"}
    assert result.filters == Filters(sources=["lumen-filings"])


def test_cli_timeline_prints_the_model_as_json(rag: CliRunner, engine: Engine) -> None:
    result = rag.invoke(app, ["timeline", TOPIC, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["topic"] == TOPIC and data["claims"][0]["date_text"] == "March 2023"


@pytest.mark.slow
def test_amazons_investment_timeline_on_the_real_corpus(real_engine: Engine) -> None:
    result = timeline("Amazon's investment in Anthropic", real_engine.settings, real_engine)
    months = [(c.start, c.what) for c in result.claims if c.precision == "month"]
    cleared = next(i for i, (start, what) in enumerate(months) if start == "2024-09-01")
    added = next(i for i, (start, what) in enumerate(months) if start == "2024-11-01")
    assert cleared < added
    assert "Cleared" in months[cleared][1] and "$4 billion" in months[added][1]
    assert all(c.citation.verified for c in result.claims)
