"""Views → files: an answer, a conversation, a comparison or a timeline as Markdown, JSON or CSV.

Pure functions of the view, so the same view gives the same bytes: nothing is added (no time
of export), JSON keeps the models' field order. Markdown cites with footnotes ("[1]" → "[^1]")
that give title, document id, character span and quote; a conversation numbers them per turn
("[^2-1]" is turn 2's [1]) so they stay unique. Does NOT print or write files (cli.py and ui/
do) and does NOT export eval reports (rag/eval/export.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pydantic import TypeAdapter

from rag.answer.short_answers import no_flag_line
from rag.options import ExportFormat
from rag.render.console import describe_filters
from rag.render.formats import Cell, code, csv_text, escape, paragraph, table
from rag.schema import MARKER, Answer, Citation, Comparison, Disagreement, Figure, Filters, Timeline
from rag.text.names import unmentioned_note

View = Answer | list[Answer] | Comparison | Timeline
CONVERSATION_HEADING = "# Conversation\n"  # then "\n" + turn_markdown(...) per turn
CITATION_COLUMNS = [
    "turn", "question", "role", "n", "doc_id", "title", "quote", "start", "end", "verified",
    "score", "published", "context",
]  # fmt: skip
STATEMENT_COLUMNS = [
    "doc_id", "title", "quote", "start", "end", "verified", "figures", "disputed", "published",
    "context",
]  # fmt: skip
CLAIM_COLUMNS = [
    "date", "precision", "date_start", "date_end", "resolved", "what", "figures", "doc_id",
    "title", "start", "end", "verified", "published",
]  # fmt: skip
_Answers = TypeAdapter(list[Answer])
_PRIVATE = dict.fromkeys(map(ord, "\ue000\ue001"))  # the marker placeholders below


def to_markdown(view: View) -> str:
    """The view as a Markdown document, citations as footnotes."""
    if isinstance(view, Answer):
        return answer_markdown(view)
    if isinstance(view, Comparison):
        return comparison_markdown(view)
    if isinstance(view, Timeline):
        return timeline_markdown(view)
    return conversation_markdown(_turns(view))


def to_json(view: View) -> str:
    """The view's model as indented JSON (a conversation: a list of Answers)."""
    if isinstance(view, list):
        return _Answers.dump_json(_turns(view), indent=2).decode("utf-8") + "\n"
    return view.model_dump_json(indent=2) + "\n"


def to_csv(view: View) -> str:
    """The view's table: a row per citation (answer, conversation), per statement (comparison)
    or per dated claim (timeline), with a header row."""
    if isinstance(view, Answer):
        return csv_text([CITATION_COLUMNS, *citation_rows(view, 1)])
    if isinstance(view, Comparison):
        return csv_text([STATEMENT_COLUMNS, *statement_rows(view)])
    if isinstance(view, Timeline):
        return csv_text([CLAIM_COLUMNS, *claim_rows(view)])
    rows = [row for n, answer in enumerate(_turns(view), 1) for row in citation_rows(answer, n)]
    return csv_text([CITATION_COLUMNS, *rows])


EXPORTERS: dict[str, Callable[[View], str]] = {
    ExportFormat.MD: to_markdown,
    ExportFormat.JSON: to_json,
    ExportFormat.CSV: to_csv,
}


def _turns(view: Sequence[object]) -> list[Answer]:
    turns = [turn for turn in view if isinstance(turn, Answer)]
    if len(turns) != len(view):
        raise TypeError("a conversation to export is a list of Answers")
    return turns


# --- Markdown ----------------------------------------------------------------------------------


def answer_markdown(answer: Answer) -> str:
    return _answer_block(answer, f"# {escape(answer.question)}", "")


def conversation_markdown(turns: Sequence[Answer]) -> str:
    """A heading, then each turn (`turn_markdown`) in order, a blank line between."""
    return CONVERSATION_HEADING + "".join(
        "\n" + turn_markdown(a, n) for n, a in enumerate(turns, 1)
    )


def turn_markdown(answer: Answer, turn: int) -> str:
    """One turn of a conversation; its footnotes are labelled "{turn}-{n}"."""
    return _answer_block(answer, f"## {turn}. {escape(answer.question)}", f"{turn}-")


