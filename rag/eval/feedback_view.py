"""Terminal output of `rag feedback`: the list of feedback and what an export wrote.

Does NOT read the store or write drafts (feedback.py and eval/drafts.py do).
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from rag.eval.drafts import Exported
from rag.feedback import FeedbackEntry
from rag.render.console import console, safe

RATINGS = {"up": "👍", "down": "👎"}
ANSWER_SHOWN = 80  # characters of the answer in the table: enough to recognise it


def print_feedback(entries: list[FeedbackEntry], store: Path) -> None:
    if not entries:
        console.print(
            f"No feedback yet in {safe(store)}. Give 👍/👎 under an answer in `rag serve`."
        )
        return
    table = Table(show_lines=True)
    for name in ("id", "time (UTC)", "rating", "note", "question", "answer"):
        table.add_column(name, overflow="fold")
    for e in entries:
        note = ": ".join(part for part in (e.reason, e.note) if part)
        question = e.question + (f"\n(understood as: {e.understood_as})" if e.understood_as else "")
        table.add_row(
            str(e.id),
            safe(e.created.replace("T", " ").removesuffix("+00:00")),
            RATINGS[e.rating],
            safe(note),
            safe(question),
            safe(_clip("(abstained) " if e.answer.abstained else "", e.answer.text)),
        )
    console.print(table)
    console.print(f"[dim]{len(entries)} in {safe(store)}[/]")


def _clip(prefix: str, text: str) -> str:
    text = " ".join(text.split())
    return prefix + (text if len(text) <= ANSWER_SHOWN else text[: ANSWER_SHOWN - 1] + "…")


def print_exported(done: Exported, total: int) -> None:
    if not done.written:
        console.print(f"Nothing new: the {total} drafts are in {safe(done.path)} already.")
        return
    already = f" ({done.already} were there already)" if done.already else ""
    console.print(
        f"Wrote {done.written} draft eval items to {safe(done.path)}{already}. Review each, "
        'fix or fill what it needs, then remove "draft": true; `rag eval` refuses drafts '
        "unless given --include-drafts."
    )
