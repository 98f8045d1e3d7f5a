"""A follow-up question + the earlier answers → a standalone question (chain.ask asks it).

The English is in text/rewrite.py; this module only hands it what each earlier answer said.
Does NOT search or answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.schema import Answer
from rag.text.followup import Turn
from rag.text.rewrite import rewrite as rewrite_turns


def turn(answer: Answer) -> Turn:
    """What a follow-up can refer back to in `answer`: its question and its first quote."""
    quote = "" if answer.abstained or not answer.citations else answer.citations[0].quote
    return Turn(answer.understood_as or answer.question, quote)


def rewrite(question: str, history: Sequence[Answer]) -> str:
    """The standalone form of `question` after the answers in `history` (oldest first); "" when
    it stands alone already.

    >>> before = [Answer(question="How much has Amazon invested in Anthropic?", text="",
    ...                  abstained=False)]
    >>> rewrite("And Google?", before)
    'How much has Google invested in Anthropic?'
    """
    return rewrite_turns(question, [turn(a) for a in history])
