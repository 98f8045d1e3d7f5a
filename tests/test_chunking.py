"""rag/corpus/chunking.py: sentences and sentence-aligned chunks whose offsets point at the raw
text."""

from __future__ import annotations

import itertools
from pathlib import Path

import pysbd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.corpus import chunking
from rag.corpus.chunking import make_chunks, split_sentences
from rag.corpus.reader import load_corpus, make_article
from rag.schema import Article, Sentence


@pytest.fixture
def articles(corpus_dir: Path) -> dict[str, Article]:
    return {a.doc_id: a for a in load_corpus(corpus_dir).articles}


def texts(article: Article) -> list[str]:
    return [s.text for s in split_sentences(article)]


def sentence_with(article: Article, needle: str) -> Sentence:
    return next(s for s in split_sentences(article) if needle in s.text)


def article_of(text: str, tmp_path: Path) -> Article:
    return make_article(tmp_path / "doc.txt", text, {})


def test_every_sentence_and_chunk_round_trips_to_the_raw_text(
    articles: dict[str, Article],
) -> None:
    for article in articles.values():
        sentences = split_sentences(article)
        for span in [*sentences, *make_chunks(article, sentences, 200, 1)]:
            assert article.text[span.start : span.end] == span.text
            assert span.doc_id == article.doc_id


def test_sentences_are_in_order_and_do_not_overlap(articles: dict[str, Article]) -> None:
    for article in articles.values():
        sentences = split_sentences(article)
        assert [s.idx for s in sentences] == list(range(len(sentences)))
        for before, after in itertools.pairwise(sentences):
            assert before.end <= after.start


def test_fused_headline_is_split_from_the_first_sentence(articles: dict[str, Article]) -> None:
    assert texts(articles["alpha"])[:2] == [
        "Custom Chips Reshape the Cloud: Orion Bets on Silicon",
        "We have seen this pattern before.",
    ]


def test_a_line_of_names_is_no_fused_headline(tmp_path: Path) -> None:
    """A capitalised run with a colon is no headline when its end would fall inside brackets
    or its body open on a word ending a phrase: the names stay in one sentence."""
    line = "Present: Mayor Tom Feld (Green Party), councillors Ada Quill and Ben Roe."
    listed = "Present: Mayor Tom Feld, Deputy Ada Quill, councillors Ben Roe and Jo Bell."
    text = f"Kelby Town Council minutes\n\nThe meeting opened at six.\n{line}\n{listed}\n"
    said = texts(make_article(tmp_path / "minutes.txt", text, {}))
    assert line in said and listed in said


def test_fused_section_heading_mid_article_is_split(articles: dict[str, Article]) -> None:
    alpha = texts(articles["alpha"])

    assert "The Chip Race: Three Rival Bets" in alpha
    assert "Rivals are not standing still." in alpha


def test_headings_are_flagged_and_body_sentences_are_not(articles: dict[str, Article]) -> None:
    headings = {
        doc_id: [s.text for s in split_sentences(a) if s.heading] for doc_id, a in articles.items()
    }

    assert headings == {
        "alpha": [
            "Custom Chips Reshape the Cloud: Orion Bets on Silicon",
            "The Chip Race: Three Rival Bets",
        ],
        "beta": ["Why Orion Invested in a Model Maker", "What the Deal Includes"],
        "delta": ["Three Lessons From the Orion Deal"],
        "gamma": ["Growing Tomatoes on a Balcony", "Choosing a Pot"],
    }


@pytest.mark.parametrize(
    "whole",
    [
        "Orion Cloud has spent $5.5 billion on custom chips 25.",
        "Its Inf2 instances cut inference costs by half for U.S. customers 12.",
    ],
)
def test_abbreviations_amounts_and_model_names_do_not_split(
    articles: dict[str, Article], whole: str
) -> None:
    assert whole in texts(articles["alpha"])


def test_us_and_uk_inside_a_sentence_do_not_split(articles: dict[str, Article]) -> None:
    assert "Regulators in the U.S. and the U.K. are reviewing the agreement." in texts(
        articles["beta"]
    )


