"""The LLM plug-in against a real OpenAI-compatible server (`make test-llm`): llama.cpp's server
with a small GGUF model from PyPI answers the eval set through langchain-openai, and every reply
goes through the same verifier as always. Reports the share of the model's sentences verified,
the fallback rate and latency, and audits each sentence shown as verified. Exits 1 when a verified
sentence cites a quote that is not verbatim or states a number its quotes lack.

    .venv/bin/python -m bench.llm_server --server .venv-llm/bin/python --model .cache/llm/m.gguf
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import QA_FILE, latency_ms, write_result
from rag.answer.citations import numbers_in
from rag.chain import ask
from rag.config import Settings
from rag.engine import load_engine
from rag.eval.harness import load_dataset
from rag.options import AnswererName
from rag.schema import Answer
from rag.text.tokens import terms

# A verified sentence less than half of whose content words appear in its cited quotes is
# listed for a person to read: the verifier also weighs meaning, so this is a flag, not a fail.
SUSPECT_COVERAGE = 0.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(python: str, model: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """llama.cpp's server on 127.0.0.1 only. The GGUF has no chat template, so Gemma's turns are
    named; OpenMP threads sleep rather than spin while waiting, since a spinning server on 2
    busy cores ran at 0.5 tokens/s against 26 passive."""
    command = [python, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--n_ctx", "4096", "--n_threads", str(os.cpu_count() or 1)]
    command += ["--chat_format", "gemma", "--verbose", "false"]
    env = {**os.environ, "OMP_WAIT_POLICY": "passive"}
    return subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env)


def wait_ready(port: int, server: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The llama.cpp server exited with code {server.returncode}.")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The llama.cpp server did not answer within {seconds:.0f} s.")


def audit(answer: Answer, texts: dict[str, str]) -> tuple[list[str], list[str]]:
    """(failures, suspects) among the sentences shown as verified."""
    failures, suspects = [], []
    quotes = {c.n: c for c in answer.citations}
    for sentence in answer.sentences:
        if not sentence.verified:
            continue
        cited = [quotes[n] for n in sentence.citations if n in quotes]
        if any(texts[c.doc_id][c.start : c.end] != c.quote for c in cited) or not cited:
            failures.append(f"{sentence.text!r}: cites no verbatim quote")
            continue
        backing = " ".join(c.quote + " " + (c.context or "") for c in cited)
        if not numbers_in(sentence.text) <= numbers_in(backing):
            failures.append(f"{sentence.text!r}: states a number its quotes lack")
        own = terms(sentence.text)
        if own and len(own & terms(backing)) / len(own) < SUSPECT_COVERAGE:
            suspects.append(sentence.text)
    return failures, suspects


def run(settings: Settings, stride: int) -> dict[str, Any]:
    items = load_dataset(QA_FILE)[::stride]
    engine = load_engine(settings)
    texts = {doc: a.text for doc, a in engine.index.articles.items()}
    rows, seconds = [], []
    for item in items:
        started = time.perf_counter()
        answer = ask(item.question, settings, engine)
        seconds.append(time.perf_counter() - started)
        failures, suspects = audit(answer, texts)
        rows.append(
            {
                "id": item.id,
                "answerer": answer.answerer,
                "abstained": answer.abstained,
                "sentences": len(answer.sentences) if answer.answerer == "llm" else 0,
                "verified": sum(s.verified for s in answer.sentences)
                if answer.answerer == "llm"
                else 0,
                "failures": failures,
                "suspects": suspects,
                "text": answer.text,
            }
        )
        print(f"{item.id} {answer.answerer:12} {seconds[-1]:5.1f}s {answer.text[:90]!r}")
    return summarise(rows, seconds)


def summarise(rows: list[dict[str, Any]], seconds: list[float]) -> dict[str, Any]:
    sentences = sum(r["sentences"] for r in rows)
    return {
        "questions": len(rows),
        "llm_answers": sum(r["answerer"] == "llm" for r in rows),
        "fallback_rate": round(sum(r["answerer"] == "llm-fallback" for r in rows) / len(rows), 3),
        "llm_sentences": sentences,
        "verified_share": round(sum(r["verified"] for r in rows) / max(sentences, 1), 3),
        "verified_failures": sum(len(r["failures"]) for r in rows),
        "verified_suspects": sum(len(r["suspects"]) for r in rows),
        "latency_ms": latency_ms(seconds),
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="Python of the llama-cpp-python venv.")
    parser.add_argument("--model", type=Path, required=True, help="The GGUF file to serve.")
    parser.add_argument("--stride", type=int, default=1, help="Every Nth question only.")
    parser.add_argument("--max-tokens", type=int, default=200, help="Cap on each reply.")
    args = parser.parse_args()
    port = free_port()
    log = Path("bench/results/llm_server.log.tmp")
    server = start_server(args.server, args.model, port, log)
    try:
        wait_ready(port, server)
        settings = Settings(
            answerer=AnswererName.LLM,
            llm_provider="openai",
            llm_model=args.model.stem,
            llm_base_url=f"http://127.0.0.1:{port}/v1",
            llm_api_key="not-needed",
            llm_max_tokens=args.max_tokens,
        )
        result = run(settings, args.stride)
    finally:
        server.terminate()  # a server busy in llama.cpp may not hear it
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
    result |= {"model": args.model.name, "stride": args.stride, "max_tokens": args.max_tokens}
    write_result("llm_server", result)
    shown = {k: v for k, v in result.items() if k != "rows"}
    print(shown)
    sys.exit(1 if result["verified_failures"] else 0)


if __name__ == "__main__":
    main()
