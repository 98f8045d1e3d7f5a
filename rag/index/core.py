"""An index folder → a loaded Index, and search over it: vectors (index/vectors.py), JSON-lines
records and a manifest.

Does NOT chunk or embed (see ingestion.py) or write (index/writer.py, which streams documents
into a temp folder and swaps it in). Loads check the manifest and every file's hash, and refuse a
stale or corrupt index loudly.
No pickle: chunk vectors are .npy (allow_pickle=False), sentence vectors a FAISS fp16 index
(index/vectors.py), records are JSON lines.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np
from pydantic import ValidationError

from rag.config import Settings
from rag.embedding.model import Vectors
from rag.errors import REBUILD, CorruptIndexError, IndexMissingError, StaleIndexError
from rag.index.check import check_files, check_records, check_vectors
from rag.index.folder import (
    HNSW_FILE,
    MANIFEST,
    WRITTEN_FILES,
    dead_writers_temp_folders,
    holds_only_index_files,
    resolved,
    swap_lock,
)
from rag.index.lexical import Lexical
from rag.index.manifest import Manifest, expected_params, read_manifest
from rag.index.records import Records, from_lines, from_models
from rag.index.vectors import DTYPE as SENTENCE_DTYPE
from rag.index.vectors import ChunkSearch, SentenceVectors
from rag.schema import Article, Chunk, Sentence
from rag.text import anaphora
from rag.text.names import TITLE_WORDS, names_someone
from rag.text.tokens import tokenize

# The files every index has besides its manifest (the HNSW graph is added above the threshold)
DATA_FILES = tuple(sorted(WRITTEN_FILES - {MANIFEST}))
SENTENCE_FILE = "sentences.faiss"


class RemoteChunks(Protocol):
    """Chunk search that runs in a server (store/milvus.py): hits as (doc_id, idx, score)."""

    def dense(
        self, query: Vectors, n: int, docs: frozenset[str] | None
    ) -> list[tuple[str, int, float]]: ...

    def lexical(
        self, question: str, n: int, docs: frozenset[str] | None
    ) -> list[tuple[str, int, float]] | None:
        """None when the server has no BM25 (the app's own is used)."""
        ...


class Index:
    """A loaded (or freshly built) index; read-only once made, so safe to share across threads."""

    def __init__(
        self,
        articles: list[Article],
        sentences: Sequence[Sentence],
        chunks: Sequence[Chunk],
        chunk_vectors: Vectors,
        sentence_vectors: Vectors | SentenceVectors,
        ann_threshold: int,
        lexical: Lexical | None = None,
        chunk_search: ChunkSearch | None = None,
        remote: RemoteChunks | None = None,
    ) -> None:
        """`lexical`, `chunk_search`: as loaded from disk; None builds them (tokenising every
        chunk and sentence; an HNSW graph above `ann_threshold` chunks).
        `remote`: chunk search in a server instead (then no FAISS graph is built here).
        `sentence_vectors`: as loaded, or any float array (copied into half precision)."""
        self.articles = {a.doc_id: a for a in articles}
        self.sentences: Records[Sentence] = from_models(Sentence, sentences, self.articles)
        self.chunks: Records[Chunk] = from_models(Chunk, chunks, self.articles)
        # `compare` asks for the names of every sentence it shows, and again for the next question
        self._carried = functools.lru_cache(maxsize=1 << 16)(self._carried_names)
        self.chunk_vectors = chunk_vectors
        self.dim = int(chunk_vectors.shape[1]) if chunk_vectors.ndim == 2 else 0
        # Half precision: sentence vectors are 5x the chunks' (~0.4 GB instead of 0.8 at 100k
        # chunks); products are taken in float32, cosines agree to ~1e-3.
        if not isinstance(sentence_vectors, SentenceVectors):
            sentence_vectors = SentenceVectors.build(sentence_vectors, self.dim)
        self._sentence_store = sentence_vectors
        self.sentence_vectors = sentence_vectors.array
        self._doc_sentences = self.sentences.doc_rows()
        self._doc_chunks = self.chunks.doc_rows()
        self.remote = remote
        if remote is not None:
            chunk_search = ChunkSearch.build(chunk_vectors[:0], ann_threshold)
        self._chunk_search = chunk_search or ChunkSearch.build(chunk_vectors, ann_threshold)
        self.lexical = lexical or Lexical.build(
            [chunk_text(self.articles[c.doc_id].title, c.text) for c in chunks],
            [self.in_context(row) for row in range(len(sentences))],
        )

    def carried_names(self, row: int) -> str:
        """The names sentence `row` refers back to ("The pharmaceutical giant" → "Pfizer …")."""
        return self._carried(row)

    def _carried_names(self, row: int) -> str:
        sentence = self.sentences[row]
        previous = self.sentences[row - 1] if row > 0 else None
        return carried_names(sentence, previous, self.articles[sentence.doc_id].text)

    def in_context(self, row: int) -> str:
        """The sentence with the names it refers back to: what its terms are read from."""
        return with_carried(self.sentences[row].text, self.carried_names(row))

    @property
    def search_kind(self) -> str:
        return "remote" if self.remote is not None else self._chunk_search.kind

    def doc_sentence_rows(self, doc_id: str) -> list[int]:
        """Rows in `sentences` of one document's sentences, in order."""
        return self._doc_sentences.get(doc_id, [])

    def doc_chunk_rows(self, doc_id: str) -> list[int]:
        """Rows in `chunks` of one document's chunks, in order."""
        return self._doc_chunks.get(doc_id, [])

    def sentence_row(self, doc_id: str, idx: int) -> int:
        """The row of sentence `idx` of a document (its sentences are contiguous, in order)."""
        return self._doc_sentences[doc_id][idx]

    def chunk_sentences(self, chunk: Chunk) -> list[int]:
        """Rows in `sentences` of the sentences a chunk holds."""
        first = self.sentence_row(chunk.doc_id, chunk.first_sentence)
        return list(range(first, first + chunk.last_sentence - chunk.first_sentence + 1))

    def doc_rows(self, doc_ids: frozenset[str]) -> np.ndarray:
        """Rows in `chunks` of these documents' chunks, ascending."""
        rows = [r for d in doc_ids for r in self.doc_chunk_rows(d)]
        return np.asarray(sorted(rows), dtype=np.int64)

    def sentence_scores(self, query: Vectors, rows: np.ndarray | None = None) -> np.ndarray:
        """Cosine of `query` with the sentences `rows` (all when None), float32."""
        return self._sentence_store.scores(query, rows)

    def sentence_bounds(self, query: Vectors, top: int) -> np.ndarray:
        """Upper bounds of every sentence's cosine with `query`, exact for the best `top`."""
        return self._sentence_store.bounds(query, top)

    def section_heading(self, row: int) -> int | None:
        """The row of the heading sentence `row` stands under in its article ("3.1.0 —
        2024-06-18" above "Added Windows support."), or None: none, or only the article's
        first line (its title, which heads every sentence and dates none)."""
        section = int(self._sections[row])
        return section if section >= 0 and section != row else None

    @functools.cached_property
    def _sections(self) -> np.ndarray:
        """For each sentence row, the nearest heading row at or above it in the same article
        (not its first line), else -1: one pass, made on first use (int32: 2 MB at 544k)."""
        c = self.sentences.columns
        return self._nearest_above(c["heading"] & (c["idx"] > 0)).astype(np.int32)

    @functools.cached_property
    def title_terms(self) -> list[frozenset[str]]:
        """Each document's title as terms, by its position in `sentences.doc_ids`; none for a
        document titled by its first words, cut (no headline of its own). Made on first use,
        in one batch (6.5k titles at 100k chunks)."""
        titles = [self.articles[doc_id] for doc_id in self.sentences.doc_ids]
        tokens = tokenize([a.title if a.has_title else "" for a in titles])
        return [frozenset(t) for t in tokens]

    def title_holds(self, term: str) -> np.ndarray:
        """For each document (by its position in `sentences.doc_ids`), does its title hold
        `term` (as `name_held` reads it: "CEO" where "Chief Executive" is written)? False for
        a document with no title of its own."""
        holds = np.zeros(len(self.sentences.doc_ids), dtype=bool)
        postings = self._title_postings
        words = TITLE_WORDS.get(term, ())
        if words and all(w in postings for w in words):
            holds[functools.reduce(np.intersect1d, [postings[w] for w in words])] = True
        if term in postings:
            holds[postings[term]] = True
        return holds

    @functools.cached_property
    def _title_postings(self) -> dict[str, np.ndarray]:
        """Term → the documents whose title holds it (their positions, ascending)."""
        found: dict[str, list[int]] = {}
        for doc, title in enumerate(self.title_terms):
            for term in title:
                found.setdefault(term, []).append(doc)
        return {term: np.asarray(docs, dtype=np.int64) for term, docs in found.items()}

    def name_their_own(self, rows: np.ndarray) -> np.ndarray:
        """For each of the sentence rows, does it name someone or something of its own
        (`names.names_someone`)? Read once per sentence, when first asked (a question's title
        credit reads the rows of every document whose title names what it asks)."""
        rows = np.asarray(rows, dtype=np.int64)
        known = self._own_names[rows]
        c, texts = self.sentences.columns, self.sentences.texts
        for at in np.flatnonzero(known < 0):
            row = int(rows[at])
            text = texts[int(c["doc"][row])][int(c["start"][row]) : int(c["end"][row])]
            known[at] = self._own_names[row] = names_someone(text)
        return known.astype(bool)

    @functools.cached_property
    def _own_names(self) -> np.ndarray:
        """names_someone by sentence row: -1 not read yet, 0 no, 1 yes."""
        return np.full(len(self.sentences), -1, dtype=np.int8)

    def answered_question(self, rows: np.ndarray) -> np.ndarray:
        """For each sentence row, the row of the question in the source it answers ("Q: How many
        patients finished the trial?" above "A: Of the 1,150 who started, 1,021 completed …"):
        the nearest question at most ANSWER_SENTENCES sentences above it in the same article,
        with no question between; -1 when none, and for a question itself. A few rows (`ask`)
        are read where they are; many (`compare`) from one pass over every sentence, made on
        first use (~0.1 s at 544k sentences)."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) >= _FEW_ROWS:
            return self._answered[rows]
        return np.fromiter((self._asked_above(int(r)) for r in rows), np.int64, len(rows))

    def is_question(self, row: int) -> bool:
        """Does sentence `row` ask rather than state (it ends with a question mark, before any
        closing quote or bracket)?"""
        c = self.sentences.columns
        return _asks(self.sentences.texts[int(c["doc"][row])], int(c["end"][row]))

    def _asked_above(self, row: int) -> int:
        if self.is_question(row):
            return -1
        doc = self.sentences.columns["doc"]
        for above in range(row - 1, max(row - ANSWER_SENTENCES, 0) - 1, -1):
            if doc[above] != doc[row]:
                break
            if self.is_question(above):
                return above
        return -1

    @functools.cached_property
    def _answered(self) -> np.ndarray:
        c, texts = self.sentences.columns, self.sentences.texts
        n = len(self.sentences)
        ends = zip(c["doc"].tolist(), c["end"].tolist(), strict=True)
        asks = np.fromiter((_asks(texts[d], e) for d, e in ends), dtype=bool, count=n)
        nearest = self._nearest_above(asks)
        near = (np.arange(n, dtype=np.int64) - nearest) <= ANSWER_SENTENCES
        return np.where(near & ~asks, nearest, -1)

    def _nearest_above(self, marked: np.ndarray) -> np.ndarray:
        """For each sentence row, the nearest `marked` row at or above it in the same article,
        else -1 (int64): one pass over every row."""
        doc = self.sentences.columns["doc"]
        rows = np.arange(len(marked), dtype=np.int64)
        nearest = np.maximum.accumulate(np.where(marked, rows, -1)) if len(rows) else rows
        same_doc = doc[np.maximum(nearest, 0)] == doc
        return np.where((nearest >= 0) & same_doc, nearest, -1)

    def sentence_cosine(self, a: int, b: int) -> float:
        vectors = self.sentence_vectors[[a, b]].astype(np.float32)
        return float(vectors[0] @ vectors[1])

    def search(
        self, query: Vectors, n: int, docs: frozenset[str] | None = None
    ) -> list[tuple[int, float]]:
        """(chunk row, cosine) of the `n` nearest chunks, best first; only among the chunks of
        `docs` if given (here exact products: a filter keeps few rows, and HNSW recall drops
        under filters; a remote store filters in the server)."""
        if self.remote is not None:
            return self._rows(self.remote.dense(query, n, docs))
        rows = None if docs is None else self.doc_rows(docs)
        if rows is not None:
            scores = self.chunk_vectors[rows] @ query
            top = np.argsort(-scores, kind="stable")[:n]
            return [(int(rows[t]), float(scores[t])) for t in top]
        return self._chunk_search.search(query, n)

    def remote_lexical(
        self, question: str, n: int, docs: frozenset[str] | None
    ) -> list[tuple[int, float]] | None:
        """BM25 (chunk row, score) from a remote store's own BM25; None = use the app's."""
        if self.remote is None:
            return None
        found = self.remote.lexical(question, n, docs)
        return None if found is None else self._rows(found)

    def _rows(self, hits: list[tuple[str, int, float]]) -> list[tuple[int, float]]:
        """Remote hits as rows; a hit this copy does not hold (written since it was loaded)
        is left out."""
        out = []
        for doc_id, idx, score in hits:
            rows = self.doc_chunk_rows(doc_id)
            if 0 <= idx < len(rows):
                out.append((rows[idx], score))
        return out


# A question in an interview or FAQ is answered by the sentences after it: this many at most
# (an interview's answer runs two or three sentences; not tuned).
ANSWER_SENTENCES = 3
_FEW_ROWS = 1_000  # rows looked up one by one below this; from the whole pass above it
_CLOSING = "\"”’')]"


def _asks(text: str, end: int) -> bool:
    """Does the sentence ending at `end` of `text` end with a question mark?"""
    last = text[end - 1 : end]
    return last == "?" or (last in _CLOSING and text[end - 2 : end - 1] == "?")


def chunk_text(title: str, text: str) -> str:
    """What a chunk is embedded and BM25-indexed as: the title gives it the context its own
    sentences may lack."""
    return f"{title}\n{text}"


def with_carried(text: str, carried: str) -> str:
    """A sentence's text with the names it carries over (carried_names), if any."""
    return f"{text} {carried}" if carried else text


def carried_names(sentence: Sentence, previous: Sentence | None, article_text: str) -> str:
    """The names `sentence` carries over from the sentence before it in the same paragraph of
    the same article ("The pharmaceutical giant …" after "Pfizer adopted …"); a heading is no
    antecedent."""
    if previous is None or previous.heading or previous.doc_id != sentence.doc_id:
        return ""
    between = article_text[previous.end : sentence.start]
    return anaphora.carried_names(sentence.text, previous.text, between)


def clear_leftovers(folder: Path) -> None:
    """After `load(folder)` succeeded: drop what killed saves left beside it.

    The previous copy goes only when `folder` itself holds the index (so it loaded, not the copy).
    """
    folder = resolved(folder)
    previous = previous_folder(folder)
    if (folder / MANIFEST).is_file() and previous.exists() and holds_only_index_files(previous):
        shutil.rmtree(previous, ignore_errors=True)
    remove_dead_writers_temp_folders(folder)


def remove_dead_writers_temp_folders(folder: Path) -> None:
    for stale in dead_writers_temp_folders(folder):
        shutil.rmtree(stale, ignore_errors=True)


def previous_folder(folder: Path) -> Path:
    """Where a swap keeps the index it replaces until the new one is in (index/writer.py)."""
    return folder.with_name(f".{folder.name}.previous")


def load(folder: Path, settings: Settings, dim: int | None = None) -> Index:
    """Load and check an index; raise IndexMissing/Stale/CorruptIndexError with what to do.

    `dim` is the embedder's dimension, when known: an index of another width is stale.
    """
    folder = resolved(folder)
    with swap_lock(folder, exclusive=False):  # never see a half-swapped index
        return _load(folder, settings, dim)


def _load(folder: Path, settings: Settings, dim: int | None) -> Index:
    folder = _usable_folder(folder)
    manifest = read_manifest(folder)
    if manifest.params() != expected_params(settings, dim or manifest.dim):
        raise StaleIndexError(
            f"The index in {folder} was built with other settings (model {manifest.model_name}, "
            f"dimension {manifest.dim}, chunks {manifest.chunk_size}/{manifest.chunk_overlap} "
            f"v{manifest.chunking_version}, format {manifest.format_version}). " + REBUILD
        )
    rows = sum(entry.sentences for entry in manifest.documents.values())
    tails = {SENTENCE_FILE: (rows * manifest.dim, SENTENCE_DTYPE)}
    names = DATA_FILES + ((HNSW_FILE,) if manifest.search == "hnsw" else ())
    # The JSON records are parsed while the files are hashed (hashlib lets go of the GIL): at
    # 1M chunks each took ~7 s (bench/README.md). Nothing binary (numpy, FAISS) is opened
    # before every hash has passed, and a hash that fails is reported before a parse error.
    with ThreadPoolExecutor(max_workers=1) as checker:
        checked = checker.submit(check_files, folder, manifest.files, names, tails)
        try:
            records: _Records | Exception = _read_records(folder)
        except (ValueError, ValidationError, OSError) as exc:
            records = exc
        problem = checked.result()
    if problem:
        raise CorruptIndexError(f"{problem}. {REBUILD}")
    try:
        if isinstance(records, Exception):
            raise records
        return _read_index(folder, manifest, settings, records)
    except (ValueError, ValidationError, OSError) as exc:
        raise CorruptIndexError(f"{folder} cannot be read ({exc}). {REBUILD}") from exc


def _usable_folder(folder: Path) -> Path:
    if (folder / MANIFEST).exists():
        return folder
    if (previous_folder(folder) / MANIFEST).exists():  # a crash between the renames of a swap
        return previous_folder(folder)
    raise IndexMissingError(f"No index in {folder}/. Run `rag ingest` to build it.")


class _Records(NamedTuple):
    articles: list[Article]
    sentences: Records[Sentence]
    chunks: Records[Chunk]


def _read_records(folder: Path) -> _Records:
    """The JSON-lines files, parsed and validated (ValueError / ValidationError / OSError)."""
    articles = [Article.model_validate_json(x) for x in _read_lines(folder / "articles.jsonl")]
    by_id = {a.doc_id: a for a in articles}
    sentences = from_lines(Sentence, _read_lines(folder / "sentences.jsonl"), by_id)
    chunks = from_lines(Chunk, _read_lines(folder / "chunks.jsonl"), by_id)
    return _Records(articles, sentences, chunks)


def _read_index(folder: Path, manifest: Manifest, settings: Settings, records: _Records) -> Index:
    articles, sentences, chunks = records
    # Memory-mapped: ask reads a few rows; compare's one product over all reads them from the
    # page cache, which the OS can reclaim and processes share, not a private copy each.
    chunk_vectors = np.load(folder / "chunks.npy", mmap_mode="r", allow_pickle=False)
    sentence_vectors = SentenceVectors.load(folder / SENTENCE_FILE, len(sentences), manifest.dim)
    check_vectors("chunks.npy", chunk_vectors, len(chunks), manifest.dim, np.float32)
    counts = {doc: entry.sentences for doc, entry in manifest.documents.items()}
    check_records(articles, sentences, chunks, counts)
    lexical = Lexical.load(folder, len(chunks), len(sentences))
    # The saved graph, unless the settings now ask for exact search (a lower threshold builds)
    saved_graph = manifest.search == "hnsw" and len(chunks) > settings.ann_threshold
    graph = ChunkSearch.load(folder / HNSW_FILE, len(chunks), manifest.dim) if saved_graph else None
    return Index(
        articles,
        sentences,
        chunks,
        chunk_vectors,
        sentence_vectors,
        settings.ann_threshold,
        lexical,
        graph,
    )


def _read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]
