"""Vector search with FAISS (the one module that imports it): the chunks' nearest neighbours, and
every sentence's vector in half precision.

Sentences are one FAISS scalar-quantizer (fp16) index: its file is memory-mapped, `array` is a
numpy view of the same bytes, and a product with every sentence runs in FAISS's SIMD fp16 kernel
(numpy converts float16 ~10x slower than it multiplies). The file is FAISS's own `write_index`
format; its last rows × dim × 2 bytes are the vectors (index_check scans them).

Does NOT decide which rows to score or read files other than the sentences' (index/core.py does).
"""

from __future__ import annotations

import mmap
from pathlib import Path

import faiss
import numpy as np

from rag.embedding.model import Vectors

DTYPE = np.float16
_BLOCK = 1 << 15  # rows handed to FAISS at a time when building (48 MB of float32 at dim 384)
_BUILD_THREADS = faiss.omp_get_max_threads()


class ChunkSearch:
    """Nearest chunks by cosine: exact up to `ann_threshold` chunks, HNSW above. An HNSW graph
    takes ~2 min per million chunks to build on 2 cores, so index/writer.py saves it with the
    index."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: Vectors, ann_threshold: int) -> ChunkSearch:
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
            _drop_pages(vectors)
        return cls(index)

    @classmethod
    def load(cls, path: Path, rows: int, dim: int) -> ChunkSearch:
        """A saved HNSW graph, its vectors memory-mapped; ValueError when it does not fit."""
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
        if not isinstance(index, faiss.IndexHNSWFlat) or (index.ntotal, index.d) != (rows, dim):
            raise ValueError(f"{path.name} is not an HNSW index of {rows} × {dim}")
        return cls(index)  # efSearch is saved with the graph

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSWFlat) else "flat"

    def search(self, query: Vectors, n: int) -> list[tuple[int, float]]:
        """(row, cosine) of the `n` nearest, best first."""
        if not self._index.ntotal:
            return []
        # One query gains nothing from OpenMP threads, and on a busy machine waiting for them
        # costs 20-90 ms (flat, 10k-100k chunks) against <1-25 ms single-threaded.
        faiss.omp_set_num_threads(1)
        scores, rows = self._index.search(query.reshape(1, -1), min(n, self._index.ntotal))
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]


def _drop_pages(vectors: Vectors) -> None:
    """A memory-mapped file's pages just copied into FAISS leave this process's resident set:
    at 100k chunks the copy and the file's pages were 146 MB each (bench/README.md, "Opening a
    large index"). A later read of the array (a filtered search, a save) maps them in again."""
    mapped = getattr(vectors, "_mmap", None)  # np.memmap's own mmap.mmap; None for arrays
    if mapped is not None:
        mapped.madvise(mmap.MADV_DONTNEED)


class SentenceVectors:
    """Read-only once made; `array[rows]` reads rows, `scores` multiplies with every row."""

    def __init__(self, index: faiss.IndexScalarQuantizer, dim: int) -> None:
        self._index = index  # owns (or maps) the bytes `array` views: keep it alive with it
        self.dim = dim
        self.array = _view(index, dim)

    @classmethod
    def build(cls, vectors: np.ndarray, dim: int) -> SentenceVectors:
        builder = SentenceVectorsBuilder(dim)
        builder.add(vectors)
        return builder.done()

    @classmethod
    def load(cls, path: Path, rows: int, dim: int) -> SentenceVectors:
        """Map `path`; ValueError when it is not an fp16 inner-product index of rows × dim."""
        if rows == 0:
            return cls(_empty(dim), dim)
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
        kind = getattr(getattr(index, "sq", None), "qtype", None)
        if not isinstance(index, faiss.IndexScalarQuantizer) or kind != _FP16:
            raise ValueError(f"{path.name} is not a float16 scalar-quantizer index")
        if index.metric_type != faiss.METRIC_INNER_PRODUCT or (index.ntotal, index.d) != (
            rows,
            dim,
        ):
            raise ValueError(
                f"{path.name} holds {index.ntotal} × {index.d}, expected {rows} × {dim}"
            )
        return cls(index, dim)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def scores(self, query: Vectors, rows: np.ndarray | None = None) -> np.ndarray:
        """Cosine of `query` with the sentences `rows` (every sentence when None), float32."""
        if rows is not None:
            # Row by row (not one matrix product, whose kernel and so last bits depend on how
            # many rows it gets): a sentence scores the same in any selection of rows. In
            # blocks, so that a million rows do not make a 1.5 GB float32 copy.
            out = np.empty(len(rows), dtype=np.float32)
            for start in range(0, len(rows), _BLOCK):
                block = self.array[rows[start : start + _BLOCK]].astype(np.float32)
                out[start : start + _BLOCK] = np.einsum("ij,j->i", block, query)
            return out
        return self.bounds(query, len(self))

    def bounds(self, query: Vectors, top: int) -> np.ndarray:
        """Every sentence's cosine with `query` for the `top` best, and for the rest the
        `top`-th best's, which none of them exceeds (float32; exact for all when `top` covers
        them). FAISS sorts what it returns: 45 ms for the best 1,000 of 544k sentences, 171 ms
        for all of them (bench/README.md, "Opening a large index")."""
        n = len(self)
        out = np.empty(n, dtype=np.float32)
        if n:
            faiss.omp_set_num_threads(1)  # one query: threads only wait on each other
            k = min(top, n)
            found, ids = self._index.search(query.reshape(1, -1).astype(np.float32), k)
            out.fill(found[0][-1] if k < n else 0.0)
            out[ids[0]] = found[0]
        return out


class SentenceVectorsBuilder:
    """Sentence vectors added a document at a time (index/writer.py), held in half precision
    from the start; `done` makes the read-only SentenceVectors (later adds are refused)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._index: faiss.IndexScalarQuantizer | None = _empty(dim)

    def add(self, vectors: np.ndarray) -> None:
        """Rows of any float dtype (a stored index's float16 rows are read back exactly)."""
        if self._index is None:
            raise ValueError("these sentence vectors are done; no more can be added")
        for start in range(0, len(vectors), _BLOCK):
            self._index.add(np.ascontiguousarray(vectors[start : start + _BLOCK], np.float32))

    def done(self) -> SentenceVectors:
        if self._index is None:
            raise ValueError("these sentence vectors are done already")
        index, self._index = self._index, None
        return SentenceVectors(index, self.dim)


_FP16 = faiss.ScalarQuantizer.QT_fp16


def _empty(dim: int) -> faiss.IndexScalarQuantizer:
    return faiss.IndexScalarQuantizer(max(dim, 1), _FP16, faiss.METRIC_INNER_PRODUCT)


def _view(index: faiss.IndexScalarQuantizer, dim: int) -> np.ndarray:
    """The index's codes as a read-only (rows, dim) float16 array, without a copy."""
    rows = int(index.ntotal)
    if rows == 0:
        return np.zeros((0, dim), dtype=DTYPE)
    raw = faiss.rev_swig_ptr(index.codes.data(), rows * dim * np.dtype(DTYPE).itemsize)
    array = raw.view(DTYPE).reshape(rows, dim)
    array.flags.writeable = False
    return array
