"""Timeline → HTML: dated statements in date order, conflicts first, each with its verified
quote. No Gradio; all source text is escaped.
"""

from __future__ import annotations

from rag.render.charts import timeline_axis
from rag.schema import DatedClaim, Timeline
from ui.render import context_line, esc, published, searched_line
from ui.render_compare import disagreement_box

NOTHING = "No dated statement on this topic in the sources."


def timeline_html(timeline: Timeline) -> str:
    """Flags first, then the claims on a time axis (inline SVG), then the list."""
    flags = "".join(disagreement_box(d) for d in timeline.disagreements)
    axis = timeline_axis(timeline)
    chart = f'<div class="figure-chart" data-kind="timeline-chart">{axis}</div>' if axis else ""
    rows = "".join(_row(c) for c in timeline.claims)
    body = (
        '<table class="compare timeline"><thead><tr><th>When</th><th>What (verbatim)</th>'
        f"<th>Figures</th><th>Source</th></tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else f'<div class="box" data-kind="empty">{NOTHING}</div>'
    )
    searched = searched_line(timeline.filters)
    return f'<div class="timeline" data-kind="timeline">{searched}{flags}{chart}{body}</div>'


def _row(claim: DatedClaim) -> str:
    c = claim.citation
    badge = "verified" if c.verified else "not verified"
    figures = ", ".join(" ".join([*f.qualifiers, f.raw]) for f in claim.figures)
    return (
        f'<tr class="claim" data-start="{esc(claim.start or "")}" '
        f'data-precision="{esc(claim.precision)}">'
        f"<td><b>{esc(claim.date_text)}</b><br><small>{_span(claim)}</small></td>"
        f"<td>“{esc(claim.what)}”{context_line(c)}</td><td>{esc(figures)}</td>"
        f"<td>{esc(c.title)}<br><small>{esc(c.doc_id)}{published(c.published)} · characters "
        f'{c.start}–{c.end} · <span class="badge ok">{badge}</span></small></td></tr>'
    )


def _span(claim: DatedClaim) -> str:
    if claim.start is None:
        return "relative — the article's date is unknown"
    span = claim.start if claim.start == claim.end else f"{claim.start} – {claim.end or '…'}"
    resolved = ", placed by the publication date" if claim.resolved else ""
    return esc(f"{span} ({claim.precision.replace('_', ' ')}{resolved})")
