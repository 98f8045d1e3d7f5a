"""Where an index lives, behind one narrow interface: files in a folder searched with FAISS (the
default, one machine), or collections in Milvus (`RAG_STORE=milvus`, store/milvus.py), which
several app processes and machines can share.

A store answers three things: what it holds before an ingest (`previous`), how an ingest's result
is written (`write`: the FAISS store rewrites its folder and swaps it in; Milvus replaces only
the changed documents' rows), and the loaded Index a query searches (`load`). Chunking,
embedding and deciding what changed stay in ingestion.py; ranking and fusion in retrieval.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from rag.config import Settings
from rag.errors import IndexMissingError
from rag.index import core as index_store
from rag.index.core import Index
from rag.index.folder import check_apart, check_replaceable, resolved
from rag.index.writer import writing
from rag.schema import Article
from rag.store.protocol import Changes, DocPart, Store


def open_store(settings: Settings) -> Store:
    """The store `settings.store` names; Milvus is imported only when asked for (an extra)."""
    if settings.store == "milvus":
        from rag.store.milvus import MilvusStore

        return MilvusStore(settings)
    return FaissStore(settings)


class FaissStore:
    """An index folder (index/core.py): saved whole, atomically, and memory-mapped on load."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.folder = settings.index_dir

    def check_writable(self) -> None:
        check_apart(self.settings.corpus_dir, self.folder)
        check_replaceable(resolved(self.folder))

    def lock_path(self) -> Path:
        return self.folder

    def previous(self, dim: int) -> _FaissPrevious | None:
        try:
            index = index_store.load(self.folder, self.settings, dim)
        except IndexMissingError:
            return None
        index_store.clear_leftovers(self.folder)
        return _FaissPrevious(index)

    def write(self, parts: Iterable[DocPart], changes: Changes, dim: int) -> None:
        """Every part, streamed into a new folder (index/writer.py) that replaces the old one."""
        with writing(self.settings, self.folder, dim) as writer:
            for p in parts:
                writer.add(
                    p.article,
                    p.sentences,
                    p.chunks,
                    _vectors(p.chunk_vectors, len(p.chunks), dim),
                    _vectors(p.sentence_vectors, len(p.sentences), dim),
                )

    def load(self, dim: int | None = None) -> Index:
        return index_store.load(self.folder, self.settings, dim)


class _FaissPrevious:
    def __init__(self, index: Index) -> None:
        self.index = index
        self.articles = index.articles

    def part(self, article: Article) -> DocPart:
        """Records as objects, vectors as views of the memory-mapped files (a document's rows
        are contiguous): nothing of them is read until the part is written, so a re-ingest
        does not hold a copy of every vector. Sentence vectors stay float16, as stored."""
        index = self.index
        chunk_rows = index.doc_chunk_rows(article.doc_id)
        sent_rows = index.doc_sentence_rows(article.doc_id)
        return DocPart(
            article=article,
            sentences=[index.sentences[i] for i in sent_rows],
            chunks=[index.chunks[i] for i in chunk_rows],
            chunk_vectors=index.chunk_vectors[_span(chunk_rows)],
            sentence_vectors=index.sentence_vectors[_span(sent_rows)],
            stored=True,
        )


def _span(rows: list[int]) -> slice:
    return slice(rows[0], rows[-1] + 1) if rows else slice(0, 0)


def _vectors(vectors: np.ndarray | None, rows: int, dim: int) -> np.ndarray:
    """A part's vectors; a part without records may come without them."""
    if vectors is None:
        if rows:
            raise ValueError("a document to write has records but no vectors")
        return np.zeros((0, dim), dtype=np.float32)
    return vectors
