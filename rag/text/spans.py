"""Regex readings of a text, most specific pattern first, no stretch of text read twice.

The one matching loop of text/dates.py and text/figures.py: "$10–$15 billion" is read once, as a
range, not again as "$15 billion". Does NOT know what any pattern means (its caller's `read` does).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

K = TypeVar("K")
T = TypeVar("T")


def read_spans(
    text: str,
    patterns: Sequence[tuple[K, re.Pattern[str]]],
    read: Callable[[K, re.Match[str]], T | None],
) -> list[T]:
    """`read(kind, match)` for every match of each pattern in turn; a match overlapping a span
    already read is skipped, and one that `read` turns down (None) takes nothing. The readings
    come back in the order their matches start in `text`."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, T]] = []
    for kind, pattern in patterns:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            reading = read(kind, m)
            if reading is not None:
                taken.append((m.start(), m.end()))
                found.append((m.start(), reading))
    return [reading for _, reading in sorted(found, key=lambda pair: pair[0])]
