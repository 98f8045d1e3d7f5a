"""ui/feedback.py without a server: the Ask tab's 👍/👎 row through create_app() and its handlers.

Uses the tiny corpus of tests/data and conftest's FakeEmbedder; the browser test is separate.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
import pytest

from rag.config import Settings
from rag.embedding.model import Embedder
from rag.engine import Engine, build_engine
from rag.feedback import entries, store_path
from rag.ingestion import IngestReport
from rag.schema import Answer
from ui import conversation, feedback
from ui.app import create_app
from ui.handlers import Resources

SPENT = "How much has Orion Cloud spent on custom chips?"
OFF_TOPIC = "How do I repair a motorcycle engine?"


@pytest.fixture
def res(ingested: IngestReport, settings: Settings, embedder: Embedder) -> Resources:
    engine: Engine = build_engine(settings, embedder)
    return Resources(settings, engine)


@pytest.fixture
def turns(res: Resources) -> list[Answer]:
    first = conversation.ask_turn(res, SPENT, [])
    return conversation.ask_turn(res, OFF_TOPIC, first.turns).turns


def endpoint(demo: gr.Blocks, name: str) -> Any:
    return next(f.fn for f in demo.fns.values() if f.api_name == name)


def test_the_feedback_endpoint_saves_a_thumbs_down_with_its_reason_and_note(
    res: Resources, turns: list[Answer]
) -> None:
    demo = create_app(res.settings, res.engine())
    send = endpoint(demo, "feedback")

    status, rating, *_, reason, note = send(turns, 0, "down", "wrong figure", "it is $8 billion")

    assert "Thanks — saved (#1)" in status
    assert (rating, reason, note) == ("", None, "")  # ready for the next one
    (saved,) = entries(res.settings)
    assert (saved.rating, saved.reason, saved.note) == ("down", "wrong figure", "it is $8 billion")
    assert saved.answer == turns[0] and saved.question == SPENT


def test_the_newest_answer_is_rated_unless_another_is_picked(
    res: Resources, turns: list[Answer]
) -> None:
    html, saved = feedback.save(res, turns, None, "up")
    assert saved and "#1" in html
    assert entries(res.settings)[0].question == OFF_TOPIC
    assert feedback.turn_choices(turns) == [(f"2. {OFF_TOPIC}", 1), (f"1. {SPENT}", 0)]


@pytest.mark.parametrize(
    ("picked", "rating", "message"),
    [(0, "", "Choose 👍 or 👎 first"), (7, "up", "Pick the answer"), (0, "meh", "Choose 👍")],
)
def test_incomplete_feedback_is_an_error_box_and_saves_nothing(
    res: Resources, turns: list[Answer], picked: int, rating: str, message: str
) -> None:
    html, saved = feedback.save(res, turns, picked, rating)
    assert not saved and 'data-kind="error"' in html and message in html
    assert not store_path(res.settings).exists()


def test_feedback_before_any_answer_says_to_ask_first(res: Resources) -> None:
    html, saved = feedback.save(res, [], None, "up")
    assert not saved and "Ask a question first" in html


def test_a_damaged_store_is_an_error_box_not_a_crash(res: Resources, turns: list[Answer]) -> None:
    store_path(res.settings).write_bytes(b"not sqlite" * 300)
    html, saved = feedback.save(res, turns, 0, "down", "missing source")
    assert not saved and 'data-kind="error"' in html and "Move that file aside" in html


def test_a_note_with_markup_is_stored_as_written(res: Resources, turns: list[Answer]) -> None:
    feedback.save(res, turns, 0, "down", "other", "<script>alert(1)</script>")
    assert entries(res.settings)[0].note == "<script>alert(1)</script>"
