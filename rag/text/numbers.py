"""Numbers written as words, and how a percentage is written: shared by what a question wants
(cues.py) and what a sentence states (figures.py).

Does NOT parse a figure (figures.py does).
"""

from __future__ import annotations

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
NUMBER_WORD = "|".join(NUMBER_WORDS)  # for a regex: "one|two|…|ten"
# What can count things in words, for "How many …?": "four nations", "seven interceptions" (an
# encyclopedia writes small numbers out; news mostly does not), with their values.
_TEENS = "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
COUNT_WORDS = {
    **NUMBER_WORDS,
    **{w: 11 + n for n, w in enumerate(_TEENS)},
    **{w: 20 + 10 * n for n, w in enumerate(_TENS)},
    "dozen": 12,
}
COUNT_WORD = "|".join(COUNT_WORDS)  # for a regex: "one|…|ninety|dozen"
PERCENT_SIGN = r"(?:%|percent\b|per cent\b)"
# For a regex: a number in digits ("1,230", "2.5") and what joins a range's two ends ("30–40",
# "2 to 3"), as figures.py and measures.py read them.
NUM = r"\d[\d,]*(?:\.\d+)?"
RANGE_DASH = r"\s?(?:–|—|-|to)\s?"  # after a number: "30%", "30 percent", "30 per cent"


def count_value(raw: str) -> float | None:
    """The value of a count written in digits or in one word: "1,417" → 1417.0, "Eight" → 8.0;
    None for anything else.

    >>> count_value("31,000"), count_value("Eight"), count_value("forty"), count_value("dozen")
    (31000.0, 8.0, 40.0, 12.0)
    >>> count_value("a few"), count_value("several")
    (None, None)
    """
    word = raw.strip().lower()
    if word in COUNT_WORDS:
        return float(COUNT_WORDS[word])
    try:
        return float(word.replace(",", ""))
    except ValueError:
        return None
