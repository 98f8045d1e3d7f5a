"""Thin commands: parse arguments, call the library, print. Errors become one red line.

Imports stay inside the commands so `rag --help` and light commands start fast.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from rag.errors import RagError
from rag.options import AnswererName, BaselineName, ExportFormat

app = typer.Typer(
    help="Grounded answers with verified citations over a folder of articles.",
    no_args_is_help=True,
    add_completion=False,
)

CorpusOpt = Annotated[
    Path | None, typer.Option("--corpus", help="Folder of .txt/.md/.html/.pdf/.docx articles.")
]
IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index folder.")]
KOpt = Annotated[int | None, typer.Option("--k", min=1, max=100, help="Passages to retrieve.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option("--source", help="Only this source: its id or a piece of its title (repeatable)."),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="Only articles published on or after (YYYY[-MM[-DD]])."),
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="Only articles published on or before (YYYY[-MM[-DD]])."),
]
AnswererOpt = Annotated[
    AnswererName | None, typer.Option("--answerer", help="extractive (default) or llm.")
]
FormatOpt = Annotated[
    ExportFormat | None,
    typer.Option("--format", help="Print md, json or csv instead of a table (--json = json)."),
]
MAX_TURNS = 6  # earlier answers a chat keeps: follow-ups refer to the last one or two


def _note(message: Warning | str, *_: object, **__: object) -> str:
    """What the library warns of (a setting it cannot honour), as one line without a traceback."""
    return f"Note: {message}\n"


warnings.formatwarning = _note


def settings_for(corpus: Path | None = None, index: Path | None = None, **extra: Any) -> Any:
    from rag.config import Settings

    given = {"corpus_dir": corpus, "index_dir": index, **extra}
    return Settings(**{k: v for k, v in given.items() if v is not None})


def fail(message: str, code: int = 1) -> None:
    from rich.console import Console

    from rag.render.console import safe

    # A new console: it reads FORCE_COLOR / NO_COLOR as they are now.
    Console(stderr=True).print(f"[bold red]Error:[/] {safe(message)}")
    raise typer.Exit(code)


def show(json_data: Any, human: Any) -> None:
    """Print `json_data` as JSON when --json gave it, else the human view."""
    if json_data is None:
        human()
    else:
        from rag.render.console import print_json

        print_json(json_data)


def filters_for(source: list[str] | None, since: str | None, until: str | None) -> Any:
    """The --source/--since/--until filter, or None; a malformed date exits with code 2."""
    from pydantic import ValidationError

    from rag.schema import Filters

    try:
        filters = Filters(sources=source or [], since=since, until=until)
    except ValidationError as exc:
        fail("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()), code=2)
    return None if filters.is_empty() else filters


def pick_format(fmt: ExportFormat | None, json: bool) -> ExportFormat | None:
    """--format, or JSON for --json (its alias); None = the terminal view. Both, differing: exit 2
    (typer refuses a format that is no ExportFormat, also with exit 2)."""
    if json and fmt not in (None, ExportFormat.JSON):
        fail(f"--json asks for JSON but --format asks for {fmt}: give one of them.", code=2)
    return ExportFormat.JSON if json else fmt


def print_view(view: Any, fmt: ExportFormat | None, human: Any) -> None:
    """Print `view` as rag/render/export.py writes it in `fmt`, or call `human` when fmt is None."""
    if fmt is None:
        human()
    else:
        from rag.render.export import EXPORTERS

        sys.stdout.write(EXPORTERS[fmt](view))


def run(action: Any) -> Any:
    """Call `action`, turning library errors into a red line and exit code 1."""
    try:
        return action()
    except RagError as exc:
        fail(str(exc))


@app.command()
def ingest(corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """Build or update the index from the corpus (only changed files are re-embedded)."""
    from rag.embedding.model import make_embedder
    from rag.ingestion import ingest as do_ingest
    from rag.render.console import errors, print_ingest_report, safe

    settings = settings_for(corpus, index)
    report = run(
        lambda: do_ingest(
            settings,
            make_embedder(settings, bulk=True),
            progress=sys.stderr.isatty(),
            on_wait=lambda message: errors.print(f"[yellow]{safe(message)}[/]"),
        )
    )
    print_ingest_report(report, settings)


@app.command()
def search(
    question: str,
    k: KOpt = None,
    json: JsonOpt = False,
    index: IndexOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """Show the passages that best match a question (hybrid dense + BM25)."""
    from rag.engine import load_engine
    from rag.filters import select_documents
    from rag.render.console import print_hits
    from rag.validation import clean_question

    settings = settings_for(index=index)
    filters = filters_for(source, since, until)
    text = run(lambda: clean_question(question, settings.max_question_chars))
    engine = run(lambda: load_engine(settings))
    docs = run(lambda: select_documents(engine.index.articles, filters))
    hits = run(lambda: engine.retriever.search(text, k, docs=docs))
    show([h.model_dump(mode="json") for h in hits] if json else None, lambda: print_hits(hits))


@app.command()
def ask(
    question: str,
    k: KOpt = None,
    json: JsonOpt = False,
    answerer: AnswererOpt = None,
    index: IndexOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Answer a question from the articles, every sentence cited and checked against its source."""
    from rag.chain import ask as do_ask
    from rag.render.console import print_answer

    fmt = pick_format(fmt, json)
    filters = filters_for(source, since, until)
    settings = run(lambda: settings_for(index=index, k=k, answerer=answerer))
    answer = run(lambda: do_ask(question, settings, filters=filters))
    print_view(answer, fmt, lambda: print_answer(answer))


