"""An index's sentences and chunks as columns (numpy arrays of offsets), read as pydantic
records only when asked for: `records[row]` → Sentence/Chunk, its text sliced from the article.

On disk: JSON lines, one per document, `{"doc_id": …, "starts": […], "ends": […], …}` — still
human-readable, and 6.5k lines to parse at 100k chunks instead of 650k records. 544k Sentence
objects took ~1 GB and ~5 s to load; the columns take ~20 MB. Does NOT check them (index_check).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Generic, TypeVar, cast, overload

import numpy as np
from pydantic import BaseModel, ConfigDict

from rag.schema import Article, Chunk, Sentence

T = TypeVar("T", Sentence, Chunk)


class DocSentences(BaseModel):
    """One line of sentences.jsonl: a document's sentences, in order (idx = position)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    doc_id: str
    starts: list[int]
    ends: list[int]
    headings: list[int] = []  # positions of the sentences that are headings


class DocChunks(BaseModel):
    """One line of chunks.jsonl: a document's chunks, in order (idx = position)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    doc_id: str
    starts: list[int]
    ends: list[int]
    first_sentence: list[int]
    last_sentence: list[int]


class Records(Sequence[T], Generic[T]):
    """Rows of one kind: `columns` hold doc (position in `doc_ids`), idx, start, end, and for
    sentences heading, for chunks first/last sentence."""

    def __init__(
        self, kind: type[T], columns: dict[str, np.ndarray], doc_ids: list[str], texts: list[str]
    ) -> None:
        self.kind: type[T] = kind
        self.columns = columns
        self.doc_ids = doc_ids
        self.texts = texts
        # `compare` reads the same few thousand rows question after question; a model per row
        # costs ~5 µs to make, which was a fifth of a warm compare at 100k chunks. The models
        # are shared, so nothing may change one (none does: they are read, or model_copy'd).
        self._made: Callable[[int], T] = functools.lru_cache(maxsize=1 << 16)(self._make)

    def __len__(self) -> int:
        return len(self.columns["start"])

    @overload
    def __getitem__(self, row: int) -> T: ...

    @overload
    def __getitem__(self, row: slice) -> list[T]: ...

    def __getitem__(self, row: int | slice) -> T | list[T]:
        if isinstance(row, slice):
            return [self[r] for r in range(*row.indices(len(self)))]
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        return self._made(int(row))

    def _make(self, row: int) -> T:
        c = self.columns
        doc = int(c["doc"][row])
        start, end = int(c["start"][row]), int(c["end"][row])
        doc_id, text, idx = self.doc_ids[doc], self.texts[doc][start:end], int(c["idx"][row])
        if self.kind is Sentence:
            heading = bool(c["heading"][row])
            made: BaseModel = Sentence.model_construct(
                doc_id=doc_id, start=start, end=end, text=text, idx=idx, heading=heading
            )
        else:
            first, last = int(c["first_sentence"][row]), int(c["last_sentence"][row])
            made = Chunk.model_construct(
                doc_id=doc_id,
                start=start,
                end=end,
                text=text,
                idx=idx,
                first_sentence=first,
                last_sentence=last,
            )
        return cast(T, made)

    def __iter__(self) -> Iterator[T]:
        return (self[r] for r in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def doc_rows(self) -> dict[str, list[int]]:
        """Each document's rows, in order (documents in the order they appear)."""
        docs = self.columns["doc"]
        cuts = np.flatnonzero(np.diff(docs)) + 1
        rows: dict[str, list[int]] = {}
        for block in np.split(np.arange(len(docs)), cuts):
            if len(block):
                rows.setdefault(self.doc_ids[int(docs[block[0]])], []).extend(block.tolist())
        return rows


def _line(kind: type, c: dict[str, np.ndarray], doc_id: str, rows: np.ndarray) -> str:
    picked = {
        "doc_id": doc_id,
        "starts": c["start"][rows].tolist(),
        "ends": c["end"][rows].tolist(),
    }
    if kind is Sentence:
        record: BaseModel = DocSentences(
            **picked, headings=np.flatnonzero(c["heading"][rows]).tolist()
        )
    else:
        record = DocChunks(
            **picked,
            first_sentence=c["first_sentence"][rows].tolist(),
            last_sentence=c["last_sentence"][rows].tolist(),
        )
    return record.model_dump_json()


