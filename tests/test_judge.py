"""The answer judge: the committed artifact matches its card and judges the obvious right; a tiny
training run (a few hundred allowlisted pairs) writes a loadable artifact whose card holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.errors import RagError
from rag.judge.card import CARD, FILES, card_hashes, sha256
from rag.judge.data import BENCHMARKS, RAMDOCS, load_items, load_ramdocs, ramdocs_pairs
from rag.judge.scorer import CONFIG, FORMAT_VERSION, MODEL_DIR, WEIGHTS, Candidate, Judge

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


def test_ask_and_compare_see_the_same_probability() -> None:
    """`score` (ask's shortlist) and `read` (compare's statements) give one P per sentence."""
    judge = Judge(backend="torch")
    candidates = [RIGHT, WRONG, Candidate("They later moved to Mountain View.", RIGHT.text)]

    scored = judge.score(QUESTION, candidates)
    read = judge.read(QUESTION, candidates)

    assert scored == pytest.approx([r.probability for r in read], abs=1e-6)


def test_the_combiner_is_a_calibrated_probability_in_the_sum_s_order() -> None:
    """Platt-scaled on held-out windows: the heads' sum keeps its order, and P matches the
    labels' rate overall and in each half."""
    from rag.judge.scorer import Heads
    from rag.judge.train import fit_combiner

    rng = np.random.default_rng(0)
    labels = rng.random(2000) < 0.3
    margin = np.where(labels, 4.0, -4.0) + rng.normal(0, 3, 2000)
    logit = rng.normal(0, 1, 2000)
    zeros = np.zeros(2000, dtype=np.int64)
    heads = Heads(logit.astype(np.float32), zeros, zeros, margin.astype(np.float32))

    combiner = fit_combiner(heads, labels.astype(int))
    probability = combiner(heads.logit, heads.margin)

    order = np.argsort(heads.logit + heads.margin)
    assert np.all(np.diff(probability[order]) >= 0)
    assert probability.mean() == pytest.approx(labels.mean(), abs=0.02)
    high = probability > np.median(probability)
    assert probability[high].mean() == pytest.approx(labels[high].mean(), abs=0.05)
    assert probability[~high].mean() == pytest.approx(labels[~high].mean(), abs=0.05)


def test_an_artifact_of_the_old_format_is_refused_with_what_to_do(tmp_path: Path) -> None:
    for name in FILES:
        (tmp_path / name).write_bytes((MODEL_DIR / name).read_bytes())
    config = json.loads((tmp_path / CONFIG).read_text(encoding="utf-8"))
    (tmp_path / CONFIG).write_text(json.dumps({**config, "format_version": 1}), encoding="utf-8")

    with pytest.raises(RagError, match="retrain"):
        Judge(model_dir=tmp_path)


def test_missing_artifact_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(RagError, match=r"rag\.judge\.train"):
        Judge(model_dir=tmp_path)


@needs_data
def test_openvino_and_onnxruntime_agree(tmp_path: Path) -> None:
    """OpenVINO computes in bf16 where the CPU has it: P moved by ≤ 0.003 on 480 seed pairs."""
    candidates = [RIGHT, WRONG, Candidate("They later moved to Mountain View.", RIGHT.text)]

    via_openvino = Judge(backend="openvino", cache_dir=tmp_path).score(QUESTION, candidates)
    via_onnx = Judge(backend="onnx", cache_dir=tmp_path).score(QUESTION, candidates)

    assert via_openvino == pytest.approx(via_onnx, abs=0.01)


def test_bf16_training_is_a_switch_off_by_default() -> None:
    import torch

    from rag.judge.train import Recipe, autocast

    with autocast(True):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.bfloat16
    with autocast(False):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.float32
    assert Recipe().bf16 is False  # the committed artifact's first stage was trained in fp32


@needs_data  # it reads the allowlist, which sits beside the checkout
def test_training_reads_only_allowlisted_articles() -> None:
    with pytest.raises(ValueError, match="allowlist"):
        load_items("squad", {"Normans"})  # a v1.1 article kept for measurement only


@needs_data
def test_the_threshold_is_calibrated_on_whole_articles_it_never_trained_on() -> None:
    from rag.judge.train import Recipe, load_data

    v1, v2, held = load_data(Recipe())

    trained = {it.article for it in v1} | {it.article for it in v2}
    calibration = {it.article for it in held}
    assert len(calibration) == Recipe().calibration_articles
    assert not trained & calibration
    assert {it.qid for it in held}.isdisjoint(it.qid for it in v1 + v2)
    assert all(it.answerable for it in held)


