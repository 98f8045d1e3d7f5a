"""Feedback → draft eval items in the `evals/qa.jsonl` format, for an evaluator to confirm.

👍 on an answer: its cited quotes are the acceptable answers and the evidence, its cited sources
the gold sources (factoid; multi_source when it cites several sources; conflict when they
differed). 👍 on an abstention, or 👎 "should have abstained": unanswerable. Any other 👎: the
answer was wrong, so the item `needs` a gold answer. Each item is `"draft": true` and names its
feedback (`from_feedback`). Does NOT read the store (feedback.py does) or run the eval.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rag.errors import FeedbackError
from rag.eval.dataset import EvalItem, ItemType
from rag.feedback import FeedbackEntry
from rag.schema import Answer

ABSTAIN = "should have abstained"  # the reason that makes a 👎 an unanswerable item
NEEDS_ANSWER = "gold answer"


@dataclass(frozen=True)
class Exported:
    """What `export` did: drafts written to `path`, and those the file held already."""

    path: Path
    written: int
    already: int


def drafts(entries: Sequence[FeedbackEntry]) -> list[dict[str, Any]]:
    """One draft eval item per piece of feedback, oldest first, as JSON-ready dicts."""
    return [draft(entry) for entry in entries]


def draft(entry: FeedbackEntry) -> dict[str, Any]:
    """The eval item `entry` suggests. A follow-up is drafted as the standalone question it was
    understood as, since an eval item is asked on its own."""
    kind, gold = _kind_and_gold(entry)
    item: dict[str, Any] = {
        "id": f"fb-{entry.id}",
        "type": kind,
        "question": entry.understood_as or entry.question,
        "answers": gold,
        "sources": _sources(entry.answer) if gold else [],
        "evidence": gold,
        "draft": True,
        "from_feedback": entry.id,
    }
    note = ": ".join(part for part in (entry.reason, entry.note) if part)
    if note:
        item["note"] = note
    if kind != "unanswerable" and not gold:
        item["needs"] = NEEDS_ANSWER
    try:
        EvalItem.model_validate(item)
    except ValidationError as exc:
        raise FeedbackError(f"Feedback #{entry.id} makes no valid eval item ({exc}).") from exc
    return item


def _kind_and_gold(entry: FeedbackEntry) -> tuple[ItemType, list[str]]:
    answer = entry.answer
    if entry.reason == ABSTAIN or (entry.rating == "up" and answer.abstained):
        return "unanswerable", []
    if entry.rating == "down":
        return "factoid", []
    gold = _unique(c.quote for c in answer.citations if c.verified)
    sources = _sources(answer)
    if len(sources) > 1:
        return ("conflict" if answer.sources_differ else "multi_source"), gold
    return "factoid", gold


def _sources(answer: Answer) -> list[str]:
    return _unique(c.doc_id for c in answer.citations if c.verified)


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def export(items: Sequence[dict[str, Any]], path: Path, append: bool = False) -> Exported:
    """Write `items` as JSON lines to a new file, or with `append` to the end of an existing one,
    leaving out those it holds already (by `from_feedback`). Never rewrites a line."""
    exists = path.exists() or path.is_symlink()
    if exists and not append:
        raise FeedbackError(
            f"{path} exists. Pass --append to add the new drafts to its end (its lines are "
            "kept), or choose another file with --to."
        )
    known = exported_ids(path) if exists else set()
    new = [item for item in items if item["from_feedback"] not in known]
    if new:
        text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in new)
        _write(path, text, exists)
    return Exported(path, len(new), len(items) - len(new))


def exported_ids(path: Path) -> set[int]:
    """The feedback ids a JSONL file holds drafts of; lines that are not such items are ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedbackError(f"Cannot read {path} to append to it ({exc}).") from exc
    found: set[int] = set()
    for line in lines:
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(data, dict) and isinstance(data.get("from_feedback"), int):
            found.add(data["from_feedback"])
    return found


def _write(path: Path, text: str, append: bool) -> None:
    """Append (after a newline if the last line lacks one) or create: "x" fails, never truncates,
    when a file appeared meanwhile."""
    try:
        if append:
            with path.open("ab") as out:
                if out.tell() and not _ends_with_newline(path):
                    text = "\n" + text
                out.write(text.encode("utf-8"))
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError as exc:
        raise FeedbackError(f"{path} appeared meanwhile; run the export again.") from exc
    except OSError as exc:
        raise FeedbackError(f"Cannot write {path} ({exc.strerror or exc}).") from exc


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, 2)
        return handle.read(1) == b"\n"
