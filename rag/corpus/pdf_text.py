"""A PDF's bytes → its text, page by page, with pypdf; lines a page wrapped are joined again.

"…revealing that the real competition in AI\\nisn't about…" → "…in AI isn't about…": a PDF
keeps where each printed line ended, and a sentence cut by the margin would be split in two.
Does NOT keep page offsets or read images: a PDF article's text is this extraction, and
citations quote it (as for HTML, corpus/html_text.py); a scan without a text layer has none.
"""

from __future__ import annotations

import io
import statistics

PDF_SUFFIXES = (".pdf",)
# A line at least this share of the document's usual line (the median length) ran to the right
# margin: the text goes on in the next line. A shorter one ends a paragraph or is a heading, and
# its line break stays. Chosen on PDFs printed (Chromium) from 8 allowlisted SQuAD v1.1 articles,
# by the share of their sentences recovered exactly: 0.108 with no joining; 0.989 at 0.5, 0.6
# and 0.7, 0.987 at 0.8, 0.958 at 0.9; 0.6 is the middle of the best (bench/README.md, "PDF and
# Word articles"). A full line that ends a sentence before a capital keeps its break
# (_ends_sentence): it costs those articles 0.007 (an abbreviation at a line's end: "the U.S."
# + "Army"), and keeps a heading after a paragraph apart. The allowlisted articles have no
# headings; keeping the rule was decided reading the seed articles printed so (0.907 → 0.974),
# which are not on the allowlist: their figure is not an independent score.
FULL_LINE = 0.6
_SENTENCE_END = frozenset('.!?:;…"”’)')


def pdf_to_text(data: bytes) -> tuple[str, str]:
    """(text, "") for a PDF with a text layer, ("", why-not) otherwise."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return "", "is a password-protected PDF; save a copy without the password and add that"
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds on a damaged file: none may stop a load
        return "", f"cannot be read as a PDF ({type(exc).__name__}); re-export it and try again"
    text = reflow(pages)
    if not text.strip():
        return "", "is a PDF without a text layer (a scan?); run OCR on it, then add the result"
    return text, ""


def reflow(pages: list[str], full_line: float = FULL_LINE) -> str:
    r"""The pages' lines with each wrapped line joined to the next, across a page break too: by
    a space, or by nothing after a hyphen ("mid-" + "afternoon": the hyphen is kept, as a
    line-end hyphen may be the word's own). A line that did not run to the margin keeps its
    line break; an empty line (and a page ending short) becomes a blank line, as between
    paragraphs.

    >>> page = ("Amazon is committing more than $100 billion over the next\n"
    ...         "decade to the infrastructure that its partner's models run on,\n"
    ...         "a bet that the cloud, not the model, wins.\nA Short Heading")
    >>> reflow([page, "Its chips are built to run the models more cheaply, and mid-", "way down."])
    ...     # doctest: +NORMALIZE_WHITESPACE
    "Amazon is committing more than $100 billion over the next decade to the infrastructure
    that its partner's models run on, a bet that the cloud, not the model, wins.\nA Short
    Heading\n\nIts chips are built to run the models more cheaply, and mid-way down."
    """
    lined = [[line.strip() for line in page.splitlines()] for page in pages]
    lengths = [len(line) for page in lined for line in page if line]
    if not lengths:
        return ""
    usual = statistics.median(lengths)
    out: list[str] = []
    joined = False  # the last line of `out` ran to the margin: the next one continues it
    for page in lined:
        for line in page:
            if not line:
                joined = False
                if out and out[-1]:
                    out.append("")
            elif joined and not _ends_sentence(out[-1], line):
                out[-1] += line if out[-1].endswith("-") else f" {line}"
            else:
                out.append(line)
            joined = bool(line) and len(line) >= full_line * usual
        if not joined and out and out[-1]:
            out.append("")  # a page that ends short ends its paragraph
    return "\n".join(out).strip()


def _ends_sentence(line: str, after: str) -> bool:
    """A full line that ends a sentence before one that starts with a capital keeps its line
    break: a sentence boundary either way, and a heading after a paragraph stays apart."""
    return line[-1] in _SENTENCE_END and (after[0].isupper() or after[0].isdigit())
