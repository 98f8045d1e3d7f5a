"""Figures are found and normalised the way an analyst reads them."""

from __future__ import annotations

import pytest

from rag.text.figures import extract_figures


@pytest.mark.parametrize(
    ("text", "kind", "value", "high", "qualifiers"),
    [
        ("Amazon invested $8 billion.", "money", 8e9, None, []),
        ("Why Amazon Committed 25 Billion Dollars", "money", 25e9, None, []),
        ("costs of $10–$15 billion", "money", 10e9, 15e9, []),
        ("worth an estimated $2–4 billion", "money", 2e9, 4e9, ["estimated"]),
        ("a potential $25 billion", "money", 25e9, None, ["potential"]),
        ("with up to an additional $20 billion", "money", 20e9, None, ["up to", "additional"]),
        ("30–40% better price-performance", "percent", 30, 40, []),
        ("across 743,000 employees", "count", 743_000, None, []),
        ("nearly half a million chips", "count", 500_000, None, ["nearly"]),
        ("delivers 4.9× the throughput", "multiplier", 4.9, None, []),
        ("five times more efficient", "multiplier", 5, None, []),
        ("finalized in November 2024", "date", 2024.11, None, []),
    ],
)
def test_figures_are_normalised(
    text: str, kind: str, value: float, high: float | None, qualifiers: list[str]
) -> None:
    figure = extract_figures(text)[0]
    assert (figure.kind, figure.value, figure.high, figure.qualifiers) == (
        kind,
        pytest.approx(value),
        pytest.approx(high) if high else None,
        qualifiers,
    )
    assert text[figure.start : figure.end] == figure.raw


def test_offsets_shift_into_the_article() -> None:
    figure = extract_figures("over $5 billion", offset=100)[0]
    assert (figure.start, figure.end) == (105, 115)


def test_bare_reference_numbers_are_not_figures() -> None:
    assert extract_figures("AWS Trainium 25 and Bedrock 32,33, and agents 1,10.") == []


@pytest.mark.parametrize(
    ("text", "value", "high", "unit"),
    [
        ("a 620-metre cable-stayed crossing", 620, None, "m"),
        ("The Rhine is 1,230 km long", 1_230_000, None, "m"),
        ("about 2 kilometres away", 2000, None, "m"),
        ("it stands 452.8 ft high", 138.013, None, "m"),
        ("a 3 to 4 km stretch", 3000, 4000, "m"),
        ("the deck holds 9,000 tonnes of steel", 9_000_000, None, "kg"),
        ("a 2.2 million square feet campus", 204_387, None, "m²"),
        ("trains run at 300 km/h", 83.333, None, "m/s"),
        ("up to 5 gigawatts of capacity", 5e9, None, "W"),
        ("a 996 cc engine", 0.996, None, "l"),
    ],
)
def test_measures_are_read_in_their_base_unit(
    text: str, value: float, high: float | None, unit: str
) -> None:
    [figure] = extract_figures(text)
    assert (figure.kind, figure.unit) == ("measure", unit)
    assert figure.value == pytest.approx(value, rel=1e-4)
    assert figure.high == (pytest.approx(high) if high else None)
    assert text[figure.start : figure.end] == figure.raw


@pytest.mark.parametrize(
    "text",
    ["raised £212m last year", "5m users signed up", "per 100,000 people", "put one's foot down"],
)
def test_no_measure_without_a_unit_written_as_one(text: str) -> None:
    assert all(f.kind != "measure" for f in extract_figures(text))
