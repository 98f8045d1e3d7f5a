"""UI load: N concurrent questions through `rag serve`'s API (gradio_client), loopback only.

Starts the app on a free 127.0.0.1 port over a fresh index in a temp folder (or --index), fires
all questions at once, and records errors and p50/p95 latency. Bounded in count and time.

    .venv/bin/python -m bench.load_ui [--requests 50] [--index DIR] [--timeout 300]
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import CORPUS, latency_ms, questions, rag_settings, write_result
from ui.server import serving

MAX_REQUESTS = 500
START_TIMEOUT = 240.0


def build_index(folder: Path) -> Path:
    from rag.embedding.model import make_embedder
    from rag.ingestion import ingest

    settings = rag_settings(corpus_dir=CORPUS, index_dir=folder / "index")
    ingest(settings, make_embedder(settings))
    return settings.index_dir


def fire(url: str, asked: list[str], timeout: float) -> tuple[list[float], list[str]]:
    """Submit every question at once; (latencies in seconds, error descriptions)."""
    from gradio_client import Client

    client = Client(
        url, verbose=False, analytics_enabled=False, download_files=False, max_workers=len(asked)
    )
    deadline = time.monotonic() + timeout
    submitted = [(time.perf_counter(), client.submit(q, api_name="/ask")) for q in asked]
    done_at: dict[int, float] = {}
    for i, (_, job) in enumerate(submitted):
        job.add_done_callback(lambda _job, i=i: done_at.setdefault(i, time.perf_counter()))
    latencies, errors = [], []
    for i, (sent, job) in enumerate(submitted):
        try:
            html = job.result(timeout=max(0.1, deadline - time.monotonic()))
        except Exception as exc:  # a failed or timed-out request is what we count
            errors.append(f"{asked[i]!r}: {type(exc).__name__}: {exc}"[:300])
            continue
        latencies.append(done_at.get(i, time.perf_counter()) - sent)
        if not any(f'data-kind="{k}"' in html for k in ("answer", "abstained")):
            errors.append(f"{asked[i]!r}: the page shows no answer: {html[:200]}")
    client.close()
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--index", type=Path, help="an existing index (default: build a fresh one)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds for all requests")
    args = parser.parse_args()
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be 1..{MAX_REQUESTS}")
    with tempfile.TemporaryDirectory(prefix="load-ui-") as tmp:
        work = Path(tmp)
        index = args.index or build_index(work)
        started_at = time.monotonic()
        with serving(CORPUS, index, work / "serve.log", START_TIMEOUT) as url:
            startup = time.monotonic() - started_at
            asked = list(itertools.islice(itertools.cycle(questions()), args.requests))
            started = time.perf_counter()
            latencies, errors = fire(url, asked, args.timeout)
            wall = time.perf_counter() - started
    report(args.requests, latencies, errors, wall, startup)
    if errors:
        raise SystemExit(1)


def report(
    requests: int, latencies: list[float], errors: list[str], wall: float, startup: float
) -> None:
    from ui.app import CONCURRENCY

    data: dict[str, Any] = {
        "requests": requests,
        "concurrent": requests,
        "errors": len(errors),
        "error_examples": errors[:5],
        "latency": latency_ms(latencies) if latencies else None,
        "wall_s": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 2) if wall else None,
        "server_concurrency_limit": CONCURRENCY,
        "server_startup_s": round(startup, 1),
    }
    path = write_result("load_ui", data)
    lat = data["latency"] or {}
    print(
        f"{requests} concurrent questions: {len(errors)} errors, p50 {lat.get('p50_ms')} ms, "
        f"p95 {lat.get('p95_ms')} ms, {data['throughput_rps']} req/s → {path}"
    )


if __name__ == "__main__":
    main()
