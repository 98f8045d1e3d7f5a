"""What each UI event does: call the library, render HTML. The UI's error edge, no Gradio.

Library errors (RagError) become an in-page error box with the library's own advice; anything
unexpected is logged and shown as a short apology, never as a stack trace.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from rag.chain import ask
from rag.config import Settings
from rag.engine import Engine, load_engine
from rag.errors import RagError
from rag.validation import clean_question
from ui import render
from ui.render_compare import comparison_html

log = logging.getLogger("ui")
UNEXPECTED = "Something went wrong on the server; the details are in its log. Please try again."
NOT_YET = "{what} is not available yet in this version: the {module} module has not landed."


class Resources:
    """The settings and the engine, loaded once and then shared read-only by every request."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self._engine = engine

    def engine(self) -> Engine:
        """The loaded engine; raises RagError (e.g. no index) and retries on the next call."""
        if self._engine is None:
            self._engine = load_engine(self.settings)
        return self._engine

    def warm_up(self) -> None:
        """Load the index and the model now, so the first question is as fast as the rest."""
        self.engine().embedder.embed(["warm up"])


def guarded(action: Callable[[], str]) -> str:
    """Run a handler body; turn errors into an error box for the page."""
    try:
        return action()
    except RagError as exc:
        return render.error_box(str(exc))
    except Exception:
        log.exception("UI handler failed")
        return render.error_box(UNEXPECTED)


def ask_view(res: Resources, question: str) -> str:
    """The answer with clickable citations, or an abstention with related passages."""

    def run() -> str:
        engine = res.engine()
        answer = ask(question or "", res.settings, engine=engine)
        return render.answer_html(answer, engine.index.articles)

    return guarded(run)


def status_view(res: Resources) -> str:
    def run() -> str:
        index = res.engine().index
        return render.notice_box(
            f"{len(index.articles)} articles, {len(index.chunks)} passages indexed from "
            f"{res.settings.corpus_dir}/ with {res.settings.model_name}."
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


def compare_view(res: Resources, question: str) -> str:
    """Which source says what, disagreements first; a notice while rag.compare is missing."""

    def run() -> str:
        compare = optional("rag.compare", "compare")
        if compare is None:
            return render.notice_box(NOT_YET.format(what="Comparison", module="rag.compare"))
        text = clean_question(question or "", res.settings.max_question_chars)
        return comparison_html(call_with_engine(compare, text, res))

    return guarded(run)


def optional(module: str, name: str) -> Any:
    """`module.name` when that module exists, else None (features that land later)."""
    try:
        loaded = __import__(module, fromlist=[name])
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise
    return getattr(loaded, name, None)


def call_with_engine(fn: Callable[..., Any], first: Any, res: Resources, **kwargs: Any) -> Any:
    """Call `fn(first, settings)`, handing over the shared engine when `fn` accepts one."""
    if "engine" in inspect.signature(fn).parameters:
        kwargs["engine"] = res.engine()
    return fn(first, res.settings, **kwargs)
