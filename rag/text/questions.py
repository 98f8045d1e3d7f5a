"""What a question is about, as opposed to how it asks: its topic terms.

Does NOT say what kind of answer it wants (cues.py).
"""

from __future__ import annotations

from rag.text.tokens import stems, tokenize

# Words that say what kind of answer is wanted, not what it is about.
_ASKING = stems(
    "how much many what which who when where why does did were can roughly about according article "
    "source year dollar percentage percent number amount date month"
)


def topic_terms(question: str) -> list[str]:
    """The question's stemmed terms less the asking words, in order:
    "How much did Amazon invest?" → ["amazon", "invest"]."""
    return [t for t in tokenize([question])[0] if t not in _ASKING]
