"""Add an article file to the corpus folder, or move one out of it (the folder side of editing).

Does NOT re-index (the caller runs `rag.ingestion.ingest` next) and never overwrites or deletes a
file it did not create: a new article is written under a hidden temp name and hard-linked to a
free name; a removed one is moved into `<corpus>/.removed/`, from where it can be moved back.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from rag.config import Settings
from rag.corpus.docx_text import DOCX_SUFFIXES
from rag.corpus.html_text import HTML_SUFFIXES, html_to_text
from rag.corpus.pdf_text import PDF_SUFFIXES
from rag.corpus.reader import KINDS, SUFFIXES, decode_text, read_text, text_sha256
from rag.errors import ArticleError

REMOVED_DIR = ".removed"  # not *.txt/*.md and not top-level files: the loader never lists it
MAX_NAME = 120  # characters; well under the 255-byte name limit of common filesystems
MAX_SUFFIX = 1000  # .removed/x-2.txt … x-1000.txt, then ask the user to tidy up
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
NAME_RULE = "letters, digits, '-', '_' and '.', like my-article.txt"


def add_article(settings: Settings, filename: str, data: bytes) -> Path:
    """Save `data` as a new article of the corpus folder; returns its path (the name may be
    tidied: see `safe_name`). ArticleError when it is unusable or already in the folder."""
    target = check_new_article(settings, filename, data)
    _write_new(target, data)
    return target


def check_new_article(settings: Settings, filename: str, data: bytes) -> Path:
    """Where `add_article` would save it; raises what `add_article` would, writing nothing."""
    folder = settings.corpus_dir
    if not folder.is_dir():
        raise ArticleError(f"Corpus folder {folder} does not exist; create it or fix --corpus.")
    name = safe_name(filename)
    text, problem = decode_text(data, settings.max_file_bytes, Path(name).suffix)
    if not problem and Path(name).suffix.lower() in HTML_SUFFIXES and not html_to_text(text)[0]:
        problem = "has no text outside its markup"
    if problem:
        raise ArticleError(f"{filename} {problem}; nothing was added.")
    _check_unique(folder, Path(name).stem, text, data, settings.max_file_bytes)
    return folder / name


def safe_name(filename: str) -> str:
    """The name an article is saved under: "Q3 report (final).MD" → "Q3-report-final.md".

    Runs of other characters become "-". A name with a folder in it, a hidden name or another
    kind of file is refused rather than guessed at.
    """
    name = filename.strip()
    if any(sep in name for sep in ("/", "\\", "\x00")):
        raise ArticleError(
            f"{filename!r} names a folder; upload the file itself, named with {NAME_RULE}."
        )
    if name.startswith("."):
        raise ArticleError(f"{filename!r} is a hidden file name; rename it with {NAME_RULE}.")
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in SUFFIXES:
        raise ArticleError(
            f"{filename!r} is not a {KINDS} file; save the article as plain text (.txt or "
            ".md), a web page (.html), a PDF or a Word document (.docx) and add that."
        )
    clean = _UNSAFE.sub("-", stem).strip("-.")
    if not clean or len(clean) + len(suffix) > MAX_NAME:
        raise ArticleError(
            f"{filename!r} cannot be used as a name (empty or over {MAX_NAME} "
            f"characters once tidied); rename it with {NAME_RULE}."
        )
    return clean + suffix.lower()


# Files whose text is extracted (a PDF, a Word document) are compared by their bytes: reading
# every one of them again for each upload took seconds per hundred files.
_EXTRACTED = (*PDF_SUFFIXES, *DOCX_SUFFIXES)


def _check_unique(folder: Path, doc_id: str, text: str, data: bytes, max_file_bytes: int) -> None:
    """Refuse an id already taken (case aside: two ids differing only so confuse people)
    and a text already in the folder under another name (a PDF or Word file: the same file)."""
    digest = text_sha256(text)
    for path in article_paths(folder):
        if path.stem.lower() == doc_id.lower():
            raise ArticleError(
                f"An article with the id {path.stem!r} is already in the collection "
                f"({path.name}); nothing was added. Rename your file (e.g. {doc_id}-2.txt), "
                "or remove the existing article first."
            )
        if path.suffix.lower() in _EXTRACTED:
            if _same_bytes(path, data):
                raise ArticleError(
                    f"The same file is already in the collection as {path.name} "
                    f"(id {path.stem!r}); nothing was added."
                )
            continue
        existing, problem = read_text(path, max_file_bytes)
        if not problem and text_sha256(existing) == digest:
            raise ArticleError(
                f"The same text is already in the collection as {path.name} "
                f"(id {path.stem!r}); nothing was added."
            )


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def article_paths(folder: Path) -> list[Path]:
    """Every top-level article entry (.txt, .md, .html, .pdf, .docx) of `folder`, usable or
    not (ids they hold are taken)."""
    try:
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    except OSError as exc:
        raise ArticleError(
            f"Cannot list {folder} ({exc.strerror}); check its permissions."
        ) from exc


def _write_new(target: Path, data: bytes) -> None:
    """All of `data` appears at `target` at once, or nothing does; an existing file wins."""
    temp = target.with_name(f".upload-{os.getpid()}-{secrets.token_hex(8)}.part")
    try:
        with temp.open("xb") as out:  # outside the cleanup: if this fails, no temp is ours
            try:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
                os.link(temp, target)  # unlike rename, fails when `target` exists
            finally:
                temp.unlink()
    except FileExistsError as exc:
        raise ArticleError(
            f"{target.name} appeared in {target.parent} meanwhile and was left as it is; "
            "rename your file and add it again."
        ) from exc
    except OSError as exc:
        raise ArticleError(
            f"Cannot save {target.name} in {target.parent} ({exc.strerror or exc}); check the "
            "folder's permissions and free space."
        ) from exc


def remove_article(settings: Settings, doc_id: str) -> Path:
    """Move the file of article `doc_id` into `<corpus>/.removed/`; returns its new path.

    Nothing is deleted: a name already taken there gets a number ("x-2.txt").
    """
    source = article_file(settings.corpus_dir, doc_id)
    removed = settings.corpus_dir / REMOVED_DIR
    try:
        removed.mkdir(exist_ok=True)
    except OSError as exc:  # FileExistsError: a file is in the way
        raise ArticleError(
            f"Cannot use {removed} for removed articles ({exc.strerror or exc}); if a file has "
            "that name, rename it."
        ) from exc
    return _move_new(source, removed)


def article_file(folder: Path, doc_id: str) -> Path:
    """The one file of the corpus folder whose id is `doc_id`."""
    found = [p for p in article_paths(folder) if p.stem == doc_id and not p.is_dir()]
    if not doc_id or not found:
        raise ArticleError(
            f"No article file with the id {doc_id!r} in {folder}; pick one of the indexed "
            "articles (the Sources list, or `rag search` shows ids)."
        )
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ArticleError(f"Several files have the id {doc_id!r} ({names}); move one by hand.")
    return found[0]


def _move_new(source: Path, folder: Path) -> Path:
    """Link `source` to the first free name in `folder`, then drop the old name."""
    for n in range(1, MAX_SUFFIX + 1):
        target = folder / (source.name if n == 1 else f"{source.stem}-{n}{source.suffix}")
        try:
            os.link(source, target, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError as exc:
            raise ArticleError(
                f"Cannot move {source.name} into {folder} ({exc.strerror or exc}); check the "
                "folder's permissions."
            ) from exc
        source.unlink()  # the same file lives on at `target`
        return target
    raise ArticleError(f"{folder} holds {MAX_SUFFIX} copies of {source.name}; tidy it up first.")


def restore_hint(moved: Path, doc_id: str, corpus: Path) -> str:
    """How to undo a removal, for the CLI and the UI to show after saying where the file went."""
    return (
        f"To restore it, move it back into {corpus}/ as {doc_id}{moved.suffix} and re-index "
        "(`rag ingest`), or add that file again (`rag add` or the Sources tab)."
    )
