"""Markdown and CSV building blocks for exports: escaping, code spans, tables, CSV text.

Knows nothing of answers or comparisons (rag/render/export.py and rag/eval/export.py lay those out).
Source text is untrusted for Markdown as it is for HTML: an article saying `*new*` or `$8 | $9`
must show those characters, not italics, GitHub math or a broken table.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

# Every ASCII character that can start inline Markdown in CommonMark + GFM (emphasis, code,
# links, HTML, entities, strikethrough, table cells), plus `$` (GitHub renders $…$ as math) and
# `#` (a closing heading sequence). Backslash-escaping any ASCII punctuation is always valid.
_INLINE = re.compile(r"([\\`*_\[\]<>|~$&#])")
# What turns a line into a block when it starts it: a list item, quote, heading or rule.
_BLOCK_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)|^([-+>=])")
_SPACE = re.compile(r"\s+")
Cell = str | int | float | bool | None


def escape(text: str) -> str:
    """One line of source text as Markdown that renders as itself, white space folded.

    >>> escape("Amazon's *new* $8 | $9\\n  [1] <b>")
    "Amazon's \\\\*new\\\\* \\\\$8 \\\\| \\\\$9 \\\\[1\\\\] \\\\<b\\\\>"
    """
    return _INLINE.sub(r"\\\1", _SPACE.sub(" ", text).strip())


def paragraph(text: str) -> str:
    """`escape`, and a leading "1." or "-" kept from starting a list (or quote, heading).

    >>> paragraph("2024. A year of chips")
    '2024\\\\. A year of chips'
    >>> paragraph("- not a list")
    '\\\\- not a list'
    """
    return _BLOCK_START.sub(
        lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escape(text), count=1
    )


def code(text: str) -> str:
    """A code span that holds `text` whatever backticks it has: "a`b" → "``a`b``"."""
    ticks = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (ticks + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GFM table of cells that are already Markdown; a `|` left in a cell (as in a code
    span, where a backslash does not escape) is escaped here, as GFM reads it first."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(_pipes(c) for c in cells) + " |"

    return "\n".join([line(headers), "|" + "---|" * len(headers), *map(line, rows)])


def _pipes(cell: str) -> str:
    return re.sub(r"(?<!\\)\|", r"\\|", cell)


def csv_text(rows: Iterable[Sequence[Cell]]) -> str:
    """Rows as CSV with "\\n" line ends; None → "", booleans → "true"/"false".

    >>> csv_text([["quote", "verified"], ['He said "8", then 9', True]])
    'quote,verified\\n"He said ""8"", then 9",true\\n'
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
