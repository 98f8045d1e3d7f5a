"""rag/eval/drafts.py: feedback → draft eval items, `rag feedback export`, and `rag eval`
refusing unconfirmed drafts. Answers come from the tiny test corpus and the FakeEmbedder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rag.chain import ask
from rag.cli import app
from rag.config import Settings
from rag.embedding.model import Embedder
from rag.engine import Engine
from rag.errors import DatasetError, FeedbackError
from rag.eval.dataset import load_dataset
from rag.eval.drafts import draft, drafts, export
from rag.feedback import FeedbackEntry, entries, record
from rag.schema import Answer, Citation
from tests.conftest import FAKE_MODEL

SPENT = "How much has Orion Cloud spent on custom chips?"
OFF_TOPIC = "How do I repair a motorcycle engine?"


@pytest.fixture
def answered(settings: Settings, engine: Engine) -> Answer:
    return ask(SPENT, settings, engine)


@pytest.fixture
def abstained(settings: Settings, engine: Engine) -> Answer:
    found = ask(OFF_TOPIC, settings, engine)
    assert found.abstained
    return found


def entry(
    answer: Answer, rating: str, reason: str = "", note: str = "", n: int = 1
) -> FeedbackEntry:
    return FeedbackEntry(
        id=n,
        created="2026-11-27T12:00:00+00:00",
        rating=rating,  # type: ignore[arg-type]
        reason=reason,
        note=note,
        question=answer.question,
        understood_as=answer.understood_as,
        answer=answer,
    )


def cite(n: int, doc_id: str, quote: str) -> Citation:
    return Citation(
        n=n,
        doc_id=doc_id,
        title=doc_id,
        quote=quote,
        start=0,
        end=len(quote),
        score=1,
        verified=True,
    )


# --- drafts -----------------------------------------------------------------------------------


def test_a_thumbs_up_answer_drafts_its_quotes_and_sources_as_gold(answered: Answer) -> None:
    item = draft(entry(answered, "up", note="exactly"))
    quotes = list(dict.fromkeys(c.quote for c in answered.citations))
    assert item["id"] == "fb-1" and item["from_feedback"] == 1 and item["draft"] is True
    assert item["question"] == SPENT and item["note"] == "exactly"
    assert item["answers"] == quotes == item["evidence"]
    assert any("$5.5 billion" in q for q in quotes)
    assert item["sources"] == list(dict.fromkeys(c.doc_id for c in answered.citations))
    assert item["type"] == ("factoid" if len(item["sources"]) == 1 else "multi_source")
    assert "needs" not in item


@pytest.mark.parametrize(("differ", "kind"), [(False, "multi_source"), (True, "conflict")])
def test_several_cited_sources_make_a_multi_source_or_conflict_item(
    differ: bool, kind: str
) -> None:
    answer = Answer(
        question="How much?",
        text="A gave $8 billion [1]. B gave $4 billion [2].",
        abstained=False,
        citations=[cite(1, "a", "A gave $8 billion"), cite(2, "b", "B gave $4 billion")],
        sources_differ=differ,
    )
    item = draft(entry(answer, "up"))
    assert item["type"] == kind and item["sources"] == ["a", "b"]


def test_abstaining_rightly_or_should_have_makes_an_unanswerable_item(
    answered: Answer, abstained: Answer
) -> None:
    for item in (
        draft(entry(abstained, "up")),
        draft(entry(answered, "down", reason="should have abstained", note="never said")),
    ):
        assert item["type"] == "unanswerable"
        assert item["answers"] == item["sources"] == item["evidence"] == []
        assert "needs" not in item
    assert item["note"] == "should have abstained: never said"


def test_any_other_thumbs_down_needs_a_gold_answer(answered: Answer, abstained: Answer) -> None:
    for item in (
        draft(entry(answered, "down", reason="wrong figure")),
        draft(entry(abstained, "down")),  # it should have answered
    ):
        assert item["needs"] == "gold answer" and item["answers"] == []


def test_a_follow_up_is_drafted_as_the_question_it_was_understood_as(answered: Answer) -> None:
    follow_up = answered.model_copy(update={"question": "And Nimbus?", "understood_as": SPENT})
    assert draft(entry(follow_up, "up"))["question"] == SPENT


# --- export -----------------------------------------------------------------------------------


def items_of(answer: Answer, ids: range) -> list[dict[str, Any]]:
    return drafts([entry(answer, "up", n=n) for n in ids])


def test_export_writes_a_new_file_and_refuses_an_existing_one(
    tmp_path: Path, answered: Answer
) -> None:
    out = tmp_path / "evals" / "from-feedback.jsonl"
    done = export(items_of(answered, range(1, 3)), out)
    assert (done.written, done.already) == (2, 0)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["fb-1", "fb-2"]

    before = out.read_bytes()
    with pytest.raises(FeedbackError, match="Pass --append"):
        export(items_of(answered, range(1, 4)), out)
    assert out.read_bytes() == before


def test_append_adds_only_new_drafts_and_keeps_every_line(tmp_path: Path, answered: Answer) -> None:
    out = tmp_path / "mine.jsonl"
    out.write_text('{"id": "q1", "note": "mine"}\nnot json, kept as is', encoding="utf-8")
    before = out.read_bytes()
    export(items_of(answered, range(1, 3)), out, append=True)
    done = export(items_of(answered, range(1, 4)), out, append=True)

    assert (done.written, done.already) == (1, 2)
    text = out.read_bytes()
    assert text.startswith(before + b"\n")
    ids = [json.loads(line).get("from_feedback") for line in text.decode().splitlines()[2:]]
    assert ids == [1, 2, 3]


def test_drafts_load_only_when_included(
    tmp_path: Path, answered: Answer, abstained: Answer
) -> None:
    out = tmp_path / "d.jsonl"
    export(drafts([entry(answered, "up"), entry(abstained, "up", n=2)]), out)

    with pytest.raises(DatasetError, match="2 items are unconfirmed drafts") as caught:
        load_dataset(out)
    assert "--include-drafts" in str(caught.value) and "fb-1, fb-2" in str(caught.value)
    assert [i.type for i in load_dataset(out, include_drafts=True)] == ["factoid", "unanswerable"]


def test_a_draft_that_needs_a_gold_answer_is_refused_even_when_included(
    tmp_path: Path, answered: Answer
) -> None:
    out = tmp_path / "d.jsonl"
    export(drafts([entry(answered, "down", reason="wrong figure")]), out)
    with pytest.raises(DatasetError, match="1 draft still needs a gold answer"):
        load_dataset(out, include_drafts=True)


def test_the_real_eval_set_still_loads() -> None:
    items = load_dataset(Path(__file__).resolve().parents[1] / "evals" / "qa.jsonl")
    assert len(items) > 100 and not any(i.draft for i in items)


# --- the commands -----------------------------------------------------------------------------


@pytest.fixture
def runner(
    engine: Engine, settings: Settings, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    monkeypatch.setattr("rag.engine.make_embedder", lambda settings: embedder)
    monkeypatch.setenv("RAG_MODEL_NAME", FAKE_MODEL)
    monkeypatch.setenv("RAG_CHUNK_SIZE", str(settings.chunk_size))
    monkeypatch.setenv("RAG_INDEX_DIR", str(settings.index_dir))
    return CliRunner()


def said(stream: str) -> str:
    return " ".join(stream.split())


def test_export_then_eval_refuses_the_drafts_unless_told(
    runner: CliRunner, settings: Settings, answered: Answer, abstained: Answer, tmp_path: Path
) -> None:
    record(settings, "up", answered)
    record(settings, "up", abstained)
    out = tmp_path / "from-feedback.jsonl"
    result = runner.invoke(app, ["feedback", "export", "--to", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 draft eval items" in said(result.stdout)

    again = runner.invoke(app, ["feedback", "export", "--to", str(out)])
    assert again.exit_code == 1 and "--append" in said(again.stderr)
    appended = runner.invoke(app, ["feedback", "export", "--to", str(out), "--append"])
    assert appended.exit_code == 0 and "Nothing new" in said(appended.stdout)

    limits = tmp_path / "none.toml"
    limits.write_text("", encoding="utf-8")
    evaluate = ["eval", "--dataset", str(out), "--thresholds", str(limits)]
    refused = runner.invoke(app, evaluate)
    assert refused.exit_code == 1
    assert "2 items are unconfirmed drafts" in said(refused.stderr)
    included = runner.invoke(app, [*evaluate, "--include-drafts"])
    assert included.exit_code == 0, included.output
    assert "Evaluating 2 questions" in said(included.stderr)


def test_export_with_no_feedback_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    result = runner.invoke(app, ["feedback", "export", "--to", str(out)])
    assert result.exit_code == 0 and "No feedback yet" in said(result.stdout)
    assert not out.exists()


def test_entries_round_trip_through_drafts(settings: Settings, answered: Answer) -> None:
    record(settings, "down", answered, reason="missing source", note="B says so too")
    (item,) = drafts(entries(settings))
    assert item["note"] == "missing source: B says so too" and item["needs"] == "gold answer"
