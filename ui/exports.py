"""Download buttons: the view on screen (the conversation, the comparison) as Markdown, JSON or
CSV files written by rag/render/export.py into a fresh folder under the temp dir, served by Gradio.

ui/app.py calls `download_row` once per tab with the gr.State that holds the view; the buttons
appear once there is something to download and follow the view as it changes. Does NOT lay out
anything else, nor decide what a file holds (rag/render/export.py does).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.render.export import EXPORTERS, View

EXPORTS = Path(tempfile.gettempdir()) / "rag-ui-exports"
KEEP_SECONDS = 86_400  # as the app's delete_cache keeps Gradio's copies: a day
LABELS = {"md": "Download Markdown", "json": "Download JSON", "csv": "Download CSV"}


def download_row(
    view: gr.State, name: str, formats: Sequence[str], stem: str | None = None
) -> list[gr.DownloadButton]:
    """Hidden buttons with elem_id "download-{name}-{format}", filled whenever `view` changes;
    the files are named "{stem}.{format}" (stem defaults to name)."""
    with gr.Row():
        buttons = [
            gr.DownloadButton(
                LABELS[fmt],
                visible=False,
                size="sm",
                scale=0,  # as wide as its label, not a share of the row
                min_width=170,
                elem_id=f"download-{name}-{fmt}",
            )
            for fmt in formats
        ]

    def refresh(shown: View | None) -> list[Any]:
        return downloads(shown, stem or name, formats)

    view.change(refresh, inputs=view, outputs=buttons, api_visibility="private")
    return buttons


def downloads(view: View | None, stem: str, formats: Sequence[str]) -> list[Any]:
    """One button update per format: its file, or hidden when there is nothing to download."""
    if not view:
        return [gr.DownloadButton(value=None, visible=False) for _ in formats]
    return [
        gr.DownloadButton(value=path, visible=True) for path in write_files(view, stem, formats)
    ]


def write_files(view: View, stem: str, formats: Sequence[str]) -> list[Path]:
    """The view in each format, as "{stem}.{format}" in a folder of its own (two sessions never
    share a file)."""
    folder = export_folder()
    paths = [folder / f"{stem}.{fmt}" for fmt in formats]
    for path, fmt in zip(paths, formats, strict=True):
        path.write_text(EXPORTERS[fmt](view), encoding="utf-8")
    return paths


def export_folder() -> Path:
    """A fresh folder under EXPORTS; folders older than KEEP_SECONDS are swept away."""
    EXPORTS.mkdir(parents=True, exist_ok=True)
    for old in EXPORTS.iterdir():
        with contextlib.suppress(OSError):  # another request may be sweeping it right now
            if time.time() - old.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(dir=EXPORTS))
