"""Conversations as eval data: each turn is asked with the earlier answers as its history and
scored like a qa.jsonl item; each turn's reading (rewritten or left alone) is checked too.

{"id": "c01", "turns": [{"type": "factoid", "question": "…", "answers": […], "sources": […],
 "evidence": […], "rewrite": {"expected": true, "must_include": ["Google"], "must_exclude":
 ["Amazon"]}}, …]}. Does NOT print, write files or gate (eval/report.py and eval/gate.py do).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rag.chain import ask
from rag.engine import Engine
from rag.errors import DatasetError
from rag.eval.dataset import EvalItem, ItemType
from rag.eval.harness import (
    EvalReport,
    Progress,
    QuestionResult,
    aggregates,
    result_for,
    settings_summary,
)
from rag.schema import Answer


class RewriteCheck(BaseModel):
    """What a correct reading of the turn must (not) contain; case-insensitive substrings."""

    model_config = ConfigDict(extra="forbid", strict=True)

    expected: bool
    must_include: list[str] = []
    must_exclude: list[str] = []


class ConversationTurn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    type: ItemType
    question: str = Field(min_length=1)
    answers: list[str]
    sources: list[str]
    evidence: list[str]
    rewrite: RewriteCheck


class Conversation(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(min_length=1)
    turns: list[ConversationTurn] = Field(min_length=1)


def is_conversations(path: Path) -> bool:
    """Whether a JSONL file holds conversations (its first object has "turns")."""
    try:
        with path.open(encoding="utf-8") as lines:
            first = next((line for line in lines if line.strip()), "")
        return isinstance(data := json.loads(first), dict) and "turns" in data
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return False  # load_dataset reports what is wrong with the file


def load_conversations(path: Path) -> list[Conversation]:
    """Read and validate the file; a bad line → DatasetError naming it and the fault."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"Cannot read the conversations {path} ({exc}).") from exc
    conversations, seen = [], set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            conversation = Conversation.model_validate_json(line)
            for n, turn in enumerate(conversation.turns, start=1):
                EvalItem.model_validate({**turn.model_dump(exclude={"rewrite"}), "id": f"t{n}"})
        except ValidationError as exc:
            faults = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise DatasetError(f"{path}:{number}: {faults}.") from exc
        if conversation.id in seen:
            raise DatasetError(f"{path}:{number}: id {conversation.id!r} repeats.")
        seen.add(conversation.id)
        conversations.append(conversation)
    if not conversations:
        raise DatasetError(f"{path} holds no conversations. Add one JSON object per line.")
    return conversations


def reads_right(check: RewriteCheck, understood_as: str) -> bool:
    """A follow-up must be rewritten with the words it needs; a standalone turn must not be."""
    if not check.expected:
        return not understood_as
    folded = understood_as.casefold()
    return (
        bool(understood_as)
        and all(w.casefold() in folded for w in check.must_include)
        and not any(w.casefold() in folded for w in check.must_exclude)
    )


def run_conversations(
    conversations: list[Conversation],
    engine: Engine,
    dataset: str,
    k: int | None = None,
    progress: Progress | None = None,
) -> EvalReport:
    """Every conversation in order, each turn asked with the earlier answers, then scored."""
    k = k or engine.settings.k
    started = time.perf_counter()
    results: list[QuestionResult] = []
    total = sum(len(c.turns) for c in conversations)
    for conversation in conversations:
        history: list[Answer] = []
        for n, turn in enumerate(conversation.turns, start=1):
            answer = ask(turn.question, engine.settings, engine, k, history=history)
            history.append(answer)
            results.append(_scored(f"{conversation.id}.{n}", turn, answer, engine, k))
            if progress is not None:
                progress(len(results), total)
    return EvalReport(
        name="rag",
        k=k,
        questions=results,
        aggregates=aggregates(results),
        seconds=round(time.perf_counter() - started, 2),
        dataset=dataset,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        settings=settings_summary(engine.settings),
    )


def _scored(
    item_id: str, turn: ConversationTurn, answer: Answer, engine: Engine, k: int
) -> QuestionResult:
    item = EvalItem.model_validate({**turn.model_dump(exclude={"rewrite"}), "id": item_id})
    asked = answer.understood_as or turn.question
    passages = [hit.chunk for hit in engine.retriever.search(asked, k)]
    result = result_for(item, answer, list(passages), engine.index)
    ok = reads_right(turn.rewrite, answer.understood_as)
    if not ok:
        wanted = "a rewrite" if turn.rewrite.expected else "no rewrite"
        result.failures.append(f"read as {answer.understood_as or 'asked'!r}, wanted {wanted}")
    return result.model_copy(update={"rewrite_ok": ok, "passed": result.passed and ok})
