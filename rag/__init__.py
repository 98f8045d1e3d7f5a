"""Grounded question answering over a folder of articles, with verified citations.

The public API, imported lazily so that `rag --help` and light commands start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Answer": "rag.schema",
    "Citation": "rag.schema",
    "Comparison": "rag.schema",
    "Hit": "rag.schema",
    "RagError": "rag.errors",
    "Settings": "rag.config",
    "ask": "rag.chain",
    "compare": "rag.answer.comparison",
    "ingest": "rag.ingestion",
    "load_engine": "rag.engine",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'rag' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