@app.command()
def chat(
    k: KOpt = None,
    json: Annotated[
        bool, typer.Option("--json", help="Print one Answer per line as JSON.")
    ] = False,
    answerer: AnswererOpt = None,
    index: IndexOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            help="json: one Answer per line (= --json); md or csv: one document, turn by turn.",
        ),
    ] = None,
) -> None:
    """A conversation, one question per line: follow-ups ("And Google?") use the earlier turns.

    Reads typed or piped lines; `/new` starts a new conversation."""
    from rag.chain import ask as do_ask
    from rag.engine import load_engine
    from rag.filters import select_documents
    from rag.render.console import errors, print_answer, safe
    from rag.render.export import conversation_piece

    fmt = pick_format(fmt, json)
    filters = filters_for(source, since, until)
    settings = run(lambda: settings_for(index=index, k=k, answerer=answerer))
    engine = run(lambda: load_engine(settings))
    run(lambda: select_documents(engine.index.articles, filters))  # a bad filter stops here
    interactive = sys.stdin.isatty()
    if interactive:
        errors.print("[dim]Ask away. `/new` starts a new conversation; an empty line ends.[/]")
    history: list[Any] = []
    turn = 0  # answered turns, numbered on across `/new` so exported footnotes stay unique
    for question in chat_lines(interactive):
        if question == "/new":
            history.clear()
            continue
        try:
            answer = do_ask(
                question, settings, engine, history=history[-MAX_TURNS:], filters=filters
            )
        except RagError as exc:  # one bad line does not end the conversation
            errors.print(f"[bold red]Error:[/] {safe(str(exc))}")
            continue
        history.append(answer)
        turn += 1
        if fmt is None:
            print_answer(answer)
        else:
            sys.stdout.write(conversation_piece(answer, turn, fmt))
            sys.stdout.flush()


def chat_lines(interactive: bool) -> Any:
    """Questions from the terminal (until an empty line or Ctrl-D) or from piped stdin."""
    while True:
        try:
            line = input("> ") if interactive else sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            return
        if not interactive and not line:
            return
        if line.strip():
            yield line.strip()
        elif interactive:
            return


