"""Words → stemmed terms, and an index's lexical side, built once at ingest and saved with it:
BM25 (bm25s) over the chunks, and every sentence's terms as CSR arrays (npy + json, no pickle).

Loading reads (memory-maps) these files instead of re-tokenising every chunk and sentence, which
took 17-23 s at 100k chunks. Does NOT rank or fuse (retrieval.py does).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import cast, overload

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized

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
        self,
        bm25: bm25s.BM25 | None,
        vocab: list[str],
        indptr: np.ndarray,
        ids: np.ndarray,
        chunks: int,
    ) -> None:
        # None when no chunk holds a term (no chunks, or only stop-words): bm25s cannot index
        # an empty vocabulary, and there is nothing for a question to match
        self.bm25 = bm25
        self.chunks = chunks
        self.vocab = vocab  # the sentence terms' vocabulary; ids index into it
        self.indptr = indptr  # sentence row r holds ids[indptr[r]:indptr[r + 1]]
        self.ids = ids
        self._term_id = {t: i for i, t in enumerate(vocab)}
        self._postings: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def build(cls, chunk_texts: Sequence[str], sentence_texts: Sequence[str]) -> Lexical:
        builder = LexicalBuilder()
        builder.add(chunk_texts, sentence_texts)
        return builder.finish()

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
            _empty_bm25(folder, self.chunks)
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
        if (folder / _BM25_NAMES["vocab_name"]).read_text(encoding="utf-8").strip() != "{}":
            bm25 = bm25s.BM25.load(
                folder, mmap=True, allow_pickle=False, show_progress=False, **_BM25_NAMES
            )
        vocab_file, indptr_file, ids_file = TERMS_FILES
        vocab = json.loads((folder / vocab_file).read_text(encoding="utf-8"))
        indptr = np.load(folder / indptr_file, mmap_mode="r", allow_pickle=False)
        ids = np.load(folder / ids_file, mmap_mode="r", allow_pickle=False)
        _check_terms(vocab, indptr, ids, sentences)
        return cls(bm25, vocab, indptr, ids, chunks)


class LexicalBuilder:
    """A Lexical gathered document by document (index/writer.py streams them): tokens are kept
    as int32 ids, not lists of strings, which at ~50 bytes a token held 1M chunks' worth past
    24 GB (bench/README.md, "1M chunks, measured")."""

    def __init__(self) -> None:
        self._chunk_vocab: dict[str, int] = {}  # in order of first use; BM25 keeps it so
        self._chunk_ids: list[np.ndarray] = []
        self._chunk_lengths: list[np.ndarray] = []
        self._term_vocab: dict[str, int] = {}  # sorted when finished
        self._term_ids: list[np.ndarray] = []
        self._term_counts: list[np.ndarray] = []

    def add(self, chunk_texts: Sequence[str], sentence_texts: Sequence[str]) -> None:
        """The next chunks' texts, and the next sentences' (in context), in index order."""
        chunks = tokenize(list(chunk_texts)) if chunk_texts else []
        self._chunk_ids.append(_ids(chunks, self._chunk_vocab))
        self._chunk_lengths.append(np.fromiter(map(len, chunks), np.int64, len(chunks)))
        held = [set(tokens) for tokens in tokenize(list(sentence_texts))] if sentence_texts else []
        self._term_ids.append(_ids(held, self._term_vocab))
        self._term_counts.append(np.fromiter(map(len, held), np.int64, len(held)))

    def finish(self) -> Lexical:
        lengths = _joined(self._chunk_lengths, np.int64)
        bm25 = None
        if self._chunk_vocab:
            offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
            offsets[1:] = np.cumsum(lengths)
            corpus = _Rows(_joined(self._chunk_ids, np.int32), offsets)
            bm25 = bm25s.BM25()
            # bm25s walks `ids` as a sequence of lists; _Rows makes each list as it is read
            tokenized = Tokenized(ids=cast(list[list[int]], corpus), vocab=dict(self._chunk_vocab))
            bm25.index(tokenized, show_progress=False)
        vocab, indptr, ids = self._sentence_terms()
        return Lexical(bm25, vocab, indptr, ids, len(lengths))

    def _sentence_terms(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The sentence terms as Lexical holds them: vocabulary sorted, each row's ids ascending."""
        counts = _joined(self._term_counts, np.int64)
        indptr = np.zeros(len(counts) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(counts)
        vocab = sorted(self._term_vocab)
        size = max(len(vocab), 1)
        renumbered = np.zeros(size, dtype=np.int64)
        renumbered[[self._term_vocab[t] for t in vocab]] = np.arange(len(vocab))
        # (row, new id) as one int64 key: one sort orders every row's ids without moving rows
        keys = np.repeat(np.arange(len(counts), dtype=np.int64), counts) * size
        keys += renumbered[_joined(self._term_ids, np.int32)]
        keys.sort()
        return vocab, indptr, (keys % size).astype(np.int32)


class _Rows(Sequence[list[int]]):
    """Each chunk's token ids, read from one flat array as bm25s walks the corpus."""

    def __init__(self, ids: np.ndarray, offsets: np.ndarray) -> None:
        self.ids = ids
        self.offsets = offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, row: int) -> list[int]: ...

    @overload
    def __getitem__(self, row: slice) -> list[list[int]]: ...

    def __getitem__(self, row: int | slice) -> list[int] | list[list[int]]:
        if isinstance(row, slice):
            return [self[r] for r in range(*row.indices(len(self)))]
        if not 0 <= row < len(self):
            raise IndexError(row)
        ids: list[int] = self.ids[self.offsets[row] : self.offsets[row + 1]].tolist()
        return ids

    def __iter__(self) -> Iterator[list[int]]:
        return (self[r] for r in range(len(self)))


def _ids(rows: Iterable[Iterable[str]], vocab: dict[str, int]) -> np.ndarray:
    """Every token of `rows` as its id in `vocab`, which grows by the tokens it lacks."""
    return np.fromiter((vocab.setdefault(t, len(vocab)) for row in rows for t in row), np.int32)


def _joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _empty_bm25(folder: Path, chunks: int) -> None:
    """The same files for an index whose chunks hold no term (or that has none), so that every
    index has the same file set."""
    for key in ("data_name", "indices_name", "indptr_name"):
        np.save(folder / _BM25_NAMES[key], np.zeros(0, dtype=np.int32), allow_pickle=False)
    (folder / _BM25_NAMES["vocab_name"]).write_text("{}", encoding="utf-8")
    params = json.dumps({"num_docs": chunks})
    (folder / _BM25_NAMES["params_name"]).write_text(params, encoding="utf-8")


def _check_terms(vocab: list[str], indptr: np.ndarray, ids: np.ndarray, sentences: int) -> None:
    if not isinstance(vocab, list) or not all(isinstance(t, str) for t in vocab):
        raise ValueError("the sentence-term vocabulary is not a list of strings")
    if indptr.ndim != 1 or len(indptr) != sentences + 1 or (len(indptr) and indptr[-1] != len(ids)):
        raise ValueError(f"sentence terms are for {len(indptr) - 1} sentences, not {sentences}")
    if len(ids) and (int(ids.min()) < 0 or int(ids.max()) >= len(vocab)):
        raise ValueError("a sentence term id is outside the vocabulary")
