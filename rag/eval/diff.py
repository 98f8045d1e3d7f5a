"""Two eval runs of the same questions, compared question by question: which answers, citations,
retrieved passages or verdicts changed, and how far each aggregate score moved.

What it is for: a change that should not change answers (another index store, a faster kernel)
shows that it does not; one that should, shows where. Timings are left out: they always differ.
Does NOT run anything (eval/harness.py does).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError

from rag.errors import DatasetError
from rag.eval.harness import EvalReport, QuestionResult, Scores, SystemRun

_TIMINGS = {"latency_p50_ms", "latency_p95_ms"}


class QuestionChange(BaseModel):
    id: str
    question: str
    what: list[str]  # "verdict", "answer", "citations", "retrieved"
    before: str
    after: str


class MetricGap(BaseModel):
    group: str
    metric: str
    before: float | None
    after: float | None

    @property
    def gap(self) -> float:
        if self.before is None or self.after is None:
            return 0.0 if self.before == self.after else 1.0
        return abs(self.after - self.before)


class RunDiff(BaseModel):
    before: str
    after: str
    changed: list[QuestionChange]
    gaps: list[MetricGap]  # every aggregate, moved or not

    @property
    def max_metric_gap(self) -> float:
        return max((g.gap for g in self.gaps), default=0.0)

    def describe(self) -> str:
        """Plain text: each changed question, then the metrics that moved."""
        lines = [f"{len(self.changed)} question(s) differ between {self.before} and {self.after}"]
        for c in self.changed:
            lines.append(f"- {c.id} ({', '.join(c.what)}): {c.question}")
            lines.append(f"    {self.before}: {c.before}")
            lines.append(f"    {self.after}: {c.after}")
        moved = [g for g in self.gaps if g.gap > 0]
        lines.append(f"{len(moved)} aggregate(s) moved; largest {self.max_metric_gap:.3f}")
        lines += [f"- {g.group} {g.metric}: {g.before} → {g.after}" for g in moved]
        return "\n".join(lines)


def read_report(path: Path) -> EvalReport:
    """A report `rag eval --json` wrote; DatasetError (what to do) when it is not one."""
    try:
        report = EvalReport.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else type(exc).__name__
        raise DatasetError(
            f"{path} is not a report of `rag eval --json` ({why}); write one with "
            "`rag eval --json FILE`."
        ) from exc
    return report.model_copy(update={"name": path.name})


def diff_runs(before: SystemRun, after: SystemRun) -> RunDiff:
    """Question by question (matched by id), and every aggregate score."""
    theirs = {q.id: q for q in after.questions}
    changed = []
    for q in before.questions:
        other = theirs.get(q.id)
        what = ["missing"] if other is None else _what_changed(q, other)
        if what:
            after_text = "" if other is None else _summary(other)
            changed.append(
                QuestionChange(
                    id=q.id, question=q.question, what=what, before=_summary(q), after=after_text
                )
            )
    return RunDiff(before=before.name, after=after.name, changed=changed, gaps=_gaps(before, after))


def _what_changed(a: QuestionResult, b: QuestionResult) -> list[str]:
    what = []
    if a.passed != b.passed:
        what.append("verdict")
    if (a.answer.text, a.answer.abstained) != (b.answer.text, b.answer.abstained):
        what.append("answer")
    if _cited(a) != _cited(b):
        what.append("citations")
    if a.retrieved != b.retrieved:
        what.append("retrieved")
    return what


def _cited(q: QuestionResult) -> list[tuple[str, int, int]]:
    return [(c.doc_id, c.start, c.end) for c in q.answer.citations]


def _summary(q: QuestionResult) -> str:
    verdict = "pass" if q.passed else "fail"
    cited = ", ".join(f"{d}@{s}-{e}" for d, s, e in _cited(q)) or "no citation"
    return f"[{verdict}] {q.answer.text[:160]!r} ({cited})"


def _gaps(before: SystemRun, after: SystemRun) -> list[MetricGap]:
    gaps = []
    for group, scores in before.aggregates.items():
        other = after.aggregates.get(group, Scores(n=0))
        for metric, value in scores.model_dump().items():
            if metric in _TIMINGS or metric == "n":
                continue
            gaps.append(
                MetricGap(group=group, metric=metric, before=value, after=getattr(other, metric))
            )
    return gaps
