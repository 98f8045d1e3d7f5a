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
# encyclopedia writes small numbers out; news mostly does not).
COUNT_WORD = (
    f"{NUMBER_WORD}|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
    "nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|dozen"
)
PERCENT_SIGN = r"(?:%|percent\b|per cent\b)"  # after a number: "30%", "30 percent", "30 per cent"