def test_bare_reference_number_stays_with_its_sentence(articles: dict[str, Article]) -> None:
    alpha = texts(articles["alpha"])
    spent = alpha.index("Orion Cloud has spent $5.5 billion on custom chips 25.")

    assert alpha[spent + 1].startswith("Its Inf2 instances")
    assert "25." not in alpha and "12." not in alpha


def test_bullets_are_sentences_without_the_bullet_mark(articles: dict[str, Article]) -> None:
    beta = texts(articles["beta"])

    assert "Compute Credits: Lumen receives credits worth $1.2 billion for training runs." in beta
    assert "Board Seat: Orion gets no board seat, which keeps regulators calm." in beta
    assert not any(t.startswith(("•", " ")) for t in beta)


def test_inline_bullets_flattened_into_a_line_are_split(articles: dict[str, Article]) -> None:
    alpha = texts(articles["alpha"])

    assert "The competition spans several fronts:" in alpha
    assert "Nimbus* sells its own accelerators to startups 8." in alpha
    assert "Stratus* rents graphics processors by the hour 9." in alpha


def test_numbered_list_items_keep_their_text_but_not_the_number(
    articles: dict[str, Article],
) -> None:
    delta = texts(articles["delta"])

    assert "Capital follows compute: most of the money returns to Orion as cloud revenue." in delta
    assert "1." not in delta and "2." not in delta


def test_markdown_heading_marks_fall_outside_the_sentence(articles: dict[str, Article]) -> None:
    first = split_sentences(articles["gamma"])[0]

    assert first.text == "Growing Tomatoes on a Balcony"
    assert first.start == 2


def test_a_headline_cut_at_its_dash_stays_a_heading(tmp_path: Path) -> None:
    article = article_of(
        "Transit agency outlines bus expansion - City Herald\n"
        "The agency will add 60 buses - and more - by 2027.\n",
        tmp_path,
    )

    flags = {s.text: s.heading for s in split_sentences(article)}

    assert flags["City Herald"] is True
    assert flags["Transit agency outlines bus expansion"] is True
    assert not any(h for text, h in flags.items() if "buses" in text or "2027" in text)


def test_an_emphasised_byline_is_a_heading_and_a_bullet_is_not(tmp_path: Path) -> None:
    article = article_of(
        "# Migraine drugs\n\n*By Tom Hale, 14 October 2024*\n\n* Veronex lowered days by 28%\n",
        tmp_path,
    )

    flags = {s.text: s.heading for s in split_sentences(article)}

    assert flags["By Tom Hale, 14 October 2024"] is True
    assert flags["Veronex lowered days by 28%"] is False


def test_docstring_example(tmp_path: Path) -> None:
    article = article_of("A $5.5 billion deal. U.S. firms agree.", tmp_path)

    assert [(s.start, s.end) for s in split_sentences(article)] == [(0, 20), (21, 38)]


@pytest.mark.parametrize(("size", "overlap"), [(100, 0), (200, 1), (300, 2), (20_000, 1)])
def test_chunks_honour_size_and_overlap(
    articles: dict[str, Article], size: int, overlap: int
) -> None:
    for article in articles.values():
        sentences = split_sentences(article)
        chunks = make_chunks(article, sentences, size, overlap)

        assert chunks[0].first_sentence == 0
        assert chunks[-1].last_sentence == len(sentences) - 1
        for chunk in chunks:
            assert len(chunk.text) <= size or chunk.first_sentence == chunk.last_sentence
            assert chunk.start == sentences[chunk.first_sentence].start
            assert chunk.end == sentences[chunk.last_sentence].end
        for before, after in itertools.pairwise(chunks):
            shared = before.last_sentence - after.first_sentence + 1
            assert shared == min(overlap, before.last_sentence - before.first_sentence)


def test_small_corpus_fits_one_chunk_per_article_when_size_allows(
    articles: dict[str, Article],
) -> None:
    for article in articles.values():
        sentences = split_sentences(article)
        assert len(make_chunks(article, sentences, 20_000, 1)) == 1


