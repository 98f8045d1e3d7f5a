"""An evaluation as inline SVG: a metric per question type against the baseline and the
thresholds, and how long questions took. For the HTML report and the UI's Evaluate tab.

Does NOT compute or judge a score (eval/harness.py and eval/gate.py do): it draws what they found.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from rag.eval.gate import Check
from rag.eval.harness import EvalReport
from rag.render.svg import (
    BAD,
    BASE,
    GRID,
    MUTED,
    OK,
    OURS,
    line,
    nice_step,
    nice_ticks,
    num,
    rect,
    svg,
)
from rag.render.svg import attrs as svg_attrs
from rag.render.svg import text as svg_text
from rag.render.svg import title as tooltip

WIDTH = 420.0
LEFT = 105.0  # room for the group's name
PLOT = 250.0
BAR = 13.0
BAND = 13.0  # above a group's bars, for its threshold's value
HEAD = 26.0
Scale = Callable[[float], float]  # a value → its x on the chart


def threshold_bars(
    report: EvalReport, checks: Sequence[Check], labels: Mapping[str, str] | None = None
) -> list[str]:
    """One chart per metric that has a threshold (in the gate's order): see metric_bars."""
    metrics = dict.fromkeys(c.metric for c in checks if not c.skipped)
    charts = [metric_bars(report, m, checks, (labels or {}).get(m, m)) for m in metrics]
    return [chart for chart in charts if chart]


def metric_bars(
    report: EvalReport, metric: str, checks: Sequence[Check] = (), label: str = ""
) -> str | None:
    """Per question type, this system's score (blue) over the baseline's (grey), with a line at
    each threshold: green where it is met, red where missed. None when nothing measured it."""
    rows = _rows(report, metric)
    if not rows:
        return None
    limits = {c.group: c for c in checks if c.metric == metric and not c.skipped}
    values = [v for _, ours, base in rows for v in (ours, base) if v is not None]
    top = max([*values, *(c.threshold for c in limits.values())], default=1.0)
    ticks = nice_ticks(top) if metric.endswith("_ms") else nice_ticks(1.0, most=5)

    def x(value: float) -> float:
        return LEFT + PLOT * min(value, ticks[-1]) / ticks[-1]

    based = report.baseline is not None
    band = BAND if limits else 0.0
    step = band + (2 * BAR + 2 if based else BAR) + 9
    body = [svg_text(0, 15, label or metric, font_weight="600")]
    bottom = HEAD + step * len(rows)
    body += [line(x(t), HEAD, x(t), bottom, GRID) for t in ticks]
    for i, (group, ours, base) in enumerate(rows):
        y = HEAD + i * step + band
        body.append(_score(report.name, group, metric, ours, y, OURS, x))
        if report.baseline is not None:
            body.append(_score(report.baseline.name, group, metric, base, y + BAR + 2, BASE, x))
        if group in limits:
            body.append(_threshold(limits[group], y - band, y + step - band - 7, x))
    body += _axis(ticks, bottom, x, metric)
    legend, height = _legend(report, bool(limits), bottom + 34)
    title = f"{label or metric} per question type"
    return svg(WIDTH, height, title, [*body, *legend], "metric-chart")


def _rows(report: EvalReport, metric: str) -> list[tuple[str, float | None, float | None]]:
    rows = []
    for group, scores in report.aggregates.items():
        other = report.baseline.aggregates.get(group) if report.baseline else None
        ours, base = getattr(scores, metric), getattr(other, metric) if other else None
        if ours is not None or base is not None:
            rows.append((group, ours, base))
    return rows


def _score(
    system: str, group: str, metric: str, value: float | None, y: float, fill: str, x: Scale
) -> str:
    shown = _fmt(value, metric)
    data = svg_attrs(data_system=system, data_group=group, data_metric=metric)
    data += svg_attrs(data_value=None if value is None else num(value))
    return (
        f'<g class="score"{data}>{tooltip(f"{system}, {group}: {shown}")}'
        + (svg_text(0, y + 11, group) if fill == OURS else "")
        + rect(LEFT, y, PLOT, BAR, "#f3f4f6")
        + rect(LEFT, y, x(value or 0.0) - LEFT, BAR, fill)
        + svg_text(LEFT + PLOT + 6, y + 11, shown, fill="#111827" if fill == OURS else MUTED)
        + "</g>"
    )


def _threshold(c: Check, top: float, bottom: float, x: Scale) -> str:
    """A line at the threshold across the group's bars, its value written above them."""
    kind = "max" if c.is_max else "min"
    colour = OK if c.passed else BAD
    at = x(c.threshold)
    anchor = "end" if at > LEFT + PLOT - 25 else ("start" if at < LEFT + 25 else "middle")
    data = svg_attrs(
        data_group=c.group,
        data_metric=c.metric,
        data_threshold=num(c.threshold),
        data_kind=kind,
        data_passed="true" if c.passed else "false",
    )
    return (
        f'<g class="threshold {"met" if c.passed else "missed"}"{data}>{tooltip(c.message())}'
        + line(at, top + BAND - 2, at, bottom, colour, stroke_width="2.5")
        + svg_text(
            at,
            top + BAND - 3,
            f"{kind} {c.threshold:g}",
            anchor,
            fill=colour,
            font_size="10",
            font_weight="600",
        )
        + "</g>"
    )


def _axis(ticks: list[float], y: float, x: Scale, metric: str) -> list[str]:
    parts = [line(LEFT, y, LEFT + PLOT, y, MUTED)]
    for t in ticks:
        parts.append(line(x(t), y, x(t), y + 4, MUTED))
        parts.append(svg_text(x(t), y + 15, _fmt(t, metric, tick=True), "middle", fill=MUTED))
    return parts


def _legend(report: EvalReport, limits: bool, y: float) -> tuple[list[str], float]:
    keys = [(report.name, OURS)] + ([(report.baseline.name, BASE)] if report.baseline else [])
    parts, at = [], 0.0
    for name, fill in keys:
        parts += [rect(at, y - 9, 10, 10, fill), svg_text(at + 14, y, name, fill=MUTED)]
        at += 24 + 7 * len(name)
    if limits:
        parts += [line(at + 5, y - 11, at + 5, y + 2, OK, stroke_width="2.5")]
        parts += [line(at + 10, y - 11, at + 10, y + 2, BAD, stroke_width="2.5")]
        parts += [svg_text(at + 16, y, "threshold met / missed", fill=MUTED)]
    return parts, y + 10


def _fmt(value: float | None, metric: str, tick: bool = False) -> str:
    if value is None:
        return "–"
    if metric.endswith("_ms"):
        return f"{value:.0f}" if tick else f"{value:.0f} ms"
    return f"{value:g}" if tick else f"{value:.3f}"


# --- latency ------------------------------------------------------------------------------

HIST_WIDTH = 560.0
HIST_LEFT = 44.0  # room for the count ticks
HIST_PLOT = (480.0, 150.0)  # width, height
MOST_BINS = 20
FEWEST_BINS = 5


def latency_histogram(report: EvalReport) -> str | None:
    """How many questions took how long (warm, per question), p50 and p95 marked by dashed
    lines. Bins are round widths (1, 2, 2.5 or 5 times a power of ten ms), about √n of them.
    None for a run with no questions."""
    times = [q.metrics.latency_ms for q in report.questions]
    if not times:
        return None
    width = _bin_width(times)
    first = math.floor(min(times) / width) * width
    counts = [0] * (int((max(times) - first) // width) + 1)
    for t in times:
        counts[min(int((t - first) // width), len(counts) - 1)] += 1
    last = first + width * len(counts)
    (plot_w, plot_h), top = HIST_PLOT, HEAD + 26
    ticks = nice_ticks(max(counts), most=5)

    def x(ms: float) -> float:
        return HIST_LEFT + plot_w * (ms - first) / (last - first)

    def y(count: float) -> float:
        return top + plot_h - plot_h * count / ticks[-1]

    title = f"Latency per question ({len(times)} questions, warm)"
    body = [svg_text(0, 15, title, font_weight="600")]
    body += [line(HIST_LEFT, y(t), HIST_LEFT + plot_w, y(t), GRID) for t in ticks]
    body += [svg_text(HIST_LEFT - 6, y(t) + 4, f"{t:g}", "end", fill=MUTED) for t in ticks]
    for i, count in enumerate(counts):
        body.append(_bin(first + i * width, width, count, x, y))
    body += _percentiles(report, x, top, top + plot_h)
    body += _ms_axis(first, width, len(counts), x, top + plot_h)
    return svg(HIST_WIDTH, top + plot_h + 40, title, body, "latency-chart")


def _bin_width(times: list[float]) -> float:
    spread = max(times) - min(times)
    if spread <= 0:
        return nice_step(max(max(times), 1.0) / 10)
    bins = min(MOST_BINS, max(FEWEST_BINS, math.ceil(math.sqrt(len(times)))))
    return nice_step(spread / bins)


def _bin(start: float, width: float, count: int, x: Scale, y: Scale) -> str:
    end = start + width
    data = svg_attrs(data_from=num(start), data_to=num(end), data_count=str(count))
    left, right = x(start), x(end)
    said = f"{start:g}–{end:g} ms: {count} question{'s' if count != 1 else ''}"
    label = svg_text((left + right) / 2, y(count) - 4, str(count), "middle") if count else ""
    return (
        f'<g class="bin"{data}>{tooltip(said)}'
        + rect(left + 1, y(count), right - left - 2, y(0) - y(count), OURS)
        + label
        + "</g>"
    )


def _percentiles(report: EvalReport, x: Scale, top: float, bottom: float) -> list[str]:
    """Dashed lines at p50 and p95, labelled on two heights so that close ones stay legible."""
    overall = report.aggregates.get("overall")
    marks = [("p50", overall.latency_p50_ms if overall else None, 0.0)]
    marks += [("p95", overall.latency_p95_ms if overall else None, 13.0)]
    parts = []
    for name, value, lift in marks:
        if value is None:
            continue
        at = x(value)
        anchor = "end" if at > HIST_LEFT + HIST_PLOT[0] * 0.75 else "start"
        shift = -4 if anchor == "end" else 4
        data = svg_attrs(data_label=name, data_value=num(value))
        parts.append(
            f'<g class="percentile"{data}>{tooltip(f"{name}: {value:.0f} ms")}'
            + line(at, top - 22 + lift, at, bottom, BAD, stroke_dasharray="4 3", stroke_width="1.5")
            + svg_text(at + shift, top - 14 + lift, f"{name} {value:.0f} ms", anchor, fill=BAD)
            + "</g>"
        )
    return parts


def _ms_axis(first: float, width: float, bins: int, x: Scale, y: float) -> list[str]:
    """Bin edges, every n-th one labelled so that at most 8 labels share the axis."""
    every = math.ceil((bins + 1) / 8)
    parts = [line(HIST_LEFT, y, HIST_LEFT + HIST_PLOT[0], y, MUTED)]
    for i in range(0, bins + 1, every):
        edge = first + i * width
        parts += [line(x(edge), y, x(edge), y + 4, MUTED)]
        parts += [svg_text(x(edge), y + 16, f"{edge:g}", "middle", fill=MUTED)]
    parts.append(svg_text(HIST_LEFT + HIST_PLOT[0], y + 32, "ms per question", "end", fill=MUTED))
    return parts
