"""Names: the patterns a capitalised name is read by, and the names and figures a question
mentions, as stemmed terms.

Does NOT say whom a name is (a person, a company): cues.py only guesses at people.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.tokens import terms

_WORDS = re.compile(r"[\w'’.-]+")
# A capitalised word: "Pfizer", "O’Neil", "GPT-4".
CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*")
# A run of capitalised words, through the small words inside names: "Bank of America",
# "Vincent van Gogh", "AT&T", "Johnson & Johnson".
NAME_RUN = re.compile(r"\b[A-Z][\w&'’.-]*(?:\s+(?:(?:of|de|da|van|von|&)\s+)?[A-Z][\w&'’.-]*)*")
# Capitalised words run together, through "&" only: "CEO of Amazon" stays two names, so that a
# follow-up ("And Nvidia?") swaps "Amazon" and keeps the title (NAME_RUN made it one).
CAPITALISED_RUN = re.compile(r"\b[A-Z][\w&'’.-]*(?:\s+(?:&\s+)?[A-Z][\w&'’.-]*)*")
POSSESSIVE = re.compile(r"[’']s$")  # "Amazon’s" → "Amazon"


@lru_cache(maxsize=256)
def question_entities(question: str) -> frozenset[str]:
    """Stemmed names and figures in a question: "Who is the CEO of Nvidia?" → {"ceo", "nvidia"}."""
    words = _WORDS.findall(question)[1:]
    named = [w for w in words if w[0].isupper() or any(c.isdigit() for c in w)]
    return terms(" ".join(named))
