"""Does faster ingest cost quality? `rag eval` per backend (torch, ONNX fp32, ONNX int8, OpenVINO,
and each but torch with pooled chunk vectors) on the seed corpus, and how much int8 and OpenVINO
(bf16 where the CPU has it) move vectors and top-10 dense neighbours.

    .venv/bin/python -m bench.quality
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import BACKENDS, CORPUS, POOLED, questions, rag_settings, write_result
from bench.latency import RAG, build_indexes, cold_env

POINT_TOLERANCE = 1.0  # the bar: eval scores within 1 point of the torch backend
LOWER_IS_BETTER = {"false_abstention"}
K = 10


def eval_scores(settings: Any, out: Path) -> dict[str, float]:
    """`rag eval`'s overall scores; its exit code (thresholds) does not matter here."""
    done = subprocess.run(
        [str(RAG), "eval", "--json", str(out)], env=cold_env(settings), capture_output=True
    )
    if not out.exists():
        raise RuntimeError(f"rag eval wrote nothing: {done.stderr.decode()[-400:]}")
    overall: dict[str, float] = json.loads(out.read_text())["aggregates"]["overall"]
    return overall


def points_vs(reference: dict[str, float], scores: dict[str, float]) -> dict[str, float]:
    """Differences in points (1 point = 0.01) on the share metrics."""
    shares = [m for m, v in reference.items() if m != "n" and "latency" not in m and v is not None]
    return {m: round((scores[m] - reference[m]) * 100, 2) for m in shares}


def differs_little(diff: dict[str, float]) -> bool:
    return all(abs(d) <= POINT_TOLERANCE for d in diff.values())


def worse_by_little(diff: dict[str, float]) -> bool:
    """No metric worse by more than the tolerance (a better score never fails)."""
    loss = {m: (d if m in LOWER_IS_BETTER else -d) for m, d in diff.items()}
    return all(x <= POINT_TOLERANCE for x in loss.values())


def drift(fp32: Any, other: Any) -> dict[str, Any]:
    """Cosine between each chunk's fp32 and other vector; top-10 dense overlap per question."""
    from rag.embedding.model import make_embedder
    from rag.index import core as index_store

    a, b = (index_store.load(s.index_dir, s) for s in (fp32, other))
    cosines = (a.chunk_vectors * b.chunk_vectors).sum(axis=1)
    qa, qb = (make_embedder(s).embed(questions()) for s in (fp32, other))
    overlap = [
        len({r for r, _ in a.search(x, K)} & {r for r, _ in b.search(y, K)}) / K
        for x, y in zip(qa, qb, strict=True)
    ]
    return {
        "chunk_cosine_mean": round(float(cosines.mean()), 6),
        "chunk_cosine_min": round(float(cosines.min()), 6),
        "query_cosine_mean": round(float((qa * qb).sum(axis=1).mean()), 6),
        "top10_overlap_mean": round(float(np.mean(overlap)), 4),
        "top10_neighbours_changed": round(1 - float(np.mean(overlap)), 4),
    }


def build_pooled(work: Path) -> dict[str, Any]:
    """Indexes whose chunk vectors are pooled from sentence vectors (Settings.chunk_vectors)."""
    from rag.embedding.model import make_embedder
    from rag.ingestion import ingest

    settings = {}
    for name, (backend, overrides) in POOLED.items():
        s = rag_settings(corpus_dir=CORPUS, index_dir=work / name, **BACKENDS[backend], **overrides)
        ingest(s, make_embedder(s, bulk=True))  # as `rag ingest`: OpenVINO for openvino-*
        settings[name] = s
    return settings


def main(argv: list[str] | None = None) -> dict[str, Any]:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = {**build_indexes(Path(tmp)), **build_pooled(Path(tmp))}
        scores = {}
        for name, s in settings.items():
            print(f"rag eval, {name}", flush=True)
            scores[name] = eval_scores(s, Path(tmp) / f"eval-{name}.json")
        int8 = drift(settings["onnx-fp32"], settings["onnx-int8"])
        bf16 = drift(settings["onnx-fp32"], settings["openvino"])
    diffs = {name: points_vs(scores["torch"], s) for name, s in scores.items() if name != "torch"}
    result = {
        "eval_overall": scores,
        "points_vs_torch": diffs,
        "within_tolerance": {name: differs_little(diff) for name, diff in diffs.items()},
        "no_worse_than_tolerance": {name: worse_by_little(d) for name, d in diffs.items()},
        "int8_vs_fp32": int8,
        "openvino_vs_fp32": bf16,
    }
    print(f"wrote {write_result('quality', result)}")
    return result


if __name__ == "__main__":
    main()
