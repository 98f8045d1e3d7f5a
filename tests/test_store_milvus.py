"""rag/store/milvus.py: the index in Milvus gives what the index folder gives.

Against milvus-lite (embedded) in `make test`; `make test-milvus-server` runs the same tests
against a real Milvus server (MILVUS_TEST_URI=http://127.0.0.1:PORT), each test in collections
of its own prefix, dropped afterwards.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from rag.cli import app as cli_app
from rag.config import Settings
from rag.engine import build_engine
from rag.errors import IndexMissingError, StaleIndexError, StoreError
from rag.eval.dataset import load_dataset
from rag.eval.diff import diff_runs
from rag.eval.harness import run_eval
from rag.index.core import Index, load
from rag.ingestion import ingest
from rag.retrieval import Retriever
from rag.store.faiss_folder import open_store
from rag.store.milvus import MilvusStore
from tests.conftest import MILVUS_SERVER, FakeEmbedder, drop_milvus, milvus_store

ROOT = Path(__file__).resolve().parents[1]
SERVER = MILVUS_SERVER


@pytest.fixture
def milvus(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a Milvus store: a milvus-lite file, or a server with a fresh prefix."""
    with milvus_store(settings, tmp_path / "milvus") as made:
        yield made


def milvus_index(settings: Settings) -> Index:
    return open_store(settings).load()


def rows(index: Index) -> list[tuple[str, int, int, int]]:
    return [(c.doc_id, c.idx, c.start, c.end) for c in index.chunks]


def test_milvus_holds_what_the_index_folder_holds(
    settings: Settings, milvus: Settings, embedder: FakeEmbedder
) -> None:
    ingest(settings, embedder)
    report = ingest(milvus, embedder)
    folder, remote = load(settings.index_dir, settings), milvus_index(milvus)
    assert report.saved and report.documents == len(folder.articles) == len(remote.articles)
    assert (report.chunks, report.sentences) == (len(folder.chunks), len(folder.sentences))
    assert remote.articles == folder.articles
    assert list(remote.sentences) == list(folder.sentences)
    assert rows(remote) == rows(folder)
    assert np.allclose(remote.chunk_vectors, folder.chunk_vectors, atol=1e-6)
    assert np.array_equal(remote.sentence_vectors, folder.sentence_vectors)
    assert remote.search_kind == "remote"


def test_search_in_milvus_finds_what_faiss_finds_and_keeps_to_the_filter(
    settings: Settings, milvus: Settings, embedder: FakeEmbedder
) -> None:
    ingest(settings, embedder)
    ingest(milvus, embedder)
    folder = Retriever(load(settings.index_dir, settings), embedder, settings)
    remote = Retriever(milvus_index(milvus), embedder, milvus)
    for question in ("Which chip trains the models?", "Who founded the company?"):
        expected = [(h.chunk.doc_id, h.chunk.idx) for h in folder.search(question, 5)]
        assert [(h.chunk.doc_id, h.chunk.idx) for h in remote.search(question, 5)] == expected
    some = frozenset(sorted(remote.index.articles)[:2])
    hits = remote.search("Which chip trains the models?", 8, docs=some)
    assert hits and {h.chunk.doc_id for h in hits} <= some
    assert {h.chunk.doc_id for h in remote.search("chip", 8, mode="dense", docs=some)} <= some


def test_auto_searches_exactly_up_to_the_ann_threshold_and_hnsw_above(
    milvus: Settings, embedder: FakeEmbedder
) -> None:
    ingest(milvus, embedder)
    meta = MilvusStore(milvus)._meta()
    assert meta is not None and meta.chunk_index == "FLAT"
    with pytest.warns(UserWarning, match="indexed with FLAT"):
        milvus_index(milvus.model_copy(update={"milvus_index": "hnsw"}))
    many = milvus.model_copy(
        update={"ann_threshold": 2, "milvus_prefix": f"{milvus.milvus_prefix}big_"}
    )
    try:
        ingest(many, embedder)
        meta = MilvusStore(many)._meta()
        assert meta is not None and meta.chunk_index == "HNSW"
        hits = Retriever(milvus_index(many), embedder, many).search("chips", 3, mode="dense")
        assert len(hits) == 3
    finally:
        if SERVER:
            drop_milvus(many)


def test_bm25_in_milvus_when_asked_for_ranks_only_the_filtered_documents(
    milvus: Settings, embedder: FakeEmbedder
) -> None:
    ingest(milvus, embedder)
    asked = milvus.model_copy(update={"milvus_bm25": "milvus"})
    if SERVER:  # the 2.3 server of make test-milvus-server has no BM25: it says so, once
        with pytest.warns(UserWarning, match="no BM25"):
            index = milvus_index(asked)
    else:
        index = milvus_index(asked)
        assert index.remote_lexical("anything", 5, None) is not None  # Milvus ranks
    retriever = Retriever(index, embedder, asked)
    word = index.chunks[0].text.split()[0]
    found = retriever.lexical(word, 5)
    assert found and all(score > 0 for _, score in found)
    assert word.lower() in index.chunks[found[0][0]].text.lower()
    some = frozenset([index.chunks[0].doc_id])
    assert {index.chunks[r].doc_id for r, _ in retriever.lexical(word, 5, some)} <= some


