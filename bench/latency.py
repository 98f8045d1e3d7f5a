"""Query latency on the seed corpus, per embedding backend: warm (embedding, `retriever.search`,
`ask`) p50/p95 over the eval questions, and cold start (`rag search` / `rag ask` process wall
time). Builds its indexes in a temp folder; never touches index/.

    .venv/bin/python -m bench.latency [--passes 2] [--cold-repeat 3]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from bench.common import (
    BACKENDS,
    CORPUS,
    ONNX_DIR,
    latency_ms,
    median,
    questions,
    rag_settings,
    timed,
    write_result,
)

RAG = Path(sys.executable).with_name("rag")
COLD_QUESTION = "By how much did Lyft reduce customer service resolution time?"
WARM_TARGET_MS = 30.0
COLD_TARGET_S = 4.0


def build_indexes(work: Path) -> dict[str, Any]:
    """One index per vector space: torch and ONNX fp32 share one (same vectors), int8 its own,
    and OpenVINO its own (built in bf16 where the CPU has it; questions through onnxruntime, as
    in use)."""
    from rag.embedding.model import make_embedder
    from rag.ingestion import ingest

    folders = {"torch": "fp32", "onnx-fp32": "fp32", "onnx-int8": "int8", "openvino": "openvino"}
    settings = {
        name: rag_settings(corpus_dir=CORPUS, index_dir=work / folders[name], **BACKENDS[name])
        for name in BACKENDS
    }
    for name in ("onnx-fp32", "onnx-int8", "openvino"):
        ingest(settings[name], make_embedder(settings[name], bulk=True))
    return settings


def warm(settings: Any, passes: int) -> dict[str, Any]:
    """Every question once per pass, each pass on a fresh retriever (its query cache empty)."""
    from rag.embedding.model import make_embedder
    from rag.index import core as index_store

    embedder = make_embedder(settings)
    embedder.embed(["warm up"])
    index = index_store.load(settings.index_dir, settings)
    asked = questions()
    embed = [timed(partial(embedder.embed, [q]))[0] for q in asked]
    search = [s for _ in range(passes) for s in _search_times(index, embedder, settings, asked)]
    return {
        "embed_query": latency_ms(embed),
        "search": latency_ms(search),
        "ask": _ask_times(index, embedder, settings, asked, passes),
    }


def _search_times(index: Any, embedder: Any, settings: Any, asked: list[str]) -> list[float]:
    from rag.retrieval import Retriever

    retriever = Retriever(index, embedder, settings)
    retriever.search("warm up")
    return [timed(partial(retriever.search, q))[0] for q in asked]


def _ask_times(
    index: Any, embedder: Any, settings: Any, asked: list[str], passes: int
) -> dict[str, Any]:
    try:
        from rag.chain import ask
        from rag.engine import Engine
        from rag.retrieval import Retriever
    except ImportError as exc:  # rag/chain.py is written in parallel with this benchmark
        return {"unavailable": f"{type(exc).__name__}: {exc}"}
    seconds: list[float] = []
    steps: dict[str, list[float]] = {}
    abstained = 0
    for _ in range(passes):
        retriever = Retriever(index, embedder, settings)
        engine = Engine(settings=settings, index=index, embedder=embedder, retriever=retriever)
        ask("warm up", settings, engine=engine)
        for q in asked:
            took, answer = timed(partial(ask, q, settings, engine=engine))
            seconds.append(took)
            abstained += answer.abstained
            for step, ms in answer.timings.items():
                steps.setdefault(step, []).append(ms)
    stats: dict[str, Any] = latency_ms(seconds)
    return {
        **stats,
        "abstained": abstained,
        "meets_target": stats["p50_ms"] <= WARM_TARGET_MS,
        "step_p50_ms": {step: round(median(ms), 2) for step, ms in steps.items()},
    }


def cold_env(settings: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("RAG_")}
    env |= {
        "RAG_CORPUS_DIR": str(settings.corpus_dir),
        "RAG_INDEX_DIR": str(settings.index_dir),
        "RAG_EMBEDDING_BACKEND": settings.embedding_backend,
        "RAG_ONNX_DIR": str(ONNX_DIR),
        "RAG_ONNX_QUANTIZE": "1" if settings.onnx_quantize else "0",
        "RAG_CHUNK_VECTORS": settings.chunk_vectors,
    }
    return env


def cold(settings: Any, command: str, repeat: int) -> dict[str, Any]:
    """Process start to exit, OS file cache warm (every run after the first is the same)."""
    env = cold_env(settings)
    runs, cpu = [], []
    for _ in range(repeat):
        before = _children_cpu()
        took, done = timed(
            lambda: subprocess.run(
                [str(RAG), command, COLD_QUESTION], env=env, capture_output=True, text=True
            )
        )
        if done.returncode != 0:
            return {"failed": done.stderr.strip()[-400:]}
        runs.append(took)
        cpu.append(_children_cpu() - before)
    wall = median(runs)
    row: dict[str, Any] = {
        "wall_s": round(wall, 2),
        "wall_s_runs": [round(s, 2) for s in runs],
        "cpu_s": round(median(cpu), 2),  # user + sys: what a busy machine cannot inflate
    }
    if command == "ask":
        row["meets_target"] = wall <= COLD_TARGET_S
    return row


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_profile(settings: Any, command: str, top: int = 8) -> dict[str, float]:
    """The slowest top-level imports of one cold command (`python -X importtime`), in ms."""
    code = f"from rag.cli import app; app([{command!r}, {COLD_QUESTION!r}], standalone_mode=False)"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=cold_env(settings),
        capture_output=True,
        text=True,
    )
    rows = re.findall(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)", done.stderr)
    top_level = sorted(((int(us), name) for us, name in rows), reverse=True)[:top]
    return {name: round(us / 1000, 1) for us, name in top_level}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passes", type=int, default=2, help="passes over the questions (warm)")
    parser.add_argument("--cold-repeat", type=int, default=3, help="process starts per command")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"questions": len(questions()), "warm": {}, "cold": {}}
    with tempfile.TemporaryDirectory() as tmp:
        settings = build_indexes(Path(tmp))
        for name, s in settings.items():
            print(f"warm {name}", flush=True)
            result["warm"][name] = warm(s, args.passes)
        for name, s in settings.items():
            print(f"cold {name}", flush=True)
            result["cold"][name] = {c: cold(s, c, args.cold_repeat) for c in ("search", "ask")}
        result["cold_ask_imports_ms"] = {
            name: import_profile(settings[name], "ask") for name in ("torch", "onnx-int8")
        }
    print(f"wrote {write_result('latency', result)}")
    return result


if __name__ == "__main__":
    main()
