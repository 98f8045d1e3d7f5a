"""Near-miss questions for training the judge: one name, number or word of an answerable
question changed so that its sentence no longer answers it ("Who won in 1998?" → "Who won in
2003?", "Which is the largest?" → "Which is the smallest?", "Did it ship?" → "Did it not ship?").

Does NOT pick the replacement pool (judge/data.py gathers an article's names and numbers).
"""

from __future__ import annotations

import random
import re

# Its own name, number and auxiliary patterns (not names.py's or followup.py's): the committed
# judge was trained on the pairs these made, and `make judge` must make the same pairs again.
_NAME = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of|the|de|du|von|van|and)?\s*[A-Z][\w'’-]*)*")
_NUMBER = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")
_YEAR = re.compile(r"1\d{3}|20\d{2}")
_ANTONYMS = dict(
    pair
    for a, b in [
        ("first", "last"),
        ("largest", "smallest"),
        ("most", "least"),
        ("highest", "lowest"),
        ("before", "after"),
        ("earliest", "latest"),
        ("increase", "decrease"),
        ("north", "south"),
        ("east", "west"),
        ("older", "younger"),
        ("more", "fewer"),
        ("win", "lose"),
        ("won", "lost"),
        ("maximum", "minimum"),
    ]
    for pair in ((a, b), (b, a))
)
_AUX = re.compile(r"\b(is|was|are|were|did|does|do|can|could|has|have|had|will|would)\s+(?=\w)")


def near_miss(question: str, seen: str, names: list[str], rng: random.Random) -> str | None:
    """The question with one name, number or word changed for one that `seen` (the answering
    text) does not hold, so that it no longer answers it; None when nothing can be changed."""
    swaps = [m for m in mentions(question) if m.start() > 0]
    rng.shuffle(swaps)
    for mention in swaps:
        kind = _kind(mention.group())
        fits = [n for n in names if _kind(n) == kind and n not in seen and n != mention.group()]
        if fits:
            new = rng.choice(fits)
            return question[: mention.start()] + new + question[mention.end() :]
    words = [m for m in re.finditer(r"\w+", question) if m.group().lower() in _ANTONYMS]
    if words:
        w = rng.choice(words)
        return question[: w.start()] + _ANTONYMS[w.group().lower()] + question[w.end() :]
    aux = _AUX.search(question)
    if aux and rng.random() < 0.5:
        return question[: aux.end()] + "not " + question[aux.end() :]
    return None


def mentions(text: str) -> list[re.Match[str]]:
    return [*_NAME.finditer(text), *_NUMBER.finditer(text)]


def _kind(mention: str) -> str:
    if _YEAR.fullmatch(mention):
        return "year"
    return "number" if mention[0].isdigit() else "name"
