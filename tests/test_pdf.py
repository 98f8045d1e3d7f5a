"""PDF articles (rag/corpus/pdf_text.py): read for their text, wrapped lines joined, bad PDFs
skipped with a reason, and searchable and citable like any article."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.chain import ask
from rag.config import Settings
from rag.corpus.edit import add_article
from rag.corpus.pdf_text import pdf_to_text, reflow
from rag.corpus.reader import load_corpus
from rag.engine import build_engine
from rag.errors import ArticleError
from rag.ingestion import ingest
from tests.conftest import FakeEmbedder

# A report as a printer lays it out: a heading, then a paragraph wrapped at the right margin,
# one sentence of it carried over to the second page.
PAGES = [
    [
        "Orion Chips Annual Report",
        "Orion sold four thousand chips to Lumen Robotics in 2024, the largest order in",
        "its history, and it will build a second chip plant in Dresden by 2027. The plant",
        "is paid for by the Lumen order and by a loan from the regional development bank,",
        "which the board approved in March after two years of talks with the state. Work",
    ],
    ["starts in the spring.", "Outlook", "Orion expects to double its revenue by 2028."],
]
DRESDEN = (
    "Orion sold four thousand chips to Lumen Robotics in 2024, the largest order in its "
    "history, and it will build a second chip plant in Dresden by 2027."
)


def _escaped(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF: each page's lines in Helvetica, top to bottom (no library writes one)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 "]
    objects[2] += b"/BaseFont /Helvetica >>"
    kids = []
    for lines in pages:
        ops = "".join(
            f"BT /F1 11 Tf 72 {720 - 14 * n} Td ({_escaped(line)}) Tj ET\n"
            for n, line in enumerate(lines)
        ).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects)
        )
        kids.append(len(objects))
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % xref)


def test_wrapped_lines_are_joined_headings_and_paragraphs_kept_apart() -> None:
    text, problem = pdf_to_text(make_pdf(PAGES))

    assert problem == ""
    lines = text.splitlines()
    assert lines[0] == "Orion Chips Annual Report"
    assert lines[1].startswith(DRESDEN)
    assert lines[1].endswith("talks with the state. Work starts in the spring.")  # page break
    assert lines[2:] == ["Outlook", "Orion expects to double its revenue by 2028."]


def test_a_hyphen_at_the_margin_is_kept_and_the_word_joined() -> None:
    full = "a line long enough to reach the right margin of the printed page, self-"
    assert (
        reflow([f"{full}\nreliant.\n{full}\nreliant."])
        .splitlines()[0]
        .endswith("page, self-reliant.")
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.4\nnot really a PDF", "cannot be read as a PDF"),
        (make_pdf([[]]), "without a text layer (a scan?)"),
    ],
)
def test_a_pdf_without_readable_text_says_why(data: bytes, reason: str) -> None:
    text, problem = pdf_to_text(data)
    assert text == "" and reason in problem


def test_a_pdf_in_the_folder_is_searched_and_quoted_verbatim(
    settings: Settings, tmp_path: Path
) -> None:
    (settings.corpus_dir / "orion-report.pdf").write_bytes(make_pdf(PAGES))
    (settings.corpus_dir / "scan.pdf").write_bytes(make_pdf([[]]))

    load = load_corpus(settings.corpus_dir)
    report = ingest(settings, FakeEmbedder())
    answer = ask(
        "Where will Orion build a second chip plant?",
        settings,
        build_engine(settings, FakeEmbedder()),
    )

    article = next(a for a in load.articles if a.doc_id == "orion-report")
    assert article.title == "Orion Chips Annual Report"
    assert {s.path.name: s.reason for s in report.skipped}["scan.pdf"].startswith("is a PDF")
    assert not answer.abstained
    cited = [c for c in answer.citations if c.doc_id == "orion-report"]
    assert cited and all(article.text[c.start : c.end] == c.quote for c in cited)
    assert any("Dresden" in c.quote for c in cited)


def test_a_pdf_can_be_uploaded_and_a_copy_of_it_is_refused(settings: Settings) -> None:
    path = add_article(settings, "Orion Report.PDF", make_pdf(PAGES))

    assert path.name == "Orion-Report.pdf"
    assert path.read_bytes() == make_pdf(PAGES)  # the file is kept as given
    with pytest.raises(ArticleError, match="same file is already in the collection"):
        add_article(settings, "copy.pdf", make_pdf(PAGES))
    with pytest.raises(ArticleError, match="without a text layer"):
        add_article(settings, "scan.pdf", make_pdf([[]]))


def test_word_documents_in_the_folder_are_reported_not_ignored(settings: Settings) -> None:
    (settings.corpus_dir / "minutes.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (settings.corpus_dir / "draft.odt").write_bytes(b"PK\x03\x04")

    reasons = {s.path.name: s.reason for s in load_corpus(settings.corpus_dir).skipped}

    assert "is a Word 97-2003 document, which is not read" in reasons["minutes.doc"]
    assert "save it as .docx, PDF or plain text" in reasons["draft.odt"]
