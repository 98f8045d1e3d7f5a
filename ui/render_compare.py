"""Comparison → HTML: the which-source-says-what table with disagreements flagged. No Gradio.

Figures in quotes are wrapped in <span class="fig">; all source text is escaped. Above the
table, the comparable figures as a bar chart (rag/render/charts.py) when two or more are given.
"""

from __future__ import annotations

from rag.answer.short_answers import (
    NO_DISAGREEMENT,
    answer_summary,
    figure_missing_worth_noting,
    no_flag_line,
    worth_showing,
)
from rag.render.charts import figure_bars
from rag.schema import Comparison, Disagreement, Figure, SourceView, Statement
from ui.render import context_line, esc, published, searched_line


def comparison_html(comparison: Comparison) -> str:
    flags = "".join(disagreement_box(d) for d in comparison.disagreements)
    if not flags:  # short answers that differ are no all-clear (short_answers.no_flag_line)
        line = no_flag_line(comparison)
        style, kind = ("ok", "agree") if line == NO_DISAGREEMENT else ("warn", "unflagged")
        flags = f'<div class="box {style}" data-kind="{kind}">{esc(line)}</div>'
    involved = {_key(s) for d in comparison.disagreements for s in d.claims}
    figures = figure_missing_worth_noting(comparison)
    rows = "".join(_row(s, involved, figures) for s in _ordered(comparison.sources))
    table = (
        '<table class="compare"><thead><tr><th>Source</th><th>Addresses it?</th>'
        f"<th>What it says</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    if worth_showing(comparison.answer_groups):
        said = esc(answer_summary(comparison.answer_groups))
        flags += (
            f'<div class="box" data-kind="answer-groups"><b>Short answers</b> (read from each '
            f"source's statement): {said}</div>"
        )
    flags += "".join(
        f'<div class="box" data-kind="different-subjects">{esc(note)}</div>'
        for note in comparison.notes
    )
    searched = searched_line(comparison.filters)
    chart = figure_chart(comparison)
    return f'<div class="comparison" data-kind="comparison">{searched}{flags}{chart}{table}</div>'


def figure_chart(comparison: Comparison) -> str:
    """The figures per source as bars, in a `figure-chart` box; "" when nothing compares."""
    svg = figure_bars(comparison)
    return f'<div class="figure-chart" data-kind="figure-chart">{svg}</div>' if svg else ""


def _key(statement: Statement) -> tuple[str, int]:
    return statement.citation.doc_id, statement.citation.start


def _ordered(sources: list[SourceView]) -> list[SourceView]:
    return sorted(sources, key=lambda s: not s.addresses)


def disagreement_box(d: Disagreement) -> str:
    """The summary; the claims themselves are marked in the table below."""
    return (
        f'<div class="box warn disagreement" data-kind="disagreement" role="status">'
        f'<b>Sources disagree</b> on {esc(d.subject)} <span class="badge bad">{esc(d.kind)}</span>'
        f"<p>{esc(d.summary)}</p></div>"
    )


def _row(source: SourceView, involved: set[tuple[str, int]], figures: bool) -> str:
    """One source; when other sources give figures and this one neither a figure nor a short
    answer, it says so."""
    if source.addresses and source.statements:
        said = "".join(_statement(s, _key(s) in involved) for s in source.statements)
        # "1856" (dates are read from 1900 on) is an answer, if not a figure we read
        answered = any(s.short_answer for s in source.statements)
        if figures and not answered and not any(s.figures for s in source.statements):
            said += '<p class="meta" data-kind="no-figure">Gives no figure on this.</p>'
    else:
        said = '<span class="meta">Says nothing about this.</span>'
    answer = "yes" if source.addresses else "no"
    cls = "" if source.addresses else ' class="silent"'
    dated = published(source.statements[0].citation.published) if source.statements else ""
    return (
        f'<tr{cls}><td><b>{esc(source.title)}</b><br><span class="meta">{esc(source.doc_id)}'
        f"{dated}</span></td><td>{answer}</td><td>{said}</td></tr>"
    )


def _statement(statement: Statement, disputed: bool) -> str:
    quote = mark_figures(statement.citation.quote, statement.figures)
    context = context_line(statement.citation)
    if disputed:
        flag = '<span class="badge bad">disagrees</span>'
        return f'<p class="said disputed" data-kind="disputed">“{quote}”{flag}{context}</p>'
    return f'<p class="said">“{quote}”{context}</p>'


def mark_figures(quote: str, figures: list[Figure]) -> str:
    """Escape `quote`, wrapping each figure's text: ("$8 billion", [$8 billion]) → fig span."""
    spans = sorted({s for f in figures if (s := _locate(quote, f)) is not None})
    out, pos = [], 0
    for start, end in spans:
        if start < pos:  # overlapping figures: keep the first
            continue
        out += [esc(quote[pos:start]), f'<span class="fig">{esc(quote[start:end])}</span>']
        pos = end
    out.append(esc(quote[pos:]))
    return "".join(out)


def _locate(quote: str, figure: Figure) -> tuple[int, int] | None:
    """Offsets are trusted only when they point at the figure's own text; else search for it."""
    if figure.raw and quote[figure.start : figure.end] == figure.raw:
        return figure.start, figure.end
    at = quote.find(figure.raw) if figure.raw else -1
    return (at, at + len(figure.raw)) if at >= 0 else None
