"""The eval data set: JSON lines of questions with gold answers, sources and evidence quotes.

{"id": "q017", "type": "factoid", "question": "...", "answers": ["87%"], "sources": ["001_…"],
 "evidence": ["…resolution time by 87%"]}. Does NOT score anything (eval_metrics.py does).
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
    """One line of the data set; `unanswerable` items have no answers, sources or evidence."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(min_length=1)
    type: ItemType
    question: str = Field(min_length=1)
    answers: list[str]
    sources: list[str]
    evidence: list[str]

    @model_validator(mode="after")
    def _lists_fit_type(self) -> EvalItem:
        if self.type == "unanswerable" and (self.answers or self.sources or self.evidence):
            raise ValueError("an unanswerable item must have empty answers, sources and evidence")
        if self.type != "unanswerable" and not self.answers:
            raise ValueError(f"a {self.type} item needs at least one acceptable answer")
        return self


def load_dataset(path: Path) -> list[EvalItem]:
    """Read and validate a JSONL data set; any bad line → DatasetError naming it and the fault."""
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
    return items


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
