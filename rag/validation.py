"""Checks on what users type, before it reaches retrieval. Does NOT judge relevance.

"  How much?\x07 " → "How much?"; "" → QuestionError("The question is empty. …")
"""

from __future__ import annotations

import re
import unicodedata

from rag.errors import QuestionError

_SPACE = re.compile(r"\s+")


def clean_question(question: str, max_chars: int) -> str:
    """Strip control characters and extra white space; refuse empty or oversized questions."""
    if len(question) > max_chars:
        raise QuestionError(
            f"The question is {len(question):,} characters long; the limit is {max_chars:,}. "
            "Ask something shorter."
        )
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in question)
    text = _SPACE.sub(" ", kept).strip()
    if not text:
        raise QuestionError("The question is empty. Type a question about the articles.")
    if not any(c.isalnum() for c in text):
        raise QuestionError(
            f"The question “{text[:40]}” has no words to look for, only marks or symbols. "
            "Type a question about the articles."
        )
    return text