def conversation_piece(answer: Answer, turn: int, fmt: str) -> str:
    """What `rag chat` prints after each turn, so a conversation streams: JSON, one Answer per
    line; Markdown and CSV, the next part of `to_markdown(turns)` / `to_csv(turns)` (the
    heading or header row comes with turn 1)."""
    if fmt == "json":
        return answer.model_dump_json() + "\n"
    if fmt == "md":
        return (CONVERSATION_HEADING if turn == 1 else "") + "\n" + turn_markdown(answer, turn)
    header: list[list[Cell]] = [list(CITATION_COLUMNS)] if turn == 1 else []
    return csv_text(header + citation_rows(answer, turn))


def _answer_block(answer: Answer, heading: str, label: str) -> str:
    parts = [heading, *_asked_lines(answer.understood_as, answer.filters)]
    if answer.unmentioned:
        parts.append(f"*{escape(unmentioned_note(answer.unmentioned))}*")
    if answer.abstained:
        parts.append(f"**No grounded answer.** {paragraph(answer.text)}")
        parts += [paragraph(answer.reason)] if answer.reason else []
    else:
        parts.append(_body(answer, label))
        parts += [f"*Note: {escape(answer.reason)}*"] if answer.reason else []
        if answer.answer_summary:
            parts.append(
                f"*Short answers (the sources' own words):* {escape(answer.answer_summary)}"
            )
    if answer.answerer != "extractive":
        parts.append(f"*Answered by: {escape(answer.answerer)}.*")
    if answer.abstained and answer.related:
        level = "#" * (heading.index(" ") + 1)
        parts.append(f"{level} Related passages (not an answer)")
        parts.append("\n".join(f"{c.n}. {source_line(c)}" for c in answer.related))
    if not answer.abstained and answer.citations:
        parts.append("\n".join(footnote(f"{label}{c.n}", c) for c in answer.citations))
    return "\n\n".join(parts) + "\n"


def _asked_lines(understood_as: str, filters: Filters | None) -> list[str]:
    lines = [f"*Understood as:* {escape(understood_as)}"] if understood_as else []
    if filters is not None:
        lines.append(f"*Searched only:* {escape(describe_filters(filters))}")
    return lines


def _body(answer: Answer, label: str) -> str:
    """The answer's sentences, each followed by its footnote references (a quote's own "[2]"
    stays text); an answer built without sentences has its "[n]" markers read instead."""
    known = {c.n for c in answer.citations}
    if not answer.sentences:
        return _footnoted(answer.text, known, label)
    return " ".join(
        paragraph(s.text)
        + "".join(f"[^{label}{n}]" if n in known else f"\\[{n}\\]" for n in s.citations)
        + ("" if s.verified else " *(unverified)*")
        for s in answer.sentences
    )


def _footnoted(text: str, known: set[int], label: str) -> str:
    """Answer text escaped, its known "[n]" markers made footnote references: "chips. [1]" →
    "chips.[^1]". The markers are swapped for private-use characters while escaping."""
    text = text.translate(_PRIVATE)

    def hold(found: re.Match[str]) -> str:
        return f"\ue000{found[1]}\ue001" if int(found[1]) in known else found[0]

    held = paragraph(MARKER.sub(hold, text))
    return re.sub("\ue000(\\d+)\ue001", lambda m: f"[^{label}{m[1]}]", held)


def footnote(label: str, citation: Citation) -> str:
    """'[^1]: Title (`doc`, chars 10–52, published 2024-11): “quote” ✓ verified'"""
    return f"[^{label}]: {source_line(citation)}"


def source_line(c: Citation) -> str:
    dated = f", published {escape(c.published)}" if c.published else ""
    mark = "✓ verified" if c.verified else "✗ not verified"
    after = f" (after “{escape(c.context)}”)" if c.context else ""
    return (
        f"{escape(c.title)} ({code(c.doc_id)}, chars {c.start}–{c.end}{dated}): "
        f"“{escape(c.quote)}”{after} {mark}"
    )


def figures_text(figures: Sequence[Figure]) -> str:
    """ "up to $4 billion; 25%" """
    return "; ".join(" ".join([*f.qualifiers, f.raw]) for f in figures)


def _disagreements(items: Sequence[Disagreement], none: str) -> str:
    if not items:
        return none
    return "\n".join(
        f"- **Sources disagree** on {escape(d.subject)} ({escape(d.kind)}): {escape(d.summary)}"
        for d in items
    )


