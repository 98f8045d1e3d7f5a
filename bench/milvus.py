"""The Milvus store against the FAISS store, in one run, at 10k and 100k chunks: how fast each
takes an ingest's rows, loads, answers (warm `ask` p50/p95) and how much of the exact top 10
its dense search returns (recall@10), with the chunks' vector index FLAT and HNSW. Run by
`make test-milvus-server` against the real server.

The replicated corpus is ~130 copies of each seed chunk, each a near-duplicate (cosine ≈ 0.995):
which copy comes first is noise, so a row-level recall@10 below 1 there can still return
equally good text. So ann-benchmarks' epsilon recall is given too (a hit counts when its
distance, 1 - cosine, is within 1 % of the exact 10th neighbour's). The FLAT runs show what
exact search costs on the server.

    .venv/bin/python -m bench.milvus --uri http://127.0.0.1:19530 [--sizes 10000 100000]

Both stores get the same records and vectors (ask_scale's replicated seed text with synthetic
vectors), so the ingest rate is the store's write alone: embedding is not in it. Collections are
made under the prefix `bench_` and dropped at the end; the FAISS index goes to a temp folder.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from bench.ask_scale import ask_pass, code_state, replicate, rss_mb, seed_parts, synthetic_vectors
from bench.common import BACKENDS, CORPUS, latency_ms, questions, rag_settings, timed, write_result

PREFIX = "bench_"
WARM_PASSES = 2


def doc_parts(parts: list[Any], target: int) -> list[Any]:
    """Replicated records and synthetic vectors as the stores' DocParts, one per article."""
    from rag.store.protocol import DocPart

    corpus = replicate(parts, target)
    chunk_vectors, sentence_vectors = synthetic_vectors(parts, corpus)
    out, chunk_row, sentence_row = [], 0, 0
    chunks_of: dict[str, list[Any]] = {}
    sentences_of: dict[str, list[Any]] = {}
    for c in corpus.chunks:
        chunks_of.setdefault(c.doc_id, []).append(c)
    for s in corpus.sentences:
        sentences_of.setdefault(s.doc_id, []).append(s)
    for article in corpus.articles:
        chunks, sentences = chunks_of[article.doc_id], sentences_of[article.doc_id]
        out.append(
            DocPart(
                article,
                sentences,
                chunks,
                chunk_vectors[chunk_row : chunk_row + len(chunks)],
                sentence_vectors[sentence_row : sentence_row + len(sentences)],
            )
        )
        chunk_row += len(chunks)
        sentence_row += len(sentences)
    return sorted(out, key=lambda p: p.article.doc_id)


def wait_indexed(settings: Any, rows: int, timeout_s: float = 300.0) -> float:
    """Seconds until the server has indexed every chunk (searches before that are brute force
    on sealed segments, an interim index on growing ones)."""
    from pymilvus import MilvusClient

    client = MilvusClient(uri=settings.milvus_uri)
    name = f"{settings.milvus_prefix}chunks"
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        info = client.describe_index(name, "vector")
        if info.get("pending_index_rows") == 0 and info.get("indexed_rows") == rows:
            break
        time.sleep(1.0)
    return time.monotonic() - started


