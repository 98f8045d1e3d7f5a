"""Question → ranked Hits: dense (FAISS) and BM25 (bm25s, stemmed), fused by scaled scores.

Does NOT read or write files: it searches a loaded Index. Either half can run alone
(`Settings.retrieval_mode`) so evals and benchmarks can compare them.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer

from rag.anaphora import carried_names
from rag.config import RetrievalMode, Settings
from rag.embedding import Embedder, Vectors
from rag.index import Index
from rag.schema import Hit


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed tokens: "Designs chips" → ["design", "chip"]."""
    out = bm25s.tokenize(
        texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False
    )
    return [list(tokens) for tokens in out]


@lru_cache(maxsize=1 << 16)
def terms(text: str) -> frozenset[str]:
    """tokenize() of one short text as a set, kept: a figure's window or a quote recurs with
    every question that reaches its sentence, and each bm25s call has a fixed cost (~0.1 ms)."""
    return frozenset(tokenize([text])[0])


class Retriever:
    """Holds the loaded index, the BM25 model built over its chunks, and the query encoder."""

    def __init__(self, index: Index, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self._bm25 = bm25s.BM25()
        self.doc_freq: Counter[str] = Counter()
        if index.chunks:
            corpus = tokenize([f"{index.articles[c.doc_id].title}\n{c.text}" for c in index.chunks])
            self._bm25.index(corpus, show_progress=False)
            self.doc_freq.update(t for tokens in corpus for t in set(tokens))
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()
        self._terms: dict[int, set[str]] = {}
        self._postings: dict[str, np.ndarray] | None = None
        self._lock = threading.Lock()

    def sentence_terms(self, rows: list[int]) -> list[set[str]]:
        """Stemmed terms of index sentences, with the names a sentence refers back to ("The
        pharmaceutical giant …" after "Pfizer adopted Claude …"), tokenised once per row, kept."""
        missing = [r for r in rows if r not in self._terms]
        if missing:
            tokens = tokenize([self._in_context(r) for r in missing])
            with self._lock:
                self._terms.update(zip(missing, map(set, tokens), strict=True))
        return [self._terms[r] for r in rows]

    def carried_names(self, row: int) -> str:
        """The names sentence `row` refers back to ("The pharmaceutical giant" → "Pfizer …")."""
        sentence = self.index.sentences[row]
        previous = self.index.sentences[row - 1] if row > 0 else None
        return carried_names(sentence, previous, self.index.articles[sentence.doc_id].text)

    def term_weights(self, weights: dict[str, float]) -> np.ndarray:
        """Σ weight of the `weights` terms each sentence holds (as sentence_terms has them),
        for every sentence row at once, from an inverted index built on first use."""
        if self._postings is None:
            postings: dict[str, list[int]] = {}
            all_terms = self.sentence_terms(list(range(len(self.index.sentences))))
            for row, held in enumerate(all_terms):
                for term in held:
                    postings.setdefault(term, []).append(row)
            with self._lock:
                self._postings = {t: np.asarray(r, dtype=np.int64) for t, r in postings.items()}
        total = np.zeros(len(self.index.sentences))
        for term, weight in weights.items():
            rows = self._postings.get(term)
            if rows is not None:
                total[rows] += weight
        return total

    def antecedent(self, row: int) -> str:
        """The sentence before, verbatim, when sentence `row` refers back to it; else ""."""
        return self.index.sentences[row - 1].text if self.carried_names(row) else ""

    def _in_context(self, row: int) -> str:
        carried = self.carried_names(row)
        text = self.index.sentences[row].text
        return f"{text} {carried}" if carried else text

    def query_vector(self, question: str) -> Vectors:
        """The question's embedding, cached: the answerer reuses the retriever's."""
        with self._lock:
            if question in self._vectors:
                return self._vectors[question]
        vector = self.embedder.embed([question])[0]
        with self._lock:
            self._vectors[question] = vector
            while len(self._vectors) > 256:
                self._vectors.popitem(last=False)
        return vector

    def search(
        self,
        question: str,
        k: int | None = None,
        mode: RetrievalMode | None = None,
        docs: frozenset[str] | None = None,
    ) -> list[Hit]:
        """The top `k` chunks, only from the documents `docs` when given (None = all)."""
        k = k or self.settings.k
        mode = mode or self.settings.retrieval_mode
        n = max(self.settings.candidates, k)
        rows = None if docs is None else self.index.doc_rows(docs)
        dense = self.dense(question, n, rows) if mode != "bm25" else []
        lexical = self.lexical(question, n, rows) if mode != "dense" else []
        return self._fuse(dense, lexical, k)

    def dense(
        self, question: str, n: int, rows: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        return self.index.search(self.query_vector(question), n, rows)

    def lexical(
        self, question: str, n: int, rows: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        if not self.index.chunks:  # an unbuilt BM25 has no vocabulary at all
            return []
        vocab = self._bm25.vocab_dict or {}
        tokens = [t for t in tokenize([question])[0] if t in vocab]
        if not tokens:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens))
        if rows is not None:  # IDF stays the whole collection's: a filter narrows, not rescores
            kept = np.zeros_like(scores)
            kept[rows] = scores[rows]
            scores = kept
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(r), float(scores[r])) for r in top if scores[r] > 0]

    def _fuse(
        self, dense: list[tuple[int, float]], lexical: list[tuple[int, float]], k: int
    ) -> list[Hit]:
        if self.settings.fusion == "rrf":
            fused = reciprocal_rank(dense, lexical, self.settings.rrf_k)
        else:
            fused = convex(dense, lexical, self.settings.dense_weight)
        dense_at = {row: (rank, s) for rank, (row, s) in enumerate(dense, start=1)}
        lexical_at = {row: (rank, s) for rank, (row, s) in enumerate(lexical, start=1)}
        order = sorted(fused, key=lambda row: -fused[row])[:k]
        return [
            self._hit(row, rank, fused[row], dense_at.get(row), lexical_at.get(row))
            for rank, row in enumerate(order, start=1)
        ]

    def _hit(
        self,
        row: int,
        rank: int,
        score: float,
        dense: tuple[int, float] | None,
        lexical: tuple[int, float] | None,
    ) -> Hit:
        chunk = self.index.chunks[row]
        return Hit(
            chunk=chunk,
            title=self.index.articles[chunk.doc_id].title,
            rank=rank,
            score=score,
            dense_rank=dense[0] if dense else None,
            dense_score=dense[1] if dense else None,
            bm25_rank=lexical[0] if lexical else None,
            bm25_score=lexical[1] if lexical else None,
        )


