"""rag/feedback.py: the append-only store beside the index, and `rag feedback list`.

Answers come from the tiny test corpus and conftest's FakeEmbedder.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.chain import ask
from rag.cli import app
from rag.config import Settings
from rag.embedding.model import Embedder
from rag.engine import Engine
from rag.errors import FeedbackError
from rag.feedback import MAX_NOTE, entries, index_version, record, store_path
from rag.index.folder import INDEX_FILES
from rag.ingestion import ingest
from rag.schema import Answer

SPENT = "How much has Orion Cloud spent on custom chips?"
OFF_TOPIC = "How do I repair a motorcycle engine?"


@pytest.fixture
def answer(settings: Settings, engine: Engine) -> Answer:
    found = ask(SPENT, settings, engine)
    assert not found.abstained and "$5.5 billion" in found.text
    return found


def said(stream: str) -> str:
    return " ".join(stream.split())


def test_feedback_keeps_the_whole_answer_the_index_version_and_the_time(
    settings: Settings, answer: Answer
) -> None:
    first = record(settings, "down", answer, note="  it is $8 billion ", reason="wrong figure")
    second = record(settings, "up", answer)

    assert (first, second) == (1, 2)
    saved = entries(settings)
    assert [e.id for e in saved] == [1, 2]
    assert saved[0].answer == answer  # every field, citations and timings included
    assert (saved[0].rating, saved[0].reason, saved[0].note) == (
        "down",
        "wrong figure",
        "it is $8 billion",
    )
    assert saved[0].question == SPENT
    manifest = (settings.index_dir / "manifest.json").read_bytes()
    assert saved[0].index_version == hashlib.sha256(manifest).hexdigest()[:16]
    assert saved[0].created.endswith("+00:00")
    assert saved[0].settings["model_name"] == settings.model_name


def test_the_store_lies_beside_the_index_and_survives_a_rebuild(
    settings: Settings, answer: Answer, embedder: Embedder, corpus_dir: Path
) -> None:
    record(settings, "up", answer, note="right")
    store = store_path(settings)
    assert store == settings.index_dir.resolve().with_name("index.feedback.sqlite3")
    before = index_version(settings)

    (corpus_dir / "epsilon.txt").write_text("Vega Labs opened 3 offices in 2024.\n")
    rebuilt = settings.model_copy(update={"chunk_size": 300})  # stale: a full rebuild
    report = ingest(rebuilt, embedder)

    assert report.saved and report.documents == 5
    assert {p.name for p in settings.index_dir.iterdir()} <= INDEX_FILES
    assert [(e.id, e.note, e.answer) for e in entries(settings)] == [(1, "right", answer)]
    record(rebuilt, "down", answer)
    assert entries(settings)[1].index_version not in ("", before)


def test_rows_can_be_neither_changed_nor_deleted(settings: Settings, answer: Answer) -> None:
    record(settings, "up", answer)
    with sqlite3.connect(store_path(settings)) as db:
        for statement in ("UPDATE feedback SET rating = 'down'", "DELETE FROM feedback"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(statement)
    assert entries(settings)[0].rating == "up"


def test_concurrent_requests_each_get_their_own_row(settings: Settings, answer: Answer) -> None:
    ids: list[int] = []
    failures: list[BaseException] = []

    def give(n: int) -> None:
        try:
            for _ in range(10):
                ids.append(record(settings, "up" if n % 2 else "down", answer, note=f"t{n}"))
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=give, args=(n,)) for n in range(8)]  # the store is new
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures
    assert sorted(ids) == list(range(1, 81))
    assert len(entries(settings)) == 80
    leftovers = [p.name for p in store_path(settings).parent.iterdir() if ".tmp-" in p.name]
    assert not leftovers


def test_no_store_yet_means_no_feedback_and_no_file(settings: Settings) -> None:
    assert entries(settings) == []
    assert not store_path(settings).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is a text file, not a database" * 100, "damaged or not a database"),
        (b"", "not a rag feedback store"),
        (None, "not a rag feedback store"),  # another program's SQLite database
    ],
)
def test_a_file_that_is_not_our_store_is_refused_and_left_alone(
    settings: Settings, answer: Answer, content: bytes | None, message: str
) -> None:
    store = store_path(settings)
    if content is None:
        with sqlite3.connect(store) as db:
            db.execute("CREATE TABLE notes (body TEXT)")
        db.close()
    else:
        store.write_bytes(content)
    before = store.read_bytes()

    for action in (lambda: record(settings, "up", answer), lambda: entries(settings)):
        with pytest.raises(FeedbackError, match=message) as caught:
            action()
        assert "Move that file aside" in str(caught.value)
    assert store.read_bytes() == before


@pytest.mark.parametrize(
    ("rating", "reason", "note", "message"),
    [
        ("meh", "", "", "'up' or 'down'"),
        ("down", "too long", "", "Unknown reason"),
        ("down", "", "x" * (MAX_NOTE + 1), "keep it under"),
    ],
)
def test_bad_feedback_is_refused_with_what_to_do(
    settings: Settings, answer: Answer, rating: str, reason: str, note: str, message: str
) -> None:
    with pytest.raises(FeedbackError, match=message):
        record(settings, rating, answer, note=note, reason=reason)
    assert not store_path(settings).exists()


# --- rag feedback list ------------------------------------------------------------------------


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("RAG_INDEX_DIR", str(settings.index_dir))
    return CliRunner()


def test_list_shows_each_piece_of_feedback(
    runner: CliRunner, settings: Settings, answer: Answer
) -> None:
    record(settings, "down", answer, reason="should have abstained", note="[/bold] no")
    result = runner.invoke(app, ["feedback", "list"])
    assert result.exit_code == 0, result.output
    shown = said(result.stdout)
    assert "👎" in shown and "[/bold]" in shown  # markup in a note is shown, not applied
    assert "Orion" in shown and "$5.5" in shown and str(store_path(settings).name)[:8] in shown

    as_json = runner.invoke(app, ["feedback", "list", "--json"])
    rows = json.loads(as_json.stdout)
    assert rows[0]["id"] == 1 and rows[0]["answer"]["question"] == SPENT


def test_list_with_no_feedback_says_how_to_give_some(runner: CliRunner) -> None:
    result = runner.invoke(app, ["feedback", "list"])
    assert result.exit_code == 0
    assert "No feedback yet" in said(result.stdout)


def test_list_of_a_damaged_store_is_one_red_line(runner: CliRunner, settings: Settings) -> None:
    store_path(settings).write_bytes(b"garbage" * 500)
    result = runner.invoke(app, ["feedback", "list"])
    assert result.exit_code == 1
    assert "damaged or not a database" in said(result.stderr)
    assert "Traceback" not in result.output
