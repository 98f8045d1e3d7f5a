"""The Gradio app: layout and event wiring for the Ask, Compare, Sources and Evaluate tabs.

`create_app()` builds the Blocks without serving (tests use it); `launch()` serves it for
`rag serve`. What the events do lives in ui/handlers.py, how results look in ui/render*.py.
"""

from __future__ import annotations

import contextlib
from typing import Any

import gradio as gr

from rag.config import Settings
from rag.engine import Engine
from rag.errors import RagError
from ui import evaluate, handlers
from ui.assets import CSS, OPEN_CITATION_JS
from ui.handlers import Resources
from ui.render import error_box, placeholder

EXAMPLES = [
    "How many customers run Claude on Bedrock?",
    "By how much did Lyft reduce customer service resolution time?",
    "How much has Amazon invested in Anthropic?",
    "Who is the CEO of Nvidia?",
]
CONCURRENCY = 4  # answering is CPU-bound; more parallel requests only contend for the cores
MAX_QUEUE = 256
MAX_UPLOAD = "5mb"


def default_settings() -> Settings:
    """Settings from RAG_* environment variables and defaults."""
    return Settings(**dict[str, Any]())


def panel(elem_id: str, value: str = "", clickable: bool = False) -> gr.HTML:
    """An HTML output with the shared CSS; `clickable` adds the open-the-citation handler."""
    return gr.HTML(
        value, elem_id=elem_id, css_template=CSS, js_on_load=OPEN_CITATION_JS if clickable else None
    )


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> gr.Blocks:
    """Build the app; the index is loaded here, once (errors show in the page, not here)."""
    res = Resources(settings or default_settings(), engine)
    with contextlib.suppress(RagError):  # the status banner and each handler show the message
        res.warm_up()
    # delete_cache bounds Gradio's copies of uploads and downloads: hourly, older than a day.
    blocks = gr.Blocks(
        title="Grounded answers", analytics_enabled=False, delete_cache=(3600, 86400)
    )
    with blocks as demo:
        gr.Markdown("## Grounded answers\nEvery answer is quoted from the articles and cited.")
        status = panel("status")
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                ask_tab(res)
            with gr.Tab("Compare", id="compare"):
                compare_tab(res)
            with gr.Tab("Sources", id="sources"):
                sources_tab(res, demo)
            with gr.Tab("Evaluate", id="evaluate"):
                evaluate.evaluate_tab(res)
        demo.load(lambda: handlers.status_view(res), outputs=status, api_visibility="private")
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=MAX_QUEUE)
    return demo


def ask_tab(res: Resources) -> None:
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            label="Question",
            placeholder="Ask about the articles…",
            elem_id="question",
            scale=6,
            max_lines=4,
        )
        button = gr.Button("Ask", variant="primary", elem_id="ask-button", scale=1)
    result = panel("answer", placeholder("The answer and its sources appear here."), True)
    result.unrender()  # declared before the examples (their output), shown after them

    def answer(question: str) -> str:
        """Answer a question from the articles; returns the answer as HTML."""
        return handlers.ask_view(res, question)

    gr.Examples(
        [[q] for q in EXAMPLES],
        inputs=[question],
        outputs=[result],
        fn=answer,
        run_on_click=True,
        cache_examples=False,
        label="Examples",
    )
    result.render()
    gr.on([button.click, question.submit], answer, inputs=question, outputs=result, api_name="ask")


def compare_tab(res: Resources) -> None:
    gr.Markdown("Which source says what about a question; disagreements are flagged first.")
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            label="Question",
            elem_id="compare-question",
            scale=6,
            placeholder="e.g. How much has Amazon invested in Anthropic?",
        )
        button = gr.Button("Compare", variant="primary", elem_id="compare-button", scale=1)
    result = panel("comparison", placeholder("The comparison table appears here."))

    def compare(question: str) -> str:
        """Compare what each source says about a question; returns HTML."""
        return handlers.compare_view(res, question)

    gr.on(
        [button.click, question.submit],
        compare,
        inputs=question,
        outputs=result,
        api_name="compare",
    )


def sources_tab(res: Resources, demo: gr.Blocks) -> None:
    note = panel("sources-note")
    table = gr.Dataframe(
        headers=["Title", "ID", "Characters", "Chunks"],
        column_widths=["58%", "22%", "11%", "9%"],
        interactive=False,
        wrap=True,
        elem_id="sources-table",
        label="Indexed articles",
    )
    pick = gr.Dropdown(label="Read an article", choices=[], elem_id="article-pick")
    reader = panel("reader", placeholder("Pick an article (or click its row) to read it."))

    def fill() -> tuple[Any, Any, str]:
        """On page load, so that articles indexed after start-up show up too."""
        try:
            rows = handlers.source_rows(res)
        except RagError as exc:
            return [], gr.Dropdown(choices=[]), error_box(str(exc))
        choices = [(f"{title} ({doc_id})", doc_id) for title, doc_id, *_ in rows]
        return rows, gr.Dropdown(choices=choices, value=None), ""

    def picked_row(event: gr.SelectData) -> str:
        row = event.row_value or []
        return str(row[1]) if len(row) > 1 else ""

    demo.load(fill, outputs=[table, pick, note], api_visibility="private")
    table.select(picked_row, outputs=pick, api_visibility="private")
    pick.change(
        lambda doc_id: handlers.read_view(res, doc_id),
        inputs=pick,
        outputs=reader,
        api_visibility="private",
    )


def launch(settings: Settings | None = None, **options: Any) -> None:
    """Serve the app on settings.host:port (loopback by default) until interrupted."""
    settings = settings or default_settings()
    demo = create_app(settings)
    try:
        demo.launch(
            server_name=settings.host,
            server_port=settings.port,
            show_error=False,
            max_file_size=MAX_UPLOAD,
            ssr_mode=False,
            run_history=False,  # its page offers to upload runs to a Hugging Face bucket
            footer_links=["api", "settings"],
            theme=theme(),
            **options,
        )
    except OSError as exc:  # typically the port is taken
        raise RagError(
            f"Cannot serve on {settings.host}:{settings.port} ({exc}). Pick another --port."
        ) from exc


def theme() -> gr.themes.Base:
    """System fonts: the default theme would fetch Google Fonts, which is offline here."""
    return gr.themes.Default(
        font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]
    )