def reciprocal_rank(
    dense: list[tuple[int, float]], lexical: list[tuple[int, float]], k: int
) -> dict[int, float]:
    """Σ 1/(k + rank) over the halves that found a row: ranks only, scores ignored."""
    fused: dict[int, float] = {}
    for ranked in (dense, lexical):
        for rank, (row, _) in enumerate(ranked, start=1):
            fused[row] = fused.get(row, 0.0) + 1.0 / (k + rank)
    return fused


def convex(
    dense: list[tuple[int, float]], lexical: list[tuple[int, float]], dense_weight: float
) -> dict[int, float]:
    """w·dense + (1−w)·bm25, each min-max scaled over its candidates (absent = 0).

    Unlike RRF it keeps how far ahead a half's best hit is: on SQuAD, where BM25 is the stronger
    half, RRF let dense rankings push out BM25's right first hit (bench/README.md).
    """
    dense_n, lexical_n = _min_max(dense), _min_max(lexical)
    return {
        row: dense_weight * dense_n.get(row, 0.0) + (1 - dense_weight) * lexical_n.get(row, 0.0)
        for row in dense_n.keys() | lexical_n.keys()
    }


def _min_max(ranked: list[tuple[int, float]]) -> dict[int, float]:
    if not ranked:
        return {}
    low, high = min(s for _, s in ranked), max(s for _, s in ranked)
    return {row: (s - low) / (high - low) if high > low else 1.0 for row, s in ranked}
