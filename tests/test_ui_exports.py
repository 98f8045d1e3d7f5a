"""ui/exports.py: the Ask and Compare tabs' download buttons, through create_app()'s events.

A button appears once there is a view and offers exactly what rag/render/export.py makes of it; the
browser test (tests/test_ui_browser.py) clicks them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from rag.render.export import to_csv, to_json, to_markdown
from rag.schema import Comparison
from ui import conversation, exports, handlers
from ui.handlers import Resources

LUMEN = "How much will Orion invest in Lumen?"


def refresher(demo: gr.Blocks, elem_id: str) -> Any:
    """The event that fills the download button `elem_id`."""
    return next(f.fn for f in demo.fns.values() if any(o.elem_id == elem_id for o in f.outputs))


def offered(updates: list[Any]) -> list[Path | None]:
    """The file each button update offers (Gradio's served copy), None when it offers none."""
    return [Path(u.value["path"]) if u.value else None for u in updates]


def test_the_conversation_buttons_offer_its_markdown_and_json(
    app: gr.Blocks, res: Resources
) -> None:
    first = conversation.ask_turn(res, LUMEN, [])
    turns = conversation.ask_turn(res, "And Nimbus?", first.turns).turns

    md, js = offered(refresher(app, "download-conversation-md")(turns))

    assert md is not None and js is not None
    assert (md.name, js.name) == ("conversation.md", "conversation.json")
    assert md.read_text(encoding="utf-8") == to_markdown(turns)
    assert js.read_text(encoding="utf-8") == to_json(turns)


def test_the_buttons_hide_while_there_is_nothing_to_download(app: gr.Blocks) -> None:
    for elem_id, empty in (("download-conversation-md", []), ("download-compare-csv", None)):
        updates = refresher(app, elem_id)(empty)
        assert updates and all(u.visible is False for u in updates)


def test_the_comparison_buttons_offer_markdown_json_and_csv(app: gr.Blocks, res: Resources) -> None:
    html, shown = handlers.compared(res, LUMEN)
    assert isinstance(shown, Comparison) and 'data-kind="comparison"' in html

    paths = offered(refresher(app, "download-compare-csv")(shown))

    assert [p.name for p in paths if p] == ["comparison.md", "comparison.json", "comparison.csv"]
    texts = [p.read_text(encoding="utf-8") for p in paths if p]
    assert texts == [to_markdown(shown), to_json(shown), to_csv(shown)]


def test_a_failed_comparison_offers_nothing(res: Resources) -> None:
    html, shown = handlers.compared(res, "   ")
    assert 'data-kind="error"' in html and shown is None


def test_old_export_folders_are_swept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(exports, "EXPORTS", tmp_path)
    monkeypatch.setattr(exports, "KEEP_SECONDS", -1)  # everything counts as old
    old = exports.export_folder()
    new = exports.export_folder()
    assert not old.exists() and new.exists()
