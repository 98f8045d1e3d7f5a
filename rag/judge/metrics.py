"""Question-level measures of a judge over questions with candidate sentences: AUC of the best
score (answerable vs not), the abstention threshold for a false-abstention rate, recall at it.

Does NOT train or load a model: it takes one score per candidate from whoever scored them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.text.squad import normalize


@dataclass(frozen=True)
class Judged:
    """One question after scoring: its best candidate's score and whether that one is right."""

    answerable: bool
    best: float
    top_hit: bool


def holds(text: str, answers: Sequence[str]) -> bool:
    """Does the text contain one of the gold answers (normalised, whole words)?"""
    said = f" {normalize(text)} "
    return any(f" {normalize(a)} " in said for a in answers if normalize(a))


def judged(
    answerable: bool,
    texts: Sequence[str],
    scores: Sequence[float] | np.ndarray,
    answers: Sequence[str],
) -> Judged:
    """The question's verdict from its candidates' scores (no candidates: score 0, no hit)."""
    if not texts:
        return Judged(answerable, 0.0, False)
    top = int(np.argmax(scores))
    return Judged(answerable, float(scores[top]), holds(texts[top], answers))


def auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """P(a random positive outscores a random negative), ties counting half."""
    if not positive or not negative:
        return float("nan")
    pos, neg = np.asarray(positive)[:, None], np.asarray(negative)[None, :]
    return float((pos > neg).mean() + 0.5 * (pos == neg).mean())


def threshold_at(answerable_best: Sequence[float], false_abstention: float) -> float:
    """The highest threshold (abstain when best < threshold) whose false abstention ≤ the rate."""
    ordered = np.sort(np.asarray(answerable_best))
    allowed = int(np.floor(false_abstention * len(ordered)))
    return float(ordered[min(allowed, len(ordered) - 1)])


def summary(questions: Sequence[Judged], threshold: float) -> dict[str, float]:
    """AUC, and at this threshold: abstention recall/precision, false abstention, answer hit."""
    ans = [q for q in questions if q.answerable]
    una = [q for q in questions if not q.answerable]
    abstained = [q for q in questions if q.best < threshold]
    right = sum(not q.answerable for q in abstained)
    return {
        "questions": len(questions),
        "unanswerable": len(una),
        "auc": round(auc([q.best for q in ans], [q.best for q in una]), 4),
        "threshold": round(threshold, 4),
        "abstention_recall": round(right / len(una), 4) if una else float("nan"),
        "abstention_precision": round(right / len(abstained), 4) if abstained else float("nan"),
        "false_abstention": round(sum(q.best < threshold for q in ans) / len(ans), 4),
        "top_hit": round(sum(q.top_hit for q in ans) / len(ans), 4),
        "answer_hit": round(sum(q.top_hit and q.best >= threshold for q in ans) / len(ans), 4),
    }


def at_rate(questions: Sequence[Judged], false_abstention: float) -> dict[str, float]:
    """summary() at the threshold these very questions give for the rate (a ranking measure)."""
    best = [q.best for q in questions if q.answerable]
    return summary(questions, threshold_at(best, false_abstention))