def test_a_sentence_longer_than_the_size_is_a_chunk_of_its_own(tmp_path: Path) -> None:
    long = "Orion " + "sells many chips " * 20 + "to buyers."
    article = article_of(f"Short one. {long} Short two.", tmp_path)
    sentences = split_sentences(article)

    chunks = make_chunks(article, sentences, 100, 0)

    assert [c.text for c in chunks] == ["Short one.", long, "Short two."]


def test_chunk_ids_name_the_document_and_position(articles: dict[str, Article]) -> None:
    beta = articles["beta"]
    chunks = make_chunks(beta, split_sentences(beta), 200, 1)

    assert [c.chunk_id for c in chunks] == [f"beta#{i}" for i in range(len(chunks))]


def test_pieces_skipped_past_pysbd_are_ones_it_leaves_whole(
    articles: dict[str, Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The single-sentence shortcut changes speed, never output."""
    shortcut = {a: split_sentences(articles[a]) for a in articles}
    monkeypatch.setattr(chunking, "_one_sentence", lambda piece: False)  # pysbd sees every piece
    assert {a: split_sentences(articles[a]) for a in articles} == shortcut


@pytest.mark.parametrize(
    "line",
    ["Tesla said so.:247 He left.", "A claim.[h] Another one.", "Is it? Yes", "Dr. Who"],
)
def test_marks_inside_a_line_still_go_to_pysbd(line: str) -> None:
    assert not chunking._one_sentence(line)


@pytest.mark.parametrize("line", ["Key Takeaways", "* Google* holds 14%", "Why now?", "Done.”"])
def test_lines_without_inner_marks_are_one_sentence(line: str) -> None:
    assert chunking._one_sentence(line)


def test_chinese_and_japanese_full_stops_end_sentences(tmp_path: Path) -> None:
    article = article_of("北京是中国的首都。上海很大！「你好。」他说。\n東京は首都です。", tmp_path)

    assert texts(article) == [
        "北京是中国的首都。",
        "上海很大！",
        "「你好。」",
        "他说。",
        "東京は首都です。",
    ]


def test_no_sentence_ends_inside_a_path_or_a_url(tmp_path: Path) -> None:
    text = (
        "Tidewater reads ~/.config/tidewater/config.toml. Older releases used ~/.tiderc.\n"
        "See https://example.org/w/index.php?title=Tide for more. It works.\n"
    )
    assert texts(article_of(text, tmp_path)) == [
        "Tidewater reads ~/.config/tidewater/config.toml.",
        "Older releases used ~/.tiderc.",
        "See https://example.org/w/index.php?title=Tide for more.",
        "It works.",
    ]


def test_a_table_row_holding_a_figure_is_no_heading(tmp_path: Path) -> None:
    text = (
        "Pittsville Population History | 1990 - 2022 US\n\nQuarter | Revenue | Margin\n"
        "| Q1 2024 | $301 million | 18% |\nQ2 2024 | $333 million | 19%\n"
    )
    article = article_of(text, tmp_path)
    assert [(s.text, s.heading) for s in split_sentences(article)] == [
        ("Pittsville Population History | 1990 - 2022 US", True),  # a page's title
        ("Quarter | Revenue | Margin", True),
        ("Q1 2024 | $301 million | 18%", False),  # a Markdown row, its outer bars off
        ("Q2 2024 | $333 million | 19%", False),
    ]


def test_a_line_with_no_sentence_mark_is_cut_at_spaces_below_the_bound(tmp_path: Path) -> None:
    """A 1 MB line of words was one sentence, quoted whole as an answer."""
    line = " ".join(f"word{n}" for n in range(3_000))
    article = article_of(f"{line}\nA short sentence.", tmp_path)
    sentences = split_sentences(article)

    assert all(len(s.text) <= chunking.MAX_SENTENCE for s in sentences)
    assert " ".join(s.text for s in sentences[:-1]) == line  # cut between words, nothing lost
    assert sentences[-1].text == "A short sentence."
    chunks = make_chunks(article, sentences, 900, 1)
    assert max(len(c.text) for c in chunks) <= chunking.MAX_SENTENCE


def test_text_without_spaces_is_cut_at_the_bound(tmp_path: Path) -> None:
    article = article_of("字" * 2_500, tmp_path)

    assert [len(t) for t in texts(article)] == [1_000, 1_000, 500]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab 。.!\n字"), max_size=3_000))
def test_any_text_gives_bounded_sentences_that_round_trip(text: str) -> None:
    article = make_article(Path("doc.txt"), text, {}) if text.strip() else None
    if article is None:
        return
    sentences = split_sentences(article)
    for s in sentences:
        assert article.text[s.start : s.end] == s.text
        assert len(s.text) <= chunking.MAX_SENTENCE
    assert all(a.end <= b.start for a, b in itertools.pairwise(sentences))


class _WholeSegment:
    """pysbd's full `segment` (its char-span step included), behind the call chunking makes."""

    def processor(self, piece: str) -> object:
        class Segments:
            def process(self) -> list[str]:
                return list(pysbd.Segmenter(language="en", clean=False).segment(piece))

        return Segments()


_TRICKY = st.sampled_from(
    [
        "Mr. Smith",
        "U.S.",
        "e.g.",
        "No. 5",
        "1.",
        "3.5",
        "Inc.",
        '"Yes!"',
        "(see p. 4.)",
        "J. R.",
        "ok",
        "he",
        "left",
        "?",
        "!",
        "...",
        ".",
        ",",
        "\n",
        "  ",
        "Then",
        "The",
        "a.m.",
        "St.",
    ]
)


def test_pysbd_rules_without_its_locating_step_give_the_same_sentences(
    articles: dict[str, Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    """chunking calls pysbd's rules and finds each sentence itself; `segment` also located them
    (one regex per sentence), which changed nothing but the time."""
    fast = {a: split_sentences(articles[a]) for a in articles}
    monkeypatch.setattr(chunking, "_segmenter", _WholeSegment)
    assert {a: split_sentences(articles[a]) for a in articles} == fast


@settings(max_examples=80, deadline=None)
@given(st.lists(_TRICKY, max_size=60).map(" ".join))
def test_pysbd_rules_alone_match_segment_on_abbreviations_and_marks(text: str) -> None:
    if not text.strip():
        return
    article = make_article(Path("doc.txt"), text, {})
    fast = split_sentences(article)
    real = chunking._segmenter
    chunking._segmenter = _WholeSegment  # type: ignore[assignment]
    try:
        assert split_sentences(article) == fast
    finally:
        chunking._segmenter = real


def test_a_one_word_sentence_joins_the_next() -> None:
    """ "Yes." alone says nothing when quoted; pysbd also cuts unknown abbreviations so."""
    text = "Flights\n\nDo you fly to Halden? Yes. From 14 April we fly there daily. Thanks!\n"
    said = [s.text for s in split_sentences(make_article(Path("faq.txt"), text, {}))]
    assert "Yes. From 14 April we fly there daily." in said
    assert "Yes." not in said
    assert said[-1] == "Thanks!"  # nothing after it to join


def test_a_field_list_is_sentences_and_two_colon_headings_stay_headings() -> None:
    """A notice's "Label: value" lines state values: each a sentence, whole (none cut as a
    fused headline); two headings with colons in a row are still headings."""
    text = (
        "RECALL NOTICE\n"
        "Announcement Date: March 14, 2026\n"
        "Reason for Announcement: Potential Listeria monocytogenes contamination\n"
        "Company Name: Brightfield Creamery LLC\n\n"
        "The recall covers soft cheese.\n"
        "The Competitive Landscape: Comparing Cloud AI Strategies\n"
        "Microsoft's OpenAI Integration: Developer-First Approach\n"
        "Microsoft invested early.\n"
    )
    said = {s.text: s.heading for s in split_sentences(make_article(Path("n.txt"), text, {}))}
    assert said["Announcement Date: March 14, 2026"] is False
    assert said["Reason for Announcement: Potential Listeria monocytogenes contamination"] is False
    assert said["Company Name: Brightfield Creamery LLC"] is False
    assert said["The Competitive Landscape: Comparing Cloud AI Strategies"] is True
    assert said["Microsoft's OpenAI Integration: Developer-First Approach"] is True
