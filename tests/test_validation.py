"""rag/validation.py: questions are cleaned, and unusable ones refused with a helpful message."""

from __future__ import annotations

import pytest

from rag.errors import QuestionError
from rag.validation import clean_question

LIMIT = 2000


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("  How much?\x07 ", "How much?"),
        ("How\tmuch\n\ndid Orion spend?", "How much did Orion spend?"),
        ("Who\x00 owns\x1f\x7f Lumen?", "Who owns Lumen?"),
        ("Wie viel hat Orion für Chips ausgegeben?", "Wie viel hat Orion für Chips ausgegeben?"),
    ],
)
def test_control_characters_and_extra_space_are_removed(typed: str, cleaned: str) -> None:
    assert clean_question(typed, LIMIT) == cleaned


@pytest.mark.parametrize("typed", ["", "   ", "\n\t", "\x00\x07", "\u200b"])
def test_empty_question_is_refused(typed: str) -> None:
    with pytest.raises(QuestionError, match=r"The question is empty\. Type a question"):
        clean_question(typed, LIMIT)


@pytest.mark.parametrize("typed", ["?!...", " ?? ", "\U0001f916\U0001f916", "$ %"])
def test_a_question_of_marks_or_symbols_only_is_refused_for_what_it_is(typed: str) -> None:
    """Not "empty": the person typed something, and is told why it cannot be looked up."""
    with pytest.raises(QuestionError, match=r"has no words to look for.*Type a question") as e:
        clean_question(typed, LIMIT)
    assert typed.strip() in str(e.value)


def test_question_at_the_limit_is_accepted() -> None:
    question = "a" * (LIMIT - 1) + "?"

    assert clean_question(question, LIMIT) == question


def test_overlong_question_is_refused_with_its_length_and_the_limit() -> None:
    with pytest.raises(QuestionError, match="2,001 characters long; the limit is 2,000"):
        clean_question("a" * (LIMIT + 1), LIMIT)
