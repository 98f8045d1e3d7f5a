"""Conversations, answers, citations and articles → HTML strings for the web UI. No Gradio.

Every piece of article or user text passes through `esc` (articles are untrusted): a quote like
`<script>` is shown, never run. Citation links carry `data-cite`; ui/assets.JS opens the source.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from rag.render.console import describe_filters
from rag.schema import Answer, AnswerSentence, Article, Citation, Filters
from rag.text.names import unmentioned_note

_MARKER = re.compile(r"\[(\d+)\]")
_ANSWERERS = {
    "extractive": "Extractive answer (verbatim source sentences)",
    "llm": "LLM answer, checked against the sources",
    "llm-fallback": "The LLM was unavailable; extractive answer shown instead",
}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def error_box(message: str) -> str:
    return (
        f'<div class="box error" data-kind="error" role="alert"><b>Error:</b> {esc(message)}</div>'
    )


def notice_box(message: str) -> str:
    return f'<div class="box notice" data-kind="notice">{esc(message)}</div>'


def placeholder(message: str) -> str:
    return f'<div class="placeholder">{esc(message)}</div>'


def conversation_html(
    turns: Sequence[Answer], articles: Mapping[str, Article], error: str = ""
) -> str:
    """Every turn, newest first (right under the question box): the question, how a follow-up
    was understood, the filters, then the answer. `error` (HTML) goes above them all."""
    shown = "".join(_turn(n, a, articles) for n, a in reversed(list(enumerate(turns, 1))))
    return f'<div class="conversation" data-kind="conversation">{error}{shown}</div>'


def _turn(n: int, answer: Answer, articles: Mapping[str, Article]) -> str:
    understood = ""
    if answer.understood_as:
        understood = (
            '<p class="understood-as meta" data-kind="understood-as">'
            f"Understood as: {esc(answer.understood_as)}</p>"
        )
    return (
        f'<section class="turn" data-turn="{n}"><p class="asked" data-kind="question">'
        f'<span class="meta">You asked</span> {esc(answer.question)}</p>{understood}'
        f"{searched_line(answer.filters)}{unmentioned_line(answer.unmentioned)}"
        f"{answer_html(answer, articles)}</section>"
    )


def unmentioned_line(words: list[str]) -> str:
    """A warning that names of the question occur in no source, or nothing when all do."""
    if not words:
        return ""
    note = esc(unmentioned_note(words))
    return f'<div class="box warn" data-kind="unmentioned">{note}</div>'


def searched_line(filters: Filters | None) -> str:
    """ "Searched only: sources alpha; published 2024 to …", or nothing without filters."""
    if filters is None:
        return ""
    return (
        f'<p class="meta" data-kind="filters">Searched only: {esc(describe_filters(filters))}</p>'
    )


def answer_html(answer: Answer, articles: Mapping[str, Article]) -> str:
    """The answer (or abstention) beside a source panel holding one hidden view per citation."""
    if answer.abstained:
        main, cited, key = _abstention(answer), answer.related, "r"
    else:
        main, cited, key = _answer(answer), answer.citations, ""
    views = "".join(source_view(c, articles.get(c.doc_id), f"{key}{c.n}") for c in cited)
    empty = placeholder("Click a citation to open its source with the cited passage highlighted.")
    kind = "abstained" if answer.abstained else "answer"
    return (
        f'<div class="result" data-kind="{kind}"><div class="main">{main}</div>'
        f'<aside class="sources" aria-label="Source article"><div class="src-empty">{empty}</div>'
        f"{views}</aside></div>"
    )


def _answer(answer: Answer) -> str:
    known = {c.n for c in answer.citations}
    if answer.sentences:
        body = " ".join(_sentence(s, known) for s in answer.sentences)
    else:
        body = _linkify(esc(answer.text), known)
    flags = ""
    if answer.answer_summary:
        flags += (
            '<div class="box" data-kind="short-answers"><b>Short answers</b> (the sources\' own '
            f"words): {esc(answer.answer_summary)}</div>"
        )
    if answer.sources_differ:
        flags += (
            f'<div class="box warn" data-kind="sources-differ">{esc(answer.reason or "")} '
            "The Compare tab shows which source says what.</div>"
        )
    return (
        f'<div class="answer-text">{body}</div>{flags}'
        f'<h4>Citations</h4><div class="cites">{_cards(answer.citations, "")}</div>'
        f"{_footer(answer)}"
    )


def _abstention(answer: Answer) -> str:
    reason = f"<p>{esc(answer.reason)}</p>" if answer.reason else ""
    related = ""
    if answer.related:
        cards = _cards(answer.related, "r")
        related = f'<h4>Related passages (not an answer)</h4><div class="cites">{cards}</div>'
    return (
        f'<div class="box abstain" data-kind="abstention"><b>No grounded answer.</b> '
        f"{esc(answer.text)}{reason}</div>{related}{_footer(answer)}"
    )


def _sentence(sentence: AnswerSentence, known: set[int]) -> str:
    refs = "".join(_ref(n) if n in known else f"[{n}]" for n in sentence.citations)
    if sentence.verified:
        return f'<span class="sent">{esc(sentence.text)} {refs}</span>'
    return (
        f'<span class="sent unverified" title="Not supported by the cited sources">'
        f'{esc(sentence.text)} {refs}<span class="badge bad">unverified</span></span>'
    )


def _ref(n: int) -> str:
    return f'<a href="#" class="cite-ref" data-cite="{n}" aria-label="Open source {n}">[{n}]</a>'


def _linkify(escaped: str, known: set[int]) -> str:
    return _MARKER.sub(lambda m: _ref(int(m[1])) if int(m[1]) in known else m[0], escaped)


def _cards(citations: list[Citation], key: str) -> str:
    return "".join(_card(c, f"{key}{c.n}") for c in citations)


def _card(c: Citation, key: str) -> str:
    badge = (
        '<span class="badge ok">verified</span>'
        if c.verified
        else '<span class="badge bad">not verified</span>'
    )
    return (
        f'<button type="button" class="cite" data-cite="{esc(key)}">'
        f'<span class="n">[{c.n}]</span> <span class="title">{esc(c.title)}</span> {badge}'
        f'<span class="quote">“{esc(c.quote)}”</span>{context_line(c)}'
        f'<span class="meta">{esc(c.doc_id)}{published(c.published)} · characters {c.start}–'
        f"{c.end} · score {c.score:.2f}</span></button>"
    )


def published(date: str | None) -> str:
    """ " · published 2024-11", or nothing when the article's date is unknown."""
    return f" · published {esc(date)}" if date else ""


