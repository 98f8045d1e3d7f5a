"""rag/index/vectors.py: the fp16 FAISS sentence file, its numpy view and its products."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.index.check import scan_tail
from rag.index.vectors import SentenceVectors


def unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_saved_file_maps_back_to_the_same_half_precision_rows(tmp_path: Path) -> None:
    vectors = unit_rows(300, 16)
    SentenceVectors.build(vectors, 16).save(tmp_path / "s.faiss")

    loaded = SentenceVectors.load(tmp_path / "s.faiss", 300, 16)

    assert loaded.array.dtype == np.float16
    np.testing.assert_array_equal(loaded.array, vectors.astype(np.float16))
    assert not loaded.array.flags.writeable


def test_the_vectors_are_the_files_last_bytes(tmp_path: Path) -> None:
    """index_check.scan_tail checks finiteness there: FAISS must keep writing them last."""
    vectors = unit_rows(50, 8)
    SentenceVectors.build(vectors, 8).save(tmp_path / "s.faiss")

    tail = (tmp_path / "s.faiss").read_bytes()[-50 * 8 * 2 :]

    assert tail == vectors.astype(np.float16).tobytes()
    assert scan_tail(tmp_path / "s.faiss", 50 * 8, np.float16)[1]


def test_scores_over_every_row_equal_numpy_on_the_half_precision_rows() -> None:
    vectors = unit_rows(1000, 32, seed=1)
    store = SentenceVectors.build(vectors, 32)
    query = vectors[7]

    expected = vectors.astype(np.float16).astype(np.float32) @ query

    np.testing.assert_allclose(store.scores(query), expected, atol=1e-4)  # sums in another order
    rows = np.array([5, 999, 7])
    np.testing.assert_allclose(store.scores(query, rows), expected[rows], atol=1e-6)


def test_empty_store_scores_nothing(tmp_path: Path) -> None:
    store = SentenceVectors.load(tmp_path / "absent.faiss", 0, 16)

    assert store.array.shape == (0, 16)
    assert store.scores(np.ones(16, dtype=np.float32)).shape == (0,)


def test_a_file_of_another_shape_is_refused(tmp_path: Path) -> None:
    SentenceVectors.build(unit_rows(10, 8), 8).save(tmp_path / "s.faiss")

    with pytest.raises(ValueError, match="expected 11 × 8"):
        SentenceVectors.load(tmp_path / "s.faiss", 11, 8)


def test_a_row_scores_the_same_bits_in_any_selection() -> None:
    store = SentenceVectors.build(unit_rows(5000, 384, seed=2), 384)
    query = unit_rows(1, 384, seed=3)[0]

    every = store.scores(query, np.arange(5000))
    few = store.scores(query, np.array([4999, 17, 2500]))

    assert few.tolist() == every[[4999, 17, 2500]].tolist()
