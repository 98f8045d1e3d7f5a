"""The kinds of answer a question can want, in one place: what cues.py reads from a question,
figures.py reads from a sentence, and comparison and charts line up across sources.

Does NOT read any text. To add a kind: a member here, its question cue and sentence pattern in
cues.py, and (for a figure) its pattern in figures.py.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Kind(StrEnum):
    """An answer kind; a str, so `Kind.MONEY == "money"` and JSON holds the plain word."""

    MONEY = "money"
    PERCENT = "percent"
    COUNT = "count"
    MULTIPLIER = "multiplier"
    DATE = "date"
    PERSON = "person"
    DURATION = "duration"  # a span of time: "within nine days", "48 minutes", "a 21-minute"
    FREQUENCY = "frequency"  # how often: "every 12 weeks", "twice a year", "daily", "biennial"
    MEASURE = "measure"  # a physical quantity with its unit: "620 metres", "9,000 tonnes", "45 mph"
    NUMBER = "number"  # any figure at all: the fallback when a question wants a quantity


# The kinds a Figure can have (figures.py); a Literal so that pydantic validates it.
FigureKind = Literal["money", "percent", "count", "multiplier", "date", "measure"]
# Figures that can be set side by side across sources and disagree by value.
COMPARABLE = (Kind.MONEY, Kind.PERCENT, Kind.COUNT, Kind.MULTIPLIER, Kind.MEASURE)
# How a summary names a kind: "Sources differ on the amount: …".
NOUNS: dict[str, str] = {
    Kind.MONEY: "amount",
    Kind.PERCENT: "percentage",
    Kind.COUNT: "count",
    Kind.MULTIPLIER: "multiple",
    Kind.DATE: "date",
    Kind.MEASURE: "measurement",  # disagreements.py names the measure: "length", "weight"
}