def doc_line(kind: type[T], doc_id: str, models: Sequence[T]) -> str:
    """The JSON line of one document's records (in order): what sentences.jsonl and
    chunks.jsonl hold, one per document (from_lines reads them back)."""
    columns = _model_columns(kind, models, {doc_id: 0})
    return _line(kind, columns, doc_id, np.arange(len(models), dtype=np.int64))


def from_models(kind: type[T], models: Sequence[T], articles: Mapping[str, Article]) -> Records[T]:
    """Records from pydantic objects (what ingest builds), or the same Records back."""
    if isinstance(models, Records):
        return models
    doc_ids = list(articles)
    columns = _model_columns(kind, models, {d: i for i, d in enumerate(doc_ids)})
    return Records(kind, columns, doc_ids, [articles[d].text for d in doc_ids])


def _model_columns(
    kind: type[T], models: Sequence[T], position: Mapping[str, int]
) -> dict[str, np.ndarray]:
    columns: dict[str, np.ndarray] = {
        "doc": np.fromiter((position[m.doc_id] for m in models), np.int32, len(models)),
        "idx": np.fromiter((m.idx for m in models), np.int32, len(models)),
        "start": np.fromiter((m.start for m in models), np.int64, len(models)),
        "end": np.fromiter((m.end for m in models), np.int64, len(models)),
    }
    if kind is Sentence:
        headings = (cast(Sentence, m).heading for m in models)
        columns["heading"] = np.fromiter(headings, bool, len(models))
    else:
        for name in ("first_sentence", "last_sentence"):
            columns[name] = np.fromiter((getattr(m, name) for m in models), np.int32, len(models))
    return columns


def from_lines(kind: type[T], lines: list[str], articles: Mapping[str, Article]) -> Records[T]:
    """Parse saved lines (ValueError / ValidationError when malformed)."""
    doc_ids = list(articles)
    position = {d: i for i, d in enumerate(doc_ids)}
    parsed = [
        (DocSentences if kind is Sentence else DocChunks).model_validate_json(x) for x in lines
    ]
    columns: dict[str, list[np.ndarray]] = {}
    for record in parsed:
        if record.doc_id not in position:
            raise ValueError(f"records of {record.doc_id!r}, which is not in the index")
        for name, values in _columns(record, position[record.doc_id]).items():
            columns.setdefault(name, []).append(values)
    joined = {name: np.concatenate(parts) for name, parts in columns.items()}
    if not joined:
        joined = _empty(kind)
    return Records(kind, joined, doc_ids, [articles[d].text for d in doc_ids])


def _columns(record: DocSentences | DocChunks, doc: int) -> dict[str, np.ndarray]:
    n = len(record.starts)
    if len(record.ends) != n:
        raise ValueError(f"{record.doc_id}: {n} starts but {len(record.ends)} ends")
    out: dict[str, np.ndarray] = {
        "doc": np.full(n, doc, dtype=np.int32),
        "idx": np.arange(n, dtype=np.int32),
        "start": np.asarray(record.starts, dtype=np.int64),
        "end": np.asarray(record.ends, dtype=np.int64),
    }
    if isinstance(record, DocSentences):
        if any(not 0 <= h < n for h in record.headings):
            raise ValueError(f"{record.doc_id}: a heading position past its sentences")
        heading = np.zeros(n, dtype=bool)
        heading[np.asarray(record.headings, dtype=np.int64)] = True
        out["heading"] = heading
    else:
        if not len(record.first_sentence) == len(record.last_sentence) == n:
            raise ValueError(f"{record.doc_id}: chunk columns of different lengths")
        out["first_sentence"] = np.asarray(record.first_sentence, dtype=np.int32)
        out["last_sentence"] = np.asarray(record.last_sentence, dtype=np.int32)
    return out


def _empty(kind: type) -> dict[str, np.ndarray]:
    names = ["doc", "idx", "start", "end"]
    names += ["heading"] if kind is Sentence else ["first_sentence", "last_sentence"]
    return {n: np.zeros(0, dtype=np.bool_ if n == "heading" else np.int64) for n in names}
