"""rag/index/writer.py and the streamed build: an index written document by document (and ingest
embedding a few documents at a time) is the index built in one piece, and a build that fails
half-way leaves the previous index as it was.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag import ingestion
from rag.config import Settings
from rag.index.core import Index, chunk_text, load
from rag.index.lexical import Lexical, LexicalBuilder
from rag.index.writer import save, writing
from rag.ingestion import ingest
from rag.retrieval import Retriever
from rag.text.tokens import tokenize
from tests.conftest import FakeEmbedder, make_settings

QUESTIONS = ("Who founded Lumen?", "office in Lisbon", "revenue growth", "the chips")


def same_lexical(a: Lexical, b: Lexical, sentences: int) -> None:
    """The same sentence terms, and the same BM25 score for every chunk and question."""
    assert a.vocab == b.vocab
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.ids, b.ids)
    assert [a.sentence_terms(r) for r in range(sentences)] == [
        b.sentence_terms(r) for r in range(sentences)
    ]
    assert a.chunk_vocab.keys() == b.chunk_vocab.keys()
    for question in QUESTIONS:
        tokens = [t for t in tokenize([question])[0] if t in a.chunk_vocab]
        if tokens:  # (retrieval skips BM25 for a question with no known term)
            assert np.array_equal(a.chunk_scores(tokens), b.chunk_scores(tokens))


def test_lexical_built_document_by_document_is_the_one_built_at_once(index: Index) -> None:
    chunks = [chunk_text(index.articles[c.doc_id].title, c.text) for c in index.chunks]
    sentences = [index.in_context(r) for r in range(len(index.sentences))]
    whole = Lexical.build(chunks, sentences)
    builder = LexicalBuilder()
    for doc_id in index.articles:
        builder.add(
            [chunks[r] for r in index.doc_chunk_rows(doc_id)],
            [sentences[r] for r in index.doc_sentence_rows(doc_id)],
        )
        builder.add([], [])  # a document without text adds nothing
    streamed = builder.finish()

    same_lexical(whole, streamed, len(sentences))
    # and what the index loaded from disk holds (written by ingest through the writer)
    same_lexical(whole, index.lexical, len(sentences))


@pytest.mark.parametrize("ann_threshold", [100_000, 2], ids=["flat", "hnsw"])
def test_a_written_index_loads_as_the_one_it_was_written_from(
    index: Index, settings: Settings, tmp_path: Path, ann_threshold: int
) -> None:
    settings = settings.model_copy(update={"ann_threshold": ann_threshold})
    folder = tmp_path / "rewritten"

    save(index, settings, folder)  # document by document, sentence vectors as stored
    again = load(folder, settings)

    assert again.search_kind == ("hnsw" if ann_threshold == 2 else "flat")
    assert list(again.articles.values()) == list(index.articles.values())
    assert list(again.sentences) == list(index.sentences)
    assert list(again.chunks) == list(index.chunks)
    assert np.array_equal(again.chunk_vectors, index.chunk_vectors)
    assert np.array_equal(again.sentence_vectors, index.sentence_vectors)
    query = np.asarray(index.chunk_vectors[3], dtype=np.float32)
    assert again.search(query, 5)[0][0] == 3
    same_lexical(again.lexical, index.lexical, len(index.sentences))
    assert not list(folder.glob("*.part")), "the work file is not left in the index"
    assert not list(tmp_path.glob(".rewritten.tmp-*")), "nor the temp folder beside it"


def test_a_write_that_fails_half_way_leaves_the_old_index_and_no_temp_folder(
    index: Index, settings: Settings
) -> None:
    before = {p.name: p.read_bytes() for p in settings.index_dir.iterdir()}
    doc_id, article = next(iter(index.articles.items()))
    rows = index.doc_sentence_rows(doc_id)

    with (
        pytest.raises(ValueError, match="vectors of shape"),
        writing(settings, settings.index_dir, index.dim) as writer,
    ):
        writer.add(
            article,
            [index.sentences[r] for r in rows],
            [],
            np.zeros((1, index.dim), np.float32),  # one vector, no chunk: refused
            index.sentence_vectors[rows],
        )

    assert {p.name: p.read_bytes() for p in settings.index_dir.iterdir()} == before
    assert not list(settings.index_dir.parent.glob(".index.tmp-*"))


def test_a_document_added_twice_is_refused(index: Index, settings: Settings) -> None:
    article = next(iter(index.articles.values()))
    empty = np.zeros((0, index.dim), np.float32)
    with (
        pytest.raises(ValueError, match="added twice"),
        writing(settings, settings.index_dir, index.dim) as writer,
    ):
        writer.add(article, [], [], empty, empty)
        writer.add(article, [], [], empty, empty)
    assert list(load(settings.index_dir, settings).articles) == list(index.articles)


def test_ingest_embedding_a_few_documents_at_a_time_builds_the_same_index(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole_embedder = FakeEmbedder()
    whole = ingest(settings, whole_embedder)
    one_batch = load(settings.index_dir, settings)

    monkeypatch.setattr(ingestion, "EMBED_BATCH", 5)  # every document its own batch
    small = make_settings(settings.corpus_dir, tmp_path / "batched")
    batched_embedder = FakeEmbedder()
    report = ingest(small, batched_embedder)
    batched = load(small.index_dir, small)

    assert (report.embedded_chunks, report.embedded_sentences) == (
        whole.embedded_chunks,
        whole.embedded_sentences,
    )
    assert sorted(batched_embedder.texts) == sorted(whole_embedder.texts)
    assert list(batched.sentences) == list(one_batch.sentences)
    assert np.array_equal(batched.chunk_vectors, one_batch.chunk_vectors)
    assert np.array_equal(batched.sentence_vectors, one_batch.sentence_vectors)


def test_a_text_repeated_in_another_batch_is_embedded_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = "Lumen and Orion signed the same syndicated statement on chips."
    for name in ("alpha.txt", "gamma.md"):  # two documents, so two batches below
        with (settings.corpus_dir / name).open("a", encoding="utf-8") as f:
            f.write(f"\n{shared}\n")
    monkeypatch.setattr(ingestion, "EMBED_BATCH", 5)
    embedder = FakeEmbedder()

    ingest(settings, embedder)
    index = load(settings.index_dir, settings)

    assert embedder.texts.count(shared) == 1
    assert len(embedder.texts) == len(set(embedder.texts))
    rows = [r for r, s in enumerate(index.sentences) if s.text == shared]
    assert len(rows) == 2 and np.array_equal(*index.sentence_vectors[rows])


def test_a_corpus_of_stop_words_only_builds_an_index_without_bm25(tmp_path: Path) -> None:
    """bm25s cannot index an empty vocabulary (it raised ValueError: max() of an empty
    sequence): chunks without a single term get no BM25, and a question matches nothing."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "it.txt").write_text("The and of it is.\n", encoding="utf-8")
    settings = make_settings(corpus, tmp_path / "index")
    embedder = FakeEmbedder()

    ingest(settings, embedder)
    index = load(settings.index_dir, settings)

    assert len(index.chunks) == 1 and index.lexical.bm25 is None
    assert Retriever(index, embedder, settings).lexical("What is it?", 5) == []
    assert ingest(settings, embedder).saved is False  # the saved index is sound: nothing to redo


