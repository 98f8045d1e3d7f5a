"""The Gradio app: layout and event wiring for the Ask, Compare, Timeline, Sources and
Evaluate tabs.

`create_app()` builds the Blocks without serving (tests use it); `launch()` serves it for
`rag serve`. What the events do lives in ui/handlers.py and ui/conversation.py (the Ask tab's
turns), how results look in ui/render*.py; the Sources tab is laid out in ui/sources.py.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import gradio as gr

from rag.config import Settings
from rag.engine import Engine
from rag.errors import RagError
from rag.index.core import Index
from rag.schema import Answer, Comparison, Timeline
from ui import conversation, evaluate, exports, feedback, handlers
from ui.assets import CSS, OPEN_CITATION_JS
from ui.eval_view import DATASET
from ui.examples import example_questions
from ui.filtering import DATE_HINT
from ui.handlers import Resources
from ui.render import placeholder
from ui.sources import sources_tab

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
        filters = filter_row()
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                ask_tab(res, filters)
            with gr.Tab("Compare", id="compare"):
                compare_tab(res, filters)
            with gr.Tab("Timeline", id="timeline"):
                timeline_tab(res, filters)
            with gr.Tab("Sources", id="sources"):
                sources_tab(res, demo, status, filters.sources)
            with gr.Tab("Evaluate", id="evaluate"):
                evaluate.evaluate_tab(res)
        demo.load(lambda: handlers.status_view(res), outputs=status, api_visibility="private")
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=MAX_QUEUE)
    return demo


@dataclass(frozen=True)
class FilterRow:
    """The filters Ask and Compare share: which sources, published since / until."""

    sources: gr.Dropdown
    since: gr.Textbox
    until: gr.Textbox

    def inputs(self) -> list[Any]:
        return [self.sources, self.since, self.until]


def filter_row() -> FilterRow:
    """Above the tabs; the Sources tab fills the choices on page load and after each change."""
    with (
        gr.Accordion(
            "Filters for Ask, Compare and Timeline (empty = every article)", elem_id="filters"
        ),
        gr.Row(equal_height=True),
    ):
        sources = gr.Dropdown(
            label="Sources",
            info="Pick articles, or type a piece of a title and press Enter.",
            choices=[],
            value=[],
            multiselect=True,
            allow_custom_value=True,  # a source removed meanwhile is the library's message
            elem_id="filter-sources",
            scale=2,
        )
        since = gr.Textbox(
            label="Published since", placeholder=DATE_HINT, elem_id="filter-since", max_lines=1
        )
        until = gr.Textbox(
            label="until", placeholder=DATE_HINT, elem_id="filter-until", max_lines=1
        )
    return FilterRow(sources, since, until)


def ask_tab(res: Resources, filters: FilterRow) -> None:
    turns = gr.State([])  # this browser session's conversation: a list of Answers, oldest first
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            label="Question",
            placeholder="Ask about the articles, then follow up (“And Google?”)…",
            elem_id="question",
            scale=6,
            max_lines=4,
        )
        button = gr.Button("Ask", variant="primary", elem_id="ask-button", scale=1)
        new = gr.Button("New conversation", elem_id="new-conversation", scale=1)
    result = panel("answer", placeholder(conversation.EMPTY), True)
    result.unrender()  # declared before the examples, shown after them

    def answer(
        question: str, history: list[Answer], sources: list[str], since: str, until: str
    ) -> tuple[str, list[Answer], str]:
        """Answer a question from the articles as the next turn of the conversation; returns
        the conversation as HTML, newest turn first."""
        asked = conversation.ask_turn(res, question, history, sources, since, until)
        return asked.html, asked.turns, asked.question

    asking: dict[str, Any] = {
        "fn": answer,
        "inputs": [question, turns, *filters.inputs()],
        "outputs": [result, turns, question],
        "show_progress_on": result,
    }
    questions = example_questions(_index(res), DATASET)
    if questions:
        examples = gr.Examples([[q] for q in questions], inputs=[question], label="Examples")
        # a clicked example is asked in the conversation, as a typed question is
        examples.load_input_event.then(**asking, api_visibility="private")
    result.render()
    exports.download_row(turns, "conversation", ("md", "json"))
    gr.on([button.click, question.submit], **asking, api_name="ask")
    new.click(conversation.new_conversation, outputs=[result, turns], api_visibility="private")
    feedback.feedback_row(res, turns)  # 👍 / 👎 under the conversation


def _index(res: Resources) -> Index | None:
    """The index the page opens on, if it loads (the banner says why when it does not)."""
    try:
        return res.engine().index
    except RagError:
        return None


def compare_tab(res: Resources, filters: FilterRow) -> None:
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
    shown = gr.State(None)  # the Comparison on screen, for the download buttons
    exports.download_row(shown, "compare", ("md", "json", "csv"), stem="comparison")

    def compare(
        question: str, sources: list[str], since: str, until: str
    ) -> tuple[str, Comparison | None]:
        """Compare what each source says about a question; returns HTML."""
        return handlers.compared(res, question, sources, since, until)

    gr.on(
        [button.click, question.submit],
        compare,
        inputs=[question, *filters.inputs()],
        outputs=[result, shown],
        api_name="compare",
    )


def timeline_tab(res: Resources, filters: FilterRow) -> None:
    gr.Markdown("Every dated statement on a topic across the sources, earliest first.")
    with gr.Row(equal_height=True):
        topic = gr.Textbox(
            label="Topic",
            elem_id="timeline-topic",
            scale=6,
            placeholder="e.g. Amazon's investment in Anthropic",
        )
        button = gr.Button("Show timeline", variant="primary", elem_id="timeline-button", scale=1)
    result = panel("timeline", placeholder("The dated statements appear here."))
    shown = gr.State(None)  # the Timeline on screen, for the download buttons
    exports.download_row(shown, "timeline", ("md", "json", "csv"))

    def show(topic: str, sources: list[str], since: str, until: str) -> tuple[str, Timeline | None]:
        """Every dated statement on a topic, in date order; returns HTML."""
        return handlers.timelined(res, topic, sources, since, until)

    gr.on(
        [button.click, topic.submit],
        show,
        inputs=[topic, *filters.inputs()],
        outputs=[result, shown],
        api_name="timeline",
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
