"""Folder of .txt/.md/.html/.pdf/.docx files → Articles (text kept exactly, and a derived title).

Does NOT split or clean text: offsets downstream point into `Article.text` as read (for an
.html page, the text corpus/html_text.py extracts from it; for a PDF, corpus/pdf_text.py's;
for a Word document, corpus/docx_text.py's).
Bad files are skipped with a reason; only an unusable folder stops the load.
"""

from __future__ import annotations

import codecs
import hashlib
import tomllib
from pathlib import Path

from rag.corpus.docx_text import DOCX_SUFFIXES, docx_to_text
from rag.corpus.front_matter import front_matter
from rag.corpus.html_text import HTML_SUFFIXES, read_html
from rag.corpus.pdf_text import PDF_SUFFIXES, pdf_to_text
from rag.errors import CorpusError
from rag.schema import UNTITLED, Article, CorpusLoad, SkippedFile, date_range
from rag.text.dateline import dateline
from rag.text.headlines import fused_headline

SUFFIXES = (".txt", ".md", *HTML_SUFFIXES, *PDF_SUFFIXES, *DOCX_SUFFIXES)
KINDS = ".txt, .md, .html, .pdf or .docx"  # how messages name the files read
METADATA_FILE = "metadata.toml"
# Plain-text articles that may open with a front matter block (a Markdown convention; a .txt
# exported from such a site keeps it).
FRONT_MATTER_SUFFIXES = (".md", ".txt")


def load_corpus(folder: Path, max_file_bytes: int = 5_000_000) -> CorpusLoad:
    """Read every article in `folder`; raise CorpusError only when nothing is usable."""
    files, skipped = list_corpus_files(folder)
    overrides = _read_metadata(folder)
    articles: list[Article] = []
    seen: set[str] = set()
    for path in files:
        text, problem = read_text(path, max_file_bytes)
        if path.stem in seen:
            problem = f"has the same id {path.stem!r} as another file; rename one of them"
        seen.add(path.stem)
        override = overrides.get(path.stem, {})
        if not problem and path.suffix.lower() in HTML_SUFFIXES:
            text, problem, override = _from_html(text, override)
        if problem:
            skipped.append(SkippedFile(path=path, reason=problem))
            continue
        articles.append(make_article(path, text, override))
    if not articles:
        reasons = "; ".join(f"{s.path.name} {s.reason}" for s in skipped)
        raise CorpusError(f"No usable article in {folder}: {reasons}. Fix the files, then re-run.")
    return CorpusLoad(articles=articles, skipped=skipped)


def list_corpus_files(folder: Path) -> tuple[list[Path], list[SkippedFile]]:
    """The article files of `folder`, and each entry named like one that is not one, with why."""
    if not folder.is_dir():
        raise CorpusError(
            f"Corpus folder {folder} does not exist. Point --corpus at a folder of {KINDS} files."
        )
    try:
        listed = sorted(folder.iterdir())
    except OSError as exc:
        raise CorpusError(f"Cannot list {folder} ({exc.strerror}). Check its permissions.") from exc
    entries = [p for p in listed if p.suffix.lower() in SUFFIXES]
    files, skipped = [], []
    for path in entries:
        problem = _not_an_article(path, folder)
        if problem:
            skipped.append(SkippedFile(path=path, reason=problem))
        else:
            files.append(path)
    nested = [
        SkippedFile(path=p, reason=reason)
        for p in listed
        if p not in entries and (reason := _subfolder_with_articles(p) or _unread_document(p))
    ]
    if not entries:
        inside = "".join(f" ({_shown(n.path)} {n.reason})" for n in nested[:3])
        raise CorpusError(f"No {KINDS} files in {folder}{inside}. Add articles there, then re-run.")
    return files, skipped + nested


def _shown(path: Path) -> str:
    """An entry's name as messages give it: a folder's with a slash ("2024/")."""
    return f"{path.name}/" if path.is_dir() else path.name


# Documents people keep beside their articles that are not read: said, so they do not vanish.
_OFFICE = {".doc": "a Word 97-2003", ".odt": "an OpenDocument", ".rtf": "an RTF"}
_OFFICE |= {".pptx": "a PowerPoint", ".epub": "an EPUB", ".pages": "a Pages"}


def _unread_document(path: Path) -> str:
    """Why a document of a kind that is not read is left out ("" for anything else)."""
    kind = _OFFICE.get(path.suffix.lower())
    if kind is None or path.name.startswith("."):
        return ""
    return f"is {kind} document, which is not read; save it as .docx, PDF or plain text"


