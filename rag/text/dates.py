"""Date expressions in a sentence → spans of days with a precision, relative ones placed by the
article's publication date when it is known.

"cleared in September 2024" → DateMention("September 2024", month, 2024-09-01..2024-09-30);
"this year" with published 2025-03-02 → year 2025, resolved; without → relative, unplaced.
Does NOT decide what a date is about (answer/timeline.py does, from the sentence around it).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from rag.text.numbers import NUMBER_WORDS
from rag.text.spans import read_spans

DatePrecision = Literal["day", "month", "quarter", "year", "fiscal_year", "range", "relative"]
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_range(text: str) -> tuple[date, date]:
    """The first and last day a partial ISO date covers: "2024-11" → (2024-11-01, 2024-11-30).

    Raises ValueError for anything but YYYY, YYYY-MM or YYYY-MM-DD naming a real day.
    """
    found = _PARTIAL_DATE.fullmatch(text.strip())
    if not found:
        raise ValueError(f"{text!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in found.groups())
    assert year is not None
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day), date(year, month, day)
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from exc


# A year as its four digits, 1000–2099. Read as 1900–2099 before, which held for news but made
# history yearless: of the 286 "when" questions on the SQuAD v1.1 articles off the allowlist, 124
# have a gold year before 1900. In those articles and RAMDocs' pages nearly every 4-digit number
# from 1000 to 1899 is a year (one "some 1100 miles" in 60 sampled).
YEAR = r"(?:1\d|20)\d{2}"
MONTHS = (
    "january february march april may june july august september october november december"
).split()
# For a regex: the full names ("January|…|December"), capitalised for case-sensitive patterns;
# and every name or abbreviation ("jan", "sept", "september"), for case-insensitive ones.
MONTH_NAMES = "|".join(m.capitalize() for m in MONTHS)
WEEKDAY_NAMES = "(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"  # for a regex, as MONTH_NAMES
MONTH_WORD = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_ABBR = {m[:3]: i for i, m in enumerate(MONTHS, start=1)}
_MONTH = rf"(?P<m>{MONTH_WORD})\.?"
_YEAR = rf"(?P<y>{YEAR})"
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3}
_ORDINALS |= {"4th": 4}
# A part of a year: its first and last months.
_PARTS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11)}
_PARTS |= {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DASH = r"\s?(?:–|—|-|to|through)\s?"

# Most specific first: a span a pattern takes is not read again by a later one.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b{_YEAR}-(?P<mo>\d{{2}})-(?P<d>\d{{2}})\b")),
    ("day", re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I)),
    ("day", re.compile(rf"\b(?P<d>\d{{1,2}})\s+{_MONTH}\s+{_YEAR}\b", re.I)),
    (
        "range",
        re.compile(rf"\b(?:between|from)\s+{_YEAR}\s+(?:and|to)\s+(?P<y2>{YEAR})\b", re.I),
    ),
    ("range", re.compile(rf"\b{_YEAR}{_DASH}(?P<y2>{YEAR}|\d{{2}})\b(?!\s*%)")),
    ("quarter", re.compile(rf"\bq(?P<q>[1-4])\s*(?:of\s+)?{_YEAR}\b", re.I)),
    (
        "quarter",
        re.compile(
            rf"\b(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+"
            rf"(?:of\s+)?{_YEAR}\b",
            re.I,
        ),
    ),
    # "spring 2027", "late 2025", "mid-2026": part of a year (northern seasons; "winter 2026"
    # is left a year: it may mean either end of it)
    (
        "part",
        re.compile(
            rf"\b(?:(?:in|by)\s+)?(?:the\s+)?(?P<part>spring|summer|autumn|fall|early|mid|late)"
            rf"(?:\s+of|-)?\s*{_YEAR}\b",
            re.I,
        ),
    ),
    ("fiscal_year", re.compile(r"\b(?:fy\s?|fiscal\s+(?:year\s+)?)(?P<y>(?:19|20)?\d{2})\b", re.I)),
    ("since", re.compile(rf"\bsince\s+{_YEAR}\b", re.I)),
    ("month", re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.I)),
    ("year", re.compile(rf"(?<![$€£#\d.,]){_YEAR}\b(?!\s*%|,\d)")),  # not issue "#1412"
    ("decade", re.compile(r"\b(?:over|in|within)\s+the\s+(?P<n>next|coming)\s+decade\b", re.I)),
    # "over the last five years", "in the next 3 months": back or on from the day it was written
    (
        "span",
        re.compile(
            r"\b(?:over|in|during|for|within)\s+the\s+(?P<rel>last|past|previous|next|coming)\s+"
            rf"(?P<n>\d{{1,2}}|{'|'.join(NUMBER_WORDS)})\s+(?P<unit>years|months)\b",
            re.I,
        ),
    ),
    ("relative", re.compile(r"\b(?P<rel>this|last|next|previous)\s+(?P<unit>year|month)\b", re.I)),
    ("today", re.compile(r"\btoday\b", re.I)),
    # "voted on Tuesday": news dates the week's events by weekday; placed only by a full date.
    (
        "weekday",
        re.compile(rf"\b(?P<last>[Oo]n|[Ll]ast)\s+(?P<wd>{WEEKDAY_NAMES})\b"),
    ),
    ("bare_month", re.compile(rf"\b(?:in|by|since|until|from)\s+{_MONTH}\b(?!\s+\d)", re.I)),
]


@dataclass(frozen=True)
class DateMention:
    raw: str
    start: int  # character offsets, shifted like the sentence's
    end: int
    precision: DatePrecision
    first: date | None  # None: relative, and no publication date to place it by
    last: date | None
    resolved: bool = False


def find_dates(text: str, published: str | None = None, offset: int = 0) -> list[DateMention]:
    """Every date expression in `text`, left to right.

    >>> [(d.raw, d.precision, str(d.first)) for d in find_dates("cleared in September 2024")]
    [('September 2024', 'month', '2024-09-01')]
    >>> [(d.precision, str(d.first), d.resolved) for d in find_dates("this year", "2025-03")]
    [('year', '2025-01-01', True)]
    """
    first, last = date_range(published) if published else (None, None)

    def mention(kind: str, m: re.Match[str]) -> DateMention | None:
        if kind == "weekday" and (first is None or first != last):
            return None  # "on Tuesday" needs the day it was published to count back from
        return _mention(kind, m, first, offset)

    return read_spans(text, _PATTERNS, mention)


def _mention(kind: str, m: re.Match[str], anchor: date | None, offset: int) -> DateMention | None:
    g = {k: v for k, v in m.groupdict().items() if v}
    if kind == "bare_month" and not g["m"][0].isupper():  # "in may" is not "in May"
        return None
    try:
        span = _span(kind, g, anchor)
    except (ValueError, KeyError):
        return None  # "February 30 2024", an impossible range
    if span is None:
        return None
    precision, first, last, resolved = span
    return DateMention(
        m.group(), offset + m.start(), offset + m.end(), precision, first, last, resolved
    )


Span = tuple[DatePrecision, date | None, date | None, bool]


def _span(kind: str, g: dict[str, str], anchor: date | None) -> Span | None:
    year = int(g["y"]) if "y" in g else None
    if kind == "iso":
        day = date(int(g["y"]), int(g["mo"]), int(g["d"]))
        return "day", day, day, False
    if kind == "day":
        assert year is not None
        day = date(year, _month(g["m"]), int(g["d"]))
        return "day", day, day, False
    if kind == "month":
        assert year is not None
        return ("month", *_month_span(year, _month(g["m"])), False)
    if kind == "quarter":
        assert year is not None
        q = int(g["q"]) if g["q"].isdigit() else _ORDINALS[g["q"].lower()]
        return "quarter", date(year, 3 * q - 2, 1), _month_span(year, 3 * q)[1], False
    if kind == "part":
        assert year is not None
        first_month, last_month = _PARTS[g["part"].lower()]
        return "range", date(year, first_month, 1), _month_span(year, last_month)[1], False
    if kind == "fiscal_year":
        fiscal = int(g["y"]) if len(g["y"]) == 4 else 2000 + int(g["y"])
        return "fiscal_year", date(fiscal, 1, 1), date(fiscal, 12, 31), False
    if kind == "year":
        assert year is not None
        return "year", date(year, 1, 1), date(year, 12, 31), False
    if kind in ("range", "since"):
        return _range(kind, g, anchor)
    return _relative(kind, g, anchor)


def _range(kind: str, g: dict[str, str], anchor: date | None) -> Span | None:
    first = date(int(g["y"]), 1, 1)
    if kind == "since":  # "since 2023": to the article's date when known
        return "range", first, anchor, anchor is not None
    y2 = g["y2"] if len(g["y2"]) == 4 else g["y"][:2] + g["y2"]
    if int(y2) <= first.year or int(y2) - first.year > 50:  # "2024-25" is fine, "2024-2019" not
        return None
    return "range", first, date(int(y2), 12, 31), False


def _relative(kind: str, g: dict[str, str], anchor: date | None) -> Span:
    if anchor is None:
        return "relative", None, None, False
    if kind == "decade":
        return "range", anchor, date(anchor.year + 10, anchor.month, 1), True
    if kind == "today":
        return "day", anchor, anchor, True
    if kind == "span":  # "over the last five years" written on 2024-09-16: 2019-09-16 to then
        n = int(g["n"]) if g["n"].isdigit() else NUMBER_WORDS[g["n"].lower()]
        months = n * (12 if g["unit"].lower() == "years" else 1)
        ahead = g["rel"].lower() in ("next", "coming")
        other = _months_from(anchor, months if ahead else -months)
        return ("range", anchor, other, True) if ahead else ("range", other, anchor, True)
    if kind == "bare_month":  # "in February": that month of the article's year
        return ("month", *_month_span(anchor.year, _month(g["m"])), True)
    if kind == "weekday":  # "on Tuesday": the last Tuesday up to the day it was published
        back = (anchor.weekday() - _WEEKDAYS.index(g["wd"][:3])) % 7
        if not back and g["last"].lower() == "last":  # "last Monday", said on a Monday
            back = 7
        day = anchor - timedelta(days=back)
        return "day", day, day, True
    shift = {"this": 0, "last": -1, "previous": -1, "next": 1}[g["rel"].lower()]
    if g["unit"].lower() == "year":
        year = anchor.year + shift
        return "year", date(year, 1, 1), date(year, 12, 31), True
    months = anchor.year * 12 + anchor.month - 1 + shift
    return ("month", *_month_span(months // 12, months % 12 + 1), True)


def _months_from(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), kept inside a short month."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _month(name: str) -> int:
    return _MONTH_ABBR[name.lower()[:3]]


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
