"""The Ask tab as a conversation: each question is asked with the turns before it, so "And
Google?" after "How much has Amazon invested in Anthropic?" is answered as the question it stands
for. No Gradio: ui/app.py keeps the turns in a per-browser-session gr.State and hands them in.

A failed question (empty, a bad filter, no index) shows an error above the turns; it is not kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rag.chain import ask
from rag.errors import RagError
from rag.schema import Answer, Article
from ui import render
from ui.filtering import filters_from
from ui.handlers import Resources, failure_html

HISTORY = 6  # earlier answers handed to `ask`, as `rag chat` does: follow-ups refer to the last few
KEPT = 20  # turns a browser session keeps and shows: bounds the page and the server's memory
EMPTY = "The answer and its sources appear here. Ask a follow-up (“And Google?”) to go on."
STARTED = "A new conversation: the next question is read on its own."


@dataclass(frozen=True)
class Asked:
    """After a question: the page, the turns to keep, and what the question box holds next
    (emptied after an answer, kept after an error so it can be fixed)."""

    html: str
    turns: list[Answer]
    question: str


def ask_turn(
    res: Resources,
    question: str,
    turns: Sequence[Answer],
    sources: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Asked:
    """Answer `question` as the next turn of the conversation `turns` (oldest first)."""
    turns = list(turns or [])
    try:
        filters = filters_from(sources, since, until)
        engine = res.engine()
        answer = ask(
            question or "", res.settings, engine, history=turns[-HISTORY:], filters=filters
        )
    except Exception as exc:
        return Asked(page(turns, _articles(res), failure_html(exc)), turns, question)
    kept = [*turns, answer][-KEPT:]
    return Asked(page(kept, engine.index.articles), kept, "")


def new_conversation() -> tuple[str, list[Answer]]:
    """The page and the turns after "New conversation": nothing from before is read again."""
    return render.placeholder(STARTED), []


def page(turns: Sequence[Answer], articles: Mapping[str, Article], error: str = "") -> str:
    if not turns and not error:
        return render.placeholder(EMPTY)
    return render.conversation_html(turns, articles, error)


def _articles(res: Resources) -> Mapping[str, Article]:
    """The indexed articles to show earlier turns' sources from; none when the index is gone."""
    try:
        return res.engine().index.articles
    except RagError:
        return {}
