"""rag/index/core.py: the saved index is inspectable, pickle-free, and refuses to load when missing,
stale or corrupt; a crash while saving leaves the previous index loadable.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np
import pytest

from rag.config import Settings
from rag.errors import CorruptIndexError, IndexMissingError, StaleIndexError
from rag.index.core import Index, load
from rag.index.manifest import FORMAT_VERSION
from rag.ingestion import IngestReport, ingest
from tests.conftest import FakeEmbedder, fake_vector

Rename = Callable[[str | os.PathLike[str], str | os.PathLike[str]], None]


def failing_rename(fail_on_call: int) -> Rename:
    """os.rename that raises on its `fail_on_call`-th call, as a crash at that moment would."""
    real = os.rename
    calls = 0

    def rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        nonlocal calls
        calls += 1
        if calls == fail_on_call:
            raise OSError("simulated crash")
        real(src, dst)

    return rename


def edit_beta(settings: Settings) -> None:
    path = settings.corpus_dir / "beta.txt"
    path.write_text(path.read_text(encoding="utf-8") + "Lumen will open an office.\n", "utf-8")


def beside_index(settings: Settings) -> list[str]:
    """What the index's parent folder holds, less the lock files that ingest keeps there."""
    return sorted(p.name for p in settings.index_dir.parent.iterdir() if p.suffix != ".lock")


def beta_text(settings: Settings) -> str:
    return load(settings.index_dir, settings).articles["beta"].text


def test_load_gives_back_what_was_indexed(index: Index, settings: Settings) -> None:
    assert sorted(index.articles) == ["alpha", "beta", "delta", "gamma"]
    assert len(index.chunks) == len(index.chunk_vectors) > 4
    assert len(index.sentences) == len(index.sentence_vectors) > len(index.chunks)
    for span in [*index.chunks, *index.sentences]:
        assert index.articles[span.doc_id].text[span.start : span.end] == span.text


def test_manifest_records_model_parameters_and_document_hashes(
    index: Index, settings: Settings
) -> None:
    manifest = json.loads((settings.index_dir / "manifest.json").read_text(encoding="utf-8"))

    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["model_name"] == "fake-sha256"
    assert manifest["dim"] == 384
    assert (manifest["chunk_size"], manifest["chunk_overlap"]) == (200, 1)
    beta = (settings.corpus_dir / "beta.txt").read_bytes()
    assert manifest["documents"]["beta"]["sha256"] == hashlib.sha256(beta).hexdigest()
    assert manifest["documents"]["beta"]["title"] == "Why Orion Invested in a Model Maker"


def test_records_are_json_lines_one_per_document(index: Index, settings: Settings) -> None:
    lines = (settings.index_dir / "chunks.jsonl").read_text(encoding="utf-8").splitlines()

    records = [json.loads(line) for line in lines]
    assert [r["doc_id"] for r in records] == sorted(index.articles)
    assert sum(len(r["starts"]) for r in records) == len(index.chunks)
    alpha = index.articles["alpha"].text
    first = records[0]
    assert alpha[first["starts"][0] : first["ends"][0]] == index.chunks[0].text


def test_no_pickle_anywhere(index: Index, settings: Settings) -> None:
    names = sorted(p.name for p in settings.index_dir.iterdir())

    assert all(name.endswith((".json", ".jsonl", ".npy", ".faiss")) for name in names), names
    vectors = np.load(settings.index_dir / "chunks.npy", allow_pickle=False)
    assert (vectors.dtype, vectors.shape[1]) == (np.float32, 384)
    sentences = faiss.read_index(str(settings.index_dir / "sentences.faiss"))
    assert isinstance(sentences, faiss.IndexScalarQuantizer)
    assert (sentences.sq.qtype, sentences.d) == (faiss.ScalarQuantizer.QT_fp16, 384)


def test_search_finds_a_chunk_by_its_own_vector(index: Index) -> None:
    row = 3

    best, cosine = index.search(index.chunk_vectors[row], 2)[0]

    assert best == row
    assert cosine == pytest.approx(1.0, abs=1e-5)


def test_large_index_switches_to_hnsw_and_still_finds_exact_matches(
    ingested: IngestReport, settings: Settings
) -> None:
    hnsw = load(settings.index_dir, settings.model_copy(update={"ann_threshold": 1}))

    assert hnsw.search_kind == "hnsw"
    assert hnsw.search(hnsw.chunk_vectors[2], 1)[0][0] == 2


