"""rag/text/dates.py: date expressions with their precision and span; relative ones placed by the
publication date only when it is known."""

from __future__ import annotations

import pytest

from rag.text.dates import find_dates


def spans(text: str, published: str | None = None) -> list[tuple[str, str, str, str, bool]]:
    return [
        (d.raw, d.precision, str(d.first), str(d.last), d.resolved)
        for d in find_dates(text, published)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on November 22, 2024", ("November 22, 2024", "day", "2024-11-22", "2024-11-22")),
        ("on 3 Feb 2025", ("3 Feb 2025", "day", "2025-02-03", "2025-02-03")),
        ("on 2024-02-29", ("2024-02-29", "day", "2024-02-29", "2024-02-29")),
        ("in Sept. 2024", ("Sept. 2024", "month", "2024-09-01", "2024-09-30")),
        ("in Q3 2024", ("Q3 2024", "quarter", "2024-07-01", "2024-09-30")),
        (
            "the second quarter of 2023",
            ("the second quarter of 2023", "quarter", "2023-04-01", "2023-06-30"),
        ),
        ("FY2024 sales", ("FY2024", "fiscal_year", "2024-01-01", "2024-12-31")),
        ("over 2023–2024", ("2023–2024", "range", "2023-01-01", "2024-12-31")),
        ("between 2023 and 2025", ("between 2023 and 2025", "range", "2023-01-01", "2025-12-31")),
        ("in 2026", ("2026", "year", "2026-01-01", "2026-12-31")),
        # History too: years from 1000 (1900–2099 only, before; news does not need more)
        ("formed in 1636 by vote", ("1636", "year", "1636-01-01", "1636-12-31")),
        ("the war (1754–1763) was", ("1754–1763", "range", "1754-01-01", "1763-12-31")),
        ("in 1081 he led an army", ("1081", "year", "1081-01-01", "1081-12-31")),
        ("on 11 November 1798", ("11 November 1798", "day", "1798-11-11", "1798-11-11")),
        ("back to spring 2027", ("spring 2027", "range", "2027-03-01", "2027-05-31")),
        ("by late 2025, it", ("by late 2025", "range", "2025-09-01", "2025-12-31")),
        ("a mid-2026 opening", ("mid-2026", "range", "2026-05-01", "2026-08-31")),
        ("in the autumn of 2024", ("in the autumn of 2024", "range", "2024-09-01", "2024-11-30")),
        ("in winter 2026", ("2026", "year", "2026-01-01", "2026-12-31")),  # either end of it
    ],
)
def test_absolute_dates_have_their_precision_and_span(text: str, expected: tuple) -> None:
    assert spans(text) == [(*expected, False)]


@pytest.mark.parametrize("text", ["$2024 million", "up 2019%", "Trainium 25", "in may cases"])
def test_numbers_that_are_not_dates_are_not_read_as_dates(text: str) -> None:
    assert spans(text) == []


def test_relative_dates_stay_relative_without_a_publication_date() -> None:
    found = spans("this year, over the next decade, in February, since 2023")
    assert [(raw, precision) for raw, precision, *_ in found] == [
        ("this year", "relative"),
        ("over the next decade", "relative"),
        ("in February", "relative"),
        ("since 2023", "range"),
    ]
    assert found[-1][3] == "None"  # since 2023: an open range


def test_relative_dates_are_placed_by_the_publication_date() -> None:
    found = spans("this year, last month, in February, since 2023, today", "2025-03-14")
    assert found == [
        ("this year", "year", "2025-01-01", "2025-12-31", True),
        ("last month", "month", "2025-02-01", "2025-02-28", True),
        ("in February", "month", "2025-02-01", "2025-02-28", True),
        ("since 2023", "range", "2023-01-01", "2025-03-14", True),
        ("today", "day", "2025-03-14", "2025-03-14", True),
    ]


def test_impossible_dates_are_skipped_not_raised() -> None:
    assert spans("on February 30, 2024") == [("2024", "year", "2024-01-01", "2024-12-31", False)]
    assert spans("from 2025 to 2019") == [
        ("2025", "year", "2025-01-01", "2025-12-31", False),
        ("2019", "year", "2019-01-01", "2019-12-31", False),
    ]


def test_offsets_point_into_the_article() -> None:
    (mention,) = find_dates("in May 2023", offset=100)
    assert (mention.start, mention.end) == (103, 111)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # published on Friday 2025-03-14: "on Tuesday" is that week's
        ("voted on Tuesday to approve", "2025-03-14", [("on Tuesday", "day", "2025-03-11")]),
        ("On Friday, it said", "2025-03-14", [("On Friday", "day", "2025-03-14")]),
        ("as it said last Friday", "2025-03-14", [("last Friday", "day", "2025-03-07")]),
        ("voted on Tuesday to approve", "2025-03", []),  # no day to count back from
        ("voted on Tuesday to approve", None, []),
        ("Monday was quiet", "2025-03-14", []),  # a weekday alone dates nothing
    ],
)
def test_a_weekday_is_placed_by_the_day_the_article_was_published(
    text: str, published: str | None, expected: list[tuple[str, str, str]]
) -> None:
    assert [(d.raw, d.precision, str(d.first)) for d in find_dates(text, published)] == expected


def test_the_last_or_next_few_years_reach_back_or_on_from_the_publication_date() -> None:
    found = spans("have fallen over the last five years; in the next 3 months", "2024-09-16")
    assert found == [
        ("over the last five years", "range", "2019-09-16", "2024-09-16", True),
        ("in the next 3 months", "range", "2024-09-16", "2024-12-16", True),
    ]
    assert spans("over the past 12 months")[0][1] == "relative"  # no date to count from