@needs_data
def test_tiny_training_writes_an_artifact_that_matches_its_card(tmp_path: Path) -> None:
    from rag.judge.train import main

    report = main(["--tiny", "--out", str(tmp_path)])

    assert 100 <= report["counts"]["pairs"] <= 600
    assert card_hashes(tmp_path) == {name: sha256(tmp_path / name) for name in FILES}
    scores = Judge(model_dir=tmp_path, backend="torch").score(QUESTION, [RIGHT, WRONG])
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert (tmp_path / WEIGHTS).stat().st_size < 30 * 2**20
    config = json.loads((tmp_path / CONFIG).read_text(encoding="utf-8"))
    assert config["format_version"] == FORMAT_VERSION
    assert set(config["combine"]) == {"cls", "span", "bias"}
    assert all(np.isfinite(w) for w in config["combine"].values())
    assert json.dumps(config["combine"]) in (tmp_path / CARD).read_text(encoding="utf-8")


def test_a_pair_read_again_is_remembered_not_run_again(tmp_path: Path) -> None:
    """ask reads its quoted sentences a second time for their short answers: no second run."""
    judge = Judge(backend="onnx", cache_dir=tmp_path)
    ran: list[int] = []
    heads = judge._heads
    judge._heads = lambda pairs: ran.append(len(pairs)) or heads(pairs)  # type: ignore[method-assign]
    later = Candidate("They later moved to Mountain View.", RIGHT.text)

    first = judge.read(QUESTION, [RIGHT, WRONG])
    again = judge.read(QUESTION, [WRONG, later, RIGHT])
    scored = judge.score(QUESTION, [RIGHT])

    assert ran == [2, 1]  # only the new pair ran the second time, nothing the third
    assert again[0] == first[1] and again[2] == first[0]
    assert scored == [first[0].probability]
    judge.read("Who moved?", [RIGHT])
    assert ran == [2, 1, 1]  # another question: read anew


def test_a_question_longer_than_the_judge_reads_is_cut_not_a_crash() -> None:
    """A pasted paragraph as the question: the tokenizer used to raise on it ("only_second"
    could not make room); now both sides are cut and the answering sentence still ranks first."""
    judge = Judge(backend="torch")
    question = (
        QUESTION + " " + " ".join(["Please answer with the names of everyone involved."] * 20)
    )

    right, wrong = judge.score(question, [RIGHT, WRONG])

    assert 0.0 <= wrong < right <= 1.0


@needs_data
def test_the_web_stage_reads_ramdocs_question_wise_and_labels_what_each_document_says() -> None:
    records = [json.loads(line) for line in (BENCHMARKS / RAMDOCS).open(encoding="utf-8")]
    odd, even = load_ramdocs(fold=0), load_ramdocs(fold=1)  # fold 0 leaves out the even ones

    assert {it.article for it in odd}.isdisjoint({it.article for it in even})
    assert len(odd) + len(even) == sum(len(r["documents"]) for r in records)
    by_id = {it.qid: it for it in odd + even}
    for q, record in enumerate(records[:40]):
        for n, doc in enumerate(record["documents"]):
            item = by_id[f"ramdocs-{q:03d}-d{n:02d}"]
            golds = [w.text[slice(*w.answer)] for w in item.windows if w.answer]
            if doc["type"] == "noise":  # answers nothing, whatever its words
                assert not item.answerable and not golds
            elif doc["answer"].lower() in doc["text"].lower():  # a misinfo one's wrong answer too
                assert item.answerable
                assert golds and {g.lower() for g in golds} == {doc["answer"].strip().lower()}
    kinds = {p.kind for p in ramdocs_pairs(odd[:200], seed=0)}
    assert "ramdocs-gold" in kinds and "ramdocs-unanswerable" in kinds
    assert "ramdocs-article" not in kinds  # another document may hold another valid answer


@needs_data
def test_tiny_fine_tuning_starts_from_an_artifact_and_its_card_says_which(tmp_path: Path) -> None:
    from rag.judge.train import main

    base, tuned = tmp_path / "base", tmp_path / "tuned"
    main(["--tiny", "--out", str(base)])
    report = main(
        ["--tiny", "--finetune", str(base), "--ramdocs-questions", "4", "--out", str(tuned)]
    )

    assert report["counts"]["ramdocs_documents"] > 0
    assert report["recipe"]["bf16"] is False  # as the committed artifact: --bf16 only if asked
    assert report["counts"]["pairs_ramdocs-gold"] > 0
    card = (tuned / CARD).read_text(encoding="utf-8")
    assert sha256(base / WEIGHTS) in card and "## Stage 1" in card
    assert card_hashes(tuned) == {name: sha256(tuned / name) for name in FILES}
    assert sha256(base / WEIGHTS) != sha256(tuned / WEIGHTS)
    with pytest.raises(SystemExit, match="elsewhere"):
        main(["--tiny", "--finetune", str(base), "--out", str(base)])
