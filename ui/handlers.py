"""What each UI event does: call the library, render HTML. The UI's error edge, no Gradio.

Library errors (RagError) and refused filter boxes (FormError) become an in-page error box with
their own advice; anything unexpected is logged and shown as a short apology, never a stack trace.
The Ask tab's conversation is in ui/conversation.py.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from rag.answer.comparison import compare
from rag.answer.timeline import timeline
from rag.config import Settings
from rag.embedding.model import Embedder, make_embedder
from rag.engine import Engine, clear_engines, load_engine
from rag.errors import CorruptIndexError, IndexMissingError, RagError, StaleIndexError
from rag.ingestion import IngestReport, ingest
from rag.schema import Comparison, Timeline
from rag.validation import clean_question
from ui import render
from ui.filtering import FormError, filters_from
from ui.render_compare import comparison_html
from ui.render_timeline import timeline_html

log = logging.getLogger("ui")
UNEXPECTED = "Something went wrong on the server; the details are in its log. Please try again."
V = TypeVar("V", Comparison, Timeline)


class Resources:
    """The settings and the engine, loaded once and then shared read-only by every request.

    `reindex` swaps in a new engine; a question already running keeps the one it started with
    (engines are immutable), so it is answered from the previous index.
    """

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self._engine = engine
        self._embedder = engine.embedder if engine else None  # kept across re-indexing
        self._generation = 0  # bumped by reindex: an engine loaded before it is not kept
        self.editing = threading.RLock()  # one corpus change (file + re-index) at a time

    def engine(self) -> Engine:
        """The loaded engine; raises RagError (e.g. no index) and retries on the next call."""
        engine = self._engine
        if engine is None:
            generation = self._generation
            engine = load_engine(self.settings, self._embedder)
            self._embedder = engine.embedder
            if generation == self._generation:
                self._engine = engine
        return engine

    def reindex(self, on_wait: Callable[[str], None] | None = None) -> IngestReport:
        """Bring the index up to date with the corpus folder; the next question loads it."""
        with self.editing:
            report = ingest(
                self.settings,
                self.embedder(),
                on_wait=on_wait,
                bulk=partial(make_embedder, self.settings, bulk=True),  # for a large update
            )
            self._generation += 1
            clear_engines()
            self._engine = None
            return report

    def embedder(self) -> Embedder:
        """The loaded engine's model (not a second copy); a new one when there is no index."""
        if self._embedder is None:
            try:
                self._embedder = self.engine().embedder
            except RagError:
                self._embedder = make_embedder(self.settings)
        return self._embedder

    def warm_up(self) -> None:
        """Load the index and the model now, so the first question is as fast as the rest."""
        self.engine().embedder.embed(["warm up"])


def guarded(action: Callable[[], str]) -> str:
    """Run a handler body; turn errors into an error box for the page."""
    try:
        return action()
    except Exception as exc:
        return failure_html(exc)


def failure_html(exc: Exception) -> str:
    """The error box for a failed handler: the library's (or the form's) own message, else a
    short apology, the details only in the log."""
    if isinstance(exc, IndexMissingError | StaleIndexError | CorruptIndexError):
        return render.error_box(f"{exc} In this page: Sources → Update the index.")
    if isinstance(exc, RagError | FormError):
        return render.error_box(str(exc))
    log.error("UI handler failed", exc_info=exc)
    return render.error_box(UNEXPECTED)


def status_view(res: Resources) -> str:
    def run() -> str:
        index = res.engine().index
        return render.notice_box(
            f"{len(index.articles)} articles, {len(index.chunks)} passages indexed from "
            f"{res.settings.corpus_dir}/ with {res.settings.model_name}"
            + (
                f", kept in {res.settings.index_location()}."
                if res.settings.store != "faiss"
                else "."
            )
        )

    return guarded(run)


def source_rows(res: Resources) -> list[list[Any]]:
    """Title, id, size in characters and chunk count of every indexed article, by title."""
    index = res.engine().index
    counts: dict[str, int] = {}
    for chunk in index.chunks:
        counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
    articles = sorted(index.articles.values(), key=lambda a: a.title.lower())
    return [[a.title, a.doc_id, len(a.text), counts.get(a.doc_id, 0)] for a in articles]


def read_view(res: Resources, doc_id: str | None) -> str:
    def run() -> str:
        index = res.engine().index
        if not doc_id:
            return render.placeholder("Pick an article to read it.")
        article = index.articles.get(doc_id)
        if article is None:
            return render.error_box(f"No article {doc_id!r} in the index.")
        chunks = sum(c.doc_id == doc_id for c in index.chunks)
        return render.article_html(article, chunks)

    return guarded(run)


def compare_view(
    res: Resources,
    question: str,
    sources: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
) -> str:
    """Which source says what, disagreements first, among the sources the filters admit."""
    return compared(res, question, sources, since, until)[0]


def compared(
    res: Resources,
    question: str,
    sources: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
) -> tuple[str, Comparison | None]:
    """`compare_view`'s HTML and the Comparison it shows, for the download buttons (None after
    an error)."""
    return _filtered_view(res, compare, comparison_html, question, (sources, since, until))


def timelined(
    res: Resources,
    topic: str,
    sources: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
) -> tuple[str, Timeline | None]:
    """Every dated statement on the topic, in date order, among the sources the filters admit:
    the HTML (with the time axis) and the Timeline, for the download buttons (None on error)."""
    return _filtered_view(res, timeline, timeline_html, topic, (sources, since, until))


def _filtered_view(
    res: Resources,
    build: Callable[..., V],
    html: Callable[[V], str],
    text: str,
    boxes: tuple[Sequence[str] | None, str | None, str | None],
) -> tuple[str, V | None]:
    """Build a comparison or a timeline of `text` under the filter row's values, and render it;
    an error box and None when that fails. The boxes and the text are checked before the index
    is loaded, so their messages come first."""
    try:
        filters = filters_from(*boxes)
        text = clean_question(text or "", res.settings.max_question_chars)
        view = build(text, res.settings, res.engine(), filters)
    except Exception as exc:
        return failure_html(exc), None
    return html(view), view
