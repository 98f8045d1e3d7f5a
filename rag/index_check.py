"""Load-time checks that an index's records and vectors agree with each other and the model.

Does NOT read files (index.py does): a file whose hash matches can still hold vectors of the
wrong shape, NaNs, or sentence/chunk references that point nowhere; each is refused here with
the reason, so that `rag ingest` rebuilds instead of trusting it.
"""

from __future__ import annotations

import numpy as np

from rag.embedding import Vectors
from rag.schema import Article, Chunk, Sentence


class IndexMismatch(ValueError):
    """What is wrong, in words; index.load wraps it into CorruptIndexError."""


def check_vectors(name: str, vectors: Vectors, rows: int, dim: int) -> None:
    if vectors.ndim != 2 or vectors.shape != (rows, dim):
        raise IndexMismatch(f"{name} has shape {vectors.shape}, expected ({rows}, {dim})")
    if vectors.dtype != np.float32:
        raise IndexMismatch(f"{name} holds {vectors.dtype}, expected float32")
    if not np.isfinite(vectors).all():
        raise IndexMismatch(f"{name} holds NaN or infinite values")


def check_records(
    articles: list[Article], sentences: list[Sentence], chunks: list[Chunk], counts: dict[str, int]
) -> None:
    """Every sentence and chunk quotes its article exactly, and chunks point at real sentences.

    `counts` is the manifest's sentence count per document.
    """
    texts = {a.doc_id: a.text for a in articles}
    if len(texts) != len(articles) or set(texts) != set(counts):
        raise IndexMismatch("articles.jsonl does not list the manifest's documents once each")
    seen: dict[str, int] = {}
    for sentence in sentences:
        _check_span(sentence, texts, "sentence")
        if sentence.idx != seen.get(sentence.doc_id, 0):
            raise IndexMismatch(f"sentences of {sentence.doc_id} are out of order")
        seen[sentence.doc_id] = sentence.idx + 1
    if seen != {doc: n for doc, n in counts.items() if n}:
        raise IndexMismatch("sentence counts differ from the manifest")
    for chunk in chunks:
        _check_span(chunk, texts, "chunk")
        if not chunk.first_sentence <= chunk.last_sentence < seen.get(chunk.doc_id, 0):
            raise IndexMismatch(f"chunk {chunk.chunk_id} refers to sentences that do not exist")


def _check_span(span: Sentence | Chunk, texts: dict[str, str], kind: str) -> None:
    text = texts.get(span.doc_id)
    if text is None:
        raise IndexMismatch(f"a {kind} belongs to {span.doc_id!r}, which is not in the index")
    if span.end > len(text) or text[span.start : span.end] != span.text:
        raise IndexMismatch(f"a {kind} of {span.doc_id} does not match its article's text")