def _disputed(disagreements: Sequence[Disagreement]) -> set[tuple[str, int]]:
    """The statements a disagreement involves, by (doc_id, start) as the UI marks them."""
    return {(c.citation.doc_id, c.citation.start) for d in disagreements for c in d.claims}


def comparison_markdown(comparison: Comparison) -> str:
    """Disagreements first, then a row per statement: source | what it says | figures."""
    disputed = _disputed(comparison.disagreements)
    rows: list[list[str]] = []
    notes: list[str] = []
    for view in sorted(comparison.sources, key=lambda v: not v.addresses):
        source = f"{escape(view.title)} ({code(view.doc_id)})"
        if not view.addresses or not view.statements:
            rows.append([source, "*does not address this*", ""])
        for st in view.statements if view.addresses else []:
            n = len(notes) + 1
            notes.append(footnote(str(n), st.citation))
            flag = " **(disagrees)**" if (st.citation.doc_id, st.citation.start) in disputed else ""
            said = f"“{escape(st.citation.quote)}”[^{n}]{flag}"
            rows.append([source, said, escape(figures_text(st.figures))])
    parts = [f"# {escape(comparison.question)}", *_asked_lines("", comparison.filters)]
    parts.append(_disagreements(comparison.disagreements, no_flag_line(comparison)))
    parts += [f"*{escape(note)}*" for note in comparison.notes]
    parts.append(table(["source", "what it says", "figures"], rows))
    return "\n\n".join([*parts, "\n".join(notes)] if notes else parts) + "\n"


def timeline_markdown(timeline: Timeline) -> str:
    """Disagreements, then a row per dated claim in the timeline's order: date | what | figures |
    source."""
    rows: list[list[str]] = []
    notes: list[str] = []
    for n, claim in enumerate(timeline.claims, 1):
        c = claim.citation
        notes.append(footnote(str(n), c))
        what = f"{escape(claim.what)}[^{n}]"
        source = f"{escape(c.title)} ({code(c.doc_id)})"
        rows.append(
            [
                _when(claim.date_text, claim.start, claim.end, claim.resolved),
                what,
                escape(figures_text(claim.figures)),
                source,
            ]
        )
    parts = [f"# Timeline: {escape(timeline.topic)}", *_asked_lines("", timeline.filters)]
    if timeline.disagreements:
        parts.append(_disagreements(timeline.disagreements, ""))
    parts.append(
        table(["date", "what", "figures", "source"], rows)
        if rows
        else "*No dated statement found.*"
    )
    return "\n\n".join([*parts, "\n".join(notes)] if notes else parts) + "\n"


def _when(text: str, start: str | None, end: str | None, resolved: bool) -> str:
    """ "September 2024 (2024-09-01 to 2024-09-30)", "since 2023 (from 2023-01-01)"; a relative
    date says whether the publication date placed it."""
    if start is None:
        return f"{escape(text)} (relative, not placed)"
    span = f"from {start}" if end is None else start if end == start else f"{start} to {end}"
    how = ", placed by the publication date" if resolved else ""
    return f"{escape(text)} ({span}{how})"


# --- CSV rows ----------------------------------------------------------------------------------


def citation_rows(answer: Answer, turn: int) -> list[list[Cell]]:
    """One row per citation (role "citation"), or per related passage when it abstained."""
    role, cited = (
        ("related", answer.related) if answer.abstained else ("citation", answer.citations)
    )
    return [
        [turn, answer.question, role, c.n, c.doc_id, c.title, c.quote, c.start, c.end,
         c.verified, c.score, c.published, c.context]
        for c in cited
    ]  # fmt: skip


def statement_rows(comparison: Comparison) -> list[list[Cell]]:
    disputed = _disputed(comparison.disagreements)
    return [
        [c.doc_id, view.title, c.quote, c.start, c.end, c.verified, figures_text(st.figures),
         (c.doc_id, c.start) in disputed, c.published, c.context]
        for view in comparison.sources
        for st in view.statements
        for c in [st.citation]
    ]  # fmt: skip


def claim_rows(timeline: Timeline) -> list[list[Cell]]:
    return [
        [k.date_text, k.precision, k.start, k.end, k.resolved, k.what, figures_text(k.figures),
         c.doc_id, c.title, c.start, c.end, c.verified, c.published]
        for k in timeline.claims
        for c in [k.citation]
    ]  # fmt: skip
