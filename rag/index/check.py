"""Load-time checks that an index's files are the ones its manifest vouches for, and that its
records and vectors agree with each other and the model.

A file whose hash matches can still hold vectors of the wrong shape, NaNs, or sentence/chunk
references that point nowhere; each is refused with the reason, so that `rag ingest` rebuilds
instead of trusting it. Reads files only to hash them, or, where an earlier load verified them
(index/stamps.py), to bring them into the OS cache; does NOT parse records (index/core.py does).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import numpy as np

from rag.embedding.model import Vectors
from rag.index.records import Records
from rag.index.stamps import Identity, Stamp, identity, read_stamps, record, settled, vouched
from rag.schema import Article, Chunk, Sentence


class IndexMismatch(ValueError):
    """What is wrong, in words; index.load wraps it into CorruptIndexError."""


def check_vectors(
    name: str, vectors: Vectors, rows: int, dim: int, dtype: type[np.floating] = np.float32
) -> None:
    """Shape and dtype (the values: see check_finite, which reads the file, not this array)."""
    if vectors.ndim != 2 or vectors.shape != (rows, dim):
        raise IndexMismatch(f"{name} has shape {vectors.shape}, expected ({rows}, {dim})")
    if vectors.dtype != dtype:
        raise IndexMismatch(f"{name} holds {vectors.dtype}, expected {np.dtype(dtype).name}")


HASH_THREADS = min(4, os.cpu_count() or 1)


Tails = Mapping[str, tuple[int, type[np.floating]]]


def check_files(
    folder: Path, expected: dict[str, str], names: Sequence[str], tails: Tails | None = None
) -> str:
    """What is wrong with the files `names` against their `expected` sha256 ("" when nothing):
    hashed on several threads, since hashlib lets go of the GIL while it hashes large blocks.
    A file an earlier load verified and nothing has changed since is not read again
    (index/stamps.py); the files verified now are stamped.

    Values are checked finite in every .npy file, and in each file of `tails` (name → (values,
    dtype)): its last that many values, where a FAISS index keeps its vectors."""
    tails = tails or {}
    stamps = read_stamps(folder)
    unread = [n for n in names if not vouched(stamps, folder, n, expected.get(n))]
    _read_ahead([folder / n for n in names if n not in unread and not n.endswith(_PARSED)])

    def scan(name: str) -> tuple[Identity | None, str | None, bool]:
        before = identity(folder / name)
        return (before, *_scan(folder / name, tails.get(name)))

    with ThreadPoolExecutor(max_workers=HASH_THREADS) as pool:
        found = dict(zip(unread, pool.map(scan, unread), strict=True))
    verified = {}
    for name in unread:
        before, digest, finite = found[name]
        if digest is None or digest != expected.get(name):
            return (
                f"{folder / name} is missing or does not match the manifest (truncated or edited?)"
            )
        if not finite:
            return f"{folder / name} holds NaN or infinite values"
        if same := settled(before, folder / name):
            verified[name] = Stamp(sha256=digest, identity=same)
    record(folder, stamps, verified)
    return ""


# Files the loader reads whole right after the check (JSON): no need to read them ahead.
_PARSED = (".json", ".jsonl")


def _read_ahead(paths: list[Path]) -> None:
    """Read files into the operating system's page cache on a background thread, as hashing
    them did. The vectors, the HNSW graph and BM25 are memory-mapped: on a cold cache their
    pages came in one fault at a time, and at 1M chunks the first `compare` took 88 s instead
    of 21 s and `ask` 372 ms instead of 76 (bench/README.md). posix_fadvise(WILLNEED) read
    nothing here. Smallest first (BM25 and the terms, which `ask` needs); nothing is kept."""

    def size(path: Path) -> int:
        try:
            return path.stat().st_size
        except OSError:
            return 0

    def run() -> None:
        with contextlib.suppress(OSError):  # this thread only, behind the load and the answers
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        buffer = bytearray(1 << 22)
        for path in sorted(paths, key=size):
            try:
                with path.open("rb", buffering=0) as f:
                    while f.readinto(buffer):
                        pass
            except OSError:
                continue

    if paths:
        threading.Thread(target=run, name="index-read-ahead", daemon=True).start()


def _scan(path: Path, tail: tuple[int, type[np.floating]] | None) -> tuple[str | None, bool]:
    """(its sha256, its values finite) — (None, True) when the file is missing."""
    if not path.exists():
        return None, True
    if tail:
        return scan_tail(path, *tail)
    return scan_npy(path) if path.suffix == ".npy" else (sha256_file(path), True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_npy(path: Path, block_rows: int = 1 << 15) -> tuple[str, bool]:
    """(sha256 of the file, whether its matrix is free of NaN and infinity), in one read.

    Read block by block from the file: through a memory map every page would stay resident
    in this process. A header numpy cannot read → the file's hash, and "finite" left to load.
    """
    digest = hashlib.sha256()
    with path.open("rb") as f:
        try:
            shape, dtype = _npy_header(f)
        except ValueError:
            f.seek(0)
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
            return digest.hexdigest(), True
        end = f.tell()
        f.seek(0)
        digest.update(f.read(end))
        width = int(np.prod(shape[1:])) * dtype.itemsize if len(shape) > 1 else dtype.itemsize
        finite = True
        for raw in iter(lambda: f.read(block_rows * width), b""):
            digest.update(raw)
            values = np.frombuffer(raw[: len(raw) // dtype.itemsize * dtype.itemsize], dtype)
            finite = finite and _finite(values)
    return digest.hexdigest(), finite


def scan_tail(path: Path, values: int, dtype: type[np.floating]) -> tuple[str, bool]:
    """(sha256 of the file, whether its last `values` values of `dtype` are all finite); a file
    too short to hold them is not finite (its hash will not match either)."""
    digest = hashlib.sha256()
    size = path.stat().st_size
    start = size - values * np.dtype(dtype).itemsize
    if start < 0:
        return sha256_file(path), False
    finite = True
    with path.open("rb") as f:
        digest.update(f.read(start))
        for raw in iter(lambda: f.read(1 << 22), b""):
            digest.update(raw)
            finite = finite and _finite(np.frombuffer(raw, dtype))
    return digest.hexdigest(), finite


def _finite(values: np.ndarray) -> bool:
    # One sum: NaN and ±inf survive addition, and unit vectors cannot overflow it.
    return bool(np.isfinite(np.add.reduce(values, dtype=np.float64)))


# numpy parses an .npy header with ast.literal_eval, and CPython 3.11's AST validator keeps its
# recursion depth per interpreter, not per thread: two files' headers parsed at once by the two
# scanning threads raised "SystemError: AST constructor recursion depth mismatch" (seen in
# tests/test_ingest.py). One header at a time; the scan itself stays parallel.
_HEADER_LOCK = threading.Lock()


def _npy_header(f: BinaryIO) -> tuple[tuple[int, ...], np.dtype]:
    major, _ = np.lib.format.read_magic(f)
    read = (
        np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
    )
    with _HEADER_LOCK:
        shape, _, dtype = read(f)
    return tuple(shape), np.dtype(dtype)


def check_records(
    articles: list[Article],
    sentences: Records[Sentence],
    chunks: Records[Chunk],
    counts: dict[str, int],
) -> None:
    """Every sentence and chunk lies inside its article, sentences run 0..n-1 per document as
    the manifest counts them, and chunks point at real sentences (one pass over the columns).

    `counts` is the manifest's sentence count per document.
    """
    ids = [a.doc_id for a in articles]
    if len(set(ids)) != len(ids) or set(ids) != set(counts):
        raise IndexMismatch("articles.jsonl does not list the manifest's documents once each")
    lengths = np.asarray([len(a.text) for a in articles], dtype=np.int64)
    per_doc = np.asarray([counts[d] for d in ids], dtype=np.int64)
    _check_spans(sentences, lengths, "sentence")
    _check_spans(chunks, lengths, "chunk")
    held = np.bincount(sentences.columns["doc"], minlength=len(ids)) if len(sentences) else 0
    if not np.array_equal(held, per_doc) and (len(sentences) or per_doc.any()):
        raise IndexMismatch("sentence counts differ from the manifest")
    c = chunks.columns
    limit = per_doc[c["doc"]] if len(chunks) else np.zeros(0, dtype=np.int64)
    if np.any(c["first_sentence"] < 0) or np.any(c["first_sentence"] > c["last_sentence"]):
        raise IndexMismatch("a chunk's sentence range runs backwards")
    if np.any(c["last_sentence"] >= limit):
        raise IndexMismatch("a chunk refers to sentences that do not exist")


def _check_spans(
    records: Records[Sentence] | Records[Chunk], lengths: np.ndarray, kind: str
) -> None:
    c = records.columns
    if not len(records):
        return
    if np.any(c["doc"] < 0) or np.any(c["doc"] >= len(lengths)):
        raise IndexMismatch(f"a {kind} belongs to a document that is not in the index")
    if np.any(c["start"] < 0) or np.any(c["end"] <= c["start"]):
        raise IndexMismatch(f"a {kind} has an empty or reversed span")
    if np.any(c["end"] > lengths[c["doc"]]):
        raise IndexMismatch(f"a {kind} runs past the end of its article's text")
    if np.any(np.diff(c["doc"]) < 0):
        raise IndexMismatch(f"{kind}s are not grouped by document")
