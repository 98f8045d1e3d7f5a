"""The filter row (Sources, Published since / until) → rag Filters for Ask and Compare. No Gradio.

Empty boxes mean no filter. A malformed date is refused here, at the UI's edge, naming its box
("Published since: '2024-13' is not a real date …"); a filter that matches no article is the
library's FilterError, shown as it is: never a silent fallback to every article.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from rag.schema import Filters

DATE_HINT = "YYYY or YYYY-MM or YYYY-MM-DD"
_BOXES = {"since": "Published since", "until": "Published until"}


class FormError(ValueError):
    """A filter box holds something the library cannot take; the message names the box."""


def filters_from(
    sources: Sequence[str] | str | None, since: str | None, until: str | None
) -> Filters | None:
    """The row's values as Filters, or None when every box is empty.

    >>> filters_from(["alpha", " "], "2024", "")
    Filters(sources=['alpha'], since='2024', until=None)
    >>> filters_from([], "2024-13", None)
    Traceback (most recent call last):
    ...
    ui.filtering.FormError: Published since: '2024-13' is not a real date (month must be in 1..12)
    """
    picked = [sources] if isinstance(sources, str) else list(sources or [])
    try:
        filters = Filters(
            sources=[s.strip() for s in picked if s.strip()],
            since=_given(since),
            until=_given(until),
        )
    except ValidationError as exc:
        raise FormError(_explain(exc)) from None
    return None if filters.is_empty() else filters


def _given(text: str | None) -> str | None:
    return (text or "").strip() or None


def _explain(exc: ValidationError) -> str:
    """pydantic's report, one "Box: message" per refused box, without its boilerplate."""
    return "; ".join(
        f"{_BOXES.get(str(e['loc'][0]) if e['loc'] else '', 'Filter')}: "
        f"{str(e['msg']).removeprefix('Value error, ')}"
        for e in exc.errors()
    )
