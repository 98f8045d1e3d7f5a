"""The narrow interface every index store implements (store/faiss_folder.py picks one), and what
crosses it: a document's share of the index, and what an ingest changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.index.core import Index
from rag.schema import Article, Chunk, Sentence


@dataclass
class DocPart:
    """One article's share of the index: its records and vectors. A part the store keeps as it
    is (`stored`) may come without them: only their counts are needed. Vectors are float32,
    except a stored FAISS index's sentence vectors (float16 views of its file)."""

    article: Article
    sentences: list[Sentence]
    chunks: list[Chunk]
    chunk_vectors: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None
    stored: bool = False
    counts: tuple[int, int] | None = None  # (chunks, sentences) of a stored part without records

    @property
    def chunk_count(self) -> int:
        return self.counts[0] if self.counts else len(self.chunks)

    @property
    def sentence_count(self) -> int:
        return self.counts[1] if self.counts else len(self.sentences)


@dataclass
class Changes:
    """What an ingest changes: documents re-split and re-embedded, removed, or relabelled."""

    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    relabelled: list[str] = field(default_factory=list)


class Previous(Protocol):
    """What a store holds before an ingest."""

    @property
    def articles(self) -> Mapping[str, Article]: ...

    def part(self, article: Article) -> DocPart:
        """A stored document's share, kept as it is (with `article`'s metadata)."""
        ...


class Store(Protocol):
    def check_writable(self) -> None:
        """Raise (with what to do) before any embedding work when the store cannot be written."""
        ...

    def lock_path(self) -> Path:
        """What ingest_lock locks: one ingest at a time on this machine."""
        ...

    def previous(self, dim: int) -> Previous | None:
        """None when nothing is stored; raises IndexError_ when what is stored cannot be used
        (ingest then rebuilds everything)."""
        ...

    def write(self, parts: Iterable[DocPart], changes: Changes, dim: int) -> None:
        """Make the store hold exactly `parts` (sorted by doc_id). They may be made as they are
        read (ingest embeds them in batches): a store reads them once."""
        ...

    def load(self, dim: int | None = None) -> Index: ...
