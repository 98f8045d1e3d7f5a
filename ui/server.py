"""Run `rag serve` as a child process on a free loopback port: for the browser tests and the
load benchmark. Does NOT build indexes or talk to the app beyond waiting for it to answer.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"  # never anything but loopback
ROOT = Path(__file__).resolve().parents[1]


class ServerError(RuntimeError):
    """The app exited or did not answer in time; the message ends with its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(
    corpus: Path,
    index: Path,
    log: Path,
    timeout: float = 240.0,
    settings_env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Start the app, wait until it answers, yield its URL, and stop it afterwards.

    The caller's RAG_* variables are not passed on; `settings_env` (RAG_STORE=milvus, ...) is."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("RAG_")}
    env["GRADIO_ANALYTICS_ENABLED"] = "False"
    env.update(settings_env or {})
    command = [
        sys.executable,
        "-c",
        "from rag.cli import app; app()",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--corpus",
        str(corpus),
        "--index",
        str(index),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}/"
    try:
        wait_until_up(url, process, log, timeout)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> float:
    """Seconds until `url` answers 200; ServerError if the process dies or time runs out."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise ServerError(f"rag serve exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.5)
    raise ServerError(f"rag serve did not answer within {timeout:.0f}s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
