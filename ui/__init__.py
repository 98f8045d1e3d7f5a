"""The Gradio web UI over the `rag` library; Gradio is imported only inside this package.

`create_app()` builds the app (testable without a server); `launch()` serves it (`rag serve`).
Both load lazily: importing `ui.handlers` or `ui.render` alone does not import Gradio.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["create_app", "launch"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'ui' has no attribute {name!r}")
    return getattr(import_module("ui.app"), name)
