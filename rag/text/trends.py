"""Which way a sentence says something moved: "phosphorus levels rose by 15%" → "up", "levels
in the lake have fallen over the last five years" → "down"; and whether a question asks which
way ("Have phosphorus levels risen or fallen?").

Does NOT decide that two sources disagree (answer/disagreements.py does, for statements about
the same thing). English verbs of rising and falling, as written in news and reports.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.tokens import terms

_UP_WORDS = (
    "rose risen rise rises rising increase increased increases increasing grew grown grow grows "
    "growing climbed climbs climbing jumped jumps soared soars doubled tripled"
).split()
_DOWN_WORDS = (
    "fell fallen fall falls falling dropped drops dropping decline declined declines declining "
    "decrease decreased decreases decreasing shrank shrunk shrinks shrinking slumped slumps "
    "plunged plunges halved"
).split()
_UP = re.compile(rf"\b(?:{'|'.join(_UP_WORDS)}|up from|higher than)\b", re.I)
_DOWN = re.compile(rf"\b(?:{'|'.join(_DOWN_WORDS)}|down from|lower than)\b", re.I)
_WAYS = "|".join(_UP_WORDS + _DOWN_WORDS)
# A question asking which way, not one that only uses such a word ("What about Luther declined
# as his antisemitism increased?" asks what declined): a yes/no question about a move ("Have
# levels risen?"), "X or Y" of two ways, "up or down", or "How has X changed?".
_ASKS = re.compile(
    rf"^\W*(?:has|have|had|did|does|do|is|are|was|were)\b.*\b(?:{_WAYS}|gone (?:up|down))\b"
    rf"|\b(?:{_WAYS}|up) or (?:{_WAYS}|down)\b"
    r"|\bhow (?:has|have|had|did|does|do)\b.*\bchang(?:e|ed)\b",
    re.I,
)
# The words that only say which way: two statements must share words beyond these to be about
# the same thing.
DIRECTION_TERMS = terms(" ".join(_UP_WORDS + _DOWN_WORDS) + " change trend up down higher lower")


def asks_direction(question: str) -> bool:
    """ "Have phosphorus levels risen or fallen?", "How has ridership changed?" → True."""
    return bool(_ASKS.search(question))


@lru_cache(maxsize=1 << 16)
def direction_of(text: str) -> str | None:
    """ "levels rose by 15%" → "up"; "have fallen" → "down"; both or neither → None."""
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    if up == down:
        return None
    return "up" if up else "down"
