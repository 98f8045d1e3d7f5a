"""An article's head → the day it says it was published, for articles no metadata dates.

"By Maria Okafor, City Desk | March 14, 2025", "Posted 2 April 2025" or "Industry Wire,
February 20, 2025" on a line of its own near the top → "2025-03-14". Without it, an analyst had
to write `published` into metadata.toml by hand for `--since`, the timeline's "this year" and
the date beside each citation to work.

Does NOT read dates inside sentences (text/dates.py does) or metadata.toml (corpus/reader.py
does, and what it sets wins).
"""

from __future__ import annotations

import re

from rag.text.dates import find_dates

# Where a head states its date: the headline, a byline, a dateline, a standfirst. Lines further
# down are the story, whose dates are events.
HEAD_LINES = 4
# A line this short without a closing full stop is a head line, not a sentence (chunking's
# heading rule): "On March 3, 2025, Amazon said it would invest." is an event.
MAX_WORDS = 14
# What may stand before the date on its line, after the last separator ("|", "·", "—"): nothing
# ("… | March 14, 2025"), a word saying it is the publication date ("Posted", "Published on"),
# or a byline, an outlet, a place or "Press release", each closed by a comma ("By Maria Okafor,
# City Desk,", "Industry Wire,", "WASHINGTON,", "Press release, Hallam University,"). Not
# "Died", "Released", "Born in Leeds,", "Birthdate:" or "Updated": web pages' fact boxes (4 of
# RAMDocs' 1,401 documents had such a line near the top) and edits.
# After it, a time, a note in brackets or the line's end, not a place ("January 15, 1851 Old
# Washington, Ohio" is a birth in a fact box).
_SEPARATOR = re.compile(r"[|•·—–]|\s-\s")
# Capitals of Latin script (Ó, Š, Ł: "By Sinéad Ó Briain,"); the Latin Extended-A block mixes
# capitals and small letters, a small letter there starting a byline word being unlikely.
_CAPITAL = "A-ZÀ-ÖØ-Þ\u0100-\u017f"
_NAME = rf"[{_CAPITAL}][\w.&'’-]*(?:\s+(?:of\s+|and\s+|&\s+)?[{_CAPITAL}][\w.&'’-]*)*"
_BEFORE_DATE = re.compile(
    rf"(?:(?i:(?:first\s+)?(?:published|posted|dated?|issued))(?:\s+on)?:?"
    rf"|(?:By\s+)?(?:(?:{_NAME}|(?i:press|news|media)\s+release),\s*)+)?"
)


# A news dateline opening the story's first sentence, set off by a dash: its place and date.
_LEAD = re.compile(r"^(\S[^.!?]{0,60}?\d{4})\s*(?:--|—|–)\s")


def dateline(text: str) -> str | None:
    """The first full date (day, month, year) on one of the article's first HEAD_LINES lines
    that is not a sentence, as YYYY-MM-DD; None when its head states none.

    >>> dateline("Council approves budget\\nBy Maria Okafor | March 14, 2025\\n\\nThe council ...")
    '2025-03-14'
    >>> dateline("On March 3, 2025, Amazon said it would invest $4 billion.") is None
    True
    """
    # Markdown's emphasis and heading marks aside: "*By Tom Hale, 14 October 2024*"
    lines = [line.strip(" \t*_#") for line in text.splitlines() if line.strip(" \t*_#")]
    lines = lines[:HEAD_LINES]
    for line in lines:
        if line.endswith((".", "!", "?")) or len(line.split()) > MAX_WORDS:
            lead = _LEAD.match(line)  # "LEEDS, 2 June 2025 — Calder & Rowe today began …"
            if lead is None:
                continue
            line = lead.group(1)
        for mention in find_dates(line):
            day = mention.first if mention.precision == "day" else None
            before = _SEPARATOR.split(line[: mention.start])[-1].strip()
            after = _SEPARATOR.split(line[mention.end :])[0].strip()
            if day and _BEFORE_DATE.fullmatch(before) and not after[:1].isupper():
                return day.isoformat()
    return None
