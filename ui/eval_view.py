"""The Evaluate tab's work without Gradio: check the data set, run rag.eval.harness, shape results.

Scoring, the gate and the report files all come from rag.eval.harness / gate / report;
this module only validates uploads and turns an EvalReport into rows, charts data and HTML.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import DatasetError, QuestionError
from rag.eval.charts import latency_histogram, threshold_bars
from rag.eval.gate import Check, check, load_thresholds
from rag.eval.harness import EvalItem, EvalReport, load_dataset, run_eval
from rag.eval.report import LABELS, write_html, write_json
from rag.validation import clean_question
from ui.handlers import Resources
from ui.render import esc

DATASET = Path("evals/qa.jsonl")
THRESHOLDS = Path("evals/thresholds.toml")
REPORTS = Path(tempfile.gettempdir()) / "rag-ui-reports"
MAX_UPLOAD_BYTES = 2_000_000
MAX_QUESTIONS = 500
SUMMARY = (
    "answer_hit_rate",
    "evidence_recall",
    "citation_precision",
    "abstention_recall",
    "false_abstention",
    "latency_p50_ms",
)
TABLE_HEADERS = ["ID", "Type", "Result", "Question", "What went wrong", "Answer"]
Progress = Callable[[int, int], None]


@dataclass
class EvalOutcome:
    summary_html: str
    scores: list[dict[str, Any]]
    by_type: list[dict[str, Any]]
    rows: list[list[str]]
    json_path: Path
    html_path: Path


def load_items(upload: str | Path | None, max_chars: int) -> tuple[list[EvalItem], str]:
    """The uploaded JSONL (checked) or the built-in eval set; DatasetError says what is wrong."""
    if upload is None:
        return load_dataset(DATASET), str(DATASET)
    path = Path(upload)
    if path.suffix.lower() != ".jsonl":
        raise DatasetError(f"{path.name} is not a .jsonl file. Upload JSON lines like {DATASET}.")
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise DatasetError(f"{path.name} is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB.")
    try:
        items = load_dataset(path)
    except DatasetError as exc:  # name the user's file, not the server's temp copy
        raise DatasetError(str(exc).replace(str(path), path.name)) from None
    if len(items) > MAX_QUESTIONS:
        raise DatasetError(f"{path.name} has {len(items)} questions; the limit is {MAX_QUESTIONS}.")
    for item in items:
        try:
            clean_question(item.question, max_chars)
        except QuestionError as exc:
            raise DatasetError(f"{path.name}, question {item.id}: {exc}") from None
    return items, f"upload: {path.name}"


def run(res: Resources, upload: str | Path | None, progress: Progress) -> EvalOutcome:
    items, name = load_items(upload, res.settings.max_question_chars)
    report = run_eval(items, res.engine(), name, progress=progress)
    # The thresholds were measured on the built-in set; an upload is not held to them.
    gated = upload is None and THRESHOLDS.exists()
    checks = check(report.aggregates, load_thresholds(THRESHOLDS)) if gated else []
    folder = report_folder()
    json_path, html_path = folder / "eval-report.json", folder / "eval-report.html"
    write_json(json_path, report, checks)
    write_html(html_path, report, checks)
    return EvalOutcome(
        summary_html(report, checks),
        scores(report),
        by_type(report),
        rows(report),
        json_path,
        html_path,
    )


def report_folder(keep_seconds: float = 86_400) -> Path:
    """A fresh folder under the temp dir for one run's files; day-old runs are swept away."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    for old in REPORTS.iterdir():
        if time.time() - old.stat().st_mtime > keep_seconds:
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(dir=REPORTS))


def scores(report: EvalReport) -> list[dict[str, Any]]:
    """Overall scores in 0..1 (latencies left out: another scale)."""
    overall = report.aggregates["overall"]
    return [
        {"metric": LABELS[m], "score": round(v, 3)}
        for m in LABELS
        if not m.endswith("_ms") and (v := getattr(overall, m)) is not None
    ]


def by_type(report: EvalReport) -> list[dict[str, Any]]:
    kinds: dict[str, list[bool]] = {}
    for q in report.questions:
        kinds.setdefault(q.type, []).append(q.passed)
    return [{"type": k, "pass rate": round(sum(v) / len(v), 3)} for k, v in kinds.items()]


def rows(report: EvalReport) -> list[list[str]]:
    """Failures first, then the passes, each in data set order."""
    ordered = sorted(report.questions, key=lambda q: q.passed)
    return [
        [
            q.id,
            q.type,
            "pass" if q.passed else "FAIL",
            q.question,
            "; ".join(q.failures),
            "(abstained)" if q.answer.abstained else _clip(q.answer.text, 240),
        ]
        for q in ordered
    ]


def summary_html(report: EvalReport, checks: list[Check]) -> str:
    passed = sum(q.passed for q in report.questions)
    failed = len(report.questions) - passed
    overall = report.aggregates["overall"]
    cards = [
        _stat("questions", str(len(report.questions))),
        _stat("passed", str(passed), "pass"),
        _stat("failed", str(failed), "fail" if failed else "pass"),
        _gate(checks),
    ]
    cards += [_stat(LABELS[m], _fmt(getattr(overall, m), m)) for m in SUMMARY]
    missed = "".join(f"<li>{esc(c.message())}</li>" for c in checks if not c.passed)
    gate = f'<div class="box error"><b>Below threshold</b><ul>{missed}</ul></div>' if missed else ""
    return (
        f'<div data-kind="eval-summary"><p class="meta">{esc(report.dataset)} · '
        f"{report.seconds:.1f} s · k={report.k}</p>"
        f'<div class="stats">{"".join(cards)}</div>{gate}{charts_html(report, checks)}</div>'
    )


def charts_html(report: EvalReport, checks: list[Check]) -> str:
    """The HTML report's threshold charts (when gated) and latency histogram, side by side."""
    drawn = [*threshold_bars(report, checks, LABELS), latency_histogram(report)]
    shown = "".join(f'<div class="eval-chart">{svg}</div>' for svg in drawn if svg)
    return f'<div class="eval-charts" data-kind="eval-charts">{shown}</div>' if shown else ""


def _gate(checks: list[Check]) -> str:
    if not checks:
        return _stat("thresholds", "not applied")
    ok = all(c.passed for c in checks)
    return _stat("thresholds", "met" if ok else "missed", "pass" if ok else "fail")


def _stat(label: str, value: str, tone: str = "") -> str:
    return f'<div class="stat {tone}"><b>{esc(value)}</b>{esc(label)}</div>'


def _fmt(value: float | None, metric: str) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} ms" if metric.endswith("_ms") else f"{value:.1%}"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
