"""Vector search at 10k and 100k chunks through `rag.index.core.Index`: exact (flat) against HNSW,
p50 latency, HNSW recall@10 against exact, and memory per chunk. Never touches index/.

The vectors are synthetic, stated in the results: (a) uniform random unit vectors, the worst case
for approximate search, and (b) unit vectors in clusters around random centres, closer to real
embeddings. Queries are fresh draws from the same distribution, never indexed points.

    .venv/bin/python -m bench.scale [--sizes 10000 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from bench.common import latency_ms, timed, write_result

DIM = 384
K = 10
CANDIDATES = 30  # what Retriever asks the index for (Settings.candidates)
EF_SWEEP = (256, 512, 1024)
Matrix = npt.NDArray[np.float32]
T = TypeVar("T")


def unit(x: npt.NDArray[Any]) -> Matrix:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def uniform(n: int, rng: np.random.Generator) -> Matrix:
    return unit(rng.standard_normal((n, DIM)))


def clustered(n: int, rng: np.random.Generator, centres: Matrix) -> Matrix:
    """Points at cosine ~0.7 from one of `centres`: neighbours exist, as with real text."""
    picks = rng.integers(0, len(centres), n)
    return unit(centres[picks] + rng.standard_normal((n, DIM)) / np.sqrt(DIM))


def draw(kind: str, n: int, rng: np.random.Generator, centres: Matrix) -> Matrix:
    return uniform(n, rng) if kind == "uniform" else clustered(n, rng, centres)


def python_bytes(make: Callable[[], T]) -> tuple[T, int]:
    """What `make` returns, and the bytes of Python memory it holds (tracemalloc)."""
    tracemalloc.start()
    try:
        made = make()
        return made, tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


def fake_chunks(n: int) -> list[Any]:
    """Records the size of real ones: each holds its own 900-character text."""
    from rag.schema import Chunk

    filler = "lorem ipsum " * 80
    return [
        Chunk(
            doc_id=f"d{i // 50}",
            idx=i % 50,
            start=0,
            end=900,
            first_sentence=0,
            last_sentence=5,
            text=filler[: 900 - len(str(i))] + str(i),
        )
        for i in range(n)
    ]


def build(vectors: Matrix, chunks: list[Any], ann_threshold: int) -> tuple[Any, float, int]:
    """(index, build seconds, bytes FAISS holds: its serialised size, vectors included)."""
    import faiss

    from rag.index.core import Index

    empty = np.zeros((0, DIM), dtype=np.float32)
    took, index = timed(lambda: Index([], [], chunks, vectors, empty, ann_threshold))
    return index, took, int(faiss.serialize_index(index._chunk_search._index).nbytes)


def search_all(index: Any, queries: Matrix, n: int) -> tuple[list[float], list[list[int]]]:
    seconds, rows = [], []
    for q in queries:
        started = time.perf_counter()
        found = index.search(q, n)
        seconds.append(time.perf_counter() - started)
        rows.append([r for r, _ in found[:K]])
    return seconds, rows


def recall(approx: list[list[int]], exact: list[list[int]]) -> float:
    return float(np.mean([len(set(a) & set(e)) / K for a, e in zip(approx, exact, strict=True)]))


def run_size(n: int, kind: str, n_queries: int, seed: int = 7) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    centres = uniform(max(n // 100, 10), rng)
    vectors = draw(kind, n, rng, centres)
    chunks, records = python_bytes(lambda: fake_chunks(n))
    queries = draw(kind, n_queries, rng, centres)
    row: dict[str, Any] = {"chunks": n, "vectors": kind, "queries": n_queries}
    exact_rows: list[list[int]] = []
    for name, threshold in (("exact", n + 1), ("hnsw", 1)):
        index, build_s, faiss_bytes = build(vectors, chunks, threshold)
        seconds, rows = search_all(index, queries, CANDIDATES)
        exact_rows = exact_rows or rows
        row[name] = {
            "kind": index.search_kind,
            "build_s": round(build_s, 2),
            "search": latency_ms(seconds),
            "recall_at_10": round(recall(rows, exact_rows), 4),
            "bytes_per_chunk": round((vectors.nbytes + records + faiss_bytes) / n),
            "faiss_bytes_per_chunk": round(faiss_bytes / n),
            "record_bytes_per_chunk": round(records / n),
        }
        if name == "hnsw":
            row[name]["ef_search_sweep"] = ef_sweep(index, queries, exact_rows)
        del index
    return row


def ef_sweep(index: Any, queries: Matrix, exact_rows: list[list[int]]) -> list[dict[str, Any]]:
    """What a wider HNSW search (efSearch; Index uses 128) buys in recall, and costs in time."""
    points = []
    for ef in EF_SWEEP:
        index._faiss.hnsw.efSearch = ef
        seconds, rows = search_all(index, queries, CANDIDATES)
        recall_at_10 = round(recall(rows, exact_rows), 4)
        points.append(
            {"ef_search": ef, "p50_ms": latency_ms(seconds)["p50_ms"], "recall": recall_at_10}
        )
    return points


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    runs = []
    for n in args.sizes:
        for kind in ("clustered", "uniform"):
            print(f"{n:,} chunks, {kind} vectors", flush=True)
            runs.append(run_size(n, kind, args.queries))
    result = {
        "k": K,
        "searched_for": CANDIDATES,
        "note": "synthetic unit vectors (dim 384); bytes_per_chunk = the vectors Index keeps "
        "(1,536) + the Chunk records (900-char texts, tracemalloc) + the FAISS index (its "
        "serialised size, which holds its own copy of the vectors), divided by the chunks; "
        "sentence records and vectors (~5.4 per chunk on the seed corpus) are not included",
        "runs": runs,
    }
    print(f"wrote {write_result('scale', result)}")
    return result


if __name__ == "__main__":
    main()
