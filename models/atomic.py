"""Atomic file replacement: the one routine every writer in Inkling uses.

Documents, settings, recovery snapshots and the assembled bundled model are all written to a
temporary file in the target's folder, every write checked (a short write on a nearly full disk
is retried, and no progress counts as a full disk), fsynced, then renamed over the target, and
the folder fsynced so the rename itself is durable. Any failure removes the temporary file and
leaves the target untouched. It lives in the lowest layer so that `models/` can use it too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

_WRITE_CHUNK = 1 << 20


def temp_path(target: Path, marker: str = ".tmp-") -> Path:
    """A fresh temporary name beside `target` (kept under the usual 255-byte name limit)."""
    return target.with_name(f".{target.name[:200]}{marker}{secrets.token_hex(4)}")


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable; platforms that cannot open folders are skipped."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    pos = 0
    while pos < len(view):
        written = os.write(fd, view[pos : pos + _WRITE_CHUNK])
        if written <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        pos += written


def atomic_write(
    target: str | os.PathLike[str],
    data: bytes | Iterable[bytes],
    *,
    tmp: Path | None = None,
    mode: int = 0o666,
    prepare: Callable[[int], None] | None = None,
) -> os.stat_result:
    """Replace `target` with `data` (bytes, or an iterable of byte blocks) atomically.

    `prepare(fd)` may adjust the open temporary file first (permissions, owner). Returns the
    written file's stat, taken from the open file so no other program's version can slip in.
    An exception from `data`'s iterator (a checksum that did not match) aborts the write.
    """
    target = Path(target)
    tmp = tmp or temp_path(target)
    fd = -1
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(tmp, flags | getattr(os, "O_CLOEXEC", 0), mode)
        if prepare is not None:
            prepare(fd)
        for block in [data] if isinstance(data, bytes | bytearray | memoryview) else data:
            _write_all(fd, block)
        os.fsync(fd)
        st = os.fstat(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, target)
    except BaseException:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)
    return st
