"""rag/retrieval.py: dense, BM25 and fused search return Hits that point at exact source text;
the slow tests check the real model's answers on the real corpus.
"""

from __future__ import annotations

import pytest

from rag.answer import extractive as answer_extractive
from rag.answer.extractive import score_rows
from rag.engine import Engine
from rag.index import vectors as index_vectors
from rag.retrieval import Retriever, convex, reciprocal_rank, tokenize
from rag.schema import Hit


def doc_of_top(hits: list[Hit]) -> str:
    return hits[0].chunk.doc_id


def test_tokenize_lowercases_stems_and_drops_stop_words() -> None:
    assert tokenize(["Designs the chips"]) == [["design", "chip"]]


def test_a_number_with_a_decimal_part_is_one_term() -> None:
    """ "3.2" was cut into one-digit pieces and dropped: Tessera 3.1 and 3.2 read the same."""
    assert tokenize(["Tessera 3.2 (section 4.2.1) raised $1.5 billion."]) == [
        ["tessera", "3.2", "section", "4.2.1", "rais", "1.5", "billion"]
    ]
    assert tokenize(["version 3.2."]) == [["version", "3.2"]]
    assert tokenize(["Tessera 3.2"], fold=False) == [["tessera"]]  # as the judge's data was read


def test_hits_point_at_exact_source_text(retriever: Retriever) -> None:
    hits = retriever.search("How many customers use Lumen models on the Orion platform?", k=3)

    top = hits[0]
    article = retriever.index.articles[top.chunk.doc_id]
    assert top.chunk.doc_id == "beta"
    assert "Over 20,000 customers" in top.chunk.text
    assert top.title == "Why Orion Invested in a Model Maker"
    assert article.text[top.chunk.start : top.chunk.end] == top.chunk.text


def test_hybrid_hits_carry_fused_and_component_scores(retriever: Retriever) -> None:
    hits = retriever.search("tomatoes balcony pot gravel", k=4)

    assert [h.rank for h in hits] == [1, 2, 3, 4]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    top = hits[0]
    assert top.chunk.doc_id == "gamma"
    assert top.dense_rank is not None and top.dense_score is not None
    assert top.bm25_rank is not None and top.bm25_score is not None and top.bm25_score > 0
    assert 0 < top.score <= 1  # convex fusion of min-max scaled scores


def test_k_limits_the_number_of_hits(retriever: Retriever) -> None:
    assert len(retriever.search("Orion chips", k=2)) == 2
    assert len(retriever.search("Orion chips")) == retriever.settings.k


def test_naming_docs_are_the_documents_whose_text_holds_a_term(retriever: Retriever) -> None:
    [hit] = retriever.search("Zanzibar", mode="bm25")
    assert retriever.naming_docs("zanzibar") == {hit.chunk.doc_id}
    assert retriever.naming_docs("atlantis") == frozenset()


def test_bm25_alone_finds_a_keyword_only_query(retriever: Retriever) -> None:
    hits = retriever.search("Zanzibar", mode="bm25")

    assert len(hits) == 1
    assert "Gardeners in Zanzibar" in hits[0].chunk.text
    assert hits[0].bm25_rank == 1
    assert hits[0].dense_rank is None and hits[0].dense_score is None


def test_bm25_alone_finds_nothing_for_unknown_words(retriever: Retriever) -> None:
    assert retriever.search("quasar xylophone", mode="bm25") == []


def test_dense_alone_leaves_bm25_fields_empty(retriever: Retriever) -> None:
    hits = retriever.search("Zanzibar heirloom varieties", mode="dense", k=3)

    assert doc_of_top(hits) == "gamma"
    assert all(h.bm25_rank is None and h.bm25_score is None for h in hits)
    assert all(h.dense_rank == h.rank for h in hits)


def test_stop_word_question_still_gets_dense_hits(retriever: Retriever) -> None:
    hits = retriever.search("Is it in there?", k=3)

    assert len(hits) == 3
    assert all(h.bm25_rank is None for h in hits)


def test_retrieval_mode_comes_from_settings(retriever: Retriever) -> None:
    bm25_only = Retriever(
        retriever.index,
        retriever.embedder,
        retriever.settings.model_copy(update={"retrieval_mode": "bm25"}),
    )

    assert all(h.dense_rank is None for h in bm25_only.search("Orion chips"))


