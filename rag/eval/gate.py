"""The thresholds that gate `rag eval` (evals/thresholds.toml): read, check, rewrite from a run.

A metric in LOWER_IS_BETTER is a maximum, every other one a minimum. Does NOT measure anything;
a group the data set has no questions of is skipped, a metric it cannot measure fails.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

from pydantic import BaseModel

from rag.errors import DatasetError
from rag.eval.harness import TYPES, Scores

Thresholds = dict[str, dict[str, float]]
LOWER_IS_BETTER = frozenset({"false_abstention", "latency_p50_ms", "latency_p95_ms"})
METRICS = tuple(name for name in Scores.model_fields if name != "n")
GROUPS = ("overall", *TYPES)
DEFAULT_MARGIN = 0.02
HEADER = """\
# Gate for `rag eval` (and so `make test`): it exits 1 when a score falls below its minimum,
# or above its maximum for false_abstention and latencies. Scores are shares in 0..1 measured
# on the data set this file gates; a table per group ("overall" or a question type), one metric
# per line. After the system improves, re-measure and rewrite it (score minus {margin}):
#     rag eval --update-thresholds [--dataset D --thresholds T]
"""


class Check(BaseModel):
    group: str
    metric: str
    threshold: float
    value: float | None
    passed: bool
    skipped: bool = False

    @property
    def is_max(self) -> bool:
        return self.metric in LOWER_IS_BETTER

    def message(self) -> str:
        name = f"{self.group} {self.metric}"
        if self.skipped:
            return f"{name}: no {self.group} questions in this data set, not checked"
        if self.value is None:
            return f"{name} could not be measured (threshold {self.threshold:g})"
        if self.is_max:
            state = "is within" if self.passed else "is above"
            return f"{name} {self.value:.3f} {state} its maximum {self.threshold:g}"
        state = "meets" if self.passed else "is below"
        return f"{name} {self.value:.3f} {state} its minimum {self.threshold:g}"


def load_thresholds(path: Path) -> Thresholds:
    """Read and check the file; an unknown group or metric, or a non-number → DatasetError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DatasetError(f"Cannot read thresholds {path} ({exc.strerror}).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DatasetError(f"{path} is not valid TOML ({exc}).") from exc
    out: Thresholds = {}
    for group, limits in data.items():
        if group not in GROUPS or not isinstance(limits, dict):
            raise DatasetError(f"{path}: [{group}] is not one of {', '.join(GROUPS)}.")
        out[group] = {metric: _number(path, group, metric, v) for metric, v in limits.items()}
    return out


def _number(path: Path, group: str, metric: str, value: object) -> float:
    if metric not in METRICS:
        raise DatasetError(f"{path}: [{group}] {metric} is not a metric ({', '.join(METRICS)}).")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DatasetError(f"{path}: [{group}] {metric} must be a number, not {value!r}.")
    return float(value)


def check(aggregates: dict[str, Scores], thresholds: Thresholds) -> list[Check]:
    """One Check per threshold, in the file's order."""
    checks = []
    for group, limits in thresholds.items():
        scores = aggregates.get(group)
        for metric, threshold in limits.items():
            value = getattr(scores, metric) if scores else None
            if scores is None:
                passed = True
            elif value is None:
                passed = False
            else:
                passed = value <= threshold if metric in LOWER_IS_BETTER else value >= threshold
            checks.append(
                Check(
                    group=group,
                    metric=metric,
                    threshold=threshold,
                    value=value,
                    passed=passed,
                    skipped=scores is None,
                )
            )
    return checks


def updated(
    aggregates: dict[str, Scores], current: Thresholds, margin: float = DEFAULT_MARGIN
) -> Thresholds:
    """The same thresholds moved to `margin` short of the measured scores (unmeasured: kept)."""
    out: Thresholds = {}
    for group, limits in current.items():
        scores = aggregates.get(group)
        out[group] = {}
        for metric, old in limits.items():
            value = getattr(scores, metric) if scores else None
            out[group][metric] = old if value is None else _with_margin(metric, value, margin)
    return out


def _with_margin(metric: str, value: float, margin: float) -> float:
    if metric.endswith("_ms"):  # latencies are machine-bound: allow double, not a couple of points
        return float(math.ceil(value * 2))
    if metric in LOWER_IS_BETTER:
        return min(1.0, math.ceil((value + margin) * 100 - 1e-9) / 100)
    return max(0.0, math.floor((value - margin) * 100 + 1e-9) / 100)


def write_thresholds(path: Path, thresholds: Thresholds, margin: float = DEFAULT_MARGIN) -> None:
    lines = [HEADER.format(margin=margin)]
    for group, limits in thresholds.items():
        lines.append(f"[{group}]")
        lines += [f"{metric} = {value:g}" for metric, value in limits.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
