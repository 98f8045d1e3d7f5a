"""Terminal output for the CLI (rich): tables and answers. Does NOT compute anything."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from rag.config import Settings
from rag.ingest import IngestReport
from rag.schema import Hit

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def print_ingest_report(report: IngestReport, settings: Settings) -> None:
    for item in report.skipped:
        errors.print(f"[yellow]Skipped[/] {item.path}: {item.reason}")
    for doc_id in report.kept_previous:
        errors.print(f"[yellow]Kept[/] the previously indexed version of {doc_id}")
    for note in report.notes:
        errors.print(f"[yellow]Note:[/] {note}")
    state = "updated" if report.saved else "already up to date"
    console.print(
        f"Index {settings.index_dir}/ {state}: {report.documents} documents, "
        f"{report.chunks} chunks, {report.sentences} sentences. "
        f"Embedded {report.embedded_chunks} chunks and {report.embedded_sentences} sentences "
        f"({len(report.updated)} new or changed, {len(report.reused)} unchanged, "
        f"{len(report.removed)} removed) in {report.seconds:.1f}s."
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
            f"{hit.title}\n[dim]{c.doc_id}[/]",
            f"{c.start}-{c.end}",
            f"{hit.score:.4f}",
            _rank(hit.dense_rank),
            _rank(hit.bm25_rank),
            _clip(c.text, 400),
        )
    console.print(table)


def _rank(rank: int | None) -> str:
    return "-" if rank is None else f"#{rank}"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
