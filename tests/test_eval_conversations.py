"""rag/eval/conversations.py: conversations load and validate like qa.jsonl, each turn is asked
with the earlier answers, and a turn read wrongly (rewritten or not) is a failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.engine import build_engine
from rag.errors import DatasetError
from rag.eval.conversations import (
    RewriteCheck,
    is_conversations,
    load_conversations,
    reads_right,
    run_conversations,
)
from rag.ingestion import IngestReport
from tests.conftest import FakeEmbedder

FIRST = {
    "type": "factoid",
    "question": "How much did Orion agree to invest in Lumen?",
    "answers": ["$4 billion"],
    "sources": ["beta"],
    "evidence": ["Orion Cloud agreed to invest up to $4 billion in the model maker Lumen"],
    "rewrite": {"expected": False},
}
FOLLOW = {
    "type": "unanswerable",
    "question": "And Nimbus?",
    "answers": [],
    "sources": [],
    "evidence": [],
    "rewrite": {"expected": True, "must_include": ["Nimbus", "Lumen"], "must_exclude": ["Orion"]},
}


def write(path: Path, *conversations: dict) -> Path:
    path.write_text("".join(json.dumps(c) + "\n" for c in conversations), encoding="utf-8")
    return path


def test_reads_right_wants_a_rewrite_exactly_where_one_is_expected() -> None:
    wanted = RewriteCheck(expected=True, must_include=["nimbus"], must_exclude=["Orion"])
    assert reads_right(wanted, "How much did Nimbus invest?")
    assert not reads_right(wanted, "How much did Orion and Nimbus invest?")
    assert not reads_right(wanted, "")
    assert reads_right(RewriteCheck(expected=False), "")
    assert not reads_right(RewriteCheck(expected=False), "Anything")


def test_each_turn_is_scored_and_the_rewrite_counted(
    tmp_path: Path, settings, embedder: FakeEmbedder, ingested: IngestReport
) -> None:
    path = write(tmp_path / "c.jsonl", {"id": "c1", "turns": [FIRST, FOLLOW]})
    assert is_conversations(path)
    report = run_conversations(load_conversations(path), build_engine(settings, embedder), "c")
    assert [q.id for q in report.questions] == ["c1.1", "c1.2"]
    assert report.questions[1].answer.understood_as.startswith("How much did Nimbus")
    assert report.aggregates["overall"].rewrite_accuracy == 1.0


def test_a_question_set_is_not_a_conversation_file(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text(json.dumps({"id": "q", "question": "x"}) + "\n", encoding="utf-8")
    assert not is_conversations(path)
    assert not is_conversations(tmp_path / "missing.jsonl")


@pytest.mark.parametrize(
    ("conversation", "fault"),
    [
        ({"id": "c1", "turns": []}, "turns"),
        ({"id": "c1", "turns": [{**FIRST, "rewrite": {"expected": "no"}}]}, "expected"),
        ({"id": "c1", "turns": [{**FOLLOW, "answers": ["x"]}]}, "unanswerable"),
        ({"id": "c1", "turns": [{**FIRST, "extra": 1}]}, "extra"),
    ],
)
def test_a_bad_conversation_names_its_line(tmp_path: Path, conversation: dict, fault: str) -> None:
    path = write(tmp_path / "c.jsonl", {"id": "c0", "turns": [FIRST]}, conversation)
    with pytest.raises(DatasetError, match=rf"c\.jsonl:2: .*{fault}"):
        load_conversations(path)


def test_the_committed_conversation_set_loads() -> None:
    conversations = load_conversations(Path(__file__).parents[1] / "evals/conversations.jsonl")
    assert len(conversations) >= 25
    assert all(2 <= len(c.turns) <= 4 for c in conversations)