def context_line(c: Citation) -> str:
    """The sentence a quote refers back to, so "The pharmaceutical giant …" reads as Pfizer."""
    if not c.context:
        return ""
    return f'<span class="meta context" data-kind="context">after “{esc(c.context)}”</span>'


def _footer(answer: Answer) -> str:
    total = answer.timings.get("total_ms")
    took = f" · {total / 1000:.2f} s" if total is not None else ""
    return f'<p class="meta">{esc(_ANSWERERS.get(answer.answerer, answer.answerer))}{took}</p>'


def source_view(citation: Citation, article: Article | None, key: str) -> str:
    """One article with the cited span in <mark>; hidden until its citation is clicked."""
    title = f"[{citation.n}] {esc(citation.title)}"
    head = f'<div class="src-head"><b>{title}</b> · {esc(citation.doc_id)}'
    head += published(citation.published)
    if article is None:
        body = error_box(f"The article {citation.doc_id} is not in the index any more.")
    elif not citation.verified:
        body = notice_box("This quote does not match the article text, so nothing is highlighted.")
        body += f'<div class="article">{esc(article.text)}</div>'
    else:
        body = f'<div class="article">{highlight(article.text, citation.start, citation.end)}</div>'
    return f'<section class="src-view" data-cite="{esc(key)}" hidden>{head}</div>{body}</section>'


def highlight(text: str, start: int, end: int) -> str:
    """Escape `text`, marking [start, end): ("a<b>c", 1, 4) → "a<mark>&lt;b&gt;</mark>c"."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    return f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"


def article_html(article: Article, chunks: int) -> str:
    """The reader view of one whole article."""
    author = f" · by {esc(article.author)}" if article.author else ""
    author += f" · {esc(article.publisher)}" if article.publisher else ""
    author += published(article.published)
    return (
        f'<div class="reader" data-kind="article"><h3>{esc(article.title)}</h3>'
        f'<p class="meta">{esc(article.doc_id)}{author} · {len(article.text):,} characters · '
        f'{chunks} chunks</p><div class="article">{esc(article.text)}</div></div>'
    )
