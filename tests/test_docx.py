"""Word articles (rag/corpus/docx_text.py): paragraphs and table rows read in order, bad or
empty documents and zip bombs skipped with a reason, uploads read like files."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from rag.config import Settings
from rag.corpus import docx_text
from rag.corpus.docx_text import docx_to_text
from rag.corpus.edit import add_article
from rag.corpus.reader import load_corpus
from rag.errors import ArticleError


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = Document()
    document.add_heading(paragraphs[0], 0)
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        document.add_paragraph("After the table.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


REPORT = ["Orion Chips Annual Report", "Orion sold 4,000 chips to Lumen in 2024.", "", "Outlook"]


def test_paragraphs_and_table_rows_are_lines_in_the_documents_order() -> None:
    text, problem = docx_to_text(make_docx(REPORT, [["Year", "Chips"], ["2024", "4,000"]]))

    assert problem == ""
    assert text.splitlines() == [
        "Orion Chips Annual Report",
        "Orion sold 4,000 chips to Lumen in 2024.",
        "Outlook",
        "Year | Chips",
        "2024 | 4,000",
        "After the table.",
    ]


def test_a_superscript_after_a_digit_never_runs_into_the_number() -> None:
    document = Document()
    paragraph = document.add_paragraph("Sales rose in 2024")
    paragraph.add_run("5").font.superscript = True
    paragraph.add_run(" over 300 km")
    paragraph.add_run("2").font.superscript = True
    out = io.BytesIO()
    document.save(out)

    assert docx_to_text(out.getvalue())[0] == "Sales rose in 2024 5 over 300 km2"


def test_a_cell_merged_across_columns_is_read_once() -> None:
    document = Document()
    grid = document.add_table(rows=1, cols=3)
    grid.cell(0, 0).merge(grid.cell(0, 1)).text = "Revenue"
    grid.cell(0, 2).text = "$4 million"
    out = io.BytesIO()
    document.save(out)

    assert docx_to_text(out.getvalue())[0] == "Revenue | $4 million"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04 not really a zip", "cannot be read as a Word document"),
        (make_docx([""]), "without text"),
    ],
)
def test_a_document_without_readable_text_says_why(data: bytes, reason: str) -> None:
    text, problem = docx_to_text(data)
    assert text == "" and reason in problem


def test_a_document_that_unpacks_to_too_much_is_refused_unread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(docx_text, "MAX_UNPACKED", 1_000)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("word/document.xml", b"\0" * 100_000)  # 100 kB from a few hundred bytes

    text, problem = docx_to_text(bomb.getvalue())

    assert text == "" and "unpacks to 100,000 bytes" in problem


def test_a_docx_in_the_folder_and_an_upload_are_read(settings: Settings) -> None:
    # One set of bytes for both: a .docx zip stamps each member with the second it was saved in,
    # so two saves that straddle a second differ and would not be "the same file".
    report = make_docx(REPORT)
    (settings.corpus_dir / "orion.docx").write_bytes(report)

    article = next(a for a in load_corpus(settings.corpus_dir).articles if a.doc_id == "orion")

    assert article.title == "Orion Chips Annual Report"
    assert "Orion sold 4,000 chips to Lumen in 2024." in article.text
    with pytest.raises(ArticleError, match="same file is already in the collection"):
        add_article(settings, "copy.docx", report)
    assert add_article(settings, "Other Report.DOCX", make_docx(["Other", "Text."])).name == (
        "Other-Report.docx"
    )
