"""Feedback on answers (👍/👎, a reason, a note): an append-only SQLite store beside the index.

`index/` → `index.feedback.sqlite3` next to it, never inside: ingest swaps the index folder
whole, so a re-ingest keeps every row. Does NOT draft eval items (eval/drafts.py does).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from rag.config import Settings
from rag.errors import FeedbackError
from rag.index.folder import MANIFEST, resolved
from rag.schema import Answer

SCHEMA_VERSION = 1
# Written into the SQLite header of every store we create ("RAGF"): a file without it is someone
# else's database, which is never written to.
APPLICATION_ID = 0x52414746
REASONS = ("wrong figure", "should have abstained", "missing source", "other")
MAX_NOTE = 2000  # characters: a note is a remark for the evaluator, not a document
BUSY_S = 10.0  # how long a write waits for another one (UI requests, a second process)

Rating = Literal["up", "down"]

_SCHEMA = f"""
PRAGMA application_id = {APPLICATION_ID};
PRAGMA journal_mode = WAL;
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES ({SCHEMA_VERSION});
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    reason TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    understood_as TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL,
    index_version TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL DEFAULT '{{}}'
);
CREATE TRIGGER feedback_no_update BEFORE UPDATE ON feedback
    BEGIN SELECT RAISE(ABORT, 'feedback is append-only'); END;
CREATE TRIGGER feedback_no_delete BEFORE DELETE ON feedback
    BEGIN SELECT RAISE(ABORT, 'feedback is append-only'); END;
"""
_WRITTEN = (
    "created",
    "rating",
    "reason",
    "note",
    "question",
    "understood_as",
    "answer",
    "index_version",
    "settings",
)
_INSERT = f"INSERT INTO feedback ({', '.join(_WRITTEN)}) VALUES ({', '.join('?' * len(_WRITTEN))})"
_SELECT = f"SELECT id, {', '.join(_WRITTEN)} FROM feedback ORDER BY id"


class FeedbackEntry(BaseModel):
    """One row of the store: who said what about which answer, from which index, when (UTC)."""

    id: int
    created: str
    rating: Rating
    reason: str = ""
    note: str = ""
    question: str
    understood_as: str = ""
    answer: Answer
    index_version: str = ""
    settings: dict[str, Any] = {}


def store_path(settings: Settings) -> Path:
    """Where the feedback on `settings.index_dir` lives: `index/` → `index.feedback.sqlite3`."""
    index = resolved(settings.index_dir)
    return index.with_name(f"{index.name}.feedback.sqlite3")


def record(
    settings: Settings, rating: str, answer: Answer, note: str = "", reason: str = ""
) -> int:
    """Append one piece of feedback on `answer`; returns its id (1, 2, …)."""
    rating, note, reason = _checked(rating, note, reason)
    row = (
        datetime.now(UTC).isoformat(timespec="seconds"),
        rating,
        reason,
        note,
        answer.question,
        answer.understood_as,
        answer.model_dump_json(),
        index_version(settings),
        json.dumps(settings_summary(settings)),
    )
    path = store_path(settings)
    if not path.exists():
        _create(path)
    with _open(path) as db:
        cursor = db.execute(_INSERT, row)
        return int(cursor.lastrowid or 0)


def entries(settings: Settings) -> list[FeedbackEntry]:
    """Every piece of feedback on this index, oldest first; none when nobody gave any yet."""
    path = store_path(settings)
    if not path.exists():
        return []
    with _open(path) as db:
        rows = db.execute(_SELECT).fetchall()
    return [_entry(path, row) for row in rows]


def index_version(settings: Settings) -> str:
    """Which index answered: the first 16 hex digits of its manifest's SHA-256 ("" if none)."""
    try:
        data = (resolved(settings.index_dir) / MANIFEST).read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(data).hexdigest()[:16]


def settings_summary(settings: Settings) -> dict[str, Any]:
    """The settings that decide an answer, so feedback from different set-ups can be told apart."""
    keep = ("model_name", "retrieval_mode", "k", "answerer", "sentence_judge", "abstain_threshold")
    return {name: getattr(settings, name) for name in keep}


def _checked(rating: str, note: str, reason: str) -> tuple[str, str, str]:
    if rating not in ("up", "down"):
        raise FeedbackError(f"A rating is 'up' or 'down', not {rating!r}.")
    if reason and reason not in REASONS:
        raise FeedbackError(f"Unknown reason {reason!r}; choose one of: {', '.join(REASONS)}.")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise FeedbackError(f"The note has {len(note):,} characters; keep it under {MAX_NOTE:,}.")
    return rating, note, reason


def _create(path: Path) -> None:
    """Build a new store under a temp name, then link it into place: a store that another
    request created meanwhile is kept (link never replaces a file), and so is any other file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    except OSError as exc:
        raise FeedbackError(f"Cannot create the feedback store {path} ({exc.strerror}).") from exc
    os.close(handle)
    temp = Path(name)
    try:
        with contextlib.closing(sqlite3.connect(temp)) as db:
            db.executescript(_SCHEMA)
        with contextlib.suppress(FileExistsError):
            os.link(temp, path)
    except (OSError, sqlite3.Error) as exc:
        raise FeedbackError(f"Cannot create the feedback store {path} ({exc}).") from exc
    finally:
        temp.unlink(missing_ok=True)


@contextlib.contextmanager
def _open(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to our store (checked), in autocommit mode: each INSERT is its own write."""
    try:
        db = sqlite3.connect(path, timeout=BUSY_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise FeedbackError(f"Cannot open the feedback store {path} ({exc}).") from exc
    try:
        _check(path, db)
        yield db
    except sqlite3.Error as exc:
        raise FeedbackError(f"The feedback store {path} cannot be used ({exc}). {_ASIDE}") from exc
    finally:
        db.close()


_ASIDE = "Move that file aside (it is never changed); the next feedback starts a new store."


def _check(path: Path, db: sqlite3.Connection) -> None:
    try:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise FeedbackError(f"{path} is damaged or not a database ({exc}). {_ASIDE}") from exc
    if app_id != APPLICATION_ID:
        raise FeedbackError(f"{path} is not a rag feedback store. {_ASIDE}")
    version = db.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        raise FeedbackError(
            f"{path} has feedback schema version {version}; this rag reads {SCHEMA_VERSION}. "
            "Use the rag version that wrote it, or move the file aside."
        )


def _entry(path: Path, row: tuple[Any, ...]) -> FeedbackEntry:
    data = dict(zip(("id", *_WRITTEN), row, strict=True))
    try:
        data["answer"] = Answer.model_validate_json(data["answer"])
        data["settings"] = json.loads(data["settings"])
        return FeedbackEntry.model_validate(data)
    except (ValidationError, ValueError) as exc:
        raise FeedbackError(
            f"{path}: feedback #{data['id']} is unreadable ({type(exc).__name__}); "
            "the store was changed by something other than rag. Move it aside."
        ) from exc
