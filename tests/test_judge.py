"""The answer judge: the committed artifact matches its card and judges the obvious right; a tiny
training run (a few hundred allowlisted pairs) writes a loadable artifact whose card holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import RagError
from rag.judge.card import FILES, card_hashes, sha256
from rag.judge.data import BENCHMARKS, load_items
from rag.judge.scorer import CONFIG, MODEL_DIR, WEIGHTS, Candidate, Judge

pytestmark = pytest.mark.slow
needs_data = pytest.mark.skipif(
    not (BENCHMARKS / "TRAINING-ALLOWLIST.txt").exists(), reason="no shared/benchmarks here"
)
QUESTION = "Who founded the company in 1998?"
RIGHT = Candidate("The company was founded in 1998 by Larry Page and Sergey Brin.")
WRONG = Candidate("The river floods every spring after the snow melts in the mountains.")


def test_committed_artifact_matches_its_card() -> None:
    stated = card_hashes(MODEL_DIR)

    assert set(stated) == set(FILES)
    assert all(sha256(MODEL_DIR / name) == digest for name, digest in stated.items())
    assert sum((MODEL_DIR / name).stat().st_size for name in FILES) <= 30 * 2**20


def test_judge_ranks_the_answering_sentence_first() -> None:
    judge = Judge(backend="torch")

    right, wrong = judge.score(QUESTION, [RIGHT, WRONG])

    assert right > wrong
    assert right >= judge.threshold > wrong


def test_onnx_and_torch_agree(tmp_path: Path) -> None:
    candidates = [RIGHT, WRONG, Candidate("They later moved to Mountain View.", RIGHT.text)]

    via_onnx = Judge(backend="onnx", cache_dir=tmp_path).score(QUESTION, candidates)
    via_torch = Judge(backend="torch").score(QUESTION, candidates)

    assert via_onnx == pytest.approx(via_torch, abs=1e-3)


def test_span_head_reads_the_answer_out_of_the_sentence() -> None:
    """Learned short answers (compare's, under the learned judge): the span, verbatim."""
    judge = Judge(backend="torch")

    right, wrong = judge.read(QUESTION, [RIGHT, WRONG])

    assert right.span is not None
    assert RIGHT.text[slice(*right.span)] == "Larry Page and Sergey Brin"
    assert right.probability >= judge.threshold > wrong.probability
    assert right.span_margin > wrong.span_margin


def test_both_heads_agree_between_onnx_and_torch(tmp_path: Path) -> None:
    via_onnx = Judge(backend="onnx", cache_dir=tmp_path).read(QUESTION, [RIGHT, WRONG])
    via_torch = Judge(backend="torch").read(QUESTION, [RIGHT, WRONG])

    assert [r.span for r in via_onnx] == [r.span for r in via_torch]
    for a, b in zip(via_onnx, via_torch, strict=True):
        assert a.probability == pytest.approx(b.probability, abs=1e-3)
        assert a.span_margin == pytest.approx(b.span_margin, abs=1e-2)


def test_missing_artifact_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(RagError, match=r"rag\.judge\.train"):
        Judge(model_dir=tmp_path)


@needs_data
def test_training_reads_only_allowlisted_articles() -> None:
    with pytest.raises(ValueError, match="allowlist"):
        load_items("squad", {"Normans"})  # a v1.1 article kept for measurement only


@needs_data
def test_tiny_training_writes_an_artifact_that_matches_its_card(tmp_path: Path) -> None:
    from rag.judge.train import main

    report = main(["--tiny", "--out", str(tmp_path)])

    assert 100 <= report["counts"]["pairs"] <= 600
    assert card_hashes(tmp_path) == {name: sha256(tmp_path / name) for name in FILES}
    scores = Judge(model_dir=tmp_path, backend="torch").score(QUESTION, [RIGHT, WRONG])
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert (tmp_path / WEIGHTS).stat().st_size < 30 * 2**20
    assert (tmp_path / CONFIG).exists()
