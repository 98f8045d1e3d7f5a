"""Files of an index a load has already verified, so that the next load need not read them again.

A full check reads every byte of an index: 712 MB at 100k chunks, 8.8 GB at 1M, which was
~0.5 s of a 100k load and ~7 s of a 1M one (bench/README.md, "Opening a large index"). Once
a load has hashed a file, found the digest the manifest expects and its vectors finite, it
records the file's identity as the operating system reports it (size, device, inode,
modification and change times in nanoseconds) beside that digest, in `verified.json` in the
index folder. A later load skips reading a file whose identity is unchanged and whose
manifest still expects that digest.

What this relies on: a file that is written to, truncated, replaced or copied gets a new size,
inode or change time (ctime, which no program can set back). It does not catch a disk that
alters a byte behind the filesystem's back; deleting `verified.json` (any time, by anyone)
makes the next load read and hash every file again.

Racy files (git's "racily clean" rule): timestamps tick coarsely (milliseconds on Linux, up to
2 s on some filesystems), so a file changed twice within one tick keeps its ctime. A file is
stamped only once its ctime is RACY_SECONDS old: a load right after `rag ingest` hashes
every file and stamps none, a load a few seconds later stamps them.

Loads write the file directly, not through a temporary one (which a killed process would
leave in the index folder): a half-written or interleaved file is not valid JSON and reads as
"no stamps", and every entry any load writes is one it verified. A folder this process may
not write keeps no stamps, and its files are hashed on every load, as before.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from pydantic import BaseModel, ValidationError

from rag.index.folder import STAMPS_FILE

# Longer than any filesystem's timestamp tick (FAT's 2 s); see the module docstring.
RACY_SECONDS = 3.0


class Identity(BaseModel):
    size: int
    device: int
    inode: int
    mtime_ns: int
    ctime_ns: int


class Stamp(BaseModel):
    sha256: str
    identity: Identity


class Stamps(BaseModel):
    version: int = 1
    files: dict[str, Stamp] = {}


def identity(path: Path) -> Identity | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return Identity(
        size=st.st_size,
        device=st.st_dev,
        inode=st.st_ino,
        mtime_ns=st.st_mtime_ns,
        ctime_ns=st.st_ctime_ns,
    )


def read_stamps(folder: Path) -> Stamps | None:
    """The folder's stamps (none yet when there is no file); None when the file is there but
    unreadable or not one a load wrote (then it vouches for nothing and is never overwritten)."""
    path = folder / STAMPS_FILE
    if not path.exists() and not path.is_symlink():
        return Stamps()
    try:
        if path.is_symlink():
            return None
        stamps = Stamps.model_validate_json(path.read_bytes())
    except (OSError, ValueError, ValidationError):
        return None
    return stamps if stamps.version == 1 else None


def vouched(stamps: Stamps | None, folder: Path, name: str, expected: str | None) -> bool:
    """True when `name` was verified against the digest the manifest expects now and is the
    same file, unchanged, since."""
    stamp = stamps.files.get(name) if stamps else None
    return (
        stamp is not None
        and expected is not None
        and stamp.sha256 == expected
        and stamp.identity == identity(folder / name)
    )


def settled(before: Identity | None, path: Path, now: float | None = None) -> Identity | None:
    """The file's identity if it is the one seen before it was read (nothing wrote to it
    meanwhile) and its last change is RACY_SECONDS old; else None (do not stamp)."""
    after = identity(path)
    now = time.time() if now is None else now
    if after is None or after != before or after.ctime_ns > (now - RACY_SECONDS) * 1e9:
        return None
    return after


def record(folder: Path, stamps: Stamps | None, verified: dict[str, Stamp]) -> None:
    """Add the newly verified files to the folder's stamps; silently nothing where the folder
    cannot be written (a shared, read-only index is hashed on every load) or where the file
    there is not one a load wrote (never overwritten; not followed if it is a link)."""
    if not verified or stamps is None:
        return
    merged = Stamps(files={**stamps.files, **verified})
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    try:
        fd = os.open(folder / STAMPS_FILE, flags, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(merged.model_dump_json())
    except OSError:
        return
