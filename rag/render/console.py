"""Terminal output for the CLI (rich): tables and answers. Does NOT compute anything."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from rag.answer.short_answers import (
    NO_DISAGREEMENT,
    answer_summary,
    figure_missing_worth_noting,
    no_flag_line,
    worth_showing,
)
from rag.config import Settings
from rag.ingestion import IngestReport
from rag.schema import (
    Answer,
    Citation,
    Comparison,
    DatedClaim,
    Disagreement,
    Filters,
    Hit,
    SourceView,
    Timeline,
)
from rag.text.names import unmentioned_note

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)
# C0/C1 control characters but newline and tab: ANSI escapes in an article or a question must
# not recolour, move or clear the user's terminal.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: object) -> str:
    """Data shown as itself: rich markup escaped ("[/note]" stays visible), controls dropped."""
    return escape(_CONTROLS.sub("", str(text)))


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def print_ingest_report(report: IngestReport, settings: Settings) -> None:
    for item in report.skipped:
        errors.print(f"[yellow]Skipped[/] {safe(item.path)}: {safe(item.reason)}")
    for doc_id in report.kept_previous:
        errors.print(f"[yellow]Kept[/] the previously indexed version of {safe(doc_id)}")
    for note in report.notes:
        errors.print(f"[yellow]Note:[/] {safe(note)}")
    state = "updated" if report.saved else "already up to date"
    console.print(
        f"Index {safe(settings.index_location())} {state}: {report.documents} documents, "
        f"{report.chunks} chunks, {report.sentences} sentences. "
        f"Embedded {report.embedded_chunks} chunks and {report.embedded_sentences} sentences "
        f"({len(report.updated)} new or changed, {len(report.reused)} unchanged, "
        + (f"{len(report.relabelled)} with new metadata, " if report.relabelled else "")
        + f"{len(report.removed)} removed) in {report.seconds:.1f}s."
    )


def print_hits(hits: list[Hit]) -> None:
    if not hits:
        console.print("No passage matches that question.")
        return
    table = Table(show_lines=True)
    for name in ("#", "source", "offsets", "score", "dense", "bm25", "passage"):
        table.add_column(name, overflow="fold")
    for hit in hits:
        c = hit.chunk
        table.add_row(
            str(hit.rank),
            f"{safe(hit.title)}\n[dim]{safe(c.doc_id)}[/]",
            f"{c.start}-{c.end}",
            f"{hit.score:.4f}",
            _rank(hit.dense_rank),
            _rank(hit.bm25_rank),
            safe(_clip(c.text, 400)),
        )
    console.print(table)


def _rank(rank: int | None) -> str:
    return "-" if rank is None else f"#{rank}"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_answer(answer: Answer) -> None:
    style = "yellow" if answer.abstained else "bold"
    if answer.understood_as:
        console.print(f"[dim]Understood as:[/] {safe(answer.understood_as)}")
    if answer.filters is not None:
        console.print(f"[dim]Searched only: {safe(describe_filters(answer.filters))}[/]")
    if answer.unmentioned:
        console.print(f"[yellow]{safe(unmentioned_note(answer.unmentioned))}[/]")
    console.print(f"[{style}]{safe(answer.text)}[/]")
    if answer.answer_summary:
        console.print(
            f"[dim]Short answers (the sources' own words):[/] {safe(answer.answer_summary)}"
        )
    if answer.answerer != "extractive":
        console.print(f"[dim]Answered by: {safe(answer.answerer)}. {safe(answer.reason)}[/]")
    if answer.abstained and answer.related:
        console.print("\n[dim]Related, not an answer:[/]")
    for citation in answer.citations or answer.related:
        console.print(_citation_line(citation))
    ms = answer.timings.get("total_ms")
    if ms is not None:
        console.print(f"[dim]{ms:.0f} ms[/]")


def describe_filters(filters: Filters) -> str:
    """ "sources 003_0d48…, 'Anthropic'; published 2024-01 to 2024-12" """
    parts = []
    if filters.sources:
        parts.append("sources " + ", ".join(filters.sources))
    if filters.since or filters.until:
        parts.append(f"published {filters.since or '…'} to {filters.until or '…'}")
    return "; ".join(parts)


def _citation_line(c: Citation) -> str:
    mark = "[green]✓ verified[/]" if c.verified else "[red]✗ not verified[/]"
    dated = f", published {c.published}" if c.published else ""
    return (
        f"\n[bold]\\[{c.n}][/] {safe(c.title)} "
        f"[dim]({safe(c.doc_id)}{safe(dated)}, chars {c.start}–{c.end})[/] "
        f"{mark}\n    “{safe(_clip(c.quote, 600))}”"
        + (f"\n    [dim](after “{safe(_clip(c.context, 200))}”)[/]" if c.context else "")
    )


def _scope_and_flags(filters: Filters | None, flags: list[Disagreement]) -> None:
    """What a view searched (when filtered) and its disagreement flags, first."""
    if filters is not None:
        console.print(f"[dim]Searched only: {safe(describe_filters(filters))}[/]")
    for flag in flags:
        console.print(f"[bold red]⚠ {safe(flag.summary)}[/]\n")


def print_timeline(timeline: Timeline) -> None:
    _scope_and_flags(timeline.filters, timeline.disagreements)
    if not timeline.claims:
        console.print("No dated statement on this topic in the sources.")
        return
    table = Table(show_lines=True, title=safe(timeline.topic))
    for name, width in (("when", 18), ("what (verbatim)", None), ("figures", 20), ("source", 28)):
        table.add_column(name, max_width=width, overflow="fold")
    for claim in timeline.claims:
        table.add_row(_when(claim), *_claim_cells(claim))
    console.print(table)


def _when(claim: DatedClaim) -> str:
    if claim.start is None:
        return f"{safe(claim.date_text)}\n[dim]relative; publication date unknown[/]"
    span = claim.start if claim.start == claim.end else f"{claim.start} – {claim.end or '…'}"
    note = ", resolved by publication date" if claim.resolved else ""
    return f"{safe(claim.date_text)}\n[dim]{span} ({claim.precision.replace('_', ' ')}{note})[/]"


def _claim_cells(claim: DatedClaim) -> tuple[str, str, str]:
    c = claim.citation
    mark = "verified" if c.verified else "NOT verified"
    return (
        f"“{safe(_clip(claim.what, 400))}”",
        safe(", ".join(" ".join([*f.qualifiers, f.raw]) for f in claim.figures)),
        f"{safe(c.title)}\n[dim]{safe(c.doc_id)}, chars {c.start}–{c.end}, {mark}[/]",
    )


def print_comparison(comparison: Comparison) -> None:
    _scope_and_flags(comparison.filters, comparison.disagreements)
    if not comparison.disagreements:
        line = no_flag_line(comparison)
        console.print(f"[{'green' if line == NO_DISAGREEMENT else 'yellow'}]{line}[/]\n")
    if worth_showing(comparison.answer_groups):
        said = answer_summary(comparison.answer_groups)
        console.print(f"[dim]Short answers (read from each source's statement):[/] {safe(said)}\n")
    for note in comparison.notes:
        console.print(f"[dim]{safe(note)}[/]\n")
    table = Table(show_lines=True, title=safe(comparison.question))
    table.add_column("source", max_width=30, overflow="fold")
    table.add_column("what it says", ratio=3, overflow="fold")
    table.add_column("figures", max_width=28, overflow="fold")
    figures = figure_missing_worth_noting(comparison)
    for view in comparison.sources:
        table.add_row(
            f"{safe(view.title)}\n[dim]{safe(view.doc_id)}[/]", *_view_cells(view, figures)
        )
    console.print(table)


def _view_cells(view: SourceView, figures_elsewhere: bool) -> tuple[str, str]:
    """The source's quotes and figures; "no figure" only where other sources give some and it
    gives no short answer either."""
    if not view.addresses:
        return "[dim]does not address this[/]", ""
    quotes = "\n".join(
        f"“{safe(_clip(st.citation.quote, 300))}” [dim]({st.citation.start}–{st.citation.end}"
        f"{', verified' if st.citation.verified else ', NOT verified'})[/]"
        + (
            f"\n[dim]after “{safe(_clip(st.citation.context, 120))}”[/]"
            if st.citation.context
            else ""
        )
        for st in view.statements
    )
    figures = "\n".join(
        safe(" ".join([*f.qualifiers, f.raw])) for st in view.statements for f in st.figures
    )
    # A source whose answer is not a figure we read ("1856": dates are read from 1900 on) still
    # answers: "no figure" would say it does not.
    answered = any(st.short_answer for st in view.statements)
    return quotes, figures or ("[dim]no figure[/]" if figures_elsewhere and not answered else "")