def _subfolder_with_articles(path: Path) -> str:
    """Why a subfolder's articles are not read ("" when `path` is no such folder): only files
    directly in the corpus folder are articles, and a folder of them must not vanish silently.
    Hidden folders (`.removed/`, where `rag remove` moves files) are not reported."""
    if path.name.startswith(".") or path.is_symlink():
        return ""
    try:
        if not path.is_dir():
            return ""
        count = sum(1 for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
    except OSError:
        return ""
    if not count:
        return ""
    return (
        f"is a subfolder with {count} article file(s), which are not read (only files directly "
        "in the corpus folder are); move them up, or point --corpus at the subfolder"
    )


def _not_an_article(path: Path, folder: Path) -> str:
    """Why an entry named like an article is not read as one ("" when it is one)."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop on older Pythons
        return "is a broken or looping link"
    if path.is_symlink() and folder.resolve() not in target.parents:
        return f"is a link to {target}, outside the corpus folder; copy the file in instead"
    if target.is_dir():
        return "is a folder, not a file"
    if not target.is_file():
        return "is not a regular file (a pipe, socket or device)"
    return ""


def _from_html(markup: str, override: dict[str, str]) -> tuple[str, str, dict[str, str]]:
    """An HTML article's text (what it is cited from) and its <title> as a default title."""
    text, title, meta = read_html(markup)
    if not text:
        return "", "has no text outside its markup", override
    return text, "", ({"title": title} if title else {}) | meta | override


def read_text(path: Path, max_file_bytes: int) -> tuple[str, str]:
    """(text, "") for a usable file, ("", why-not) otherwise."""
    try:
        size = path.stat().st_size
        if size > max_file_bytes:
            return "", too_big(size, max_file_bytes)
        data = path.read_bytes()
    except OSError as exc:
        return "", f"cannot be read ({exc.strerror or exc}); check its permissions"
    return decode_text(data, max_file_bytes, path.suffix)


def too_big(size: int, max_file_bytes: int) -> str:
    return (
        f"{size:,} bytes is over the {max_file_bytes:,}-byte limit "
        "(split it, or raise RAG_MAX_FILE_BYTES)"
    )


def decode_text(data: bytes, max_file_bytes: int, suffix: str = ".txt") -> tuple[str, str]:
    """The checks `read_text` makes, on bytes already read (an upload); a PDF or Word document
    (`suffix`) is read for its text.

    >>> decode_text(b"\\xef\\xbb\\xbfHi", 100), decode_text(b" ", 100)
    (('Hi', ''), ('', 'is empty'))
    >>> decode_text("Café".encode("utf-16"), 100)
    ('Café', '')
    """
    if len(data) > max_file_bytes:
        return "", too_big(len(data), max_file_bytes)
    if suffix.lower() in PDF_SUFFIXES:
        return pdf_to_text(data)
    if suffix.lower() in DOCX_SUFFIXES:
        return docx_to_text(data)
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")  # Windows' "Unicode" text: marked, so unambiguous
        elif b"\x00" in data:
            return "", "looks binary (contains NUL bytes); only text articles are indexed"
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return "", f"is not UTF-8 (byte {exc.start}); re-save it as UTF-8"
    if not text.strip():
        return "", "is empty"
    return text, ""


def make_article(path: Path, text: str, override: dict[str, str]) -> Article:
    """An article from its text; `override` (metadata.toml's fields, or an HTML page's) wins
    over a Markdown front matter block's, which wins over what the text's first lines say."""
    fields, start = front_matter(text) if path.suffix.lower() in FRONT_MATTER_SUFFIXES else ({}, 0)
    fields |= override
    body = text[start:]
    title, body_start = derive_title(body)
    return Article(
        doc_id=path.stem,
        title=fields.get("title", title),
        author=fields.get("author"),
        published=fields.get("published") or dateline(body),
        publisher=fields.get("publisher"),
        path=path,
        text=text,
        sha256=text_sha256(text),
        body_start=start + body_start,
        text_start=start,
    )


def text_sha256(text: str) -> str:
    """An article's content hash, as the manifest and the duplicate check compare it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def derive_title(text: str) -> tuple[str, int]:
    """Title and the offset where the body starts after a headline fused into the first line.

    "Big News: Amazon Bets Big We have seen this before." → ("Big News: Amazon Bets Big", 25)
    A short first line without a final full stop is a headline on its own line (body_start 0).
    """
    first = text.lstrip().split("\n", 1)[0].strip()
    if len(first.split()) <= 25 and not first.endswith("."):
        return first.lstrip("#* ").strip(), 0
    run = fused_headline(text, 0)
    if run is not None:
        return text[run[0] : run[1]].strip(), run[2]
    words = first.split()
    return " ".join(words[:12]) + (UNTITLED if len(words) > 12 else ""), 0


def _read_metadata(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / METADATA_FILE
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path} is not valid TOML ({exc}). Fix or delete it.") from exc
    if not all(isinstance(v, dict) for v in data.values()):
        raise CorpusError(f'{path}: put each article\'s fields under its ["doc_id"] table.')
    overrides = {str(k): {str(f): str(v) for f, v in dict(v).items()} for k, v in data.items()}
    for doc_id, fields in overrides.items():
        try:  # a TOML date (published = 2024-11-22) arrives as a date and reads back the same
            date_range(fields.get("published", "2000"))
        except ValueError as exc:
            raise CorpusError(f"{path}: [{doc_id!r}] published: {exc}.") from exc
    return overrides
