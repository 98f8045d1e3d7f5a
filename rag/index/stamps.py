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

Loads write the file in place, not through a temporary one (which a killed process would
leave in the index folder), one at a time (an exclusive lock on the file while writing it).
A reader that meets it half-written, or a file a killed load left half-written, reads "no
stamps": it begins as every file a load writes begins (_OURS), so the next load writes it
whole again; every entry any load writes is one it verified. A folder this process may not
write keeps no stamps, and its files are hashed on every load, as before.
"""

from __future__ import annotations

import fcntl
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


# How every file a load writes begins (pydantic's compact JSON of Stamps, fields in order).
_OURS = b'{"version":1,"files":'


def read_stamps(folder: Path) -> Stamps | None:
    """The folder's stamps: none yet when there is no file, or when a load's file is cut short;
    None when the file is not one a load wrote (it vouches for nothing and is never written)."""
    path = folder / STAMPS_FILE
    if not path.exists() and not path.is_symlink():
        return Stamps()
    try:
        if path.is_symlink():
            return None
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return Stamps.model_validate_json(data)
    except (ValueError, ValidationError):
        return Stamps() if data.startswith(_OURS) or not data else None


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


def settled(before: Identity | None, path: Path) -> Identity | None:
    """The file's identity if it is the one seen before it was read (nothing wrote to it
    meanwhile) and its last change is RACY_SECONDS old; else None (do not stamp)."""
    after = identity(path)
    if after is None or after != before or after.ctime_ns > (time.time() - RACY_SECONDS) * 1e9:
        return None
    return after


def record(folder: Path, stamps: Stamps | None, verified: dict[str, Stamp]) -> None:
    """Add the newly verified files to the folder's stamps; silently nothing where the folder
    cannot be written (a shared, read-only index is hashed on every load) or where the file
    there is not one a load wrote (never overwritten; not followed if it is a link)."""
    if not verified or stamps is None:
        return
    data = Stamps(files={**stamps.files, **verified}).model_dump_json().encode()
    try:
        fd = os.open(folder / STAMPS_FILE, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # two loads writing at once would interleave
        os.pwrite(fd, data, 0)  # over the old stamps, then cut: never an empty file between
        os.ftruncate(fd, len(data))
    except OSError:
        return
    finally:
        os.close(fd)  # and the lock with it
