"""Comparisons and timelines as inline SVG: which source gives which figure, and when things
happened. Pure functions of the schema models; the drawing pieces are in rag/render/svg.py.

Does NOT choose what is comparable beyond the figure's kind and unit (answer/comparison.py picks the
statements) and draws nothing for a lone figure: one bar compares nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from rag.render.svg import (
    FLAGGED,
    GRID,
    INK,
    MUTED,
    OURS,
    attrs,
    clip,
    in_unit,
    line,
    nice_ticks,
    num,
    rect,
    svg,
    text_with,
)
from rag.render.svg import text as svg_text
from rag.render.svg import title as tooltip
from rag.schema import Comparison, DatedClaim, Figure, Timeline
from rag.text.kinds import Kind
from rag.text.measures import NOUNS as MEASURE_NOUNS

Scale = Callable[[float], float]  # a value (or a day ordinal) → its x on the chart

CHARTED = (Kind.MONEY, Kind.PERCENT, Kind.COUNT, Kind.MEASURE)  # kinds drawn, in this order
# One colour per source (in the comparison's order), dark enough for white text around it.
PALETTE = ("#2563eb", "#0f766e", "#7c3aed", "#be185d", "#4d7c0f", "#475569")
KIND_NAMES: dict[str, str] = {
    Kind.MONEY: "Money",
    Kind.PERCENT: "Percentages",
    Kind.COUNT: "Counts",
    Kind.MEASURE: "Measures",
}
TITLE_CHARS = 40  # a source's title in a label; the whole title is in the bar's tooltip
WIDTH = 760.0
PAD = 16.0
VALUE_ROOM = 130.0  # right of the axis' end, for the value written after the longest bar
ROW = 40.0
AXIS_ROOM = 30.0


@dataclass(frozen=True)
class _Bar:
    doc_id: str
    title: str
    figure: Figure
    flagged: bool
    colour: str

    @property
    def label(self) -> str:
        said = " ".join([*self.figure.qualifiers, self.figure.raw])
        return f"{clip(self.title, TITLE_CHARS)} — {said}"

    @property
    def high(self) -> float:
        return self.figure.high if self.figure.high is not None else self.figure.value


def figure_bars(comparison: Comparison) -> str | None:
    """The comparable figures per source as horizontal bars on a shared axis, one panel per
    kind and unit (money first), a range drawn from its low to its high end; a bar whose figure
    a flagged claim states in amber. None when no kind has two figures to compare.

    A source's repeated figure is drawn once, with its fullest wording ("potential $25 billion"
    over a passing "$25 billion").
    """
    panels = [bars for bars in _panels(comparison) if len(bars) >= 2]
    if not panels:
        return None
    body: list[str] = []
    y = PAD
    for bars in panels:
        drawn, y = _panel(bars, y)
        body += drawn
    return svg(WIDTH, y + PAD / 2, f"Figures per source: {comparison.question}", body, "figures")


def _panels(comparison: Comparison) -> list[list[_Bar]]:
    # A bar is amber when its figure is one a flagged claim states, not merely when its source
    # is flagged: a source that disputes the amount invested may also name a figure about
    # another subject ($100 billion of cloud spend), which the flag did not count. A claim that
    # lists no figures (a changed answer or wording) disputes those of its sentence's row.
    claims = [st for d in comparison.disagreements for st in d.claims]
    bare = {(st.citation.doc_id, st.citation.start) for st in claims if not st.figures}
    rows = [st for v in comparison.sources for st in v.statements]
    stated = [*claims, *(st for st in rows if (st.citation.doc_id, st.citation.start) in bare)]
    flagged = {(st.citation.doc_id, *_figure_key(f)) for st in stated for f in st.figures}
    by_key: dict[tuple[str, str], list[_Bar]] = {}
    drawn = 0  # sources with a bar so far: each takes the next colour
    for source in comparison.sources:
        figures = _fullest(f for st in source.statements for f in st.figures)
        colour = PALETTE[drawn % len(PALETTE)]
        drawn += bool(figures)
        for figure in figures:
            disputed = (source.doc_id, *_figure_key(figure)) in flagged
            bar = _Bar(source.doc_id, source.title, figure, disputed, colour)
            by_key.setdefault((figure.kind, figure.unit), []).append(bar)
    order = sorted(by_key, key=lambda key: (CHARTED.index(key[0]), key[1]))
    return [by_key[key] for key in order]


def _figure_key(f: Figure) -> tuple[str, str, float, float | None]:
    """What makes two figures the same bar: kind, unit, value and range end."""
    return (f.kind, f.unit, f.value, f.high)


def _fullest(figures: Iterable[Figure]) -> list[Figure]:
    """One figure per value, the most qualified wording of it, in order of first mention."""
    kept: dict[tuple[str, str, float, float | None], Figure] = {}
    for f in figures:
        if f.kind not in CHARTED:
            continue
        key = _figure_key(f)
        if key not in kept or len(f.qualifiers) > len(kept[key].qualifiers):
            kept[key] = f
    return list(kept.values())


def _panel(bars: list[_Bar], top: float) -> tuple[list[str], float]:
    """A heading, one labelled bar per figure, the axis; returns the parts and the next y."""
    kind, unit = bars[0].figure.kind, bars[0].figure.unit
    ticks = nice_ticks(max(bar.high for bar in bars))
    plot = WIDTH - 2 * PAD - VALUE_ROOM

    def x(value: float) -> float:
        return PAD + plot * value / ticks[-1]

    heading = f"{KIND_NAMES[kind]}{f' ({unit})' if unit and kind == 'money' else ''}"
    if kind == Kind.MEASURE:  # one panel per thing measured: "Length (m)", "Weight (kg)"
        heading = f"{MEASURE_NOUNS.get(unit, 'measure').capitalize()} ({unit})"
    parts = [svg_text(PAD, top + 12, heading, font_weight="600")]
    rows_top, bottom = top + 22, top + 22 + ROW * len(bars)
    parts += [line(x(t), rows_top, x(t), bottom, GRID) for t in ticks]
    for i, bar in enumerate(bars):
        parts.append(_bar(bar, rows_top + i * ROW, x))
    parts.append(line(PAD, bottom, PAD + plot, bottom, MUTED))
    for t in ticks:
        parts.append(line(x(t), bottom, x(t), bottom + 4, MUTED))
        parts.append(svg_text(x(t), bottom + 17, in_unit(t, kind, unit), "middle", fill=MUTED))
    return parts, bottom + AXIS_ROOM


def _bar(bar: _Bar, y: float, x: Scale) -> str:
    f = bar.figure
    low = f.value if f.high is not None else 0.0
    value = in_unit(f.value, f.kind, f.unit)
    if f.high is not None:
        value += f"–{in_unit(f.high, f.kind, f.unit)}"
    tip = f"{bar.title}: {' '.join([*f.qualifiers, f.raw])}"
    data = {
        "data_label": bar.label,
        "data_value": num(f.value),
        "data_high": num(f.high) if f.high is not None else None,
        "data_kind": f.kind,
        "data_unit": f.unit,
        "data_qualifiers": " ".join(f.qualifiers),
        "data_doc": bar.doc_id,
        "data_flagged": "true" if bar.flagged else "false",
    }
    parts = [(value, INK)] + ([(" · disagrees", FLAGGED)] if bar.flagged else [])
    return (
        f'<g class="bar{" flagged" if bar.flagged else ""}"{_attrs(data)}>{tooltip(tip)}'
        + svg_text(PAD, y + 12, bar.label)
        + rect(x(low), y + 17, x(bar.high) - x(low), 14, bar.colour, rx=2)
        + text_with(x(bar.high) + 6, y + 28, parts, font_weight="600")
        + "</g>"
    )


# --- timelines ----------------------------------------------------------------------------

POINT_PRECISIONS = ("day", "month")  # drawn as a dot; longer spans as a bar from start to end
TIME_ROW = 26.0
MAX_TICKS = 10
CHAR_WIDTH = 6.6  # about a 12 px system-ui character, to tell whether a label fits


def timeline_axis(timeline: Timeline) -> str | None:
    """The dated claims on a horizontal time axis, one row each: a dot for a day or a month,
    a bar for a quarter, a year or a range, labelled with the date as written and the source;
    claims dated only relatively ("last year", unresolved) are listed under the axis.
    None when no claim has a date to place."""
    placed = [c for c in timeline.claims if c.start]
    if not placed:
        return None
    flagged = {
        (s.citation.doc_id, s.citation.start) for d in timeline.disagreements for s in d.claims
    }
    lo = min(_day(c.start) for c in placed)
    hi = max(_day(c.end or c.start) for c in placed)
    pad = max((hi - lo) // 20, 15)
    span = (lo - pad, hi + 1 + pad)
    plot = WIDTH - 2 * PAD

    def x(day: float) -> float:
        return PAD + plot * (day - span[0]) / (span[1] - span[0])

    top = PAD + 22
    bottom = top + TIME_ROW * len(placed)
    ticks = _time_ticks(span)
    body = [svg_text(PAD, PAD + 12, f"When: {clip(timeline.topic, 80)}", font_weight="600")]
    body += [line(x(t), top, x(t), bottom, GRID) for t, _ in ticks]
    for i, claim in enumerate(placed):
        key = (claim.citation.doc_id, claim.citation.start)
        body.append(_moment(claim, top + i * TIME_ROW, x, key in flagged))
    body.append(line(PAD, bottom, PAD + plot, bottom, MUTED))
    for t, name in ticks:
        body += [line(x(t), bottom, x(t), bottom + 4, MUTED)]
        body += [svg_text(x(t), bottom + 17, name, _tick_anchor(x(t), name), fill=MUTED)]
    y = bottom + AXIS_ROOM
    unplaced = [c for c in timeline.claims if not c.start]
    if unplaced:
        y += 10
        body.append(svg_text(PAD, y + 4, "Dated only relatively (not placed):", fill=MUTED))
        for claim in unplaced:
            y += 18
            body.append(_unplaced(claim, y))
        y += 14
    return svg(WIDTH, y, f"Timeline: {timeline.topic}", body, "timeline")


def _moment(claim: DatedClaim, y: float, x: Scale, flagged: bool) -> str:
    start = _day(claim.start)
    end = _day(claim.end or claim.start)
    label = _claim_label(claim)
    fill = FLAGGED if flagged else OURS
    if claim.precision in POINT_PRECISIONS:
        cx = x((start + end + 1) / 2)
        mark = f'<circle cx="{cx:.1f}" cy="{y + 13:.1f}" r="5" fill="{fill}"></circle>'
        left, right = cx - 5, cx + 5
    else:
        left, right = x(start), max(x(end + 1), x(start) + 3)
        mark = rect(left, y + 7, right - left, 12, fill, rx=2, fill_opacity="0.75")
    # The label goes right of the mark where it fits, else left of it, else where more room is.
    room_right, room_left = WIDTH - PAD - right, left - PAD
    wide = CHAR_WIDTH * len(label) + 6
    on_right = room_right >= wide or (room_left < wide and room_right >= room_left)
    # Where it fits on neither side, it is cut to the room there is (it ran off the chart).
    room = room_right if on_right else room_left
    shown = label if room >= wide else clip(label, max(int((room - 6) / CHAR_WIDTH), 8))
    words = (
        svg_text(right + 6, y + 17, shown) if on_right else svg_text(left - 6, y + 17, shown, "end")
    )
    data = {
        "data_label": label,
        "data_start": claim.start,
        "data_end": claim.end,
        "data_precision": claim.precision,
        "data_doc": claim.citation.doc_id,
        "data_resolved": "true" if claim.resolved else "false",
        "data_flagged": "true" if flagged else "false",
    }
    tip = f"{claim.date_text} — {claim.citation.title}: {claim.what}"
    return f'<g class="moment {claim.precision}"{_attrs(data)}>{tooltip(tip)}{mark}{words}</g>'


def _unplaced(claim: DatedClaim, y: float) -> str:
    label = _claim_label(claim)
    data = {"data_label": label, "data_precision": claim.precision}
    tip = f"{claim.citation.title}: {claim.what}"
    return (
        f'<g class="unplaced"{_attrs(data)}>{tooltip(tip)}'
        f"{svg_text(PAD + 12, y + 4, clip(f'“{claim.date_text}” — {claim.what}', 110))}</g>"
    )


def _claim_label(claim: DatedClaim) -> str:
    return f"{claim.date_text} — {clip(claim.citation.title, TITLE_CHARS)}"


def _day(iso: str | None) -> int:
    assert iso is not None
    return date.fromisoformat(iso).toordinal()


def _time_ticks(span: tuple[int, int]) -> list[tuple[int, str]]:
    """Round dates within `span` (day ordinals): every n years, or every n months with the year
    written at January and at the first tick."""
    first, last = date.fromordinal(span[0]), date.fromordinal(span[1])
    months = (last.year - first.year) * 12 + last.month - first.month
    if months > 36:
        step = next(
            s for s in (1, 2, 5, 10, 20, 50, 100) if (last.year - first.year) / s <= MAX_TICKS
        )
        years = range((first.year // step + 1) * step, last.year + 1, step)
        return [(date(year, 1, 1).toordinal(), str(year)) for year in years]
    step = next(s for s in (1, 2, 3, 6, 12) if months / s <= MAX_TICKS)
    ticks: list[tuple[int, str]] = []
    at = first.year * 12 + first.month  # the month after `first` begins (0-based months)
    while at <= last.year * 12 + last.month - 1:
        year, month = divmod(at, 12)
        if month % step == 0:
            day = date(year, month + 1, 1)
            name = day.strftime("%b %Y") if month == 0 or not ticks else day.strftime("%b")
            ticks.append((day.toordinal(), name))
        at += 1
    return ticks


def _attrs(data: Mapping[str, str | None]) -> str:
    return attrs(**data)


def _tick_anchor(at: float, label: str) -> str:
    """Centred under its tick, unless that would run past the chart's edge ("Jan 2025" at the
    right end is drawn leftwards)."""
    half = CHAR_WIDTH * len(label) / 2
    if at + half > WIDTH:
        return "end"
    return "start" if at - half < 0 else "middle"
