"""Chunks + vectors ⇄ disk, and vector search: FAISS plus JSON-lines side files and a manifest.

Does NOT chunk or embed (see ingest.py). Saves are atomic (temp folder, then rename); loads
check the manifest and every file's hash, and refuse a stale or corrupt index loudly.
No pickle: vectors are .npy (allow_pickle=False), records are JSON lines.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from pydantic import BaseModel, ValidationError

from rag.chunking import CHUNKING_VERSION
from rag.config import Settings
from rag.embedding import Vectors, embedding_name
from rag.errors import CorruptIndexError, IndexMissingError, StaleIndexError
from rag.schema import Article, Chunk, Sentence

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_FILES = ("articles.jsonl", "sentences.jsonl", "chunks.jsonl", "chunks.npy", "sentences.npy")
_BUILD_THREADS = faiss.omp_get_max_threads()


class DocEntry(BaseModel):
    sha256: str
    title: str
    chunks: int
    sentences: int


class Manifest(BaseModel):
    format_version: int
    model_name: str
    dim: int
    chunk_size: int
    chunk_overlap: int
    chunking_version: int = 0
    chunk_vectors: str = "encoded"
    search: str
    documents: dict[str, DocEntry]
    files: dict[str, str]

    def params(self) -> tuple[object, ...]:
        return (
            self.format_version,
            self.model_name,
            self.dim,
            self.chunk_size,
            self.chunk_overlap,
            self.chunking_version,
            self.chunk_vectors,
        )


def expected_params(settings: Settings, dim: int) -> tuple[object, ...]:
    model = embedding_name(settings)  # not just model_name: int8 ONNX vectors are another space
    return (
        FORMAT_VERSION,
        model,
        dim,
        settings.chunk_size,
        settings.chunk_overlap,
        CHUNKING_VERSION,
        settings.chunk_vectors,
    )


class Index:
    """A loaded (or freshly built) index; read-only once made, so safe to share across threads."""

    def __init__(
        self,
        articles: list[Article],
        sentences: list[Sentence],
        chunks: list[Chunk],
        chunk_vectors: Vectors,
        sentence_vectors: Vectors,
        ann_threshold: int,
    ) -> None:
        self.articles = {a.doc_id: a for a in articles}
        self.sentences = sentences
        self.chunks = chunks
        self.chunk_vectors = chunk_vectors
        self.sentence_vectors = sentence_vectors
        self.dim = int(chunk_vectors.shape[1]) if chunk_vectors.size else 0
        self._sentence_row = {(s.doc_id, s.idx): row for row, s in enumerate(sentences)}
        self._doc_sentences = _rows_by_doc(sentences)
        self._doc_chunks = _rows_by_doc(chunks)
        self._faiss = _make_faiss(chunk_vectors, ann_threshold)
        self._lock = threading.Lock()

    @property
    def search_kind(self) -> str:
        return "hnsw" if isinstance(self._faiss, faiss.IndexHNSWFlat) else "flat"

    def doc_sentence_rows(self, doc_id: str) -> list[int]:
        """Rows in `sentences` of one document's sentences, in order."""
        return self._doc_sentences.get(doc_id, [])

    def doc_chunk_rows(self, doc_id: str) -> list[int]:
        """Rows in `chunks` of one document's chunks, in order."""
        return self._doc_chunks.get(doc_id, [])

    def sentence_row(self, doc_id: str, idx: int) -> int:
        return self._sentence_row[(doc_id, idx)]

    def chunk_sentences(self, chunk: Chunk) -> list[int]:
        """Rows in `sentences` of the sentences a chunk holds."""
        first = self.sentence_row(chunk.doc_id, chunk.first_sentence)
        return list(range(first, first + chunk.last_sentence - chunk.first_sentence + 1))

    def search(self, query: Vectors, n: int) -> list[tuple[int, float]]:
        """(chunk row, cosine) of the `n` nearest chunks, best first."""
        if not self.chunks:
            return []
        # One query gains nothing from OpenMP threads, and on a busy machine waiting for them
        # costs 20-90 ms (flat, 10k-100k chunks) against <1-25 ms single-threaded.
        faiss.omp_set_num_threads(1)
        scores, rows = self._faiss.search(query.reshape(1, -1), min(n, len(self.chunks)))
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]

    def manifest(self, settings: Settings) -> Manifest:
        docs = {
            a.doc_id: DocEntry(
                sha256=a.sha256,
                title=a.title,
                chunks=len(self.doc_chunk_rows(a.doc_id)),
                sentences=len(self.doc_sentence_rows(a.doc_id)),
            )
            for a in self.articles.values()
        }
        return Manifest(
            format_version=FORMAT_VERSION,
            model_name=embedding_name(settings),
            dim=self.dim,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
            chunking_version=CHUNKING_VERSION,
            chunk_vectors=settings.chunk_vectors,
            search=self.search_kind,
            documents=docs,
            files={},
        )