def test_rrf_ranks_a_chunk_found_by_both_halves_first(
    retriever: Retriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Row 1 is only second in each half, but agreement beats one first place.
    monkeypatch.setattr(
        retriever, "settings", retriever.settings.model_copy(update={"fusion": "rrf"})
    )
    monkeypatch.setattr(retriever, "dense", lambda question, n, rows=None: [(0, 0.9), (1, 0.8)])
    monkeypatch.setattr(retriever, "lexical", lambda question, n, rows=None: [(2, 7.0), (1, 6.0)])

    hits = retriever.search("anything", k=3)

    assert [h.chunk for h in hits] == [retriever.index.chunks[r] for r in (1, 0, 2)]
    assert (hits[0].dense_rank, hits[0].bm25_rank) == (2, 2)
    assert (hits[1].dense_rank, hits[1].bm25_rank) == (1, None)
    assert (hits[2].dense_rank, hits[2].bm25_rank) == (None, 1)


def test_convex_ranks_a_close_second_in_both_halves_first(
    retriever: Retriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retriever, "dense", lambda q, n, rows=None: [(0, 0.9), (1, 0.85), (3, 0.2)])
    monkeypatch.setattr(
        retriever, "lexical", lambda q, n, rows=None: [(2, 7.0), (1, 6.5), (3, 0.5)]
    )

    hits = retriever.search("anything", k=3)

    assert hits[0].chunk == retriever.index.chunks[1]
    assert (hits[0].dense_rank, hits[0].bm25_rank) == (2, 2)


# --- the real model on the real corpus --------------------------------------------------------


@pytest.mark.slow
def test_real_search_finds_the_bedrock_customer_count(real_engine: Engine) -> None:
    hits = real_engine.retriever.search("How many customers run Claude models on Bedrock?", k=3)

    assert any("Over 100,000 customers" in h.chunk.text for h in hits), [h.chunk.text for h in hits]


@pytest.mark.slow
def test_real_search_finds_a_keyword_only_name_through_bm25(real_engine: Engine) -> None:
    hits = real_engine.retriever.search("Annapurna Labs")

    found = [h for h in hits if "Annapurna Labs" in h.chunk.text]
    assert found, [h.chunk.text for h in hits]
    assert found[0].bm25_rank == 1
    assert found[0].chunk.doc_id == "001_29c1b148ce65f1bc"


def test_convex_fusion_keeps_a_confident_lead() -> None:
    # BM25 is far surer of row 1 than dense is of row 2: scores, not just ranks, decide.
    dense = [(2, 0.52), (1, 0.50), (3, 0.10)]
    lexical = [(1, 9.0), (2, 1.0), (3, 0.5)]
    fused = convex(dense, lexical, 0.5)
    assert max(fused, key=fused.__getitem__) == 1
    assert fused[1] == pytest.approx(0.5 * (0.40 / 0.42) + 0.5)


def test_reciprocal_rank_uses_ranks_only() -> None:
    fused = reciprocal_rank([(2, 0.9), (1, 0.1)], [(1, 9.0)], k=60)
    assert fused == {2: pytest.approx(1 / 61), 1: pytest.approx(1 / 62 + 1 / 61)}


def test_fusion_is_selectable(retriever: Retriever) -> None:
    rrf = Retriever(
        retriever.index, retriever.embedder, retriever.settings.model_copy(update={"fusion": "rrf"})
    )
    top = rrf.search("tomatoes balcony pot gravel", k=1)[0]
    assert top.dense_rank is not None and top.bm25_rank is not None
    k = rrf.settings.rrf_k
    assert top.score == pytest.approx(1 / (k + top.dense_rank) + 1 / (k + top.bm25_rank))


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_the_top_k_of_more_hits_are_the_k_hits(retriever: Retriever, mode: str) -> None:
    """ask retrieves `candidates` once and answers from the first k: the same as asking for k."""
    question = "Which company makes chips for the Lumen models?"
    many = retriever.search(question, k=20, mode=mode)  # type: ignore[arg-type]
    assert many[:3] == retriever.search(question, k=3, mode=mode)  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    ["How much time has Claude saved Pfizer's scientists?", "Who leads Anthropic?"],
)
def test_the_inverted_index_scores_as_the_set_test_does(
    real_engine: Engine, question: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """score_rows takes word overlaps from Retriever.term_weights for many rows (compare over a
    large corpus): the same numbers, to the last bit, as the per-row set test."""
    retriever = real_engine.retriever
    rows = {row: 1 for row in range(len(real_engine.index.sentences))}
    by_sets = [(s.row, s.score, s.lexical) for s in score_rows(question, rows, retriever)]
    monkeypatch.setattr(answer_extractive, "MANY_ROWS", 1)
    by_index = [(s.row, s.score, s.lexical) for s in score_rows(question, rows, retriever)]
    assert by_index == by_sets
    assert any(lexical > 0 for _, _, lexical in by_index)
    # A floor leaves out only rows that score below it, and changes no score.
    floored = {s.row: s.score for s in score_rows(question, rows, retriever, floor=0.35)}
    assert {row for row, score, _ in by_sets if score >= 0.35} <= floored.keys()
    assert all(floored[row] == score for row, score, _ in by_sets if row in floored)
    assert len(floored) < len(by_sets)
    # FAISS ranking only a few rows and bounding the rest (escalating once when too many rows
    # are near the floor, then products row by row, in blocks) keeps exactly the same rows,
    # with the same scores to the bit.
    for top, row_wise_max, block in ((3, 10**9, 1 << 15), (3, 1, 1 << 15), (3, 1, 7)):
        monkeypatch.setattr(answer_extractive, "DENSE_TOP", top)
        monkeypatch.setattr(answer_extractive, "ROW_WISE_MAX", row_wise_max)
        monkeypatch.setattr(index_vectors, "_BLOCK", block)
        bounded = {s.row: s.score for s in score_rows(question, rows, retriever, floor=0.35)}
        assert bounded == floored
