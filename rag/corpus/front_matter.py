"""A Markdown article's front matter (a YAML block between `---` lines at the top, as Jekyll,
Hugo, Obsidian and Pandoc write it) → the article's title, date, author and publisher, and where
its text begins.

Does NOT change the text: the block stays in `Article.text` (offsets point into the file as
read), and chunking starts after it, so "title: …" and "date: …" are never cited as statements.
"---\\ntitle: Minutes\\ndate: 2025-03-11\\n---\\nBody." → ({"title": "Minutes", "published":
"2025-03-11"}, 40)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from rag.schema import date_range

# The block: "---" on the first line, "---" or "..." closing it on a line of its own. At most
# this many characters are read for it: a file that opens with a horizontal rule and never
# closes one is not scanned to its end (front matter is a few lines; not tuned).
MAX_FRONT_MATTER = 20_000
_BLOCK = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.M | re.S)
# The keys each field is read from, in order (the usual names in those tools' templates).
_FIELDS = {
    "title": ("title",),
    "published": ("date", "published", "pubdate", "publishdate", "created"),
    "author": ("author", "authors", "byline"),
    "publisher": ("publisher", "source", "publication", "site"),
}


def front_matter(text: str) -> tuple[dict[str, str], int]:
    """The article's fields from its front matter, and the offset where the text after it
    begins; ({}, 0) when the text opens with no such block, or one YAML cannot read as fields
    (then it is text like any other).

    >>> front_matter("---\\ntitle: Minutes\\nauthors: [Ann Lee, Bo Chen]\\n---\\nBody.")
    ({'title': 'Minutes', 'author': 'Ann Lee, Bo Chen'}, 51)
    >>> front_matter("--- a rule, then text")
    ({}, 0)
    """
    block = _BLOCK.match(text[:MAX_FRONT_MATTER])
    if block is None:
        return {}, 0
    try:
        data = yaml.safe_load(block.group(1))
    except yaml.YAMLError:
        return {}, 0
    if not isinstance(data, dict):
        return {}, 0
    keys = {str(k).lower(): v for k, v in data.items()}
    fields = {}
    for field, names in _FIELDS.items():
        value = next((_text(keys[n]) for n in names if n in keys and _text(keys[n])), "")
        if value:
            fields[field] = value
    if "published" in fields:
        fields["published"] = _date(fields["published"])
        if not fields["published"]:
            del fields["published"]
    return fields, block.end()


def _text(value: Any) -> str:
    """A field's value as one line: a list of authors joined, a date as ISO, nothing for a
    nested table."""
    if isinstance(value, list):
        return ", ".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, (str, int, float, dt.date)) and not isinstance(value, bool):
        return " ".join(str(value).split())
    return ""


# A date as the front matter writes it: "2025-03-11", "2025-03-11T09:00:00Z", "2025-03", "2025".
_ISO_START = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _date(value: str) -> str:
    """YYYY[-MM[-DD]] from an ISO-like date, "" for anything else ("March 2025" is left to the
    byline reader)."""
    found = _ISO_START.match(value)
    if found is None:
        return ""
    try:
        date_range(found.group())
    except ValueError:
        return ""
    return found.group()