def test_re_ingest_writes_only_what_changed_and_deletes_what_was_removed(
    milvus: Settings, embedder: FakeEmbedder, corpus_dir: Path
) -> None:
    first = ingest(milvus, embedder)
    embedder.texts.clear()
    again = ingest(milvus, embedder)
    assert not again.saved and not embedder.texts and len(again.reused) == first.documents
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file())
    edited, removed = files[0], files[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\nA new closing line.", "utf-8")
    removed.unlink()
    report = ingest(milvus, embedder)
    assert report.updated == [edited.stem] and report.removed == [removed.stem]
    index = milvus_index(milvus)
    assert report.embedded_sentences == len(index.doc_sentence_rows(edited.stem))
    assert removed.stem not in index.articles
    assert index.articles[edited.stem].text.endswith("A new closing line.")
    assert {c.doc_id for c in index.chunks} == set(index.articles)
    assert any("closing line" in s.text for s in index.sentences if s.doc_id == edited.stem)


def test_new_metadata_alone_rewrites_no_vectors(
    milvus: Settings, embedder: FakeEmbedder, corpus_dir: Path
) -> None:
    ingest(milvus, embedder)
    embedder.texts.clear()
    (corpus_dir / "metadata.toml").write_text('[alpha]\npublished = "2024-11"\n', "utf-8")
    report = ingest(milvus, embedder)
    assert report.relabelled == ["alpha"] and report.saved
    assert not embedder.texts
    index = milvus_index(milvus)
    assert index.articles["alpha"].published == "2024-11"
    assert len(index.doc_chunk_rows("alpha")) == report.chunks - sum(
        len(index.doc_chunk_rows(d)) for d in index.articles if d != "alpha"
    )


def test_a_long_article_is_stored_in_pieces_and_read_back_whole(
    milvus: Settings, embedder: FakeEmbedder, corpus_dir: Path
) -> None:
    long = "\n\n".join(f"Paragraph {i} says café prices rose by {i}%." for i in range(3000))
    (corpus_dir / "long.txt").write_text("A long one\n\n" + long, encoding="utf-8")
    ingest(milvus, embedder)
    assert milvus_index(milvus).articles["long"].text.endswith("rose by 2999%.")


def test_a_killed_write_leaves_no_half_document(milvus: Settings, embedder: FakeEmbedder) -> None:
    ingest(milvus, embedder)
    store = MilvusStore(milvus)
    victim = sorted(milvus_index(milvus).articles)[0]
    client = store._connected()
    # As a write killed after deleting the article's rows and before writing them back.
    client.delete(f"{milvus.milvus_prefix}articles", filter=f'doc_id == "{victim}"')
    index = milvus_index(milvus)
    assert victim not in index.articles and victim not in {c.doc_id for c in index.chunks}
    report = ingest(milvus, embedder)
    assert victim in report.updated
    assert victim in milvus_index(milvus).articles


def test_a_write_killed_midway_is_finished_by_the_next_ingest(
    milvus: Settings, embedder: FakeEmbedder, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(milvus, embedder)
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file())
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\n\nOne more line.", "utf-8")
    files[1].unlink()

    def killed(self: MilvusStore, kind: str, rows: Any) -> None:
        if kind == "articles":
            raise KeyboardInterrupt  # as a kill after the chunks went in, before the articles
        original(self, kind, rows)

    original = MilvusStore._insert
    monkeypatch.setattr(MilvusStore, "_insert", killed)
    with pytest.raises(KeyboardInterrupt):
        ingest(milvus, embedder)
    half = milvus_index(milvus)
    assert files[0].stem not in half.articles  # absent, not half there
    assert files[1].stem not in half.articles
    monkeypatch.setattr(MilvusStore, "_insert", original)
    report = ingest(milvus, embedder)
    assert files[0].stem in report.updated
    index = milvus_index(milvus)
    assert index.articles[files[0].stem].text.endswith("One more line.")
    assert files[1].stem not in index.articles
    kept = {p.stem for p in files if p.exists()}
    assert set(index.articles) == kept == {c.doc_id for c in index.chunks}
    assert len(index.chunks) == report.chunks  # no row written twice
    client = MilvusStore(milvus)._connected()
    held = {
        r["doc_id"]
        for r in client.query(
            f"{milvus.milvus_prefix}sentences", filter="idx >= 0", output_fields=["doc_id"]
        )
    }
    assert held == kept  # the removed article's rows are gone too


def test_other_settings_rebuild_everything(milvus: Settings, embedder: FakeEmbedder) -> None:
    ingest(milvus, embedder)
    other = milvus.model_copy(update={"chunk_size": 300})
    with pytest.raises(StaleIndexError, match="rag ingest"):
        milvus_index(other)
    report = ingest(other, embedder)
    assert report.saved and any("Rebuilding everything" in n for n in report.notes)
    assert len(milvus_index(other).articles) == report.documents


def test_an_empty_store_says_to_ingest(milvus: Settings) -> None:
    with pytest.raises(IndexMissingError, match="rag ingest"):
        milvus_index(milvus)


def test_collections_it_did_not_make_are_never_replaced(
    milvus: Settings, embedder: FakeEmbedder
) -> None:
    from pymilvus import DataType, MilvusClient

    client = MilvusStore(milvus)._connected()
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    params = client.prepare_index_params()
    params.add_index(field_name="v", index_type="FLAT", metric_type="L2")
    name = f"{milvus.milvus_prefix}chunks"
    client.create_collection(name, schema=schema, index_params=params, consistency_level="Strong")
    client.insert(name, [{"id": 1, "v": [0.0, 1.0]}])
    with pytest.raises(StoreError, match="RAG_MILVUS_PREFIX"):
        ingest(milvus, embedder)
    assert client.has_collection(name)
    assert client.query(name, filter="id == 1", output_fields=["id"])


@pytest.mark.skipif(bool(SERVER), reason="milvus-lite paths only")
def test_a_uri_that_is_neither_a_file_nor_a_url_is_one_clear_line(
    milvus: Settings, embedder: FakeEmbedder
) -> None:
    bad = milvus.model_copy(update={"milvus_uri": str(Path(milvus.milvus_uri).with_suffix(""))})
    with pytest.raises(StoreError, match="neither a server URL"):
        ingest(bad, embedder)


@pytest.mark.skipif(bool(SERVER), reason="milvus-lite paths only")
def test_a_lite_path_over_someone_elses_file_or_folder_is_refused_untouched(
    milvus: Settings, embedder: FakeEmbedder, tmp_path: Path
) -> None:
    mine = tmp_path / "notes.db"
    mine.write_text("precious", encoding="utf-8")
    folder = tmp_path / "folder.db"
    folder.mkdir()
    (folder / "mine.txt").write_text("mine", encoding="utf-8")
    for path in (mine, folder):
        with pytest.raises(StoreError, match="RAG_MILVUS_URI to a new path"):
            ingest(milvus.model_copy(update={"milvus_uri": str(path)}), embedder)
    assert mine.read_text(encoding="utf-8") == "precious"
    assert [p.name for p in folder.iterdir()] == ["mine.txt"]


def test_a_server_that_is_down_is_one_clear_line(
    rag: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_STORE", "milvus")
    monkeypatch.setenv("RAG_MILVUS_URI", "http://127.0.0.1:9")  # the discard port: nothing there
    monkeypatch.setenv("RAG_MILVUS_TIMEOUT_S", "2")
    for args in (["ingest"], ["ask", "Who makes the chips?"]):
        result = rag.invoke(cli_app, args)
        assert result.exit_code != 0
        said = " ".join(result.output.split())
        assert "Milvus at http://127.0.0.1:9" in said and "server is running" in said
        assert "Traceback" not in result.output


def test_the_cli_answers_from_milvus(
    rag: CliRunner, milvus: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_STORE", "milvus")
    monkeypatch.setenv("RAG_MILVUS_URI", milvus.milvus_uri)
    monkeypatch.setenv("RAG_MILVUS_PREFIX", milvus.milvus_prefix)
    built = rag.invoke(cli_app, ["ingest"])
    assert built.exit_code == 0, built.output
    assert "Milvus" in built.output
    asked = rag.invoke(cli_app, ["search", "chips"])
    assert asked.exit_code == 0, asked.output
    monkeypatch.setenv("RAG_MILVUS_INDEX", "hnsw")  # not what the collections were made with
    with pytest.warns(UserWarning) as caught:
        noted = rag.invoke(cli_app, ["search", "chips"])
    assert noted.exit_code == 0, noted.output
    assert warnings.formatwarning(caught[0].message, UserWarning, "f.py", 1).startswith(
        "Note: RAG_MILVUS_INDEX=hnsw"
    )


# --- the real model on the real corpus -------------------------------------------------------


@pytest.fixture(scope="module")
def real_milvus(
    real_settings: Settings, real_embedder: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    with milvus_store(real_settings, tmp_path_factory.mktemp("milvus")) as made:
        ingest(made, real_embedder)
        yield made


@pytest.mark.slow
def test_the_seed_corpus_in_milvus_gives_the_same_answers_and_scores(
    real_engine: Any, real_milvus: Settings, real_embedder: Any
) -> None:
    items = load_dataset(ROOT / "evals" / "qa.jsonl")
    faiss_run = run_eval(items, real_engine, "qa").model_copy(update={"name": "faiss"})
    milvus_engine = build_engine(real_milvus, real_embedder)
    milvus_run = run_eval(items, milvus_engine, "qa").model_copy(update={"name": "milvus-lite"})
    diff = diff_runs(faiss_run, milvus_run)
    assert len(diff.gaps) > 20  # every aggregate of every question type was compared
    assert not diff.changed, diff.describe()
    assert diff.max_metric_gap <= 0.01, diff.describe()