def test_a_name_typed_without_its_accents_finds_the_text_that_has_them() -> None:
    texts = ["Kraków lies on the Vistula.", "Warsaw is the capital of Poland."]
    lexical = Lexical.build(texts, texts)

    tokens = [
        t for t in tokenize(["Which river runs through Krakow?"])[0] if t in lexical.chunk_vocab
    ]

    assert tokens == ["krakow"]
    assert int(np.argmax(lexical.chunk_scores(tokens))) == 0
    assert "krakow" in lexical.sentence_terms(0)


@pytest.mark.parametrize(
    ("question", "best"),
    [("中国的首都是哪里？", 0), ("日本の首都はどこですか", 2), ("서울에 대해", 3)],
)
def test_chinese_japanese_and_korean_questions_match_text_that_words_them_otherwise(
    question: str, best: int
) -> None:
    """A run of such characters was one token: a question matched only a text that had the
    same run between the same punctuation. As character pairs, shared words match."""
    texts = [
        "北京是中国的首都，也是政治中心。",
        "上海是中国最大的城市。",
        "東京は日本の首都です。",
        "서울은 한국의 수도입니다.",
    ]
    lexical = Lexical.build(texts, texts)

    tokens = [t for t in tokenize([question])[0] if t in lexical.chunk_vocab]

    assert tokens
    assert int(np.argmax(lexical.chunk_scores(tokens))) == best
