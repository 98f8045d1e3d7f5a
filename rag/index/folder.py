"""Which folders an index may be written to, replace or delete, and the locks that order writers.

Does NOT read or write index contents (index/core.py does). The rule that protects users' files: a
folder is only ever replaced or deleted when it is empty or holds nothing but index files, and
an index folder never overlaps the corpus. Locks are `fcntl` locks on files beside the folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from rag.errors import IndexFolderError

MANIFEST = "manifest.json"
# BM25 over the chunks, as bm25s saves it (data, indices, indptr, vocabulary, parameters), and
# every sentence's terms (vocabulary, row pointers, term ids): see index/lexical.py.
BM25_FILES: tuple[str, ...] = ("bm25.data.npy", "bm25.indices.npy", "bm25.indptr.npy")
BM25_FILES += ("bm25.vocab.json", "bm25.params.json")
TERMS_FILES = ("terms.vocab.json", "terms.indptr.npy", "terms.ids.npy")
WRITTEN_FILES = frozenset(
    {
        MANIFEST,
        "articles.jsonl",
        "sentences.jsonl",
        "chunks.jsonl",
        "chunks.npy",
        "sentences.faiss",
        *BM25_FILES,
        *TERMS_FILES,
    }
)
# Written only when chunk search is HNSW (above Settings.ann_threshold chunks): its graph.
HNSW_FILE = "chunks.hnsw.faiss"
# Where index/writer.py puts chunk vectors as they come, in its temp folder only (a killed
# writer's folder holds it, and is still recognised as its leftover).
CHUNK_WORK_FILE = "chunks.f32.part"
# Which files loads have already verified (index/stamps.py): written by loads, not the writer.
STAMPS_FILE = "verified.json"
# What an index folder may hold: today's files, and those older formats wrote (an index of
# format 3 or before has sentences.npy), so that `rag ingest` may replace an old index.
INDEX_FILES = WRITTEN_FILES | {HNSW_FILE, "sentences.npy", CHUNK_WORK_FILE, STAMPS_FILE}


def resolved(folder: Path) -> Path:
    """The absolute folder, so that `--index .` has a name and a parent."""
    return Path(os.path.abspath(folder.expanduser()))


def holds_only_index_files(folder: Path) -> bool:
    """True for a missing or empty folder, or one whose every entry is an index file."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return False
    if not folder.exists():
        return True
    return all(entry.name in INDEX_FILES and entry.is_file() for entry in folder.iterdir())


def check_replaceable(folder: Path) -> None:
    """Refuse to write an index over a folder that holds anything else (a user's files)."""
    if folder.is_symlink():
        raise IndexFolderError(
            f"{folder} is a link; the swap would replace the link, not what it points to. "
            f"Use --index {folder.resolve()} instead."
        )
    if not holds_only_index_files(folder):
        raise IndexFolderError(
            f"{folder} is not empty and is not an index, so `rag ingest` will not replace it "
            "(that would delete its files). Choose an empty or new folder with --index."
        )


def check_apart(corpus: Path, index: Path) -> None:
    """Refuse an index folder that is, contains or lies inside the corpus folder."""
    corpus, index = resolved(corpus), resolved(index)
    if corpus == index or corpus in index.parents or index in corpus.parents:
        raise IndexFolderError(
            f"The index folder {index} overlaps the corpus folder {corpus}; building it there "
            "would overwrite or index the articles. Use a separate folder with --index."
        )


def lock_path(folder: Path, role: str) -> Path:
    return folder.with_name(f".{folder.name}.{role}.lock")


@contextlib.contextmanager
def ingest_lock(folder: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the one-writer-at-a-time lock of `folder`; wait (saying so) while another holds it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with lock_path(folder, "ingest").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait(f"Another `rag ingest` is updating {folder}; waiting for it to finish…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def swap_lock(folder: Path, exclusive: bool) -> Iterator[None]:
    """Writers hold it exclusively while they swap folders; readers share it while they load.

    A reader that cannot create the lock file (a read-only parent) reads without it.
    """
    try:
        handle = lock_path(folder, "swap").open("a")
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def temp_prefix(folder: Path) -> str:
    """Temp folders carry the writer's pid, so only a dead writer's leftovers are cleared."""
    return f".{folder.name}.tmp-{os.getpid()}-"


def dead_writers_temp_folders(folder: Path) -> list[Path]:
    """Leftovers of killed ingests: our naming, a pid no longer running, only index files."""
    found = []
    for path in folder.parent.glob(f".{folder.name}.tmp-*"):
        pid = path.name.removeprefix(f".{folder.name}.tmp-").split("-", 1)[0]
        if pid.isdigit() and not running(int(pid)) and holds_only_index_files(path):
            found.append(path)
    return found


def running(pid: int) -> bool:
    """Whether process `pid` exists (one of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
