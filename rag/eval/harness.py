"""The eval harness: ask every question of a data set, score it, aggregate overall and per type.

Does NOT print, write files or gate (eval/report.py and eval/gate.py do). Any system that maps a
question to an Answer plus the passages it retrieved, best first, can be scored: ours and the
baselines of eval/baseline.py run on the same questions and index.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
from pydantic import BaseModel, Field

from rag.chain import ask
from rag.config import Settings
from rag.embedding.model import Embedder
from rag.engine import Engine
from rag.eval.baseline import BASELINES
from rag.eval.dataset import TYPES, EvalItem, ItemType, load_dataset
from rag.eval.metrics import QuestionMetrics, failures, normalize, score_question
from rag.index.core import Index
from rag.schema import Answer, Span
from rag.validation import clean_question

__all__ = [
    "EvalItem",
    "EvalReport",
    "QuestionResult",
    "Scores",
    "SystemRun",
    "aggregate",
    "aggregates",
    "evaluate",
    "load_dataset",
    "normalize",
    "run_eval",
]

System = Callable[[str], tuple[Answer, list[Span]]]
Progress = Callable[[int, int], None]
"""A question → (its answer, the passages retrieved for it, best first)."""


class Expected(BaseModel):
    answers: list[str]
    sources: list[str]
    evidence: list[str]


class QuestionResult(BaseModel):
    """One question: `answer` is exactly what `ask` returned (what `rag ask --json` prints)."""

    id: str
    type: ItemType
    question: str
    expected: Expected
    answer: Answer
    retrieved: list[str] = Field(description='"doc_id@start-end" of the passages, best first')
    metrics: QuestionMetrics
    failures: list[str] = []
    passed: bool = True
    rewrite_ok: bool | None = Field(
        default=None, description="conversations only: was the follow-up read right"
    )


class Scores(BaseModel):
    """Aggregates over a group of questions; None = no question in the group to measure it on."""

    n: int
    evidence_recall: float | None = None
    mrr: float | None = None
    answer_hit_rate: float | None = None
    source_recall: float | None = None
    citation_precision: float | None = None
    abstention_precision: float | None = None
    abstention_recall: float | None = None
    false_abstention: float | None = None
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    rewrite_accuracy: float | None = None


class SystemRun(BaseModel):
    name: str
    k: int
    questions: list[QuestionResult]
    aggregates: dict[str, Scores]
    seconds: float


class EvalReport(SystemRun):
    """Our system's run (top level) plus, optionally, a baseline on the same questions."""

    dataset: str
    created: str
    settings: dict[str, str | int | float]
    baseline: SystemRun | None = None


def _mean(values: Sequence[float | bool | None]) -> float | None:
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def aggregate(results: list[QuestionResult], overall: bool = False) -> Scores:
    """Means over the questions a metric applies to; citation precision over all citations."""
    m = [r.metrics for r in results]
    unanswerable = [r.metrics.abstained for r in results if r.type == "unanswerable"]
    answerable = [r.metrics.abstained for r in results if r.type != "unanswerable"]
    latency = np.array([x.latency_ms for x in m]) if m else None
    return Scores(
        n=len(results),
        evidence_recall=_mean([x.evidence_recall for x in m]),
        mrr=_mean([x.reciprocal_rank for x in m]),
        answer_hit_rate=_mean([x.answer_hit for x in m]),
        source_recall=_mean([x.source_recall for x in m]),
        citation_precision=_share(sum(x.precise_citations for x in m), sum(x.citations for x in m)),
        # Precision needs both kinds of question, so it is only measured over the whole set.
        abstention_precision=_share(sum(unanswerable), sum(unanswerable) + sum(answerable))
        if overall
        else None,
        abstention_recall=_share(sum(unanswerable), len(unanswerable)),
        false_abstention=_share(sum(answerable), len(answerable)),
        latency_p50_ms=None if latency is None else round(float(np.percentile(latency, 50)), 1),
        latency_p95_ms=None if latency is None else round(float(np.percentile(latency, 95)), 1),
        rewrite_accuracy=_mean([r.rewrite_ok for r in results]),
    )


