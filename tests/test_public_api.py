"""The public API as a library user reads it in rag/__init__.py: names are the functions and
models, whatever submodules were imported before."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import rag

ROOT = Path(__file__).resolve().parents[1]


def test_every_exported_name_is_what_it_says() -> None:
    for module in (
        "rag.chain",
        "rag.answer.comparison",
        "rag.ingestion",
    ):  # must not shadow exports
        importlib.import_module(module)
    from rag import Answer, Settings, ask, compare, ingest, load_engine

    assert all(callable(f) and not isinstance(f, type(rag)) for f in (ask, compare, ingest))
    assert (ask.__name__, compare.__name__, ingest.__name__) == ("ask", "compare", "ingest")
    assert load_engine.__name__ == "load_engine"
    assert Answer.__name__ == "Answer" and Settings.__name__ == "Settings"
    assert rag.__all__ == sorted(rag.__all__)


def test_the_documented_one_liner_prints_three_functions() -> None:
    code = "from rag import ask, compare, ingest; print(ask, compare, ingest)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.count("<function") == 3, out
