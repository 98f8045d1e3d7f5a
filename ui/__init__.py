"""The Gradio web UI over the `rag` library; Gradio is imported only inside this package.

`create_app()` builds the app (testable without a server); `launch()` serves it (`rag serve`).
"""

from ui.app import create_app, launch

__all__ = ["create_app", "launch"]
