"""Open a saved index at 10k/100k (or 1M) chunks: process start → first answer, resident memory,
warm `ask`, and `compare`'s first and warm questions. Never touches index/.

Each size is built once (ask_scale's replicated seed text and synthetic vectors), streamed
document by document through the FAISS store's write (`rag.index.writer`, what ingest uses) into
a temp folder, then opened by a fresh `python` process, timed from the parent (interpreter start
and imports included) and from inside (each step).

    .venv/bin/python -m bench.load_scale [--sizes 10000 100000] [--keep DIR] [--built-in DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from bench.ask_scale import (
    COMPARE_QUESTIONS,
    code_state,
    replicated_parts,
    rss_mb,
    seed_parts,
)
from bench.common import BACKENDS, CORPUS, latency_ms, questions, rag_settings, timed, write_result

TARGETS = {"load_s": 3.0, "rss_mb": 900.0, "compare_first_s": 2.0, "compare_p50_ms": 300.0}


def settings_for(folder: Path) -> Any:
    """The default backend (OpenVINO for bulk work; onnxruntime before 2026-12-06)."""
    return rag_settings(corpus_dir=CORPUS, index_dir=folder, **BACKENDS["openvino"])


def build_and_save(target: int, folder: Path) -> dict[str, Any]:
    """The index over `target` replicated chunks, streamed into `folder` by the store ingest
    uses (one document's records and vectors made at a time); seconds and peak memory."""
    from rag.embedding.model import make_embedder
    from rag.store.faiss_folder import FaissStore
    from rag.store.protocol import Changes

    settings = settings_for(folder)
    embedder = make_embedder(settings)
    parts = seed_parts(settings, embedder)
    before = rss_mb()
    store = FaissStore(settings)
    stream = replicated_parts(parts, target)
    seconds = timed(lambda: store.write(stream, Changes(), embedder.dim))[0]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in folder.iterdir())
    return {
        "chunks": sum(d["chunks"] for d in manifest["documents"].values()),
        "sentences": sum(d["sentences"] for d in manifest["documents"].values()),
        "documents": len(manifest["documents"]),
        "search": manifest["search"],
        "index_mb_on_disk": round(size / 2**20, 1),
        "streamed_build_s": round(seconds, 2),
        "rss_mb_before_build": round(before, 1),
        # the builder process's peak so far (sizes are built in ascending order)
        "build_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def open_and_ask(folder: Path) -> dict[str, Any]:
    """In a fresh process: load, answer one question, then compare a sample (see main)."""
    started = time.perf_counter()
    from rag.answer.comparison import compare
    from rag.chain import ask
    from rag.engine import load_engine

    imported = time.perf_counter() - started
    settings = settings_for(folder)
    engine = load_engine(settings)
    loaded = time.perf_counter() - started
    rss_loaded = rss_mb()
    asked = questions()
    first_answer = timed(partial(ask, asked[0], settings, engine))[0]
    answered = time.perf_counter() - started
    rss_answered = rss_mb()
    warm_ask = [timed(partial(ask, q, settings, engine))[0] for q in asked[1:21]]
    sample = asked[:COMPARE_QUESTIONS]
    first = [timed(partial(compare, q, settings, engine))[0] for q in sample]
    warm = [timed(partial(compare, q, settings, engine))[0] for q in sample]
    return {
        "imports_s": round(imported, 2),
        "to_engine_loaded_s": round(loaded, 2),
        "first_ask_s": round(first_answer, 3),
        "to_first_answer_s": round(answered, 2),
        "rss_mb_loaded": round(rss_loaded, 1),
        "rss_mb_after_first_answer": round(rss_answered, 1),
        "ask_warm": latency_ms(warm_ask),
        "compare_first_question_s": round(first[0], 2),
        "compare_first_sight": latency_ms(first),
        "compare_warm": latency_ms(warm),
        "rss_mb_after_compare": round(rss_mb(), 1),
    }


def run_size(target: int, keep: Path | None, built_in: Path | None) -> dict[str, Any]:
    if built_in is not None:  # built once, kept, and opened as often as asked
        folder = built_in / f"index-{target}"
        built = {"reused": True} if (folder / "manifest.json").exists() else None
        if built is None:
            print(f"building {target:,} chunks into {folder}…", flush=True)
            built = build_and_save(target, folder)
        return {"built": built, "opened": open_in_child(folder, target)}
    with tempfile.TemporaryDirectory(prefix="rag-load-", dir=keep) as tmp:
        folder = Path(tmp) / "index"
        print(f"building {target:,} chunks…", flush=True)
        built = build_and_save(target, folder)
        return {"built": built, "opened": open_in_child(folder, target)}


def open_in_child(folder: Path, target: int) -> dict[str, Any]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "bench.load_scale", "--open", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    opened: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    opened["process_start_to_first_answer_s"] = round(wall, 2)  # includes the compare sample
    print(f"  {target:,}: first answer after {opened['to_first_answer_s']} s", flush=True)
    return opened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="build the indexes under this folder")
    parser.add_argument(
        "--built-in",
        type=Path,
        help="build each size once into FOLDER/index-SIZE and keep it; open it if already there",
    )
    parser.add_argument("--open", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.open:
        print(json.dumps(open_and_ask(args.open)))
        return
    results = {str(size): run_size(size, args.keep, args.built_in) for size in args.sizes}
    write_result("load_scale", {"targets": TARGETS, "code": code_state(), "sizes": results})


if __name__ == "__main__":
    main()
