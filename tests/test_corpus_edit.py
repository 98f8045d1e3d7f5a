"""rag/corpus/edit.py: adding an article never overwrites, removing one never deletes.

Also `rag add` / `rag remove` (thin commands over it), through the CLI runner.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.config import Settings
from rag.corpus.edit import REMOVED_DIR, add_article, remove_article, safe_name
from rag.corpus.reader import load_corpus
from rag.errors import ArticleError, CorpusError

NEW = b"Lighthouse Keepers Return\nBrindle Maritime restored 47 lighthouses in 2023.\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_an_added_article_is_read_by_the_loader(settings: Settings) -> None:
    path = add_article(settings, "lighthouses.txt", NEW)

    assert path == settings.corpus_dir / "lighthouses.txt" and path.read_bytes() == NEW
    article = next(a for a in load_corpus(settings.corpus_dir).articles if a.doc_id == path.stem)
    assert article.title == "Lighthouse Keepers Return"
    assert not [p for p in settings.corpus_dir.iterdir() if p.name.startswith(".upload")]


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("alpha.txt", NEW, "id 'alpha' is already in the collection"),
        ("ALPHA.md", NEW, "id 'alpha' is already in the collection"),
        ("copy.md", (Path(__file__).parent / "data" / "beta.txt").read_bytes(), "same text"),
        (
            "copy.txt",
            b"\xef\xbb\xbf" + (Path(__file__).parent / "data" / "beta.txt").read_bytes(),
            "same text",
        ),
        ("blob.txt", b"PK\x03\x04\x00\x00binary", "binary"),
        ("latin.txt", "Café prices rose.".encode("latin-1"), "not UTF-8"),
        ("empty.txt", b" \n\t", "is empty"),
        ("huge.txt", b"Orion sells chips. " * 100, "limit"),
        ("../x.txt", NEW, "names a folder"),
        ("a/b.txt", NEW, "names a folder"),
        ("a\\b.txt", NEW, "names a folder"),
        (".hidden.txt", NEW, "hidden"),
        ("x.odt", NEW, "not a .txt, .md, .html, .pdf or .docx file"),
        ("notes", NEW, "not a .txt, .md, .html, .pdf or .docx file"),
        ("日本.txt", NEW, "cannot be used as a name"),
        ("x" * 200 + ".txt", NEW, "cannot be used as a name"),
    ],
)
def test_bad_or_duplicate_articles_are_refused_and_nothing_changes(
    settings: Settings, filename: str, data: bytes, expected: str
) -> None:
    settings = settings.model_copy(update={"max_file_bytes": 1000})
    before = snapshot(settings.corpus_dir.parent)

    with pytest.raises(ArticleError, match=expected) as caught:
        add_article(settings, filename, data)

    assert snapshot(settings.corpus_dir.parent) == before
    assert isinstance(caught.value, CorpusError)  # the UI and CLI show it as a message


def test_names_are_tidied_and_the_new_name_is_returned(settings: Settings) -> None:
    assert safe_name(" Q3 report (final).MD ") == "Q3-report-final.md"
    assert safe_name("v1.2_notes.txt") == "v1.2_notes.txt"

    path = add_article(settings, "Lighthouse keepers!.txt", NEW)

    assert path.name == "Lighthouse-keepers.txt" and path.read_bytes() == NEW


def test_a_file_that_appears_meanwhile_is_never_overwritten(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name was free when checked; another writer takes it before the link."""
    target = settings.corpus_dir / "race.txt"
    theirs = b"Their article, saved a moment earlier."
    real_link = __import__("os").link

    def link_after_them(src: Path, dst: Path, **kwargs: object) -> None:
        target.write_bytes(theirs)
        real_link(src, dst)

    monkeypatch.setattr("rag.corpus.edit.os.link", link_after_them)

    with pytest.raises(ArticleError, match=r"appeared .* meanwhile"):
        add_article(settings, "race.txt", NEW)

    assert target.read_bytes() == theirs
    assert sorted(p.name for p in settings.corpus_dir.glob(".*")) == []  # no temp left behind


def test_remove_moves_the_file_into_removed_with_its_bytes_intact(settings: Settings) -> None:
    original = (settings.corpus_dir / "beta.txt").read_bytes()

    moved = remove_article(settings, "beta")

    assert moved == settings.corpus_dir / REMOVED_DIR / "beta.txt"
    assert moved.read_bytes() == original
    assert not (settings.corpus_dir / "beta.txt").exists()
    assert "beta" not in {a.doc_id for a in load_corpus(settings.corpus_dir).articles}


def test_a_name_taken_in_removed_gets_a_number(settings: Settings) -> None:
    removed = settings.corpus_dir / REMOVED_DIR
    removed.mkdir()
    (removed / "beta.txt").write_bytes(b"an older beta")
    (removed / "beta-2.txt").write_bytes(b"an even older beta")
    original = (settings.corpus_dir / "beta.txt").read_bytes()

    moved = remove_article(settings, "beta")

    assert moved == removed / "beta-3.txt" and moved.read_bytes() == original
    assert (removed / "beta.txt").read_bytes() == b"an older beta"
    assert (removed / "beta-2.txt").read_bytes() == b"an even older beta"


@pytest.mark.parametrize("doc_id", ["nope", "", "../data/alpha", "ALPHA", ".removed"])
def test_removing_an_unknown_article_is_a_clear_error(settings: Settings, doc_id: str) -> None:
    before = snapshot(settings.corpus_dir.parent)

    with pytest.raises(ArticleError, match="No article file with the id"):
        remove_article(settings, doc_id)

    assert snapshot(settings.corpus_dir.parent) == before


def test_a_removed_article_can_be_added_back(settings: Settings) -> None:
    moved = remove_article(settings, "gamma")

    again = add_article(settings, moved.name, moved.read_bytes())

    assert again == settings.corpus_dir / "gamma.md" and moved.exists()


# --- the thin commands ----------------------------------------------------------------------


def test_rag_add_then_remove(rag: CliRunner, settings: Settings, tmp_path: Path) -> None:
    upload = tmp_path / "lighthouses.txt"
    upload.write_bytes(NEW)

    added = rag.invoke(app, ["add", str(upload)])

    assert added.exit_code == 0, added.output
    assert "Added lighthouses.txt" in added.output and "updated" in added.output
    assert (settings.corpus_dir / "lighthouses.txt").read_bytes() == NEW

    removed = rag.invoke(app, ["remove", "lighthouses"])

    assert removed.exit_code == 0, removed.output
    assert "To restore it" in removed.output and "1 removed" in removed.output
    assert (settings.corpus_dir / REMOVED_DIR / "lighthouses.txt").read_bytes() == NEW


def test_rag_add_refuses_a_duplicate_with_a_red_line(rag: CliRunner, settings: Settings) -> None:
    result = rag.invoke(app, ["add", str(settings.corpus_dir / "alpha.txt")])

    assert result.exit_code == 1
    assert "already in the collection" in result.output and "Traceback" not in result.output


def test_a_web_page_is_added_and_read_as_its_text(settings: Settings) -> None:
    page = b"<html><head><title>Vega news</title></head><body><p>Vega ships.</p></body></html>"
    path = add_article(settings, "vega.html", page)
    assert path.read_bytes() == page  # the file as uploaded; the index holds its text
    article = next(a for a in load_corpus(settings.corpus_dir).articles if a.doc_id == "vega")
    assert (article.title, article.text) == ("Vega news", "Vega ships.\n")
    with pytest.raises(ArticleError, match="no text outside its markup"):
        add_article(settings, "blank.html", b"<html><script>x()</script></html>")
