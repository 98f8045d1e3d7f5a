"""What a question is about, as opposed to how it asks: its topic terms.

Does NOT say what kind of answer it wants (cues.py).
"""

from __future__ import annotations

from rag.text.tokens import tokenize

# Words that say what kind of answer is wanted, not what it is about (already stemmed).
_ASKING = {
    "how",
    "much",
    "mani",
    "what",
    "which",
    "who",
    "when",
    "where",
    "whi",
    "doe",
    "did",
    "is",
    "are",
    "wa",
    "were",
    "can",
    "roughli",
    "about",
    "accord",
    "articl",
    "sourc",
    "year",
    "dollar",
    "percentag",
    "percent",
    "number",
    "amount",
    "date",
    "month",
}


def topic_terms(question: str) -> list[str]:
    """The question's stemmed terms less the asking words, in order:
    "How much did Amazon invest?" → ["amazon", "invest"]."""
    return [t for t in tokenize([question])[0] if t not in _ASKING]