def _rows_by_doc(records: list[Sentence] | list[Chunk]) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = {}
    for row, record in enumerate(records):
        rows.setdefault(record.doc_id, []).append(row)
    return rows


def _make_faiss(vectors: Vectors, ann_threshold: int) -> faiss.Index:
    dim = int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[1] else 1
    index: faiss.Index
    if len(vectors) > ann_threshold:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        faiss.omp_set_num_threads(_BUILD_THREADS)  # building HNSW does use every core
        index.add(vectors)
    return index


def save(index: Index, settings: Settings, folder: Path) -> Manifest:
    """Write to a temp folder beside `folder`, then swap it in; a crash leaves the old one."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    for stale in folder.parent.glob(f".{folder.name}.tmp-*"):  # left by a killed ingest
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        _write_jsonl(tmp / "articles.jsonl", index.articles.values())
        _write_jsonl(tmp / "sentences.jsonl", index.sentences)
        _write_jsonl(tmp / "chunks.jsonl", index.chunks)
        np.save(tmp / "chunks.npy", index.chunk_vectors, allow_pickle=False)
        np.save(tmp / "sentences.npy", index.sentence_vectors, allow_pickle=False)
        manifest = index.manifest(settings)
        manifest.files = {name: _sha256(tmp / name) for name in _FILES}
        (tmp / MANIFEST).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        _swap(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest


def _swap(tmp: Path, folder: Path) -> None:
    previous = _previous(folder)
    # Without `folder` (an earlier crash between the renames), `previous` is the only good copy.
    if folder.exists():
        shutil.rmtree(previous, ignore_errors=True)
        os.rename(folder, previous)
    os.rename(tmp, folder)
    shutil.rmtree(previous, ignore_errors=True)


def _previous(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}.previous")


def load(folder: Path, settings: Settings) -> Index:
    """Load and check an index; raise IndexMissing/Stale/CorruptIndexError with what to do."""
    folder = _usable_folder(folder)
    manifest = read_manifest(folder)
    if manifest.params() != expected_params(settings, manifest.dim):
        raise StaleIndexError(
            f"The index in {folder} was built with other settings (model {manifest.model_name}, "
            f"chunks {manifest.chunk_size}/{manifest.chunk_overlap} "
            f"v{manifest.chunking_version}, format {manifest.format_version}). "
            "Rebuild it with `rag ingest`."
        )
    _check_files(folder, manifest)
    try:
        return _read_index(folder, settings)
    except (ValueError, ValidationError, OSError) as exc:
        raise CorruptIndexError(
            f"{folder} cannot be read ({exc}). Rebuild it with `rag ingest`."
        ) from exc


def _usable_folder(folder: Path) -> Path:
    if (folder / MANIFEST).exists():
        return folder
    if (_previous(folder) / MANIFEST).exists():  # a crash between the two renames of _swap
        return _previous(folder)
    raise IndexMissingError(f"No index in {folder}/. Run `rag ingest` to build it.")


def read_manifest(folder: Path) -> Manifest:
    try:
        return Manifest.model_validate_json((folder / MANIFEST).read_text(encoding="utf-8"))
    except (ValidationError, ValueError, OSError) as exc:
        raise CorruptIndexError(
            f"{folder / MANIFEST} is damaged ({type(exc).__name__}). Rebuild with `rag ingest`."
        ) from exc


def _check_files(folder: Path, manifest: Manifest) -> None:
    for name in _FILES:
        path = folder / name
        if not path.exists() or _sha256(path) != manifest.files.get(name):
            raise CorruptIndexError(
                f"{path} is missing or does not match the manifest (truncated or edited?). "
                "Rebuild with `rag ingest`."
            )


def _read_index(folder: Path, settings: Settings) -> Index:
    articles = [Article.model_validate_json(x) for x in _read_lines(folder / "articles.jsonl")]
    sentences = [Sentence.model_validate_json(x) for x in _read_lines(folder / "sentences.jsonl")]
    chunks = [Chunk.model_validate_json(x) for x in _read_lines(folder / "chunks.jsonl")]
    chunk_vectors = np.load(folder / "chunks.npy", allow_pickle=False)
    sentence_vectors = np.load(folder / "sentences.npy", allow_pickle=False)
    if len(chunk_vectors) != len(chunks) or len(sentence_vectors) != len(sentences):
        raise ValueError("row counts differ between records and vectors")
    return Index(
        articles, sentences, chunks, chunk_vectors, sentence_vectors, settings.ann_threshold
    )


def _write_jsonl(path: Path, records: Any) -> None:
    with path.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(record.model_dump_json() + "\n")


def _read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
