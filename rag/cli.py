"""Thin commands: parse arguments, call the library, print. Errors become one red line.

Imports stay inside the commands so `rag --help` and light commands start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from rag.errors import RagError

app = typer.Typer(
    help="Grounded answers with verified citations over a folder of articles.",
    no_args_is_help=True,
    add_completion=False,
)

CorpusOpt = Annotated[Path | None, typer.Option("--corpus", help="Folder of .txt/.md articles.")]
IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index folder.")]
KOpt = Annotated[int | None, typer.Option("--k", min=1, max=100, help="Passages to retrieve.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def settings_for(corpus: Path | None = None, index: Path | None = None, **extra: Any) -> Any:
    from rag.config import Settings

    given = {"corpus_dir": corpus, "index_dir": index, **extra}
    return Settings(**{k: v for k, v in given.items() if v is not None})


def fail(message: str, code: int = 1) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def run(action: Any) -> Any:
    """Call `action`, turning library errors into a red line and exit code 1."""
    try:
        return action()
    except RagError as exc:
        fail(str(exc))


@app.command()
def ingest(corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """Build or update the index from the corpus (only changed files are re-embedded)."""
    from rag.embedding import make_embedder
    from rag.ingest import ingest as do_ingest
    from rag.render import print_ingest_report

    settings = settings_for(corpus, index)
    report = run(lambda: do_ingest(settings, make_embedder(settings), progress=sys.stderr.isatty()))
    print_ingest_report(report, settings)


@app.command()
def search(question: str, k: KOpt = None, json: JsonOpt = False, index: IndexOpt = None) -> None:
    """Show the passages that best match a question (hybrid dense + BM25)."""
    from rag.engine import load_engine
    from rag.render import print_hits, print_json
    from rag.validation import clean_question

    settings = settings_for(index=index)
    text = run(lambda: clean_question(question, settings.max_question_chars))
    hits = run(lambda: load_engine(settings).retriever.search(text, k))
    if json:
        print_json([h.model_dump(mode="json") for h in hits])
    else:
        print_hits(hits)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option("--host", help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help="Port.")] = None,
    corpus: CorpusOpt = None,
    index: IndexOpt = None,
) -> None:
    """Start the web UI (Ask, Compare, Sources, Evaluate); 127.0.0.1:7860 unless told."""
    from ui.app import launch

    run(lambda: launch(settings_for(corpus, index, host=host, port=port)))


def main() -> None:
    app()
