"""rag/ingestion.py: incremental ingestion re-embeds only what changed and never loses what is
indexed; the slow tests run the real model over the real corpus.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.embedding.model import Embedder
from rag.errors import CorpusError
from rag.index.core import Index, chunk_text, load
from rag.ingestion import IngestReport, ingest
from tests.conftest import REAL_CORPUS, FakeEmbedder, fake_vector

HALF = 2e-3  # sentence vectors are kept in float16: unit vectors' entries to ~1e-3


def reindex(settings: Settings, embedder: FakeEmbedder) -> tuple[IngestReport, Index]:
    report = ingest(settings, embedder)
    return report, load(settings.index_dir, settings)


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def doc_ids(index: Index) -> set[str]:
    return {c.doc_id for c in index.chunks}


def test_first_ingest_embeds_every_chunk_and_sentence(
    settings: Settings, embedder: FakeEmbedder
) -> None:
    report, index = reindex(settings, embedder)

    assert report.saved
    assert report.documents == 4
    assert report.embedded_chunks == report.chunks == len(index.chunks)
    assert report.embedded_sentences == report.sentences == len(index.sentences)
    assert sorted(report.updated) == ["alpha", "beta", "delta", "gamma"]


def test_reingest_of_an_unchanged_corpus_embeds_nothing(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    manifest = (settings.index_dir / "manifest.json").read_bytes()

    report = ingest(settings, embedder)

    assert (report.embedded_chunks, report.embedded_sentences) == (0, 0)
    assert embedder.texts == []
    assert not report.saved
    assert (settings.index_dir / "manifest.json").read_bytes() == manifest


def test_changing_one_file_reembeds_only_that_file(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    append(settings.corpus_dir / "beta.txt", "Lumen will open an office in Lisbon.\n")

    report, index = reindex(settings, embedder)

    beta_chunks = [c for c in index.chunks if c.doc_id == "beta"]
    beta_sentences = [s for s in index.sentences if s.doc_id == "beta"]
    assert report.updated == ["beta"]
    assert sorted(report.reused) == ["alpha", "delta", "gamma"]
    assert report.embedded_chunks == len(beta_chunks)
    assert report.embedded_sentences == len(beta_sentences)
    assert len(embedder.texts) == len(beta_chunks) + len(beta_sentences)
    assert any("Lisbon" in s.text for s in beta_sentences)


def test_after_a_partial_update_every_vector_still_matches_its_text(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    append(settings.corpus_dir / "beta.txt", "Lumen will open an office in Lisbon.\n")

    _, index = reindex(settings, embedder)

    for chunk, vector in zip(index.chunks, index.chunk_vectors, strict=True):
        title = index.articles[chunk.doc_id].title
        assert np.allclose(vector, fake_vector(chunk_text(title, chunk.text)), atol=1e-6)
    for sentence, vector in zip(index.sentences, index.sentence_vectors, strict=True):
        assert np.allclose(vector, fake_vector(sentence.text), atol=HALF)


def test_adding_a_file_embeds_only_the_new_file(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    (settings.corpus_dir / "epsilon.txt").write_text(
        "Orion Opens a Lab\n\nOrion opened a chip lab in Austin.\n", encoding="utf-8"
    )

    report, index = reindex(settings, embedder)

    assert report.updated == ["epsilon"]
    assert report.embedded_chunks == 1
    assert "epsilon" in index.articles


def test_removing_a_file_removes_it_from_the_index(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    (settings.corpus_dir / "gamma.md").unlink()

    report, index = reindex(settings, embedder)

    assert report.removed == ["gamma"]
    assert report.embedded_chunks == 0
    assert "gamma" not in index.articles
    assert doc_ids(index) == {"alpha", "beta", "delta"}
    assert not any(s.doc_id == "gamma" for s in index.sentences)


def test_a_new_title_reembeds_the_article(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    (settings.corpus_dir / "metadata.toml").write_text(
        '[beta]\ntitle = "Orion and Lumen"\n', encoding="utf-8"
    )

    report, index = reindex(settings, embedder)

    assert report.updated == ["beta"]
    assert index.articles["beta"].title == "Orion and Lumen"


def test_bad_files_are_skipped_with_a_reason_while_the_rest_index(
    settings: Settings, embedder: FakeEmbedder
) -> None:
    folder = settings.corpus_dir
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "latin1.txt").write_bytes("Caf\xe9 prices rose.".encode("latin-1"))
    (folder / "huge.txt").write_text("Orion sells chips. " * 200, encoding="utf-8")

    report, index = reindex(settings.model_copy(update={"max_file_bytes": 2000}), embedder)

    reasons = {item.path.name: item.reason for item in report.skipped}
    assert sorted(reasons) == ["blob.txt", "empty.txt", "huge.txt", "latin1.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["blob.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "RAG_MAX_FILE_BYTES" in reasons["huge.txt"]
    assert doc_ids(index) == {"alpha", "beta", "delta", "gamma"}


def test_a_file_that_becomes_unreadable_keeps_its_indexed_version(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    before = load(settings.index_dir, settings).articles["beta"].text
    (settings.corpus_dir / "beta.txt").write_bytes(b"Caf\xe9 Orion")  # Latin-1: not UTF-8

    report, index = reindex(settings, embedder)

    assert report.kept_previous == ["beta"]
    assert [item.path.name for item in report.skipped] == ["beta.txt"]
    assert report.embedded_chunks == 0
    assert index.articles["beta"].text == before
    assert "beta" in doc_ids(index)


def test_an_article_moved_into_a_subfolder_leaves_the_index_and_the_folder_is_reported(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    """A subfolder is reported as skipped; it is not an unreadable copy of a document of its
    name, so nothing is kept for it (the moved article is removed like any other)."""
    (settings.corpus_dir / "beta").mkdir()
    (settings.corpus_dir / "beta.txt").rename(settings.corpus_dir / "beta" / "beta.txt")

    report, index = reindex(settings, embedder)

    assert [item.path.name for item in report.skipped] == ["beta"]
    assert report.kept_previous == []
    assert report.removed == ["beta"]
    assert doc_ids(index) == {"alpha", "delta", "gamma"}


def test_an_unreadable_file_survives_an_update_of_another(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    (settings.corpus_dir / "beta.txt").write_bytes(b"")
    append(settings.corpus_dir / "alpha.txt", "Orion will build a second chip plant.\n")

    report, index = reindex(settings, embedder)

    assert report.saved
    assert report.updated == ["alpha"]
    assert report.kept_previous == ["beta"]
    assert doc_ids(index) == {"alpha", "beta", "delta", "gamma"}


@pytest.mark.parametrize("problem", ["missing", "empty"])
def test_unusable_corpus_folder_stops_and_keeps_the_index(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder, problem: str
) -> None:
    shutil.rmtree(settings.corpus_dir)
    if problem == "empty":
        settings.corpus_dir.mkdir()

    with pytest.raises(CorpusError, match=str(settings.corpus_dir)):
        ingest(settings, embedder)

    assert doc_ids(load(settings.index_dir, settings)) == {"alpha", "beta", "delta", "gamma"}


def test_index_built_with_other_settings_is_rebuilt_with_a_note(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    bigger = settings.model_copy(update={"chunk_size": 400})

    report, index = reindex(bigger, embedder)

    assert report.embedded_chunks == report.chunks == len(index.chunks)
    assert any("Rebuilding everything" in note for note in report.notes)
    assert not any("`rag ingest`" in note for note in report.notes)  # it is what runs


def test_pooled_chunk_vectors_embed_sentences_only(
    settings: Settings, embedder: FakeEmbedder
) -> None:
    pooled = settings.model_copy(update={"chunk_vectors": "pooled"})

    report, index = reindex(pooled, embedder)

    assert report.embedded_chunks == 0
    assert report.embedded_sentences == len(index.sentences) == len(embedder.texts)
    for row, chunk in enumerate(index.chunks):
        rows = index.chunk_sentences(chunk)
        lengths = np.array([len(index.sentences[r].text) for r in rows], dtype=np.float32)
        mean = lengths @ index.sentence_vectors[rows].astype(np.float32)
        assert np.allclose(index.chunk_vectors[row], mean / np.linalg.norm(mean), atol=HALF)


def test_switching_to_pooled_chunk_vectors_rebuilds_the_index(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    report, index = reindex(settings.model_copy(update={"chunk_vectors": "pooled"}), embedder)

    assert any("Rebuilding everything" in note for note in report.notes)
    assert report.embedded_sentences == len(index.sentences)


def test_corrupt_index_is_rebuilt_with_a_note(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    (settings.index_dir / "chunks.npy").write_bytes(b"garbage")

    report, index = reindex(settings, embedder)

    assert report.saved
    assert report.embedded_chunks == len(index.chunks)
    assert any("does not match the manifest" in note for note in report.notes)


# --- the real model on the real corpus --------------------------------------------------------


@pytest.mark.slow
def test_real_corpus_indexes_all_five_articles(real_ingest: IngestReport) -> None:
    assert real_ingest.documents == 5
    assert real_ingest.skipped == []
    assert real_ingest.embedded_chunks == real_ingest.chunks > 5


@pytest.mark.slow
def test_real_corpus_offsets_round_trip(real_ingest: IngestReport, real_settings: Settings) -> None:
    index = load(real_settings.index_dir, real_settings)

    for path in sorted(REAL_CORPUS.glob("*.txt")):
        article = index.articles[path.stem]
        assert article.text == path.read_text(encoding="utf-8-sig")
        spans = [s for s in [*index.chunks, *index.sentences] if s.doc_id == path.stem]
        assert spans
        for span in spans:
            assert article.text[span.start : span.end] == span.text


@pytest.mark.slow
def test_real_corpus_reingest_embeds_nothing(
    real_ingest: IngestReport, real_settings: Settings, real_embedder: Embedder
) -> None:
    report = ingest(real_settings, real_embedder)

    assert not report.notes
    assert (report.embedded_chunks, report.embedded_sentences) == (0, 0)
    assert not report.saved


def test_a_new_publication_date_is_saved_without_reembedding(
    settings: Settings, embedder: FakeEmbedder, ingested: IngestReport
) -> None:
    (settings.corpus_dir / "metadata.toml").write_text(
        '[alpha]\npublished = "2024-11"\n', encoding="utf-8"
    )
    report = ingest(settings, embedder)
    assert report.relabelled == ["alpha"] and report.saved
    assert embedder.texts == []
    assert load(settings.index_dir, settings).articles["alpha"].published == "2024-11"


def test_a_text_met_twice_is_embedded_once_and_both_get_its_vector(
    settings: Settings, embedder: FakeEmbedder
) -> None:
    """A syndicated copy (the same article under another name) costs no encoder time."""
    shutil.copy(settings.corpus_dir / "beta.txt", settings.corpus_dir / "beta-copy.txt")

    _, index = reindex(settings, embedder)

    assert len(embedder.texts) == len(set(embedder.texts))
    assert len(embedder.texts) < len(index.chunks) + len(index.sentences)
    for sentence, vector in zip(index.sentences, index.sentence_vectors, strict=True):
        assert np.allclose(vector, fake_vector(sentence.text), atol=HALF)


def test_a_large_job_embeds_with_the_bulk_embedder_the_caller_offers(
    settings: Settings, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web UI holds the question's model; a large update loads the faster bulk one."""
    monkeypatch.setattr("rag.ingestion.BULK_TEXTS", 1)
    bulk = FakeEmbedder()

    report = ingest(settings, embedder, bulk=lambda: bulk)

    assert report.saved and embedder.texts == []
    assert len(bulk.texts) == report.embedded_chunks + report.embedded_sentences > 0


def test_a_small_job_keeps_the_embedder_it_was_given(
    settings: Settings, embedder: FakeEmbedder
) -> None:
    def never() -> Embedder:
        raise AssertionError("a few texts are not worth loading a second model")

    report = ingest(settings, embedder, bulk=never)

    assert report.saved and len(embedder.texts) > 0
