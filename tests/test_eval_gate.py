"""rag/eval/gate.py: reading, checking and rewriting evals/thresholds.toml, and the real file
being valid.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import DatasetError
from rag.eval.gate import check, load_thresholds, updated, write_thresholds
from rag.eval.harness import Scores
from tests.conftest import ROOT


def test_the_real_thresholds_file_is_valid() -> None:
    limits = load_thresholds(ROOT / "evals" / "thresholds.toml")
    assert limits["overall"]["answer_hit_rate"] > 0.5
    assert {"multi_source", "conflict"} <= set(limits)


def test_thresholds_round_trip_and_move_to_just_below_the_scores(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    text = "[overall]\nanswer_hit_rate = 0.5\nfalse_abstention = 0.5\n[conflict]\nmrr = 0.3\n"
    path.write_text(text, encoding="utf-8")
    scores = Scores(n=2, answer_hit_rate=0.5, false_abstention=0.5)
    new = updated({"overall": scores}, load_thresholds(path))
    assert new == {
        "overall": {"answer_hit_rate": 0.48, "false_abstention": 0.52},
        "conflict": {"mrr": 0.3},  # not measured: kept
    }
    write_thresholds(path, new)
    assert load_thresholds(path) == new
    assert "rag eval --update-thresholds" in path.read_text(encoding="utf-8")


def test_checks_fail_below_a_minimum_above_a_maximum_and_when_unmeasurable() -> None:
    scores = Scores(n=1, answer_hit_rate=0.0, false_abstention=1.0)
    limits = {
        "overall": {"answer_hit_rate": 0.5, "false_abstention": 0.2, "citation_precision": 0.5},
        "conflict": {"source_recall": 0.9},
    }
    checks = {(c.group, c.metric): c for c in check({"overall": scores}, limits)}
    assert "0.000 is below its minimum 0.5" in checks["overall", "answer_hit_rate"].message()
    assert "1.000 is above its maximum 0.2" in checks["overall", "false_abstention"].message()
    assert "could not be measured" in checks["overall", "citation_precision"].message()
    assert not any(checks["overall", m].passed for m in limits["overall"])
    skipped = checks["conflict", "source_recall"]
    assert skipped.passed and skipped.skipped and "not checked" in skipped.message()


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("[overall]\nanswer_hit = 0.5\n", "not a metric"),
        ("[everything]\nmrr = 0.5\n", "is not one of"),
        ("[overall]\nmrr = 'high'\n", "must be a number"),
        ("[overall\n", "not valid TOML"),
    ],
)
def test_a_bad_thresholds_file_is_refused(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=complaint):
        load_thresholds(path)
