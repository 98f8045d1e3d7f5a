"""An EvalReport as Markdown (scores overall and per type, then the failures), JSON or CSV (a row
per question with its metrics; the baseline's rows after ours).

Pure, like rag/render/export.py: the same report gives the same bytes (its `created` time is part
of the report, not of the export). Does NOT score (rag/eval/harness.py) nor write files (cli.py,
ui/).
"""

from __future__ import annotations

from collections.abc import Callable

from rag.eval.harness import EvalReport, SystemRun
from rag.eval.metrics import QuestionMetrics
from rag.eval.report import scores_markdown
from rag.render.formats import Cell, code, csv_text, escape, table

QUESTION_COLUMNS = [
    "system",
    "id",
    "type",
    "passed",
    "question",
    "failures",
    "abstained",
    "answer",
    *QuestionMetrics.model_fields,
    "rewrite_ok",
]


def eval_markdown(report: EvalReport) -> str:
    """The scores table (the baseline's in brackets), how many pass, and each failure."""
    runs = [r for r in (report, report.baseline) if r is not None]
    parts = [
        f"# Evaluation: {escape(report.dataset)}",
        scores_markdown(report),
        "\n".join(
            f"- {escape(r.name)}: {_passed(r)} of {len(r.questions)} questions pass" for r in runs
        ),
    ]
    failed = [q for q in report.questions if not q.passed]
    parts.append(f"## Failures: {len(failed)} of {len(report.questions)} questions")
    if failed:
        rows = [
            [
                code(q.id),
                escape(q.type),
                escape(q.question),
                escape("; ".join(q.failures)),
                "*(abstained)*" if q.answer.abstained else escape(q.answer.text),
            ]
            for q in failed
        ]
        parts.append(table(["id", "type", "question", "what went wrong", "answer"], rows))
    else:
        parts.append("All questions pass.")
    return "\n\n".join(parts) + "\n"


def _passed(run: SystemRun) -> int:
    return sum(q.passed for q in run.questions)


def eval_json(report: EvalReport) -> str:
    """The report's model as indented JSON (`rag eval --json` adds the threshold checks)."""
    return report.model_dump_json(indent=2) + "\n"


def eval_csv(report: EvalReport) -> str:
    """A header, then a row per question and system: ours first, then the baseline."""
    runs = [r for r in (report, report.baseline) if r is not None]
    return csv_text([QUESTION_COLUMNS, *(row for r in runs for row in _rows(r))])


def _rows(run: SystemRun) -> list[list[Cell]]:
    return [
        [
            run.name,
            q.id,
            q.type,
            q.passed,
            q.question,
            "; ".join(q.failures),
            q.answer.abstained,
            q.answer.text,
            *q.metrics.model_dump().values(),
            q.rewrite_ok,
        ]
        for q in run.questions
    ]


EVAL_EXPORTERS: dict[str, Callable[[EvalReport], str]] = {
    "md": eval_markdown,
    "json": eval_json,
    "csv": eval_csv,
}
