"""Numbers in a sentence, normalised to value + unit (+ range, + qualifiers like "up to").

"a potential $25 billion" → Figure(kind="money", value=25e9, unit="USD", qualifiers=["potential"])
"30–40%" → Figure(kind="percent", value=30, high=40, unit="%")
"a 620-metre bridge" → Figure(kind="measure", value=620, unit="m") (units: measures.py)
Does NOT decide what a figure is about (answer/comparison.py does, from the words around it).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from rag.text.dates import MONTH_NAMES, MONTHS, YEAR
from rag.text.kinds import FigureKind
from rag.text.measures import MEASURE, read_measure
from rag.text.numbers import NUM, NUMBER_WORD, NUMBER_WORDS, PERCENT_SIGN, RANGE_DASH
from rag.text.spans import read_spans


class Figure(BaseModel):
    """A number stated in a sentence, normalised: "$10–$15 billion" → 10e9..15e9 USD."""

    model_config = ConfigDict(frozen=True)

    raw: str
    kind: FigureKind
    value: float
    high: float | None = None
    unit: str = ""
    qualifiers: list[str] = []
    start: int = Field(ge=0)
    end: int = Field(ge=0)


_SCALE = r"trillion|billion|million|thousand|bn|tn"
_WORDS = {**NUMBER_WORDS, "half a": 0.5}
_SCALES = {"trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "thousand": 1e3}
_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP"}
QUALIFIERS = (
    "up to",
    "potential",
    "additional",
    "cumulative",
    "estimated",
    "nearly",
    "over",
    "more than",
    "approximately",
    "about",
    "at least",
    "roughly",
    "around",
    "expected",
    "projected",
    "reportedly",
    "almost",
    "another",
    "total",
)

_PATTERNS: list[tuple[FigureKind, re.Pattern[str]]] = [
    (
        "money",
        re.compile(
            rf"(?P<cur>[$€£])\s?(?P<a>{NUM})(?:\s?(?P<s1>{_SCALE}))?(?:{RANGE_DASH}[$€£]?(?P<b>{NUM}))?"
            rf"(?:\s?(?P<scale>{_SCALE}))?\b",
            re.I,
        ),
    ),
    (
        "money",
        re.compile(
            rf"(?P<a>{NUM})(?:{RANGE_DASH}(?P<b>{NUM}))?\s(?P<scale>{_SCALE})\s(?:dollars|usd)\b",
            re.I,
        ),
    ),
    ("percent", re.compile(rf"(?P<a>{NUM})(?:%?{RANGE_DASH}(?P<b>{NUM}))?\s?{PERCENT_SIGN}", re.I)),
    ("multiplier", re.compile(rf"(?P<a>{NUM})\s?[×x](?![\w])", re.I)),
    (
        "multiplier",
        re.compile(
            rf"\b(?P<w>{NUMBER_WORD})"
            r"(?:fold|\s+times)\b",
            re.I,
        ),
    ),
    # before counts and years: "9,000 tonnes" is a weight, "2.2 million square feet" an area
    ("measure", MEASURE),
    ("date", re.compile(rf"\b(?P<m>{MONTH_NAMES})\s+(?P<y>{YEAR})\b", re.I)),
    ("count", re.compile(r"\b(?P<w>half a)\s(?P<scale>million|billion)\b", re.I)),
    (
        "count",
        re.compile(rf"\b(?P<a>{NUM})(?:{RANGE_DASH}(?P<b>{NUM}))?\s(?P<scale>{_SCALE})\b", re.I),
    ),
    ("count", re.compile(r"\b(?P<a>\d{1,3}(?:,\d{3})+)\b")),
    ("date", re.compile(rf"\b(?P<y>{YEAR})\b")),
]


def extract_figures(text: str, offset: int = 0) -> list[Figure]:
    """All figures in `text`, left to right; `offset` shifts start/end into the article."""
    return list(_figures(text, offset))


# `compare` reads the figures of every source that addresses a question, and the next question
# reaches most of the same sentences (syndicated copies too): one reading each (Figure is frozen).
@lru_cache(maxsize=1 << 16)
def _figures(text: str, offset: int) -> tuple[Figure, ...]:
    return tuple(read_spans(text, _PATTERNS, lambda kind, m: _figure(kind, m, text, offset)))


def _figure(kind: FigureKind, m: re.Match[str], text: str, offset: int) -> Figure | None:
    groups = {k: v for k, v in m.groupdict().items() if v}
    if kind == "date":
        return _date(m, groups, offset)
    if kind == "measure":
        return _measure(m, text, offset)
    value = _WORDS[groups["w"].lower()] if "w" in groups else _number(groups["a"])
    if value is None:
        return None
    scale = _SCALES.get((groups.get("scale") or groups.get("s1") or "").lower(), 1.0)
    high = _number(groups["b"]) if "b" in groups else None
    return Figure(
        raw=m.group(),
        kind=kind,
        value=value * scale,
        high=high * scale if high else None,
        unit=_unit(kind, groups),
        qualifiers=_qualifiers(text[: m.start()]),
        start=offset + m.start(),
        end=offset + m.end(),
    )


def _date(m: re.Match[str], groups: dict[str, str], offset: int) -> Figure:
    month = MONTHS.index(groups["m"].lower()) + 1 if "m" in groups else 0
    return Figure(
        raw=m.group(),
        kind="date",
        value=int(groups["y"]) + month / 100,
        unit="date",
        start=offset + m.start(),
        end=offset + m.end(),
    )


def _measure(m: re.Match[str], text: str, offset: int) -> Figure | None:
    """ "a 620-metre crossing" → 620 (unit "m"); every measure in its base unit (measures.py), so
    "1,230 km" and "760 mi" compare."""
    read = read_measure(m)
    if read is None:
        return None
    value, high, unit = read
    return Figure(
        raw=m.group(),
        kind="measure",
        value=value,
        high=high,
        unit=unit,
        qualifiers=_qualifiers(text[: m.start()]),
        start=offset + m.start(),
        end=offset + m.end(),
    )


def _number(raw: str) -> float | None:
    try:
        return float(raw.replace(",", "").rstrip("."))
    except ValueError:
        return None


def _unit(kind: str, groups: dict[str, str]) -> str:
    if kind == "money":
        return _CURRENCY.get(groups.get("cur", "$"), "USD")
    return {"percent": "%", "multiplier": "×"}.get(kind, "")


def _qualifiers(before: str) -> list[str]:
    """Qualifying words in the few words before a figure: "with up to an additional" → both."""
    window = " ".join(before.lower().split()[-5:])
    return [q for q in QUALIFIERS if re.search(rf"\b{q}\b", window)]
