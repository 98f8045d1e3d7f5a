"""rag/cues.py: what a question asks for, and which kinds of answer a sentence holds."""

from __future__ import annotations

import pytest

from rag.cues import asks_status, cue_match, kinds_in, wanted_kinds


@pytest.mark.parametrize(
    "text",
    [
        "Anthropic is integrated into Microsoft's Foundry 12—reveals it.",
        "Claude Code Desktop is similarly accessible through Bedrock 32,33, and more.",
        "Anthropic trains its most advanced models on AWS Trainium 25, embedding its core.",
    ],
)
def test_bare_reference_numbers_are_no_figure(text: str) -> None:
    assert not kinds_in(text) & {"number", "count"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Over 100,000 customers run Claude.", "count"),
        ("It will run for over 10 years.", "number"),
        ("Google invested $2 billion.", "money"),
        ("Costs fell by 55%.", "percent"),
    ],
)
def test_real_figures_are_kept(text: str, kind: str) -> None:
    assert kind in kinds_in(text)


def test_the_most_specific_wanted_kind_scores_highest() -> None:
    kinds = wanted_kinds("How much has Google put into Anthropic?")
    assert kinds[0] == "money"
    assert cue_match(kinds, "Google invested $2 billion.") == 1.0
    assert cue_match(kinds, "Google's 8th-generation TPUs are central.") == 0.6
    assert cue_match(kinds, "Google is a partner.") == 0.0


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Can customers already use the Claude Platform?", True),
        ("Is the Claude Platform on AWS still upcoming?", True),
        ("How many customers run Claude on Bedrock?", False),
    ],
)
def test_questions_about_availability(question: str, asks: bool) -> None:
    assert asks_status(question) is asks
