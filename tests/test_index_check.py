"""rag/index/check.py, as a matrix: every index file × every kind of damage → one red line from
`rag search` (never a traceback, never silent garbage), then `rag ingest` repairs it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np
import pytest
from typer.testing import CliRunner

from rag.index.vectors import SentenceVectors
from tests.test_cli import invoke, said

VECTORS = ("chunks.npy", "sentences.faiss")
JSONL = ("articles.jsonl", "sentences.jsonl", "chunks.jsonl")
Damage = Callable[[Path], None]


def rehash(index_dir: Path) -> None:
    """Make the manifest vouch for the damaged files, as a careless tool might."""
    path = index_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for name in manifest["files"]:
        manifest["files"][name] = hashlib.sha256((index_dir / name).read_bytes()).hexdigest()
    path.write_text(json.dumps(manifest), encoding="utf-8")


def truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garbage(path: Path) -> None:
    path.write_bytes(np.random.default_rng(7).bytes(300))


def deleted(path: Path) -> None:
    path.unlink()


def read_vectors(path: Path) -> np.ndarray:
    if path.suffix == ".npy":
        return np.load(path)
    index = faiss.read_index(str(path))
    return np.asarray(SentenceVectors(index, index.d).array, dtype=np.float32)


def write_vectors(path: Path, vectors: np.ndarray) -> None:
    if path.suffix == ".npy":
        np.save(path, vectors, allow_pickle=False)
    else:
        SentenceVectors.build(vectors, vectors.shape[1]).save(path)


def wrong_shape(path: Path) -> None:
    """Valid files that disagree with the rest: hashes updated, so only the checks catch it."""
    if path.name in VECTORS:
        write_vectors(path, read_vectors(path)[:, :100])
    elif path.name == "manifest.json":
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["dim"] = 100  # another model's width, with vectors to match
        path.write_text(json.dumps(manifest), encoding="utf-8")
        for name in VECTORS:
            write_vectors(path.parent / name, read_vectors(path.parent / name)[:, :100])
    else:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for record in records:  # references past the end of the article / its sentences
            if "ends" in record:  # a document's sentences or chunks, one line each
                record["ends"] = [end + 10_000 for end in record["ends"]]
            else:
                record["end"] = record.get("end", 0) + 10_000
            if "last_sentence" in record:
                record["last_sentence"] = [last + 500 for last in record["last_sentence"]]
            if "text" in record and "sha256" in record:
                record["doc_id"] = "nobody"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    rehash(path.parent)


def nan(path: Path) -> None:
    vectors = read_vectors(path)
    vectors[0, 0] = np.nan
    write_vectors(path, vectors)
    rehash(path.parent)


CASES = [
    *[(name, damage) for name in (*VECTORS, *JSONL) for damage in (truncated, garbage, deleted)],
    *[(name, wrong_shape) for name in (*VECTORS, *JSONL, "manifest.json")],
    *[(name, nan) for name in VECTORS],
    *[("manifest.json", damage) for damage in (truncated, garbage, deleted)],
]


@pytest.mark.parametrize(("name", "damage"), CASES, ids=[f"{n}-{d.__name__}" for n, d in CASES])
def test_damaged_index_gives_one_line_then_ingest_repairs_it(
    rag: CliRunner, settings_index: Path, name: str, damage: Damage
) -> None:
    assert invoke(rag, "ingest").exit_code == 0
    damage(settings_index / name)

    broken = invoke(rag, "search", "Orion")

    assert broken.exit_code == 1
    assert "Traceback" not in broken.output
    assert said(broken.stderr).startswith("Error:")
    assert "rag ingest" in said(broken.stderr)

    repaired = invoke(rag, "ingest")

    assert repaired.exit_code == 0, repaired.output
    assert "already up to date" not in said(repaired.stdout)
    found = invoke(rag, "search", "Orion", "--json")
    assert found.exit_code == 0
    assert json.loads(found.stdout)


@pytest.fixture
def settings_index(rag: CliRunner, tmp_path: Path) -> Path:
    return tmp_path / "index"
