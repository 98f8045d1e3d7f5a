"""Scoring speed of the committed judge: pairs/s through onnxruntime, OpenVINO and torch, on the
sentences of SQuAD 2.0 public-half paragraphs. Not a quality measure (see bench/judge_cv.py).

    .venv/bin/python -m bench.judge_speed [--pairs 512] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import write_result
from rag.judge.data import load_items
from rag.judge.scorer import Candidate, Judge


def pairs_of(n: int) -> list[tuple[str, Candidate]]:
    items = load_items("squad2", {"Normans"})
    pairs = [(it.question, Candidate(w.text, w.before)) for it in items for w in it.windows]
    return pairs[:n]


def speed(judge: Judge, pairs: list[tuple[str, Candidate]]) -> dict[str, float]:
    began = time.perf_counter()
    judge.score_pairs(pairs[:8])
    loaded = time.perf_counter() - began
    began = time.perf_counter()
    judge.score_pairs(pairs)
    took = time.perf_counter() - began
    return {"first_call_s": round(loaded, 2), "pairs_per_s": round(len(pairs) / took, 1)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=512)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    pairs = pairs_of(args.pairs)
    result: dict[str, Any] = {"pairs": len(pairs), "threads": args.threads}
    with tempfile.TemporaryDirectory() as tmp:
        # the export happens in the first ONNX call, so "first_call_s" includes it
        result["onnx"] = speed(Judge(backend="onnx", cache_dir=Path(tmp)), pairs)
        # the same graph through OpenVINO: bf16 where the CPU has it
        result["openvino"] = speed(Judge(backend="openvino", cache_dir=Path(tmp)), pairs)
    result["torch"] = speed(Judge(backend="torch"), pairs)
    print(json.dumps(result, indent=2))
    print(f"wrote {write_result('judge_speed', result)}")
    return result


if __name__ == "__main__":
    main()