def aggregates(results: list[QuestionResult]) -> dict[str, Scores]:
    """The group "overall" first, then each question type present, in the data set's type order."""
    groups = {"overall": aggregate(results, overall=True)}
    for kind in TYPES:
        members = [r for r in results if r.type == kind]
        if members:
            groups[kind] = aggregate(members)
    return groups


def evaluate(
    items: list[EvalItem],
    system: System,
    index: Index,
    name: str,
    k: int,
    progress: Progress | None = None,
) -> SystemRun:
    """Ask every question of `system` and score it against its item; `progress(done, total)`
    is called after each one."""
    started = time.perf_counter()
    results = []
    for done, item in enumerate(items, start=1):
        answer, passages = system(item.question)
        results.append(result_for(item, answer, passages, index))
        if progress is not None:
            progress(done, len(items))
    seconds = round(time.perf_counter() - started, 2)
    return SystemRun(
        name=name, k=k, questions=results, aggregates=aggregates(results), seconds=seconds
    )


def result_for(
    item: EvalItem, answer: Answer, passages: list[Span], index: Index
) -> QuestionResult:
    metrics = score_question(item, answer, passages, index)
    faults = failures(item, metrics)
    return QuestionResult(
        id=item.id,
        type=item.type,
        question=item.question,
        expected=Expected(answers=item.answers, sources=item.sources, evidence=item.evidence),
        answer=answer,
        retrieved=[f"{p.doc_id}@{p.start}-{p.end}" for p in passages],
        metrics=metrics,
        failures=faults,
        passed=not faults,
    )


def rag_system(engine: Engine, k: int) -> System:
    """Our pipeline: `ask`, plus the same top-k search again to score retrieval (the query
    vector is cached, so the second search costs little and is not in the answer's timings)."""
    settings = engine.settings

    def run(question: str) -> tuple[Answer, list[Span]]:
        answer = ask(question, settings, engine, k)
        text = clean_question(question, settings.max_question_chars)
        return answer, [hit.chunk for hit in engine.retriever.search(text, k)]

    return run


def _warm_up(embedder: Embedder, items: list[EvalItem]) -> None:
    """Load the model and show it each question once, outside any timing: the first input of a
    new length costs torch several times a warm one, and would favour whichever system runs
    second. Nothing is cached, so both systems still embed every question themselves."""
    for item in items:
        embedder.embed([item.question])


def run_eval(
    items: list[EvalItem],
    engine: Engine,
    dataset: str,
    k: int | None = None,
    baseline: str | None = None,
    progress: Progress | None = None,
) -> EvalReport:
    """Our system over `items`, then a baseline by name (see eval_baseline.BASELINES) on the
    same questions and index; both timed warm."""
    if baseline is not None and baseline not in BASELINES:
        raise ValueError(f"unknown baseline {baseline!r}; known: {', '.join(BASELINES)}")
    k = k or engine.settings.k
    _warm_up(engine.embedder, items)
    ours = evaluate(items, rag_system(engine, k), engine.index, "rag", k, progress)
    other = None
    if baseline is not None:
        system = BASELINES[baseline](engine)
        other = evaluate(items, system, engine.index, baseline, system.k)
    return EvalReport(
        **dict(ours),
        dataset=dataset,
        baseline=other,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        settings=settings_summary(engine.settings),
    )


def settings_summary(s: Settings) -> dict[str, str | int | float]:
    """The settings a report states, so that its scores can be reproduced."""
    return {
        "model": s.model_name,
        "retrieval_mode": s.retrieval_mode,
        "answerer": s.answerer,
        "abstain_threshold": s.abstain_threshold,
        "chunk_size": s.chunk_size,
    }
