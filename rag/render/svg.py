"""The pieces every chart is drawn with: escaped SVG elements, axis ticks, value formats.

Plain strings in, plain strings out, byte-for-byte the same for the same input (fixed decimals,
no ids or random numbers). Knows nothing about figures, timelines or evaluations
(rag/render/charts.py and rag/eval/charts.py do); no xmlns, so an inline chart holds no URL (the
HTML parser places <svg> in the SVG namespace itself).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"
INK = "#111827"
MUTED = "#6b7280"
GRID = "#e5e7eb"
OURS = "#2563eb"
BASE = "#9ca3af"
FLAGGED = "#d97706"
OK = "#15803d"
BAD = "#b91c1c"
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)  # tick steps are one of these times a power of ten
_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
_CURRENCY = {"USD": "$", "EUR": "€", "GBP": "£"}


def esc(text: object) -> str:
    """Text for an element or an attribute: `<&"'` escaped, so titles cannot break the SVG."""
    return html.escape(str(text), quote=True)


def num(value: float) -> str:
    """A value for a data attribute, readable and exact enough: 5e9 → "5000000000"."""
    return f"{value:.12g}"


def px(value: float) -> str:
    return f"{value:.1f}"


def attrs(**values: object) -> str:
    """` name="value"` pairs, escaped; underscores become dashes (data_label → data-label)."""
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{esc(v)}"'
        for name, v in values.items()
        if v is not None
    )


def svg(width: float, height: float, title: str, body: Iterable[str], cls: str) -> str:
    """The chart's root: a white card (readable on a dark page too), `title` for screen readers."""
    head = (
        f'<svg class="{esc(cls)}" role="img" aria-label="{esc(title)}" width="{px(width)}" '
        f'height="{px(height)}" viewBox="0 0 {px(width)} {px(height)}" font-family="{esc(FONT)}" '
        f'font-size="12" style="max-width:100%;height:auto">'
    )
    card = f'<rect width="{px(width)}" height="{px(height)}" fill="#fff" rx="6"></rect>'
    return f"{head}<title>{esc(title)}</title>{card}{''.join(body)}</svg>"


def text(x: float, y: float, content: str, anchor: str = "start", **extra: object) -> str:
    """`content` escaped; `fill` defaults to INK; other keywords become attributes."""
    fill = extra.pop("fill", INK)
    return (
        f'<text x="{px(x)}" y="{px(y)}" text-anchor="{anchor}" fill="{fill}"{attrs(**extra)}>'
        f"{esc(content)}</text>"
    )


def text_with(x: float, y: float, parts: list[tuple[str, str]], **extra: object) -> str:
    """One line in several colours: [(content, fill), …] as <tspan>s, each escaped."""
    spans = "".join(f'<tspan fill="{fill}">{esc(content)}</tspan>' for content, fill in parts)
    return f'<text x="{px(x)}" y="{px(y)}"{attrs(**extra)}>{spans}</text>'


def rect(x: float, y: float, width: float, height: float, fill: str, **extra: object) -> str:
    return (
        f'<rect x="{px(x)}" y="{px(y)}" width="{px(max(width, 0.0))}" height="{px(height)}" '
        f'fill="{fill}"{attrs(**extra)}></rect>'
    )


def line(x1: float, y1: float, x2: float, y2: float, stroke: str, **extra: object) -> str:
    return (
        f'<line x1="{px(x1)}" y1="{px(y1)}" x2="{px(x2)}" y2="{px(y2)}" '
        f'stroke="{stroke}"{attrs(**extra)}></line>'
    )


def title(content: str) -> str:
    """A tooltip for the element it is placed in."""
    return f"<title>{esc(content)}</title>"


def nice_ticks(top: float, most: int = 6) -> list[float]:
    """0 and evenly spaced round steps up to at least `top`: 25e9 → [0, 5e9, …, 25e9].

    >>> nice_ticks(25e9)
    [0.0, 5000000000.0, 10000000000.0, 15000000000.0, 20000000000.0, 25000000000.0]
    >>> nice_ticks(0.87)
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    """
    step = nice_step(top / (most - 1)) if top > 0 else 1.0
    count = max(1, math.ceil(top / step - 1e-9))
    return [round(i * step, 12) for i in range(count + 1)]


def nice_step(rough: float) -> float:
    """The smallest round step (1, 2, 2.5 or 5 times a power of ten) at least `rough`."""
    if rough <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(rough))
    return next(s * power for s in NICE_STEPS if s * power >= rough - 1e-12)


def short(value: float) -> str:
    """A number with a K/M/B/T suffix: 2.5e9 → "2.5B", 120 → "120"."""
    for scale, suffix in _SCALES:
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def in_unit(value: float, kind: str, unit: str) -> str:
    """A tick or bar value in the figure's unit: money "$5B", percent "30%", counts "100K".

    >>> in_unit(5e9, "money", "USD"), in_unit(87, "percent", "%"), in_unit(1e5, "count", "")
    ('$5B', '87%', '100K')
    >>> in_unit(620, "measure", "m")
    '620 m'

    """
    if kind == "money":
        sign = _CURRENCY.get(unit, "")
        return f"{sign}{short(value)}" if sign else f"{short(value)} {unit}".strip()
    if kind == "percent":
        return f"{value:.3g}%"
    if kind == "measure":  # in its base unit: "620 m", "9M kg"
        return f"{short(value)} {unit}"
    return short(value)


def clip(content: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where one is near, with "…"."""
    content = " ".join(content.split())
    if len(content) <= limit:
        return content
    cut = content[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:—-") + "…"
