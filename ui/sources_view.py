"""What the Sources tab's add and remove buttons do: change the corpus folder, re-index, report.

No Gradio (ui/sources.py lays the tab out). Files go through rag.corpus.edit, which never
overwrites or deletes; the index is swapped whole by the ingest, so it is never half-updated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.corpus.edit import add_article, check_new_article, remove_article, restore_hint
from rag.errors import ArticleError, RagError
from rag.ingestion import IngestReport
from ui import handlers, render
from ui.handlers import Resources

log = logging.getLogger("ui")
Stage = Callable[[str, float], None]  # told each step and the share done, for a progress bar
CHECKING = "Checking the file"
SAVING = "Saving"
MOVING = "Moving the file to .removed/"
INDEXING = "Indexing (embedding new passages)"
LOADING = "Loading the new index"


@dataclass
class Changed:
    """After an add or a remove: what to tell the user, and what the lists now hold."""

    note: str  # HTML
    rows: list[list[object]]
    choices: list[tuple[str, str]]


def listing(res: Resources) -> tuple[list[list[object]], list[tuple[str, str]]]:
    """The table rows and the article picker's (label, doc id) choices."""
    rows = handlers.source_rows(res)
    return rows, [(f"{title} ({doc_id})", str(doc_id)) for title, doc_id, *_ in rows]


def add(res: Resources, upload: str | None, stage: Stage) -> Changed:
    """Add an uploaded .txt/.md/.html/.pdf/.docx file to the collection and index it."""
    if not upload:
        raise ArticleError("Choose a .txt, .md, .html, .pdf or .docx file to add first.")
    stage(CHECKING, 0.0)
    name, data = Path(upload).name, _read_upload(Path(upload))
    with res.editing:
        check_new_article(res.settings, name, data)
        stage(SAVING, 0.1)
        path = add_article(res.settings, name, data)
        renamed = f" (renamed from {name})" if path.name != name else ""
        saved = f"Saved {path.name}{renamed} in {res.settings.corpus_dir}/."
        report = _reindex(res, stage, saved)
    article = res.engine().index.articles.get(path.stem)
    title = f"“{article.title}” " if article else ""
    head = f"Added {title}as {path.name}{renamed}: id {path.stem}."
    return _changed(res, head, report)


def indexed_title(res: Resources, doc_id: str | None) -> str:
    """The title of the picked article; ArticleError when none is picked or it is not indexed."""
    if not doc_id:
        raise ArticleError("Pick the article to remove first (in the list above the reader).")
    article = res.engine().index.articles.get(doc_id)
    if article is None:
        raise ArticleError(f"No article {doc_id!r} in the index; pick one from the list.")
    return article.title


def confirm_label(res: Resources, doc_id: str | None) -> str:
    """The text of the button that confirms removing `doc_id`."""
    return f"Yes, remove “{indexed_title(res, doc_id)}”"


def remove(res: Resources, doc_id: str | None, stage: Stage) -> Changed:
    """Move an article's file into <corpus>/.removed/ and re-index without it."""
    title, doc_id = indexed_title(res, doc_id), doc_id or ""
    with res.editing:
        stage(MOVING, 0.1)
        moved = remove_article(res.settings, doc_id)
        where = f"Its file was moved to {moved}; nothing was deleted. "
        where += restore_hint(moved, doc_id, res.settings.corpus_dir)
        report = _reindex(res, stage, where)
    return _changed(res, f"Removed “{title}” (id {doc_id}).", report, where)


def update(res: Resources, stage: Stage) -> Changed:
    """Re-read the corpus folder and update the index: files copied in, edited or deleted
    outside the UI since the server started, or an index that is missing or was built by
    another version (which the page otherwise can only report)."""
    with res.editing:
        report = _reindex(res, stage, f"{res.settings.corpus_dir}/ was read.")
    return _changed(res, f"Index brought up to date with {res.settings.corpus_dir}/.", report)


def _read_upload(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"Cannot read the upload ({exc.strerror}); upload it again.") from exc


def _reindex(res: Resources, stage: Stage, done: str) -> IngestReport:
    """Re-index after the folder changed; on failure say what was done and what to do next."""
    stage(INDEXING, 0.2)
    try:
        report = res.reindex(on_wait=lambda message: stage(message, 0.2))
        stage(LOADING, 0.9)
        res.engine()
    except Exception as exc:
        if not isinstance(exc, RagError):
            log.exception("re-indexing failed")
        why = str(exc) if isinstance(exc, RagError) else "see the server log"
        raise ArticleError(
            f"{done} But the index was not updated ({why}); questions are answered from the "
            "previous index. Fix the problem, then run `rag ingest`."
        ) from exc
    return report


def _changed(res: Resources, head: str, report: IngestReport, detail: str = "") -> Changed:
    rows, choices = listing(res)
    return Changed(note=report_html(head, report, detail), rows=rows, choices=choices)


def report_html(head: str, report: IngestReport, detail: str = "") -> str:
    """The outcome, then the ingest report: counts and every skipped file with its reason."""
    counts = (
        f"Index updated in {report.seconds:.1f} s: {len(report.updated)} added or changed, "
        f"{len(report.removed)} removed, {len(report.reused)} unchanged "
        f"({report.documents} articles, {report.chunks} passages)."
    )
    lines = [f"Skipped {s.path.name}: {s.reason}." for s in report.skipped]
    lines += [f"Kept the previously indexed version of {d}." for d in report.kept_previous]
    lines += report.notes
    items = "".join(f"<li>{render.esc(line)}</li>" for line in lines)
    return (
        f'<div class="box ok" data-kind="corpus-changed"><b>{render.esc(head)}</b>'
        f"{f'<p>{render.esc(detail)}</p>' if detail else ''}<p>{render.esc(counts)}</p>"
        f"{f'<ul>{items}</ul>' if items else ''}</div>"
    )
