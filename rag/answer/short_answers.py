"""Sources' short answers grouped: which sources give the same answer, in words a reader can
scan ("3 sources say Mahesh Bhatt; 2 say Raj Kapoor").

The spans themselves are read in text/short_answers.py. Does NOT decide which answer is true.
"""

from __future__ import annotations

from rag.schema import AnswerGroup, Comparison, Statement
from rag.text.cues import figure_kinds
from rag.text.short_answers import normalize, same_answer


def answer_groups(statements: list[Statement]) -> list[AnswerGroup]:
    """The statements' short answers grouped by normalized key (a key inside a longer one joins
    it), the most-stated first; each statement's source counted once per group."""
    groups: list[AnswerGroup] = []
    given = sorted(
        (st for st in statements if st.short_answer),
        key=lambda st: -len(normalize(st.short_answer.text if st.short_answer else "")),
    )
    for st in given:
        assert st.short_answer is not None
        key = normalize(st.short_answer.text)
        if not key:
            continue
        group = next((g for g in groups if same_answer(key, g.key)), None)
        if group is None:
            group = AnswerGroup(key=key, answer=st.short_answer.text)
            groups.append(group)
        if st.citation.doc_id not in group.doc_ids:
            group.doc_ids.append(st.citation.doc_id)
        group.citations.append(st.citation)
    return sorted(groups, key=lambda g: -len(g.doc_ids))


def answer_summary(groups: list[AnswerGroup]) -> str:
    """ "3 sources say Mahesh Bhatt; 2 say Raj Kapoor"."""
    parts = []
    for n, group in enumerate(groups):
        count = len(group.doc_ids)
        noun = ("source " if count == 1 else "sources ") if n == 0 else ""
        verb = "says" if count == 1 else "say"
        parts.append(f"{count} {noun}{verb} {group.answer}")
    return "; ".join(parts)


NO_DISAGREEMENT = "No disagreement found between the sources."
UNFLAGGED = (
    "No disagreement flagged, but the sources' short answers differ: check that they speak of "
    "the same thing before relying on one."
)


def no_flag_line(comparison: Comparison) -> str:
    """What the CLI, the UI and exports say when nothing is flagged. Where the short answers
    shown differ ("2 sources say Lune Valley Independents Party; 1 says Green Party") it is no
    all-clear: different answers are not flagged by themselves (on RAMDocs' public half only
    about half of the questions with two answer groups have misinformation, bench/README.md),
    but a reader must not be told the sources agree."""
    groups = comparison.answer_groups
    return UNFLAGGED if worth_showing(groups) and len(groups) >= 2 else NO_DISAGREEMENT


def figure_missing_worth_noting(comparison: Comparison) -> bool:
    """Whether a source giving no figure (and no short answer) is marked "no figure": when the
    question asks for a figure and other sources give one. Not for "Who painted …?", where a
    source's "(c. 1662)" is a figure but no answer."""
    asks = bool(figure_kinds(comparison.question))
    return asks and any(st.figures for view in comparison.sources for st in view.statements)


def worth_showing(groups: list[AnswerGroup]) -> bool:
    """Whether the CLI and UI print the groups: one answer, or one that two or more sources
    give. Splits of single sources ("1 says November; 1 says AWS; 1 says Our") were mostly
    misread spans on the seed articles, so they stay in the JSON only."""
    return len(groups) == 1 or any(len(g.doc_ids) >= 2 for g in groups)
