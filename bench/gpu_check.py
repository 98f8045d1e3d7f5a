"""The GPU path (RAG_DEVICE), in one short run for a session lent a GPU machine: ingest at ≥ 100k
chunks, ours against LangChain's HuggingFaceEmbeddings on the same device, interleaved; our
GPU vectors against the CPU's; and the learned judge's warm latency per question there.

    .venv/bin/python -m bench.gpu_check [--device cuda] [--copies 1000] [--questions 40]

`--device cpu --copies 3` runs the same code on any machine (a smoke run of the script).
Nothing in the product depends on this: it measures what RAG_DEVICE=cuda buys.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import latency_ms, rag_settings, replicated_corpus, write_result
from bench.ingest import Counts, langchain, ours
from bench.judge_speed import pairs_of


def vectors_agree(device: str, texts: list[str]) -> float:
    """Largest difference between a text's vector on `device` and through the CPU default."""
    from rag.embedding.model import make_embedder

    here = make_embedder(rag_settings(device=device), bulk=True).embed(texts)
    cpu = make_embedder(rag_settings(device="cpu"), bulk=True).embed(texts)
    return float(np.abs(here - cpu).max())


def judge_latency(device: str, questions: int) -> dict[str, Any]:
    """Warm p50/p95 of scoring one question's ~15 candidate sentences, as an answer does."""
    from rag.judge.scorer import Judge

    judge = Judge(device=device)  # type: ignore[arg-type]
    pairs = pairs_of(15 * (questions + 1))
    judge.score_pairs(pairs[:15])
    took = []
    for i in range(15, len(pairs), 15):
        began = time.perf_counter()
        judge.score_pairs(pairs[i : i + 15])
        took.append(time.perf_counter() - began)
    return latency_ms(took)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cuda", choices=("cuda", "cpu"))
    parser.add_argument(
        "--copies", type=int, default=1000, help="copies of the seed corpus, each made distinct"
    )
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args(argv)
    from rag.embedding.device import resolve
    from rag.embedding.model import make_embedder

    device = resolve(args.device)
    result: dict[str, Any] = {"device": device, "copies": args.copies}
    embedder = make_embedder(rag_settings(device=device), bulk=True)
    embedder.embed(["warm up"])
    runs = {"ours": ours("onnx-fp32", embedder, device=device), "langchain": langchain(device)}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = replicated_corpus(Path(tmp) / "corpus", args.copies, distinct=True)
        for name, run in runs.items():
            work = Path(tmp) / name
            work.mkdir()
            began = time.perf_counter()
            counts: Counts = run(corpus, work)
            seconds = time.perf_counter() - began
            result[name] = {
                "seconds": round(seconds, 1),
                "chunks": counts.chunks,
                "texts_embedded": counts.texts_embedded,
                "chunks_per_s": round(counts.chunks / seconds, 1),
            }
        sample = [p.read_text(encoding="utf-8")[:2000] for p in sorted(corpus.iterdir())[:64]]
    result["ours_over_langchain_wall"] = round(
        result["langchain"]["seconds"] / result["ours"]["seconds"], 2
    )
    result["max_vector_difference_vs_cpu"] = vectors_agree(device, sample)
    result["judge_warm_ms"] = judge_latency(device, args.questions)
    print(json.dumps(result, indent=2))
    print(f"wrote {write_result(f'gpu_check-{device}', result)}")
    return result


if __name__ == "__main__":
    main()
