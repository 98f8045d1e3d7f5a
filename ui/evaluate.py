"""The Evaluate tab's layout: run the eval set (or an uploaded JSONL), show scores and downloads.

Thin: the work is in ui/eval_view.py; one evaluation runs at a time (it takes the CPU for a while).
"""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from rag.errors import RagError
from ui import eval_view, handlers
from ui.assets import CSS
from ui.handlers import Resources
from ui.render import error_box, placeholder


def evaluate_tab(res: Resources) -> None:
    gr.Markdown(
        f"Run the evaluation set (`{eval_view.DATASET}`) or upload a JSONL file in the same "
        "format. Scores, per-question results and the JSON/HTML reports appear below."
    )
    with gr.Row():
        upload = gr.File(
            label="Optional: your own .jsonl",
            file_types=[".jsonl"],
            type="filepath",
            elem_id="eval-upload",
            height=110,
            scale=3,
        )
        button = gr.Button("Run evaluation", variant="primary", elem_id="eval-button", scale=1)
    summary = gr.HTML(
        placeholder("No evaluation run yet."),
        elem_id="eval-summary",
        css_template=CSS,
        js_on_load=None,
    )
    with gr.Row():
        scores = gr.BarPlot(
            x="metric",
            y="score",
            y_lim=[0, 1],
            title="Overall scores",
            x_label_angle=-30,
            elem_id="eval-scores",
            visible=False,
        )
        kinds = gr.BarPlot(
            x="type",
            y="pass rate",
            y_lim=[0, 1],
            title="Pass rate by type",
            elem_id="eval-types",
            visible=False,
        )
    table = gr.Dataframe(
        headers=eval_view.TABLE_HEADERS,
        column_widths=["6%", "9%", "6%", "25%", "22%", "32%"],
        interactive=False,
        wrap=True,
        label="Per question (failures first)",
        elem_id="eval-table",
        visible=False,
    )
    with gr.Row():
        json_file = gr.DownloadButton("Download JSON report", visible=False, elem_id="eval-json")
        html_file = gr.DownloadButton("Download HTML report", visible=False, elem_id="eval-html")

    def run(upload: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Run the evaluation; returns summary, charts, table and report files."""
        progress(0, desc="Loading the questions…")
        try:
            out = eval_view.run(
                res, upload, lambda done, total: progress((done, total), desc="Answering")
            )
        except RagError as exc:
            return _hidden(error_box(str(exc)))
        except Exception:
            handlers.log.exception("evaluation failed")
            return _hidden(error_box(handlers.UNEXPECTED))
        return (
            out.summary_html,
            gr.BarPlot(
                pd.DataFrame(out.scores), sort=[r["metric"] for r in out.scores], visible=True
            ),
            gr.BarPlot(pd.DataFrame(out.by_type), visible=True),
            gr.Dataframe(out.rows, visible=True),
            gr.DownloadButton(value=out.json_path, visible=True),
            gr.DownloadButton(value=out.html_path, visible=True),
        )

    button.click(
        run,
        inputs=upload,
        outputs=[summary, scores, kinds, table, json_file, html_file],
        api_name="evaluate",
        concurrency_limit=1,
        concurrency_id="evaluate",
    )


def _hidden(message: str) -> tuple[Any, ...]:
    hide = [
        gr.BarPlot(visible=False),
        gr.BarPlot(visible=False),
        gr.Dataframe(visible=False),
        gr.DownloadButton(visible=False),
        gr.DownloadButton(visible=False),
    ]
    return (message, *hide)