@app.command()
def compare(
    question: str,
    json: JsonOpt = False,
    index: IndexOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Show what each source says about a question, and flag where their figures disagree."""
    from rag.answer.comparison import compare as do_compare
    from rag.render.console import print_comparison

    filtered_view(
        do_compare, question, index, (source, since, until), (fmt, json), print_comparison
    )


@app.command()
def timeline(
    topic: str,
    json: JsonOpt = False,
    index: IndexOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Every dated statement on a topic across the sources, in date order, conflicts flagged."""
    from rag.answer.timeline import timeline as do_timeline
    from rag.render.console import print_timeline

    filtered_view(do_timeline, topic, index, (source, since, until), (fmt, json), print_timeline)


def filtered_view(
    build: Any,
    text: str,
    index: Path | None,
    filters: tuple[list[str] | None, str | None, str | None],
    output: tuple[ExportFormat | None, bool],
    human: Any,
) -> None:
    """Build a comparison or timeline of `text` under the filters, and print it as asked."""
    fmt = pick_format(*output)
    settings = settings_for(index=index)
    given = filters_for(*filters)
    view = run(lambda: build(text, settings, filters=given))
    print_view(view, fmt, lambda: human(view))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option("--host", help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help="Port.")] = None,
    corpus: CorpusOpt = None,
    index: IndexOpt = None,
) -> None:
    """Start the web UI (Ask, Compare, Timeline, Sources, Evaluate); 127.0.0.1:7860 unless told."""
    from ui.app import launch

    run(lambda: launch(settings_for(corpus, index, host=host, port=port)))


@app.command(name="eval")
def eval_(
    dataset: Annotated[
        Path, typer.Option("--dataset", help="JSONL questions with gold answers and evidence.")
    ] = Path("evals/qa.jsonl"),
    k: KOpt = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write a JSON report.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write an HTML report.")] = None,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Write the scores table (or update it).")
    ] = None,
    baseline: Annotated[
        BaselineName | None,
        typer.Option("--baseline", help="Also run a baseline: langchain-naive."),
    ] = None,
    thresholds: Annotated[
        Path, typer.Option("--thresholds", help="Scores to meet; exit 1 when one is missed.")
    ] = Path("evals/thresholds.toml"),
    update_thresholds: Annotated[
        bool, typer.Option("--update-thresholds", help="Rewrite them to just below these scores.")
    ] = False,
    index: IndexOpt = None,
    include_drafts: Annotated[
        bool, typer.Option("--include-drafts", help="Also score unconfirmed feedback drafts.")
    ] = False,
    export_to: Annotated[
        Path | None,
        typer.Option("--export", help="Write the report as .md, .json or .csv (by its suffix)."),
    ] = None,
) -> None:
    """Score answers, citations and abstentions against a Q&A set; exit 1 below the thresholds."""
    from rag.engine import load_engine
    from rag.eval.conversations import is_conversations, load_conversations, run_conversations
    from rag.eval.export import EVAL_EXPORTERS
    from rag.eval.gate import check, load_thresholds, updated, write_thresholds
    from rag.eval.harness import load_dataset, run_eval
    from rag.eval.report import (
        print_gate_failures,
        print_report,
        write_html,
        write_json,
        write_markdown,
    )
    from rag.render.console import console, errors

    suffix = export_to.suffix.lower().lstrip(".") if export_to else None
    if export_to is not None and suffix not in EVAL_EXPORTERS:
        fail(f"--export writes .md, .json or .csv files, not {export_to.name!r}.", code=2)
    if export_to is not None and export_to.exists():  # never over a file it did not write
        fail(f"{export_to} already exists; --export writes a new file. Pick another name.", code=2)
    settings = run(lambda: settings_for(index=index))
    limits = run(lambda: load_thresholds(thresholds))
    if is_conversations(dataset):
        if baseline is not None:
            fail("--baseline scores question sets, not conversations.", code=2)
        talks = run(lambda: load_conversations(dataset))
        errors.print(f"[dim]Evaluating {len(talks)} conversations from {dataset}…[/]")
        report = run(lambda: run_conversations(talks, load_engine(settings), str(dataset), k))
    else:
        items = run(lambda: load_dataset(dataset, include_drafts))
        errors.print(f"[dim]Evaluating {len(items)} questions from {dataset}…[/]")
        report = run(lambda: run_eval(items, load_engine(settings), str(dataset), k, baseline))
    if update_thresholds:
        limits = updated(report.aggregates, limits)
        write_thresholds(thresholds, limits)
        errors.print(f"[dim]Rewrote {thresholds} from these scores.[/]")
    checks = check(report.aggregates, limits)
    for path, write in ((json_out, write_json), (html, write_html), (markdown, write_markdown)):
        if path is not None:
            write(path, report, checks)
            errors.print(f"[dim]Wrote {path}[/]")
    if export_to is not None and suffix is not None:
        export_to.parent.mkdir(parents=True, exist_ok=True)
        with export_to.open("x", encoding="utf-8") as f:  # "x": fails rather than overwrite
            f.write(EVAL_EXPORTERS[suffix](report))
        errors.print(f"[dim]Wrote {export_to}[/]")
    print_report(report, checks, console)
    if not all(c.passed for c in checks):
        print_gate_failures(checks, errors)
        raise typer.Exit(1)


