"""rag/corpus/reader.py: a folder of files → Articles with raw text, titles, and reasons for
skips."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.corpus.chunking import split_sentences
from rag.corpus.reader import derive_title, load_corpus
from rag.errors import CorpusError
from rag.schema import Article


def write_bad_files(folder: Path) -> dict[str, str]:
    """One file per kind of bad input, mapped to a word its skip reason must contain."""
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "blank.md").write_text("  \n\t\n", encoding="utf-8")
    (folder / "blob.txt").write_bytes(b"PK\x03\x04\x00\x00binary")
    (folder / "latin1.txt").write_bytes("Caf\xe9 prices rose.".encode("latin-1"))
    (folder / "huge.txt").write_text("Orion sells chips. " * 200, encoding="utf-8")
    return {
        "empty.txt": "empty",
        "blank.md": "empty",
        "blob.txt": "binary",
        "latin1.txt": "UTF-8",
        "huge.txt": "limit",
    }


def test_reads_txt_and_md_files_with_stem_as_doc_id(corpus_dir: Path) -> None:
    (corpus_dir / "photo.png").write_bytes(b"\x89PNG")  # not a kind of document: not listed

    load = load_corpus(corpus_dir)

    assert [a.doc_id for a in load.articles] == ["alpha", "beta", "delta", "gamma"]
    assert load.skipped == []


def test_keeps_the_raw_text_exactly(corpus_dir: Path) -> None:
    for article in load_corpus(corpus_dir).articles:
        assert article.text == article.path.read_text(encoding="utf-8")


def test_title_of_a_headline_fused_into_the_first_sentence(corpus_dir: Path) -> None:
    alpha = next(a for a in load_corpus(corpus_dir).articles if a.doc_id == "alpha")

    assert alpha.title == "Custom Chips Reshape the Cloud: Orion Bets on Silicon"
    assert alpha.text[alpha.body_start :].startswith("We have seen this pattern before.")


def test_title_of_a_headline_on_its_own_line(corpus_dir: Path) -> None:
    titles = {a.doc_id: (a.title, a.body_start) for a in load_corpus(corpus_dir).articles}

    assert titles["beta"] == ("Why Orion Invested in a Model Maker", 0)
    assert titles["gamma"] == ("Growing Tomatoes on a Balcony", 0)


def test_title_falls_back_to_the_first_words_without_a_headline() -> None:
    text = "orion sold " + "many chips to many buyers in many places " * 3 + "this year."

    title, body_start = derive_title(text)

    assert title == "orion sold many chips to many buyers in many places many chips…"
    assert body_start == 0


def test_metadata_file_overrides_title_and_author(corpus_dir: Path) -> None:
    (corpus_dir / "metadata.toml").write_text(
        '[beta]\ntitle = "Orion and Lumen"\nauthor = "A. Writer"\n', encoding="utf-8"
    )

    beta = next(a for a in load_corpus(corpus_dir).articles if a.doc_id == "beta")

    assert (beta.title, beta.author) == ("Orion and Lumen", "A. Writer")


def test_invalid_metadata_file_is_a_corpus_error(corpus_dir: Path) -> None:
    (corpus_dir / "metadata.toml").write_text("[beta\ntitle = ", encoding="utf-8")

    with pytest.raises(CorpusError, match=r"metadata\.toml is not valid TOML"):
        load_corpus(corpus_dir)


def test_bad_files_are_skipped_with_a_reason_and_the_rest_load(corpus_dir: Path) -> None:
    expected = write_bad_files(corpus_dir)

    load = load_corpus(corpus_dir, max_file_bytes=2000)

    assert {a.doc_id for a in load.articles} == {"alpha", "beta", "delta", "gamma"}
    reasons = {item.path.name: item.reason for item in load.skipped}
    assert reasons.keys() == expected.keys()
    for name, word in expected.items():
        assert word in reasons[name], f"{name}: {reasons[name]}"


def test_a_utf8_byte_order_mark_is_not_part_of_the_text(corpus_dir: Path) -> None:
    (corpus_dir / "bom.txt").write_bytes("\ufeffOrion ships chips.".encode())

    bom = next(a for a in load_corpus(corpus_dir).articles if a.doc_id == "bom")

    assert bom.text == "Orion ships chips."


def test_missing_folder_says_where_to_point(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"does not exist\..*--corpus"):
        load_corpus(tmp_path / "nowhere")


def test_folder_without_articles_says_what_to_add(tmp_path: Path) -> None:
    (tmp_path / "notes.xlsx").write_bytes(b"PK")

    with pytest.raises(CorpusError, match=r"No \.txt, \.md, \.html, \.pdf or \.docx files"):
        load_corpus(tmp_path)


def test_folder_with_only_bad_files_lists_each_reason(tmp_path: Path) -> None:
    write_bad_files(tmp_path)

    with pytest.raises(CorpusError, match="No usable article") as caught:
        load_corpus(tmp_path, max_file_bytes=2000)

    for name in ("empty.txt", "blob.txt", "latin1.txt", "huge.txt"):
        assert name in str(caught.value)


def test_content_hash_changes_with_the_text(corpus_dir: Path) -> None:
    before = {a.doc_id: a.sha256 for a in load_corpus(corpus_dir).articles}
    with (corpus_dir / "beta.txt").open("a", encoding="utf-8") as f:
        f.write("One more sentence.\n")

    after = {a.doc_id: a.sha256 for a in load_corpus(corpus_dir).articles}

    assert [d for d in before if before[d] != after[d]] == ["beta"]


def test_two_files_with_one_id_keep_the_first(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("Markdown version of the article.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Text version of the article.", encoding="utf-8")
    load = load_corpus(tmp_path)
    assert [a.doc_id for a in load.articles] == ["a"]
    assert "same id" in load.skipped[0].reason


def test_a_file_that_cannot_be_opened_is_skipped_with_the_reason(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Path.read_bytes

    def denied(path: Path) -> bytes:
        if path.name == "beta.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", denied)

    load = load_corpus(corpus_dir)

    assert [(s.path.name, s.reason) for s in load.skipped] == [
        ("beta.txt", "cannot be read (Permission denied); check its permissions")
    ]
    assert "beta" not in {a.doc_id for a in load.articles}


def test_entries_that_are_not_article_files_are_skipped_with_reasons(
    corpus_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("Orion's private salary list.", encoding="utf-8")
    (corpus_dir / "linked.txt").symlink_to(outside)
    (corpus_dir / "loop.txt").symlink_to(corpus_dir / "loop.txt")
    (corpus_dir / "chapter.txt").mkdir()
    os.mkfifo(corpus_dir / "pipe.txt")
    (corpus_dir / "inside.txt").symlink_to(corpus_dir / "alpha.txt")

    load = load_corpus(corpus_dir)

    reasons = {s.path.name: s.reason for s in load.skipped}
    assert "outside the corpus folder" in reasons["linked.txt"]
    assert "broken or looping link" in reasons["loop.txt"]
    assert reasons["chapter.txt"] == "is a folder, not a file"
    assert "not a regular file" in reasons["pipe.txt"]
    assert "inside" in {a.doc_id for a in load.articles}
    assert all("salary" not in a.text for a in load.articles)


def test_a_subfolder_of_articles_is_reported_not_silently_left_out(corpus_dir: Path) -> None:
    (corpus_dir / "2024").mkdir()
    (corpus_dir / "2024" / "zeta.txt").write_text("Orion ships chips.", encoding="utf-8")
    (corpus_dir / "images").mkdir()  # nothing an article could be in: not reported
    (corpus_dir / "images" / "logo.png").write_bytes(b"\x89PNG")
    (corpus_dir / ".removed").mkdir()  # where `rag remove` moves files: not reported
    (corpus_dir / ".removed" / "old.txt").write_text("Removed.", encoding="utf-8")

    load = load_corpus(corpus_dir)

    reasons = {s.path.name: s.reason for s in load.skipped}
    assert list(reasons) == ["2024"]
    assert "1 article file(s), which are not read" in reasons["2024"]
    assert "point --corpus at the subfolder" in reasons["2024"]
    assert "zeta" not in {a.doc_id for a in load.articles}


def test_a_folder_whose_articles_are_all_in_a_subfolder_says_so(tmp_path: Path) -> None:
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "a.txt").write_text("Orion ships chips.", encoding="utf-8")
    (tmp_path / "minutes.rtf").write_text("{\\rtf1 Orion}", encoding="utf-8")

    with pytest.raises(CorpusError) as caught:
        load_corpus(tmp_path)

    assert "(inner/ is a subfolder with 1 article file" in str(caught.value)
    assert "(minutes.rtf is an RTF document, which is not read" in str(caught.value)


def articles_in(folder: Path) -> dict[str, Article]:
    return {a.doc_id: a for a in load_corpus(folder).articles}


def test_metadata_gives_publication_dates_and_publishers(corpus_dir: Path) -> None:
    (corpus_dir / "metadata.toml").write_text(
        '[alpha]\npublished = 2024-11-22\npublisher = "Daily Chips"\n'
        '[beta]\npublished = "2023-05"\n',
        encoding="utf-8",
    )
    articles = articles_in(corpus_dir)
    assert (articles["alpha"].published, articles["alpha"].publisher) == (
        "2024-11-22",
        "Daily Chips",
    )
    assert articles["beta"].published == "2023-05"
    assert articles["gamma"].published is None  # unknown stays unknown


@pytest.mark.parametrize(
    ("head", "published"),
    [
        ("By Maria Okafor, City Desk | March 14, 2025", "2025-03-14"),
        ("Posted 2 April 2025", "2025-04-02"),
        ("*By Tom Hale, 14 October 2024*", "2024-10-14"),  # Markdown emphasis
        ("Industry Wire, February 20, 2025", "2025-02-20"),
        ("Press release, Hallam University, 2 September 2024", "2024-09-02"),
        ("By Sinéad Ó Briain, 14 October 2025", "2025-10-14"),  # capitals beyond A-Z
        ("LEEDS, 2 June 2025 -- Calder & Rowe today began work on the bridge.", "2025-06-02"),
        ("Leeds, 2 June 2025 — The firm began work on the bridge.", "2025-06-02"),
        ("On 2 June 2025 — a Monday — the firm began work on the bridge.", None),
        ("Born in Leeds, 2 September 1950", None),  # a fact box: "in" is no outlet's name
        ("Updated March 20, 2025 | Published March 14, 2025", "2025-03-14"),
        ("Updated March 20, 2025", None),  # an edit, not the publication
        ("Died 21 December 1993 (aged 84)", None),  # a fact box
        ("On March 3, 2025, the council voted to approve it.", None),  # an event in the story
    ],
)
def test_the_date_an_articles_head_states_is_its_publication_date(
    corpus_dir: Path, head: str, published: str | None
) -> None:
    (corpus_dir / "news.txt").write_text(
        f"Council approves budget\n{head}\n\nThe council met on Tuesday.\n", encoding="utf-8"
    )
    articles = articles_in(corpus_dir)
    assert articles["news"].published == published


def test_an_html_pages_metadata_dates_it_unless_metadata_toml_does(corpus_dir: Path) -> None:
    (corpus_dir / "page.html").write_text(
        '<html><head><meta name="date" content="2025-01-05"><meta name="author" content="Ann">'
        "</head><body><h1>Harbor opens</h1><p>The harbor opened.</p></body></html>",
        encoding="utf-8",
    )
    articles = articles_in(corpus_dir)
    assert (articles["page"].published, articles["page"].author) == ("2025-01-05", "Ann")
    (corpus_dir / "metadata.toml").write_text('[page]\npublished = "2025"\n', encoding="utf-8")
    assert articles_in(corpus_dir)["page"].published == "2025"


def test_windows_unicode_text_is_read(corpus_dir: Path) -> None:
    (corpus_dir / "notes.txt").write_bytes("Café owners raised prices by 5%.\n".encode("utf-16"))
    articles = articles_in(corpus_dir)
    assert articles["notes"].text == "Café owners raised prices by 5%.\n"


def test_metadata_dates_an_article_over_its_dateline(corpus_dir: Path) -> None:
    (corpus_dir / "news.txt").write_text(
        "Council approves budget\nPosted 2 April 2025\n\nThe council met.\n", encoding="utf-8"
    )
    (corpus_dir / "metadata.toml").write_text('[news]\npublished = "2025-04"\n', encoding="utf-8")
    articles = articles_in(corpus_dir)
    assert articles["news"].published == "2025-04"


@pytest.mark.parametrize("bad", ['"yesterday"', '"2024-02-30"', '"2024-13"'])
def test_a_publication_date_that_is_no_date_is_a_corpus_error(corpus_dir: Path, bad: str) -> None:
    (corpus_dir / "metadata.toml").write_text(f"[alpha]\npublished = {bad}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"\[.alpha.\] published: .* YYYY|not a real date"):
        load_corpus(corpus_dir)


def test_metadata_outside_an_article_table_is_a_corpus_error(corpus_dir: Path) -> None:
    (corpus_dir / "metadata.toml").write_text('title = "x"\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="under its"):
        load_corpus(corpus_dir)


FRONT = (
    "---\ntitle: Minutes of the Transport Committee\ndate: 2025-03-11\n"
    "authors:\n  - Ann Lee\n  - Bo Chen\ntags: [bridge, budget]\n---\n\n"
    "# Minutes\n\nThe committee approved a repair budget of £18.4 million.\n"
)


def test_a_markdown_front_matter_gives_title_date_and_authors(corpus_dir: Path) -> None:
    (corpus_dir / "minutes.md").write_text(FRONT, encoding="utf-8")
    minutes = articles_in(corpus_dir)["minutes"]
    assert (minutes.title, minutes.published, minutes.author) == (
        "Minutes of the Transport Committee",
        "2025-03-11",
        "Ann Lee, Bo Chen",
    )
    assert minutes.text == FRONT  # kept as read: offsets point into the file
    assert minutes.text[minutes.text_start :].lstrip().startswith("# Minutes")


def test_front_matter_is_never_a_sentence_and_offsets_still_hold(corpus_dir: Path) -> None:
    (corpus_dir / "minutes.md").write_text(FRONT, encoding="utf-8")
    minutes = articles_in(corpus_dir)["minutes"]
    sentences = split_sentences(minutes)
    assert [s.text for s in sentences] == [
        "Minutes",
        "The committee approved a repair budget of £18.4 million.",
    ]
    assert all(minutes.text[s.start : s.end] == s.text for s in sentences)


def test_metadata_toml_wins_over_front_matter(corpus_dir: Path) -> None:
    (corpus_dir / "minutes.md").write_text(FRONT, encoding="utf-8")
    (corpus_dir / "metadata.toml").write_text('[minutes]\ntitle = "Own title"\n', encoding="utf-8")
    minutes = articles_in(corpus_dir)["minutes"]
    assert (minutes.title, minutes.published) == ("Own title", "2025-03-11")


@pytest.mark.parametrize(
    "text",
    [
        "--- a dashed opening line\nThe bridge opened in 1889.\n",  # no block
        "---\nThe bridge opened in 1889.\n",  # a rule, never closed
        "---\n[unclosed: yaml\n---\nThe bridge opened in 1889.\n",  # not YAML
        "---\n- a list, not fields\n---\nThe bridge opened in 1889.\n",
    ],
)
def test_text_that_only_looks_like_front_matter_is_read_as_text(
    corpus_dir: Path, text: str
) -> None:
    (corpus_dir / "odd.md").write_text(text, encoding="utf-8")
    odd = articles_in(corpus_dir)["odd"]
    assert odd.text_start == 0
    assert "The bridge opened in 1889." in [s.text for s in split_sentences(odd)]


def test_a_front_matter_date_that_is_no_date_is_left_to_the_dateline(corpus_dir: Path) -> None:
    (corpus_dir / "news.md").write_text(
        "---\ndate: sometime soon\ntitle: Budget\n---\nBudget\nPosted 2 April 2025\n\nIt passed.\n",
        encoding="utf-8",
    )
    news = articles_in(corpus_dir)["news"]
    assert (news.title, news.published) == ("Budget", "2025-04-02")
