"""Words → stemmed terms, and an index's lexical side, built once at ingest and saved with it:
BM25 (bm25s) over the chunks, and every sentence's terms as CSR arrays (npy + json, no pickle).

Loading reads (memory-maps) these files instead of re-tokenising every chunk and sentence, which
took 17-23 s at 100k chunks. Does NOT rank or fuse (retrieval.py does).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from rag.index.folder import BM25_FILES, TERMS_FILES
from rag.text.tokens import tokenize

_BM25_NAMES = dict(
    zip(
        ("data_name", "indices_name", "indptr_name", "vocab_name", "params_name"),
        BM25_FILES,
        strict=True,
    )
)


class Lexical:
    """BM25 over chunk texts; each sentence's set of terms; term → sentence rows on demand."""

    def __init__(
        self, bm25: bm25s.BM25 | None, vocab: list[str], indptr: np.ndarray, ids: np.ndarray
    ) -> None:
        self.bm25 = bm25  # None for an index without chunks: an unbuilt BM25 has no vocabulary
        self.vocab = vocab  # the sentence terms' vocabulary; ids index into it
        self.indptr = indptr  # sentence row r holds ids[indptr[r]:indptr[r + 1]]
        self.ids = ids
        self._term_id = {t: i for i, t in enumerate(vocab)}
        self._postings: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def build(cls, chunk_texts: Sequence[str], sentence_texts: Sequence[str]) -> Lexical:
        bm25 = None
        if chunk_texts:
            bm25 = bm25s.BM25()
            bm25.index(tokenize(list(chunk_texts)), show_progress=False)
        held = [sorted(set(tokens)) for tokens in tokenize(list(sentence_texts))]
        vocab = sorted({t for row in held for t in row})
        index = {t: i for i, t in enumerate(vocab)}
        ids = np.fromiter((index[t] for row in held for t in row), dtype=np.int32)
        indptr = np.zeros(len(held) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(row) for row in held])
        return cls(bm25, vocab, indptr, ids)

    @property
    def chunk_vocab(self) -> dict[str, int]:
        return (self.bm25.vocab_dict or {}) if self.bm25 is not None else {}

    def doc_freq(self, term: str) -> int:
        """How many chunks hold `term` (what BM25's IDF counts)."""
        if self.bm25 is None or term not in self.chunk_vocab:
            return 0
        t = self.chunk_vocab[term]
        return int(self.bm25.scores["indptr"][t + 1] - self.bm25.scores["indptr"][t])

    def chunk_scores(self, tokens: list[str]) -> np.ndarray:
        assert self.bm25 is not None
        return np.asarray(self.bm25.get_scores(tokens))

    def sentence_terms(self, row: int) -> set[str]:
        return {self.vocab[i] for i in self.ids[self.indptr[row] : self.indptr[row + 1]]}

    def term_weights(self, weights: dict[str, float], n_rows: int) -> np.ndarray:
        """Σ weight of the `weights` terms each sentence holds, for every sentence row at once."""
        rows, starts = self._term_postings()
        total = np.zeros(n_rows)
        for term, weight in weights.items():
            t = self._term_id.get(term)
            if t is not None:
                total[rows[starts[t] : starts[t + 1]]] += weight
        return total

    def _term_postings(self) -> tuple[np.ndarray, np.ndarray]:
        """The sentence rows of every term, grouped by term, and where each term's group starts;
        built on first use (~1 s at 544k sentences), then kept."""
        if self._postings is None:
            order = np.argsort(self.ids, kind="stable")
            rows = (np.searchsorted(self.indptr, order, side="right") - 1).astype(np.int32)
            starts = np.zeros(len(self.vocab) + 1, dtype=np.int64)
            starts[1:] = np.cumsum(np.bincount(self.ids, minlength=len(self.vocab)))
            self._postings = (rows, starts)
        return self._postings

    def save(self, folder: Path) -> None:
        if self.bm25 is not None:
            self.bm25.save(folder, allow_pickle=False, show_progress=False, **_BM25_NAMES)
        else:
            _empty_bm25(folder)
        vocab, indptr, ids = TERMS_FILES
        (folder / vocab).write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        np.save(folder / indptr, self.indptr, allow_pickle=False)
        np.save(folder / ids, self.ids, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, chunks: int, sentences: int) -> Lexical:
        """Memory-mapped; ValueError when the files do not fit the index's chunks/sentences."""
        params = json.loads((folder / _BM25_NAMES["params_name"]).read_text(encoding="utf-8"))
        if params.get("num_docs") != chunks:
            raise ValueError(f"BM25 counts {params.get('num_docs')} chunks, the index {chunks}")
        bm25 = None
        if chunks:
            bm25 = bm25s.BM25.load(
                folder, mmap=True, allow_pickle=False, show_progress=False, **_BM25_NAMES
            )
        vocab_file, indptr_file, ids_file = TERMS_FILES
        vocab = json.loads((folder / vocab_file).read_text(encoding="utf-8"))
        indptr = np.load(folder / indptr_file, mmap_mode="r", allow_pickle=False)
        ids = np.load(folder / ids_file, mmap_mode="r", allow_pickle=False)
        _check_terms(vocab, indptr, ids, sentences)
        return cls(bm25, vocab, indptr, ids)


def _empty_bm25(folder: Path) -> None:
    """The same files for an index without chunks, so every index has the same file set."""
    for key in ("data_name", "indices_name", "indptr_name"):
        np.save(folder / _BM25_NAMES[key], np.zeros(0, dtype=np.int32), allow_pickle=False)
    (folder / _BM25_NAMES["vocab_name"]).write_text("{}", encoding="utf-8")
    params = json.dumps({"num_docs": 0})
    (folder / _BM25_NAMES["params_name"]).write_text(params, encoding="utf-8")


def _check_terms(vocab: list[str], indptr: np.ndarray, ids: np.ndarray, sentences: int) -> None:
    if not isinstance(vocab, list) or not all(isinstance(t, str) for t in vocab):
        raise ValueError("the sentence-term vocabulary is not a list of strings")
    if indptr.ndim != 1 or len(indptr) != sentences + 1 or (len(indptr) and indptr[-1] != len(ids)):
        raise ValueError(f"sentence terms are for {len(indptr) - 1} sentences, not {sentences}")
    if len(ids) and (int(ids.min()) < 0 or int(ids.max()) >= len(vocab)):
        raise ValueError("a sentence term id is outside the vocabulary")