@app.command(name="eval-diff")
def eval_diff(
    before: Annotated[Path, typer.Argument(help="A report of `rag eval --json`.")],
    after: Annotated[Path, typer.Argument(help="Another, of the same questions.")],
    json_out: JsonOpt = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any answer or score differs.")
    ] = False,
) -> None:
    """Two eval runs question by question: changed verdicts, answers, citations, passages."""
    from rag.eval.diff import diff_runs, read_report
    from rag.render.console import console, print_json, safe

    diff = run(lambda: diff_runs(read_report(before), read_report(after)))
    if json_out:
        print_json(diff.model_dump(mode="json"))
    else:
        console.print(safe(diff.describe()), soft_wrap=True)
    if strict and (diff.changed or diff.max_metric_gap > 0):
        raise typer.Exit(1)


@app.command()
def add(
    files: Annotated[list[Path], typer.Argument(help=".txt/.md/.html/.pdf/.docx articles to add.")],
    corpus: CorpusOpt = None,
    index: IndexOpt = None,
) -> None:
    """Copy articles into the corpus folder (never over a file there), then update the index."""
    from rag.corpus.edit import add_article
    from rag.render.console import console, errors, safe

    settings = settings_for(corpus, index)
    failed = 0
    for path in files:
        try:
            saved = add_article(settings, path.name, path.read_bytes())
        except (RagError, OSError) as exc:
            failed += 1
            why = exc.strerror if isinstance(exc, OSError) else str(exc)
            errors.print(f"[bold red]Error:[/] {safe(path)}: {safe(why)}")
            continue
        console.print(f"Added {safe(path.name)} as {safe(saved)}")
    if failed < len(files):
        ingest(corpus, index)
    if failed:
        raise typer.Exit(1)


@app.command()
def remove(doc_id: str, corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """Move an article's file into <corpus>/.removed/ (nothing is deleted); update the index."""
    from rag.corpus.edit import remove_article, restore_hint
    from rag.render.console import console, safe

    settings = settings_for(corpus, index)
    moved = run(lambda: remove_article(settings, doc_id))
    hint = restore_hint(moved, doc_id, settings.corpus_dir)
    console.print(f"Moved {safe(doc_id)} to {safe(moved)}. {safe(hint)}")
    ingest(corpus, index)


feedback_app = typer.Typer(
    help="👍/👎 given under answers in the web UI, and eval items drafted from them.",
    no_args_is_help=True,
)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("list")
def feedback_list(json: JsonOpt = False, index: IndexOpt = None) -> None:
    """Show the feedback on this index's answers, oldest first."""
    from rag.eval.feedback_view import print_feedback
    from rag.feedback import entries, store_path

    settings = settings_for(index=index)
    found = run(lambda: entries(settings))
    data = [e.model_dump(mode="json") for e in found] if json else None
    show(data, lambda: print_feedback(found, store_path(settings)))


@feedback_app.command("export")
def feedback_export(
    to: Annotated[Path, typer.Option("--to", help="JSONL file for the drafts (a new file).")],
    append: Annotated[
        bool,
        typer.Option(
            "--append", help="Add to the end of an existing file, skipping drafts it holds."
        ),
    ] = False,
    index: IndexOpt = None,
) -> None:
    """Draft eval items (evals/qa.jsonl format, marked "draft": true) from the feedback."""
    from rag.eval.drafts import drafts, export
    from rag.eval.feedback_view import print_exported, print_feedback
    from rag.feedback import entries, store_path

    settings = settings_for(index=index)
    found = run(lambda: entries(settings))
    if not found:
        print_feedback(found, store_path(settings))
        return
    items = run(lambda: drafts(found))
    print_exported(run(lambda: export(items, to, append)), len(items))


def main() -> None:
    app()
