"""The eval data set: JSON lines of questions with gold answers, sources and evidence quotes.

{"id": "q017", "type": "factoid", "question": "...", "answers": ["87%"], "sources": ["001_…"],
 "evidence": ["…resolution time by 87%"]}. Does NOT score anything (eval/metrics.py does).
Items drafted from feedback carry "draft": true until an evaluator confirms them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rag.errors import DatasetError

ItemType = Literal["factoid", "multi_source", "conflict", "unanswerable"]
TYPES: tuple[ItemType, ...] = ("factoid", "multi_source", "conflict", "unanswerable")


class EvalItem(BaseModel):
    """One line of the data set; `unanswerable` items have no answers, sources or evidence.

    Drafted from feedback (rag/eval/drafts.py): `draft` until confirmed, `from_feedback` the
    store's id, `note` the user's note, `needs` what the evaluator must still write.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(min_length=1)
    type: ItemType
    question: str = Field(min_length=1)
    answers: list[str]
    sources: list[str]
    evidence: list[str]
    draft: bool = False
    from_feedback: int | None = None
    note: str = ""
    needs: str = ""

    @model_validator(mode="after")
    def _lists_fit_type(self) -> EvalItem:
        if self.type == "unanswerable" and (self.answers or self.sources or self.evidence):
            raise ValueError("an unanswerable item must have empty answers, sources and evidence")
        if self.type != "unanswerable" and not self.answers and not self.needs:
            raise ValueError(f"a {self.type} item needs at least one acceptable answer")
        return self


def load_dataset(path: Path, include_drafts: bool = False) -> list[EvalItem]:
    """Read and validate a JSONL data set; any bad line → DatasetError naming it and the fault.

    Unconfirmed drafts are refused unless `include_drafts`; drafts that still need a gold answer
    are refused always (there is nothing to score them against).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DatasetError(f"Cannot read the data set {path} ({exc.strerror}).") from exc
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"{path} is not UTF-8 text (byte {exc.start}). Save it as UTF-8 JSON lines."
        ) from exc
    items: list[EvalItem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if line.strip():
            item = _parse_line(path, number, line)
            if item.id in seen:
                raise DatasetError(f"{path}:{number}: id {item.id!r} repeats line {seen[item.id]}.")
            seen[item.id] = number
            items.append(item)
    if not items:
        raise DatasetError(f"{path} holds no questions. Add one JSON object per line.")
    _check_drafts(path, items, include_drafts)
    return items


def _check_drafts(path: Path, items: list[EvalItem], include_drafts: bool) -> None:
    drafts = [item.id for item in items if item.draft]
    if drafts and not include_drafts:
        what = _count(drafts, "item is an unconfirmed draft", "items are unconfirmed drafts")
        raise DatasetError(
            f"{path}: {what} (from feedback: {_first(drafts)}). "
            'Review them and remove "draft": true, or pass --include-drafts.'
        )
    unfinished = [item.id for item in items if item.needs]
    if unfinished:
        raise DatasetError(
            f"{path}: {_count(unfinished, 'draft still needs', 'drafts still need')} a gold "
            f'answer ({_first(unfinished)}). Write their "answers", "sources" and "evidence" and '
            'remove "needs", or delete those lines.'
        )


def _count(ids: list[str], one: str, many: str) -> str:
    return f"1 {one}" if len(ids) == 1 else f"{len(ids)} {many}"


def _first(ids: list[str], shown: int = 5) -> str:
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def _parse_line(path: Path, number: int, line: str) -> EvalItem:
    where = f"{path}:{number}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}).") from exc
    except RecursionError as exc:
        raise DatasetError(f"{where}: JSON nested too deeply; an item is one flat object.") from exc
    if not isinstance(data, dict):
        raise DatasetError(f"{where}: expected a JSON object, got {type(data).__name__}.")
    try:
        return EvalItem.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'item'}: {e['msg']}" for e in exc.errors()
        )
        raise DatasetError(f"{where}: {problems}.") from exc
