"""What every benchmark shares: the machine description, timing statistics, the data it runs on,
and writing results to bench/results/<name>.json. Does NOT time anything itself.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from rag.config import default_onnx_dir

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CORPUS = ROOT / "corpus"
QA_FILE = ROOT / "evals" / "qa.jsonl"
ONNX_DIR = default_onnx_dir()  # the exported models' cache `rag` itself uses
PACKAGES = (
    "torch",
    "onnxruntime",
    "tokenizers",
    "sentence-transformers",
    "transformers",
    "openvino",
    "faiss-cpu",
    "bm25s",
    "numpy",
    "langchain-core",
    "langchain-community",
    "langchain-text-splitters",
)
T = TypeVar("T")

# name → Settings overrides: the embedding backends every benchmark compares.
BACKENDS: dict[str, dict[str, Any]] = {
    "torch": {"embedding_backend": "torch"},
    "onnx-fp32": {"embedding_backend": "onnx", "onnx_quantize": False, "onnx_dir": ONNX_DIR},
    "onnx-int8": {"embedding_backend": "onnx", "onnx_quantize": True, "onnx_dir": ONNX_DIR},
    # The fp32 graph through OpenVINO: bf16 where the CPU has it (embedding/openvino_runtime.py).
    "openvino": {"embedding_backend": "openvino", "onnx_dir": ONNX_DIR},
}
# name → (backend, further overrides): chunk vectors pooled from sentence vectors, no chunk encoded.
POOLED: dict[str, tuple[str, dict[str, Any]]] = {
    f"{name}-pooled": (name, {"chunk_vectors": "pooled"})
    for name in ("onnx-fp32", "onnx-int8", "openvino")
}


def machine() -> dict[str, Any]:
    """CPU, cores, RAM, load, Python and package versions: numbers mean nothing without them."""
    return {
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "ram_gb": round(_meminfo_kb("MemTotal") / 2**20, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in PACKAGES},
    }


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _meminfo_kb(field: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def median(values: list[float]) -> float:
    return percentile(values, 50)


def latency_ms(seconds: list[float]) -> dict[str, float]:
    """p50/p95/mean in milliseconds of a list of durations in seconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": round(median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "mean_ms": round(float(np.mean(ms)), 2),
        "n": len(ms),
    }


def timed(action: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def questions() -> list[str]:
    lines = QA_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def qa_cases() -> list[dict[str, Any]]:
    lines = QA_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def replicated_corpus(dest: Path, copies: int, distinct: bool = False) -> Path:
    """`copies` copies of the seed articles under new ids: real text, synthetic size.

    Ingest embeds a text met twice once, so plain copies cost it almost no encoder time. With
    `distinct`, copy n ends each sentence with " cn" ("… in Anthropic c7."), so its sentences
    and chunks are new texts to embed, as in a collection of different articles."""
    dest.mkdir(parents=True, exist_ok=True)
    for n in range(copies):
        for path in sorted(CORPUS.glob("*.txt")):
            target = dest / f"c{n:03d}_{path.name}"
            if distinct and n:
                text = path.read_text(encoding="utf-8")
                target.write_text(_SENTENCE_END.sub(rf" c{n}\1", text), encoding="utf-8")
            else:
                shutil.copyfile(path, target)
    return dest


_SENTENCE_END = re.compile(r"([.!?])(?=\s|$)")


def squad_corpus(dest: Path) -> Path:
    """SQuAD v1.1 dev's 48 Wikipedia articles, one document each (paragraphs blank-line
    separated): a larger corpus of distinct text. Copies of the seed articles no longer measure
    the encoder, since ingest embeds a text met twice once. Timing only: nothing is fitted."""
    from rag.judge.data import BENCHMARKS, SOURCES

    dest.mkdir(parents=True, exist_ok=True)
    data = json.loads((BENCHMARKS / SOURCES["squad"]).read_text(encoding="utf-8"))["data"]
    for article in data:
        body = "\n\n".join(p["context"] for p in article["paragraphs"])
        (dest / f"{article['title']}.txt").write_text(body, encoding="utf-8")
    return dest


def rag_settings(**overrides: Any) -> Any:
    """Settings that ignore the caller's RAG_* variables: a benchmark states all it depends on."""
    from rag.config import Settings

    for name in [n for n in os.environ if n.upper().startswith("RAG_")]:
        del os.environ[name]
    return Settings(**overrides)


def write_result(name: str, data: dict[str, Any]) -> Path:
    """bench/results/<name>.json with the machine and the command that produced it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {
        "benchmark": name,
        "command": " ".join([Path(sys.executable).name, "-m", f"bench.{name}", *sys.argv[1:]]),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **data,
    }
    path = RESULTS / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
