"""Physical quantities written with a unit, and which one a question asks for. Pure regexes and
a table of units.

"a 620-metre crossing" → 620 (m); "1,230 km (760 mi)" → 1,230,000 (m) and 1,223,101 (m);
"9,000 tonnes" → 9,000,000 (kg); "How tall is the tower?" asks for a length ("m").
Does NOT read money, shares, counts or spans of time (figures.py, cues.py), nor decide what a
measure is about (answer/disagreements.py does, from the words around it).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.numbers import NUM, NUMBER_WORD, RANGE_DASH, count_value

# Each unit as English and the SI write it: (pattern, base unit, size in the base unit). Words
# match in any case; symbols only as written, so "5 M" (million) is no metre and "mW" no "MW".
# US and imperial tons alike are read as tonnes: sources writing "9,000 tons" against "9,000
# tonnes" mean the same steel far more often than they mean 9 % apart.
_UNITS: list[tuple[str, str, float]] = [
    # area, before length: "square kilometres" is no kilometre
    (r"(?i:square\s+kilomet(?:re|er)s?|sq\.?\s?km)|km(?:²|2\b)", "m²", 1e6),
    (r"(?i:square\s+met(?:re|er)s?|sq\.?\s?m\b)|m(?:²|2\b)", "m²", 1.0),
    (r"(?i:square\s+miles?|sq\.?\s?mi(?:les?)?\b)", "m²", 2_589_988.0),
    (r"(?i:square\s+f(?:ee|oo)t|sq\.?\s?ft\b)|ft(?:²|2\b)", "m²", 0.092903),
    (r"(?i:hectares?)|\bha\b", "m²", 1e4),
    (r"(?i:acres?)", "m²", 4046.856),
    # speed, before length and volume: "km/h" is no kilometre
    (r"(?i:kilomet(?:re|er)s?\s+(?:per|an|a)\s+hour)|km/h|kph\b|kmh\b", "m/s", 1 / 3.6),
    (r"(?i:miles?\s+(?:per|an|a)\s+hour)|mph\b", "m/s", 0.44704),
    (r"(?i:met(?:re|er)s?\s+per\s+second)|m/s\b", "m/s", 1.0),
    (r"(?i:knots?)", "m/s", 0.514444),
    # volume, before length: "cubic metres" is no metre
    (r"(?i:cubic\s+met(?:re|er)s?)|m(?:³|3\b)", "l", 1000.0),
    (r"(?i:cubic\s+centimet(?:re|er)s?)|cc\b|cm(?:³|3\b)", "l", 0.001),
    (r"(?i:millilit(?:re|er)s?)|ml\b", "l", 0.001),
    (r"(?i:lit(?:re|er)s?)", "l", 1.0),
    (r"(?i:gallons?)", "l", 3.785411),
    (r"(?i:barrels?)", "l", 158.987),
    # length
    (r"(?i:kilomet(?:re|er)s?)|km\b", "m", 1000.0),
    (r"(?i:centimet(?:re|er)s?)|cm\b", "m", 0.01),
    (r"(?i:millimet(?:re|er)s?)|mm\b", "m", 0.001),
    (r"(?i:micromet(?:re|er)s?|microns?)|[µμ]m\b", "m", 1e-6),
    (r"(?i:nanomet(?:re|er)s?)|nm\b", "m", 1e-9),
    (r"(?i:met(?:re|er)s?)", "m", 1.0),
    (r"(?i:nautical\s+miles?)", "m", 1852.0),
    (r"(?i:miles?)|mi\b", "m", 1609.344),
    (r"(?i:yards?)|yd\b", "m", 0.9144),
    (r"(?i:feet|foot)|ft\b", "m", 0.3048),
    (r"(?i:inch(?:es)?)", "m", 0.0254),
    # mass ("pounds" is left out: "5 million pounds" is money as often as weight)
    (r"(?i:kilograms?|kilos?)|kg\b", "kg", 1.0),
    (r"(?i:milligrams?)|mg\b", "kg", 1e-6),
    (r"(?i:grams?)", "kg", 0.001),
    (r"(?i:tonnes?|tons?)", "kg", 1000.0),
    (r"lbs?\b", "kg", 0.453592),
    (r"(?i:ounces?)|oz\b", "kg", 0.0283495),
    # energy, before power: "kWh" is no kilowatt
    (r"(?i:kilowatt[- ]hours?)|kWh\b", "Wh", 1e3),
    (r"(?i:megawatt[- ]hours?)|MWh\b", "Wh", 1e6),
    (r"(?i:gigawatt[- ]hours?)|GWh\b", "Wh", 1e9),
    (r"(?i:terawatt[- ]hours?)|TWh\b", "Wh", 1e12),
    (r"(?i:watt[- ]hours?)|Wh\b", "Wh", 1.0),
    (r"(?i:kilowatts?)|kW\b", "W", 1e3),
    (r"(?i:megawatts?)|MW\b", "W", 1e6),
    (r"(?i:gigawatts?)|GW\b", "W", 1e9),
    (r"(?i:terawatts?)|TW\b", "W", 1e12),
    (r"(?i:watts?)", "W", 1.0),
]
_SCALE = r"thousand|million|billion"
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
# A number, a range's end, a scale word, then the unit, joined by a space or a hyphen ("a
# 620-metre bridge"). A bare "m" needs the space before it: "5m" is five million as often as five
# metres, "400 m" is a distance.
MEASURE = re.compile(
    rf"(?<![\w.,])(?P<a>{NUM}|(?i:{NUMBER_WORD}|half\s+an?))(?:{RANGE_DASH}(?P<b>{NUM}))?"
    rf"(?:\s(?P<scale>(?i:{_SCALE})))?"
    rf"(?:[\s-]?(?P<unit>{'|'.join(f'(?:{pattern})' for pattern, _, _ in _UNITS)})"
    r"|\s(?P<bare>m)\b)"
    r"(?![\w²³/])"
)
_COMPILED = [(re.compile(rf"(?:{pattern})$"), base, size) for pattern, base, size in _UNITS]

# What each base unit measures, for a summary: "Sources differ on the length: …".
NOUNS = {
    "m": "length",
    "m²": "area",
    "m/s": "speed",
    "l": "volume",
    "kg": "weight",
    "W": "power",
    "Wh": "energy",
}


def read_measure(match: re.Match[str]) -> tuple[float, float | None, str] | None:
    """A MEASURE match's value and range end in its base unit, and the base unit.

    >>> read_measure(MEASURE.search("a 620-metre crossing"))
    (620.0, None, 'm')
    >>> read_measure(MEASURE.search("between 2 to 3 km apart"))
    (2000.0, 3000.0, 'm')
    """
    groups = match.groupdict()
    unit = groups["unit"] or groups["bare"]
    base, size = _unit(unit)
    scale = _SCALES.get((groups["scale"] or "").lower(), 1.0) * size
    value = _number(groups["a"])
    high = _number(groups["b"]) if groups["b"] else None
    if value is None:
        return None
    return value * scale, (high * scale if high is not None else None), base


def _unit(unit: str) -> tuple[str, float]:
    for pattern, base, size in _COMPILED:
        if pattern.match(unit):
            return base, size
    return "m", 1.0  # the bare "m"


def _number(raw: str) -> float | None:
    return 0.5 if raw.lower().startswith("half") else count_value(raw)  # "half a mile"


# What a question asks to be measured, by the English words for it. "How long …?" asks for a
# length or a span of time (cues.py prefers either); "area" only as a measure ("the area of",
# "total area"), not as a region ("In what area …?").
_ASKED: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\bhow\s+(?:long|tall|high|deep|wide|far|thick)\b"
            r"|\b(?:length|height|width|depth|distance|elevation|altitude|diameter|radius"
            r"|wingspan|thickness)\b",
            re.I,
        ),
        "m",
    ),
    (re.compile(r"\bhow\s+heavy\b|\b(?:weight|mass)\b|\bweigh(?:s|ed)?\b", re.I), "kg"),
    (
        re.compile(
            r"\b(?:the\s+area\s+of|(?:total|land|surface|floor)\s+area|how\s+much\s+land"
            r"|square\s+(?:miles|kilomet(?:re|er)s|met(?:re|er)s|feet))\b",
            re.I,
        ),
        "m²",
    ),
    (re.compile(r"\b(?:top|maximum|average|cruising)?\s*speed\b", re.I), "m/s"),
    (re.compile(r"\bvolume\b|\bhow\s+much\s+(?:water|oil|fuel)\b", re.I), "l"),
    (re.compile(r"\bhow\s+much\s+(?:power|electricity)\b|\bgigawatts?|megawatts?\b", re.I), "W"),
    (re.compile(r"\bhow\s+much\s+energy\b", re.I), "Wh"),
]


@lru_cache(maxsize=256)
def asked_unit(question: str) -> str | None:
    """The base unit of what the question asks to be measured, or None.

    >>> asked_unit("How tall is the main tower?"), asked_unit("What is the weight of the deck?")
    ('m', 'kg')
    >>> asked_unit("In what area of the city is the bridge?") is None
    True
    """
    for pattern, base in _ASKED:
        if pattern.search(question):
            return base
    return None


# Words naming one dimension, as a question and a sentence may write it ("How tall …?" and "a
# height of 95 m"); English, not fitted.
_DIMENSIONS = [
    frozenset("tall high height elevation altitude".split()),
    frozenset("long length".split()),
    frozenset("wide width broad breadth".split()),
    frozenset("deep depth".split()),
    frozenset("thick thickness".split()),
    frozenset("diameter across".split()),
    frozenset("heavy weight weigh weighs weighed weighing".split()),
]


def dimension_words(question: str) -> set[str]:
    """The words for the dimension the question asks about.

    >>> sorted(dimension_words("How tall is the tower?"))
    ['altitude', 'elevation', 'height', 'high', 'tall']
    """
    asked = set(re.findall(r"[a-z]+", question.lower()))
    return set().union(*(words for words in _DIMENSIONS if words & asked))
