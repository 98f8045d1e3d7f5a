"""An EvalReport out: rich tables in the terminal, a JSON file, a self-contained HTML page.

Does NOT compute any score. The HTML (template in rag/eval/templates/) has no external asset: CSS,
JS and the SVG charts (rag/eval/charts.py) are inline, so the file can be mailed or archived as is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from rag.eval.charts import latency_histogram, metric_bars
from rag.eval.gate import Check
from rag.eval.harness import EvalReport, QuestionResult, Scores

LABELS = {
    "evidence_recall": "evidence recall@k",
    "mrr": "MRR",
    "answer_hit_rate": "answer hit rate",
    "source_recall": "source recall",
    "citation_precision": "citation precision",
    "abstention_precision": "abstention precision",
    "abstention_recall": "abstention recall",
    "false_abstention": "false abstention (lower is better)",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
    "rewrite_accuracy": "follow-ups read right",
}
MEANINGS = {
    "evidence_recall": "Share of the gold evidence quotes found in the top-k retrieved passages.",
    "mrr": "1/rank of the first retrieved passage holding gold evidence, averaged (1 = first).",
    "answer_hit_rate": "Answerable questions whose answer text contains an acceptable answer.",
    "source_recall": "Share of the articles that hold the answer which the answer cites; "
    "the key number for multi-source and conflict questions.",
    "citation_precision": "Citations whose quote is verbatim at its offsets in a relevant article "
    "(any citation on an unanswerable question counts as wrong).",
    "abstention_precision": "Of the questions the system declined, the share that were "
    "really unanswerable.",
    "abstention_recall": "Unanswerable questions the system declined to answer.",
    "false_abstention": "Answerable questions the system wrongly declined.",
    "latency_p50_ms": "Median time to answer one question, warm.",
    "latency_p95_ms": "95th-percentile time to answer one question, warm.",
    "rewrite_accuracy": "Conversations: turns read right — follow-ups rewritten with the words "
    "they need, standalone questions left alone.",
}
CHARTED = [m for m in LABELS if not m.endswith("_ms")]
MARKERS = ("<!-- scores:start -->", "<!-- scores:end -->")
TEMPLATES = Path(__file__).parent / "templates"


def measured(report: EvalReport) -> dict[str, str]:
    """LABELS without the metrics no group measured (a question set has no follow-ups)."""
    runs = [r for r in (report, report.baseline) if r is not None]
    return {
        metric: label
        for metric, label in LABELS.items()
        if any(getattr(g, metric) is not None for r in runs for g in r.aggregates.values())
    }


def fmt(value: float | None, metric: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if metric.endswith("_ms") else f"{value:.3f}"


def print_report(report: EvalReport, checks: list[Check], console: Console) -> None:
    console.print(scores_table(report))
    console.print(failures_table(report.questions))
    for run in (report, report.baseline):
        if run is not None:
            passed = sum(q.passed for q in run.questions)
            console.print(f"{run.name}: {passed} of {len(run.questions)} questions pass")
    for c in checks:
        if c.passed:
            mark = "[yellow]–[/]" if c.skipped else "[green]✓[/]"
            console.print(f"{mark} {c.message()}", highlight=False)


def print_gate_failures(checks: list[Check], console: Console) -> None:
    """One red line per metric that misses its threshold (for stderr)."""
    for c in checks:
        if not c.passed:
            console.print(f"[bold red]Threshold missed:[/] {c.message()}", highlight=False)


def scores_table(report: EvalReport) -> Table:
    base = report.baseline
    caption = f"each cell: rag, then [dim]{base.name} (top-{base.k})[/]" if base else None
    table = Table(
        title=f"{escape(report.dataset)}: {len(report.questions)} questions, k={report.k}, "
        f"{report.seconds:.1f}s",
        caption=caption,
    )
    table.add_column("metric", ratio=2)
    for group, scores in report.aggregates.items():
        table.add_column(f"{group}\n({scores.n})", justify="right", min_width=len(group), ratio=1)
    for metric, label in measured(report).items():
        cells = [
            _cell(report.aggregates[g], base.aggregates.get(g) if base else None, metric)
            for g in report.aggregates
        ]
        table.add_row(label, *cells)
    return table


def _cell(ours: Scores, base: Scores | None, metric: str) -> str:
    text = fmt(getattr(ours, metric), metric)
    if base is None:
        return text
    return f"{text}\n[dim]{fmt(getattr(base, metric), metric)}[/]"


def failures_table(results: list[QuestionResult]) -> Table | str:
    failed = [r for r in results if not r.passed]
    if not failed:
        return f"[green]All {len(results)} questions pass.[/]"
    table = Table(title=f"Failures: {len(failed)} of {len(results)} questions", show_lines=False)
    for name in ("id", "type", "what went wrong", "answer"):
        table.add_column(name, overflow="fold")
    for r in failed:
        answer = (
            "[yellow](abstained)[/]" if r.answer.abstained else escape(_clip(r.answer.text, 90))
        )
        table.add_row(r.id, r.type, "; ".join(r.failures), answer)
    return table


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def report_data(report: EvalReport, checks: list[Check]) -> dict[str, Any]:
    """The JSON document: the run, the gate, and every question with its full Answer."""
    data = report.model_dump(mode="json")
    gate = [{**c.model_dump(), "message": c.message()} for c in checks]
    return {"passed": all(c.passed for c in checks), "checks": gate, **data}


def write_json(path: Path, report: EvalReport, checks: list[Check]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report_data(report, checks), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def scores_markdown(report: EvalReport) -> str:
    """The scores table as Markdown, the baseline's in brackets, with what produced them."""
    base, s = report.baseline, report.settings
    groups = list(report.aggregates)
    lines = [
        f"Measured {report.created[:10]} on `{report.dataset}` ({len(report.questions)} "
        f"questions), top-{report.k}, {s.get('retrieval_mode')} retrieval, "
        f"{s.get('answerer')} answerer, abstain_threshold {s.get('abstain_threshold')}"
        + (f"; in brackets: {base.name} (top-{base.k})." if base else "."),
        "",
        "| metric | " + " | ".join(f"{g} ({report.aggregates[g].n})" for g in groups) + " |",
        "|---" * (len(groups) + 1) + "|",
    ]
    for metric, label in measured(report).items():
        cells = [fmt(getattr(report.aggregates[g], metric), metric) for g in groups]
        if base:
            theirs = [fmt(getattr(base.aggregates.get(g), metric, None), metric) for g in groups]
            cells = [
                c if c == t == "–" else f"{c} ({t})" for c, t in zip(cells, theirs, strict=True)
            ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_markdown(path: Path, report: EvalReport, checks: list[Check]) -> None:
    """Replace the block between MARKERS in `path` (e.g. evals/README.md), else write the table."""
    start, end = MARKERS
    block = f"{start}\n{scores_markdown(report)}\n{end}"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in old and end in old[old.index(start) :]:
        text = old[: old.index(start)] + block + old[old.index(end) + len(end) :]
    else:
        text = block + "\n"
    path.write_text(text, encoding="utf-8")


def write_html(path: Path, report: EvalReport, checks: list[Check]) -> None:
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.filters["fmt"] = fmt
    base = {q.id: q for q in report.baseline.questions} if report.baseline else {}
    html = env.get_template("eval_report.html.j2").render(
        report=report,
        checks=checks,
        passed=all(c.passed for c in checks),
        labels=measured(report),
        meanings=MEANINGS,
        charts=charts(report, checks),
        latency=latency_histogram(report),
        baseline_of=base,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def charts(report: EvalReport, checks: list[Check]) -> list[str]:
    """An SVG per measured share: per group, ours, the baseline's and the thresholds."""
    drawn = [metric_bars(report, m, checks, LABELS[m]) for m in CHARTED if m in measured(report)]
    return [svg for svg in drawn if svg]
