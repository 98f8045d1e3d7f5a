"""Question → ranked Hits: dense (FAISS) and BM25 (bm25s, stemmed), fused by scaled scores.

Does NOT read or write files: it searches a loaded Index. Either half can run alone
(`Settings.retrieval_mode`) so evals and benchmarks can compare them.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from rag.config import RetrievalMode, Settings
from rag.embedding.model import Embedder, Vectors
from rag.index.core import Index
from rag.schema import Hit
from rag.text.names import LETTERED, TITLE_WORDS, lettered_pattern
from rag.text.tokens import terms, tokenize


class Retriever:
    """Searches a loaded index: FAISS for the dense half, the index's saved BM25 for the other."""

    def __init__(self, index: Index, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def doc_freq(self, term: str) -> int:
        """How many chunks hold `term`."""
        return self.index.lexical.doc_freq(term)

    def unmentioned(self, words: Sequence[str]) -> list[str]:
        """The words no chunk holds: one of their terms (stemmed, accents folded; single
        letters aside) is in none. "Krakow" in a collection about Warsaw, a misspelt "Jasy". A
        name told apart by a letter or digit ("Series A", names.LETTERED) is looked for as
        written, in the sentences holding its word and in the titles."""
        plain = [w for w in words if not LETTERED.fullmatch(w)]
        missing = [
            w
            for w in plain
            if any(len(t) > 1 and not self.held_freq(t) and not self._kin_held(t) for t in terms(w))
        ]
        said = {w.lower() for w in missing}  # "War 2" adds nothing to an unmentioned "War"
        lettered = [w for w in words if LETTERED.fullmatch(w)]
        missing += [
            w
            for w in lettered
            if w[:-1].rstrip(" -").lower() not in said and not self._lettered_held(w)
        ]
        return [w for w in dict.fromkeys(words) if w in missing]

    def _kin_held(self, term: str) -> bool:
        """Is a longer word of the same root held: "Europe" where the sources say "European",
        "China" for "Chinese", "Canada" for "Canadian" (adjectives of places, which the stemmer
        keeps apart): a held term beginning with all but the last letter of a term of five
        letters or more, and longer than it. A misspelt name differs earlier ("Jasy" for
        "Jassy") or is the longer one ("Lumenn" for "Lumen")."""
        if len(term) < 5 or not term.isalpha():
            return False
        root = term[:-1]
        vocab = self.index.lexical.vocab  # sorted
        at = bisect.bisect_left(vocab, root)
        same_root = itertools.takewhile(lambda t: t.startswith(root), vocab[at : at + 64])
        return any(len(t) > len(term) for t in same_root)

    def _lettered_held(self, name: str) -> bool:
        pattern = lettered_pattern(name)
        if any(pattern.search(a.title) for a in self.index.articles.values()):
            return True
        rows = np.flatnonzero(self.term_weights(dict.fromkeys(terms(name), 1.0)) > 0)
        sentences = self.index.sentences
        return any(pattern.search(sentences[int(r)].text) for r in rows)

    def held_freq(self, term: str) -> int:
        """Chunks holding the term or, for initials ("CEO", "Q3"), at least as many as hold the
        rarest of its written-out words ("chief executive", "third quarter"): a text spelling
        it out makes it no rarer than its words, and mentions it."""
        found = self.doc_freq(term)
        words = TITLE_WORDS.get(term)
        return max(found, min(self.doc_freq(w) for w in words)) if words else found

    def naming_docs(self, term: str) -> frozenset[str]:
        """The documents with a sentence holding `term` (stemmed), or, for initials ("CEO"),
        all of its written-out words: which sources name what a question asks about, read from
        the inverted index at any size."""
        held = self.term_weights({term: 1.0}) > 0
        if words := TITLE_WORDS.get(term):
            held |= self.term_weights(dict.fromkeys(words, 1.0)) > len(words) - 0.5
        sentences = self.index.sentences
        codes = np.unique(sentences.columns["doc"][held])
        return frozenset(sentences.doc_ids[int(c)] for c in codes)

    def sentence_terms(self, rows: list[int]) -> list[set[str]]:
        """Stemmed terms of index sentences, with the names a sentence refers back to ("The
        pharmaceutical giant …" after "Pfizer adopted Claude …"), as saved with the index."""
        return [self.index.lexical.sentence_terms(r) for r in rows]

    def carried_names(self, row: int) -> str:
        """The names sentence `row` refers back to ("The pharmaceutical giant" → "Pfizer …")."""
        return self.index.carried_names(row)

    def term_weights(self, weights: dict[str, float]) -> np.ndarray:
        """Σ weight of the `weights` terms each sentence holds (as sentence_terms has them),
        for every sentence row at once."""
        return self.index.lexical.term_weights(weights, len(self.index.sentences))

    def antecedent(self, row: int) -> str:
        """The sentence before, verbatim, when sentence `row` refers back to it; else ""."""
        return self.index.sentences[row - 1].text if self.carried_names(row) else ""

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
        dense = self.dense(question, n, docs) if mode != "bm25" else []
        lexical = self.lexical(question, n, docs) if mode != "dense" else []
        return self._fuse(dense, lexical, k)

    def dense(
        self, question: str, n: int, docs: frozenset[str] | None = None
    ) -> list[tuple[int, float]]:
        return self.index.search(self.query_vector(question), n, docs)

    def lexical(
        self, question: str, n: int, docs: frozenset[str] | None = None
    ) -> list[tuple[int, float]]:
        remote = self.index.remote_lexical(question, n, docs)
        if remote is not None:
            return remote
        rows = None if docs is None else self.index.doc_rows(docs)
        lexical = self.index.lexical
        tokens = [t for t in tokenize([question])[0] if t in lexical.chunk_vocab]
        if not tokens:  # also an index without chunks: its BM25 has no vocabulary at all
            return []
        scores = lexical.chunk_scores(tokens)
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