def test_an_hnsw_graph_is_saved_with_the_index_and_loaded_not_rebuilt(
    settings: Settings, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = settings.model_copy(update={"ann_threshold": 1})
    ingest(big, embedder)
    manifest = json.loads((big.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["search"] == "hnsw" and "chunks.hnsw.faiss" in manifest["files"]

    def no_build(*args: object) -> None:
        raise AssertionError("the graph was rebuilt at load")

    monkeypatch.setattr("rag.index.core.ChunkSearch.build", no_build)
    loaded = load(big.index_dir, big)

    assert loaded.search_kind == "hnsw"
    assert loaded.search(loaded.chunk_vectors[2], 1)[0][0] == 2


def test_a_damaged_hnsw_graph_is_refused(settings: Settings, embedder: FakeEmbedder) -> None:
    big = settings.model_copy(update={"ann_threshold": 1})
    ingest(big, embedder)
    truncate(big.index_dir / "chunks.hnsw.faiss")

    with pytest.raises(CorruptIndexError, match=r"chunks\.hnsw\.faiss.*`rag ingest`"):
        load(big.index_dir, big)


def test_chunk_sentences_are_the_sentences_inside_the_chunk(index: Index) -> None:
    for chunk in index.chunks:
        inside = [index.sentences[row] for row in index.chunk_sentences(chunk)]
        assert inside[0].start == chunk.start
        assert inside[-1].end == chunk.end
        assert all(s.doc_id == chunk.doc_id for s in inside)


def test_missing_index_says_to_run_ingest(settings: Settings) -> None:
    with pytest.raises(IndexMissingError, match="Run `rag ingest`"):
        load(settings.index_dir, settings)


@pytest.mark.parametrize(
    "change",
    [
        {"chunk_size": 300},
        {"chunk_overlap": 2},
        {"model_name": "another-model"},
        {"chunk_vectors": "pooled"},
    ],
)
def test_index_built_with_other_settings_is_stale(
    ingested: IngestReport, settings: Settings, change: dict[str, object]
) -> None:
    with pytest.raises(StaleIndexError, match=r"other settings.*`rag ingest`"):
        load(settings.index_dir, settings.model_copy(update=change))


def test_index_of_another_format_version_is_stale(
    ingested: IngestReport, settings: Settings
) -> None:
    path = settings.index_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["format_version"] = 0
    path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(StaleIndexError, match="format 0"):
        load(settings.index_dir, settings)


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def edit_one_character(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Orion", "Orlon", 1) if "Orion" in text else text.replace("1", "2", 1)
    path.write_text(edited, encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("chunks.npy", truncate),
        ("sentences.faiss", truncate),
        ("chunks.jsonl", edit_one_character),
        ("articles.jsonl", edit_one_character),
        ("sentences.jsonl", Path.unlink),
    ],
)
def test_damaged_file_is_refused_loudly(
    ingested: IngestReport, settings: Settings, name: str, damage: Callable[[Path], None]
) -> None:
    damage(settings.index_dir / name)

    with pytest.raises(CorruptIndexError, match=f"{name}.*`rag ingest`"):
        load(settings.index_dir, settings)


def test_damaged_manifest_is_refused_loudly(ingested: IngestReport, settings: Settings) -> None:
    truncate(settings.index_dir / "manifest.json")

    with pytest.raises(CorruptIndexError, match=r"manifest\.json is damaged"):
        load(settings.index_dir, settings)


def test_crash_between_the_renames_leaves_the_previous_index_loadable(
    ingested: IngestReport,
    settings: Settings,
    embedder: FakeEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = beta_text(settings)
    edit_beta(settings)
    monkeypatch.setattr(os, "rename", failing_rename(fail_on_call=2))

    with pytest.raises(OSError, match="simulated crash"):
        ingest(settings, embedder)

    assert not settings.index_dir.exists()
    assert beta_text(settings) == before


def test_second_crash_while_recovering_still_leaves_an_index(
    ingested: IngestReport,
    settings: Settings,
    embedder: FakeEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = beta_text(settings)
    edit_beta(settings)
    with monkeypatch.context() as patch:
        patch.setattr(os, "rename", failing_rename(fail_on_call=2))
        with pytest.raises(OSError):
            ingest(settings, embedder)
    monkeypatch.setattr(os, "rename", failing_rename(fail_on_call=1))

    with pytest.raises(OSError):
        ingest(settings, embedder)

    assert beta_text(settings) == before


def test_ingest_after_a_crash_completes_the_update(
    ingested: IngestReport,
    settings: Settings,
    embedder: FakeEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    edit_beta(settings)
    with monkeypatch.context() as patch:
        patch.setattr(os, "rename", failing_rename(fail_on_call=2))
        with pytest.raises(OSError):
            ingest(settings, embedder)

    report = ingest(settings, embedder)

    assert report.updated == ["beta"]
    assert beta_text(settings).endswith("Lumen will open an office.\n")
    assert beside_index(settings) == ["corpus", "index"]


def test_crash_while_writing_files_keeps_the_old_index_and_no_temp_folder(
    ingested: IngestReport,
    settings: Settings,
    embedder: FakeEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = beta_text(settings)
    edit_beta(settings)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(np, "save", full_disk)
    with pytest.raises(OSError, match="No space"):
        ingest(settings, embedder)

    assert beta_text(settings) == before
    assert beside_index(settings) == ["corpus", "index"]


def test_leftover_temp_folder_of_a_killed_ingest_is_harmless(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    leftover = settings.index_dir.parent / ".index.tmp-killed"
    leftover.mkdir()
    (leftover / "chunks.jsonl").write_text('{"doc_id": "half', encoding="utf-8")
    edit_beta(settings)

    report = ingest(settings, embedder)

    assert report.updated == ["beta"]
    assert beta_text(settings).endswith("Lumen will open an office.\n")


def test_vectors_line_up_with_their_records(index: Index) -> None:
    for sentence, vector in zip(index.sentences, index.sentence_vectors, strict=True):
        # Sentence vectors are kept in float16 (index.SENTENCE_DTYPE).
        assert np.allclose(vector, fake_vector(sentence.text), atol=2e-3)


def test_index_from_another_chunking_version_is_stale(
    ingested: IngestReport, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rag.index.manifest.CHUNKING_VERSION", 999)
    with pytest.raises(StaleIndexError, match="rag ingest"):
        load(settings.index_dir, settings)
