"""Names and figures a question mentions, as stemmed terms.

Does NOT find names in sentences (anaphora.py, followup.py) or say what a name is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.tokens import terms

_WORDS = re.compile(r"[\w'’.-]+")


@lru_cache(maxsize=256)
def question_entities(question: str) -> frozenset[str]:
    """Stemmed names and figures in a question: "Who is the CEO of Nvidia?" → {"ceo", "nvidia"}."""
    words = _WORDS.findall(question)[1:]
    named = [w for w in words if w[0].isupper() or any(c.isdigit() for c in w)]
    return terms(" ".join(named))
