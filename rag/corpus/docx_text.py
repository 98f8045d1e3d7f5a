"""A Word (.docx) file's bytes → its text, with python-docx: each paragraph a line, each table
row a line of its cells ("Year | Chips"), in the document's order.

Does NOT keep formatting or read images, comments, headers and footers: a Word article's text
is this extraction, and citations quote it (as for HTML and PDF, corpus/html_text.py).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from rag.corpus.html_text import CELL_SEPARATOR

DOCX_SUFFIXES = (".docx",)
# A .docx is a zip: its parts may unpack to far more than the file's size (a "zip bomb" unpacks
# a few MB to GBs, and python-docx parses every part in memory). Unpacked beyond this many
# bytes, a file is refused. Not tuned: a 500-page report with its styles unpacks to ~10-20 MB.
MAX_UNPACKED = 200_000_000


def docx_to_text(data: bytes) -> tuple[str, str]:
    """(text, "") for a Word document with text in it, ("", why-not) otherwise."""
    from docx import Document

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as packed:
            unpacked = sum(info.file_size for info in packed.infolist())
        if unpacked > MAX_UNPACKED:
            return "", (
                f"unpacks to {unpacked:,} bytes, over the {MAX_UNPACKED:,} read: save its text "
                "as .txt and add that"
            )
        document = Document(io.BytesIO(data))
        lines = [line for block in document.iter_inner_content() for line in _lines(block)]
    except Exception as exc:  # a damaged file raises many kinds: none may stop a load
        return "", (
            f"cannot be read as a Word document ({type(exc).__name__}); open it in Word or "
            "LibreOffice, save it as .docx again and add that"
        )
    text = "\n".join(line for line in lines if line)
    if not text.strip():
        return "", "is a Word document without text"
    return text, ""


def _lines(block: object) -> list[str]:
    """A paragraph's text (a line break inside it stays one), or a table's rows."""
    rows = getattr(block, "rows", None)
    if rows is None:
        return [_paragraph_text(block).strip()]
    return [CELL_SEPARATOR.join(_cells(row)).strip(CELL_SEPARATOR) for row in rows]


def _paragraph_text(paragraph: Any) -> str:
    """The paragraph's runs and links in order; a superscript or subscript run right after a
    digit is set apart by a space, as in HTML: "2024" + a footnote mark "5" read "20245"."""
    parts: list[str] = []
    for item in paragraph.iter_inner_content():
        font = getattr(item, "font", None)
        raised = font is not None and (font.superscript or font.subscript)
        if raised and parts and parts[-1][-1:].isdigit():
            parts.append(" ")
        parts.append(item.text)
    return "".join(parts)


def _cells(row: object) -> list[str]:
    """A row's cell texts; a cell merged across columns is given once, not once a column."""
    texts, seen = [], set()
    for cell in getattr(row, "cells", []):
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            texts.append(cell.text.strip())
    return texts