def measure_store(settings: Any, embedder: Any, parts: list[Any], asked: list[str]) -> dict:
    from rag.engine import Engine
    from rag.retrieval import Retriever
    from rag.store.faiss_folder import open_store
    from rag.store.protocol import Changes

    store = open_store(settings)
    rows = sum(len(p.chunks) + len(p.sentences) for p in parts)
    changes = Changes(updated=[p.article.doc_id for p in parts])
    write_s, _ = timed(lambda: store.write(parts, changes, embedder.dim))
    chunks = sum(len(p.chunks) for p in parts)
    index_wait_s = wait_indexed(settings, chunks) if settings.store == "milvus" else 0.0
    before = rss_mb()
    load_s, index = timed(lambda: store.load(embedder.dim))
    loaded_mb = rss_mb() - before
    engine = Engine(settings, index, embedder, Retriever(index, embedder, settings))
    ask_pass(engine, asked)  # first sight: per-sentence caches fill
    wall: list[float] = []
    for _ in range(WARM_PASSES):
        wall += ask_pass(engine, asked)[0]
    vectors = embedder.embed(asked)
    dense_s, recall, near = [], [], []
    matrix = np.asarray(index.chunk_vectors, dtype=np.float32)
    for vector in vectors:
        scores = matrix @ vector
        exact = np.argsort(-scores, kind="stable")[:10]
        took, found = timed(partial(index.search, vector, 10))
        dense_s.append(took)
        recall.append(len(set(exact.tolist()) & {row for row, _ in found}) / 10)
        # ann-benchmarks' "epsilon recall": hits within 1 % of the exact 10th neighbour's
        # distance (here 1 - cosine) count, whichever near-duplicate copy they are
        tenth = 1.0 - float(scores[exact[-1]])
        near.append(sum(1.0 - float(scores[row]) <= 1.01 * tenth for row, _ in found) / 10)
    return {
        "rows_written": rows,
        "write_s": round(write_s, 2),
        "ingest_rows_per_s": round(rows / write_s),
        "index_built_s_after_write": round(index_wait_s, 1),
        "load_s": round(load_s, 2),
        "load_rss_mb": round(loaded_mb, 1),
        "ask_warm": latency_ms(wall),
        "dense_search": latency_ms(dense_s),
        "recall_at_10": round(float(np.mean(recall)), 4),
        "epsilon_recall_at_10": round(float(np.mean(near)), 4),
        "search": index.search_kind,
    }


def bench_collections(uri: str) -> list[str]:
    from pymilvus import MilvusClient

    return [n for n in MilvusClient(uri=uri).list_collections() if n.startswith(PREFIX)]


def drop_bench_collections(uri: str) -> None:
    """The collections this run made (main refuses to start where any `bench_` one exists)."""
    from pymilvus import MilvusClient

    client = MilvusClient(uri=uri)
    for name in bench_collections(uri):
        client.drop_collection(name)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", required=True, help="the Milvus server (http://host:19530)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--questions", type=int, default=40, help="eval questions asked")
    parser.add_argument(
        "--milvus-index", nargs="+", default=["flat", "hnsw"], choices=["flat", "hnsw"]
    )
    args = parser.parse_args(argv)
    if found := bench_collections(args.uri):  # someone's: never dropped by this run
        parser.error(f"{args.uri} already has {', '.join(found)}; drop them or use another server")
    from rag.embedding.model import make_embedder

    base = rag_settings(corpus_dir=CORPUS, **BACKENDS["onnx-fp32"])
    embedder = make_embedder(base)
    seed = seed_parts(base, embedder)
    asked = questions()[: args.questions]
    results: dict[str, Any] = {"code": code_state(), "uri": args.uri, "sizes": {}}
    try:
        for size in args.sizes:
            parts = doc_parts(seed, size)
            row: dict[str, Any] = {"chunks": sum(len(p.chunks) for p in parts)}
            with tempfile.TemporaryDirectory(prefix="bench-milvus-") as tmp:
                faiss = base.model_copy(update={"index_dir": Path(tmp) / "index"})
                row["faiss"] = measure_store(faiss, embedder, parts, asked)
            for kind in args.milvus_index:
                milvus = base.model_copy(
                    update={
                        "store": "milvus",
                        "milvus_uri": args.uri,
                        "milvus_prefix": PREFIX,
                        "milvus_index": kind,
                    }
                )
                row[f"milvus_{kind}"] = measure_store(milvus, embedder, parts, asked)
                drop_bench_collections(args.uri)
                print(size, kind, row[f"milvus_{kind}"], flush=True)
            results["sizes"][str(size)] = row
    finally:
        drop_bench_collections(args.uri)
    write_result("milvus", results)
    return results


if __name__ == "__main__":
    main()
