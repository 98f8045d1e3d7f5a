"""Where an index lives, behind one narrow interface: files in a folder searched with FAISS (the
default, one machine), or collections in Milvus (`RAG_STORE=milvus`, store/milvus.py), which
several app processes and machines can share.

A store answers three things: what it holds before an ingest (`previous`), how an ingest's result
is written (`write`: the FAISS store rewrites its folder and swaps it in; Milvus replaces only
the changed documents' rows), and the loaded Index a query searches (`load`). Chunking,
embedding and deciding what changed stay in ingestion.py; ranking and fusion in retrieval.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.config import Settings
from rag.embedding.model import Vectors
from rag.errors import IndexMissingError
from rag.index import core as index_store
from rag.index.core import Index
from rag.index.folder import check_apart, check_replaceable, resolved
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

    def write(self, parts: list[DocPart], changes: Changes, dim: int) -> None:
        index_store.save(assemble(parts, dim, self.settings), self.settings, self.folder)

    def load(self, dim: int | None = None) -> Index:
        return index_store.load(self.folder, self.settings, dim)


class _FaissPrevious:
    def __init__(self, index: Index) -> None:
        self.index = index
        self.articles = index.articles

    def part(self, article: Article) -> DocPart:
        index = self.index
        chunk_rows = index.doc_chunk_rows(article.doc_id)
        sent_rows = index.doc_sentence_rows(article.doc_id)
        return DocPart(
            article=article,
            sentences=[index.sentences[i] for i in sent_rows],
            chunks=[index.chunks[i] for i in chunk_rows],
            chunk_vectors=index.chunk_vectors[chunk_rows],
            sentence_vectors=index.sentence_vectors[sent_rows].astype(np.float32),
            stored=True,
        )


def assemble(parts: list[DocPart], dim: int, settings: Settings) -> Index:
    """One Index of parts that all carry their records and vectors."""

    def stack(arrays: list[Vectors | None]) -> Vectors:
        kept = [a for a in arrays if a is not None and len(a)]
        return np.vstack(kept).astype(np.float32) if kept else np.zeros((0, dim), np.float32)

    return Index(
        articles=[p.article for p in parts],
        sentences=[s for p in parts for s in p.sentences],
        chunks=[c for p in parts for c in p.chunks],
        chunk_vectors=stack([p.chunk_vectors for p in parts]),
        sentence_vectors=stack([p.sentence_vectors for p in parts]),
        ann_threshold=settings.ann_threshold,
    )
