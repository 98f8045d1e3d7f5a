"""Whether a sentence says a name has something, or lacks it: "Amazon has its own AI models"
against "Amazon lacks a first-party frontier model".

Does NOT decide that two sentences disagree (answer/disagreements.py does, when they share enough
words).
"""

from __future__ import annotations

import re
from functools import lru_cache

# "Amazon has …" against "Amazon lacks …": a name, then a verb that affirms or denies having,
# offering or competing.
_NAME = r"\b([A-Z][\w-]+)(?:’s|'s)?\s+(?:\w+ly\s+)?"
_AFFIRMS = re.compile(_NAME + r"(?:has|have|owns?|competes?|offers?|includes?|supports?)\b")
_DENIES = re.compile(
    _NAME + r"(?:lacks?|has no|have no|(?:does not|doesn[’']t) (?:have|own|compete|offer|include|"
    r"support)|no longer \w+)\b"
)


@lru_cache(maxsize=1 << 16)
def affirmed_names(text: str) -> frozenset[str]:
    """ "Amazon has its own AI models" → {"Amazon"}."""
    return frozenset(m.group(1) for m in _AFFIRMS.finditer(text))


@lru_cache(maxsize=1 << 16)
def denied_names(text: str) -> frozenset[str]:
    """ "Amazon lacks a first-party frontier model" → {"Amazon"}."""
    return frozenset(m.group(1) for m in _DENIES.finditer(text))
