"""The Sources tab's layout: the indexed articles, a reader, and adding or removing an article.

Thin: the work is in ui/sources_view.py. Corpus changes run one at a time with a progress bar;
removing asks for confirmation first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from rag.corpus.reader import KINDS, SUFFIXES
from rag.errors import RagError
from ui import handlers, sources_view
from ui.assets import CSS
from ui.handlers import Resources
from ui.render import error_box, notice_box, placeholder

EDITS = "corpus-edit"  # the concurrency group of add and remove: one change at a time


def panel(elem_id: str, value: str = "") -> gr.HTML:
    return gr.HTML(value, elem_id=elem_id, css_template=CSS, js_on_load=None)


def sources_tab(
    res: Resources, demo: gr.Blocks, status: gr.HTML, source_filter: gr.Dropdown
) -> None:
    """`source_filter`: the Sources filter of Ask and Compare; its choices follow the list."""
    with gr.Row(equal_height=True):
        gr.Markdown(
            "Add a .txt, .md, .html, .pdf or .docx article, or remove one (its file is moved to "
            "`.removed/`, not deleted). The index is updated step by step; questions asked "
            "meanwhile are answered from the previous index. Files changed in the folder itself "
            "are read by **Update the index**.",
        )
        update = gr.Button("Update the index", elem_id="update-index", scale=0, min_width=180)
    with gr.Row():
        upload = gr.File(
            label=f"New article ({KINDS})",
            file_types=list(SUFFIXES),
            type="filepath",
            elem_id="article-upload",
            height=110,
            scale=3,
        )
        add = gr.Button("Add to the collection", variant="primary", elem_id="add-article", scale=1)
    note = panel("sources-note")
    table = gr.Dataframe(
        headers=["Title", "ID", "Characters", "Chunks"],
        column_widths=["58%", "22%", "11%", "9%"],
        interactive=False,
        wrap=True,
        elem_id="sources-table",
        label="Indexed articles",
    )
    with gr.Row(equal_height=True):
        pick = gr.Dropdown(label="Read or remove an article", elem_id="article-pick", scale=3)
        ask_remove = gr.Button("Remove article…", elem_id="remove-article", scale=1)
    with gr.Row(visible=False) as confirm_row:
        confirm = gr.Button("Yes, remove", variant="stop", elem_id="confirm-remove")
        cancel = gr.Button("Cancel", elem_id="cancel-remove")
    reader = panel("reader", placeholder("Pick an article (or click its row) to read it."))

    _wire_listing(res, demo, table, pick, source_filter, note, reader, confirm_row)
    listing = [note, table, pick, status, source_filter]
    add.click(
        _adder(res),
        inputs=upload,
        outputs=[*listing, upload],
        show_progress_on=note,
        concurrency_limit=1,
        concurrency_id=EDITS,
        api_visibility="private",
    )
    update.click(
        _updater(res),
        outputs=listing,
        show_progress_on=note,
        concurrency_limit=1,
        concurrency_id=EDITS,
        api_visibility="private",
    )
    ask_remove.click(
        _asker(res),
        inputs=pick,
        outputs=[note, confirm_row, confirm],
        api_visibility="private",
    )
    confirm.click(  # picking another article hides the confirm row, so `pick` is the one named
        _remover(res),
        inputs=pick,
        outputs=[*listing, confirm_row, reader],
        show_progress_on=note,
        concurrency_limit=1,
        concurrency_id=EDITS,
        api_visibility="private",
    )
    cancel.click(
        cancel_removal,
        outputs=[note, confirm_row],
        api_visibility="private",
    )


def cancel_removal() -> tuple[str, gr.Row]:
    return notice_box("Nothing was removed."), gr.Row(visible=False)


def _wire_listing(
    res: Resources,
    demo: gr.Blocks,
    table: gr.Dataframe,
    pick: gr.Dropdown,
    source_filter: gr.Dropdown,
    note: gr.HTML,
    reader: gr.HTML,
    confirm_row: gr.Row,
) -> None:
    """Fill the lists on page load (articles indexed after start-up show too) and read picks."""

    def fill() -> tuple[Any, Any, Any, str]:
        try:
            rows, choices = sources_view.listing(res)
        except RagError as exc:
            return [], gr.Dropdown(choices=[]), gr.Dropdown(choices=[]), error_box(str(exc))
        return rows, gr.Dropdown(choices=choices, value=None), gr.Dropdown(choices=choices), ""

    def picked_row(event: gr.SelectData) -> str:
        row = event.row_value or []
        return str(row[1]) if len(row) > 1 else ""

    demo.load(fill, outputs=[table, pick, source_filter, note], api_visibility="private")
    table.select(picked_row, outputs=pick, api_visibility="private")
    pick.change(
        lambda doc_id: (handlers.read_view(res, doc_id), gr.Row(visible=False)),
        inputs=pick,
        outputs=[reader, confirm_row],
        api_visibility="private",
    )


def _stages(progress: gr.Progress) -> sources_view.Stage:
    return lambda step, done: progress(done, desc=step)


def _refreshed(res: Resources, changed: sources_view.Changed) -> tuple[Any, ...]:
    """note, table, picker, status banner, filter (its picks kept: one removed is reported
    when next asked with)."""
    picker = gr.Dropdown(choices=changed.choices, value=None)
    source_filter = gr.Dropdown(choices=changed.choices)
    return changed.note, changed.rows, picker, handlers.status_view(res), source_filter


def _failed(message: str, extra: int) -> tuple[Any, ...]:
    """The error in the note; the other outputs stay as they are."""
    return (message, *[gr.skip()] * (4 + extra))


def _guard(action: Callable[[], tuple[Any, ...]], extra: int) -> tuple[Any, ...]:
    try:
        return action()
    except RagError as exc:
        return _failed(error_box(str(exc)), extra)
    except Exception:
        handlers.log.exception("Sources tab action failed")
        return _failed(error_box(handlers.UNEXPECTED), extra)


def _adder(res: Resources) -> Callable[..., tuple[Any, ...]]:
    def add(upload: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Add the uploaded article, re-index, refresh the lists; clears the upload."""

        def run() -> tuple[Any, ...]:
            changed = sources_view.add(res, upload, _stages(progress))
            return (*_refreshed(res, changed), None)

        return _guard(run, extra=1)

    return add


def _updater(res: Resources) -> Callable[..., tuple[Any, ...]]:
    def update(progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Re-read the corpus folder, re-index, refresh the lists."""
        return _guard(lambda: _refreshed(res, sources_view.update(res, _stages(progress))), 0)

    return update


def _asker(res: Resources) -> Callable[[str | None], tuple[Any, ...]]:
    def ask(doc_id: str | None) -> tuple[Any, ...]:
        """Reveal the confirm button, naming the article; nothing is removed yet."""
        try:
            label = sources_view.confirm_label(res, doc_id)
        except RagError as exc:
            return error_box(str(exc)), gr.Row(visible=False), gr.skip()
        note = notice_box(f"Remove {doc_id}? Its file is moved to .removed/, not deleted.")
        return note, gr.Row(visible=True), gr.Button(label)

    return ask


def _remover(res: Resources) -> Callable[..., tuple[Any, ...]]:
    def remove(doc_id: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Move the confirmed article out, re-index, refresh the lists; hides the confirm."""

        def run() -> tuple[Any, ...]:
            changed = sources_view.remove(res, doc_id, _stages(progress))
            reader = placeholder("Pick an article to read it.")
            return (*_refreshed(res, changed), gr.Row(visible=False), reader)

        return _guard(run, extra=2)

    return remove
