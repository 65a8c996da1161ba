"""Crash recovery: snapshots of unsaved text, written off the GUI thread, offered after a crash.

Each running instance owns a lock file in the recovery folder (an OS lock the kernel drops when
the process dies, even by kill -9), and names its snapshots after itself. `pending()` offers only
the snapshots whose owner no longer holds its lock, so two running instances never offer each
other's live work, and a recycled pid cannot pass for a live owner.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from desktop_app import paths
from desktop_app.documents.line_diff import line_hunks, unified_line_diff
from desktop_app.documents.storage import (
    DiskStamp,
    StorageError,
    atomic_write,
    cleanup_stray_temps,
    load_text,
)
from desktop_app.rewrite.word_diff import DELETE, INSERT, Op, diff_words, tokenize

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
_SLICE = 1 << 20
MAX_HUNK_TOKENS = 6000  # beyond this a hunk is shown replaced whole (difflib is quadratic)
MAX_HUNK_CHARS = 100_000


@dataclass
class Hunk:
    """One changed stretch of lines, with word-level runs as the review panel shows them."""

    before_line: int  # first line on disk (1-based)
    after_line: int  # first line in the recovery copy
    runs: list[tuple[Op, str]]


def word_hunks(before: str, after: str, context: int = 2, max_hunks: int = 200) -> list[Hunk]:
    """The changes from `before` to `after`, hunk by hunk with words marked (at most
    `max_hunks`)."""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    hunks = []
    for i1, i2, j1, j2 in line_hunks(before, after, context)[:max_hunks]:
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        if len(old) + len(new) > MAX_HUNK_CHARS:  # a dialog has no use for megabytes
            cut = MAX_HUNK_CHARS // 2
            old = old[:cut] + ("\n… (more not shown)\n" if len(old) > cut else "")
            new = new[:cut] + ("\n… (more not shown)\n" if len(new) > cut else "")
        if len(old) + len(new) > MAX_HUNK_CHARS or (
            len(tokenize(old)) + len(tokenize(new)) > MAX_HUNK_TOKENS
        ):
            runs: list[tuple[Op, str]] = [(DELETE, old), (INSERT, new)]
        else:
            runs = diff_words(old, new)
        hunks.append(Hunk(i1 + 1, j1 + 1, runs))
    return hunks


def _try_lock(fd: int) -> bool:
    """Take an exclusive, non-blocking lock on `fd`; False if another open file holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _encode(text: str | list[str]) -> bytes:
    # Sliced so the worker thread lets the GUI thread run between pieces of a 20 MB text;
    # surrogatepass because a snapshot must never fail on an odd character the editor holds.
    pieces = [text] if isinstance(text, str) else text
    return b"".join(
        piece[i : i + _SLICE].encode("utf-8", "surrogatepass")
        for piece in pieces
        for i in range(0, len(piece), _SLICE)
    )


@dataclass
class Snapshot:
    """Unsaved text left behind by an instance that ended without saving or closing it."""

    doc_key: str
    path: str | None
    text: str
    saved_at: float
    opened_stamp: DiskStamp | None
    owner_pid: int
    meta_file: Path
    text_file: Path

    def disk_text(self) -> str | None:
        """The file's current text on disk, or None for an untitled or unreadable file."""
        if not self.path:
            return None
        try:
            return load_text(self.path).text
        except StorageError:
            return None

    def disk_changed(self) -> bool:
        """Whether the file on disk differs from when the document was opened or last saved."""
        return bool(self.path) and DiskStamp.of(self.path) != self.opened_stamp

    def diff(self, context: int = 3, max_lines: int | None = 2000) -> str:
        """A unified diff from the file on disk to the unsaved text ("" when they are equal)."""
        label = self.path or "(untitled)"
        before, after = self.disk_text() or "", self.text
        return unified_line_diff(
            before, after, f"{label} (on disk)", f"{label} (unsaved)", context, max_lines
        )

    def changes(self) -> list[Hunk]:
        """How the unsaved text differs from the file on disk, hunk by hunk, words marked."""
        return word_hunks(self.disk_text() or "", self.text)

    def discard(self) -> None:
        """Delete the snapshot (after restoring it, or when the writer declines it)."""
        for f in (self.meta_file, self.text_file):
            with contextlib.suppress(FileNotFoundError):
                f.unlink()


class RecoveryStore:
    """The recovery folder: this instance's snapshots, and those left by dead instances."""

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(folder) if folder else paths.state_dir() / "recovery"
        self.folder.mkdir(parents=True, exist_ok=True)
        # Unsaved writing is private: snapshots inherit no wider access than the folder's.
        with contextlib.suppress(OSError):
            os.chmod(self.folder, 0o700)
        cleanup_stray_temps(self.folder)  # halves of snapshot writes cut short by a crash
        self.owner = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._lock_path = self.folder / f"owner-{self.owner}.lock"
        self._lock_fd: int | None = os.open(self._lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        if not _try_lock(self._lock_fd):
            raise RuntimeError(f"could not lock {self._lock_path}")
        os.write(self._lock_fd, str(os.getpid()).encode())

    def _files(self, doc_key: str, owner: str | None = None) -> tuple[Path, Path]:
        digest = hashlib.sha1(doc_key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        stem = f"snap-{owner or self.owner}-{digest}"
        return self.folder / f"{stem}.json", self.folder / f"{stem}.txt"

    def snapshot(
        self,
        doc_key: str,
        path: str | None,
        text: str | list[str],
        stamp: DiskStamp | None = None,
    ) -> None:
        """Write the unsaved `text` (or its pieces) atomically; raises StorageError on failure.

        `stamp` is the file's DiskStamp when opened or last saved (taken now when omitted).
        """
        if stamp is None and path:
            stamp = DiskStamp.of(path)
        meta = {
            "doc_key": doc_key,
            "path": str(path) if path else None,
            "saved_at": time.time(),
            "opened_stamp": [stamp.mtime_ns, stamp.size, stamp.inode] if stamp else None,
            "owner": self.owner,
            "pid": os.getpid(),
        }
        meta_file, text_file = self._files(doc_key)
        # Metadata first: if we die between the two, the text on disk is the previous snapshot
        # and still matches its document; a text without metadata would be unidentifiable.
        atomic_write(meta_file, json.dumps(meta).encode())
        atomic_write(text_file, _encode(text))

    def discard(self, doc_key: str) -> None:
        """Forget this instance's snapshot of a document (it was saved or closed normally)."""
        for f in self._files(doc_key):
            with contextlib.suppress(FileNotFoundError):
                f.unlink()

    def _owner_alive(self, owner: str) -> bool:
        if owner == self.owner:
            return True
        try:
            fd = os.open(self.folder / f"owner-{owner}.lock", os.O_RDWR)
        except FileNotFoundError:
            return False
        except OSError:
            return True  # cannot look (another user's?): never offer what may be live work
        try:
            return not _try_lock(fd)
        finally:
            os.close(fd)  # closing drops the lock we may just have taken

    def pending(self) -> list[Snapshot]:
        """Snapshots left by instances that are no longer running, oldest first."""
        found: list[Snapshot] = []
        owners_with_snapshots: set[str] = set()
        for meta_file in sorted(self.folder.glob("snap-*.json")):
            try:
                snapshot = self._read_snapshot(meta_file, owners_with_snapshots)
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                # One unreadable leftover must not hide the others: skip it, offer the rest.
                log.warning("ignoring unreadable recovery snapshot %s: %s", meta_file, exc)
                continue
            if snapshot is not None:
                found.append(snapshot)
        self._remove_dead_locks(owners_with_snapshots)
        return sorted(found, key=lambda s: s.saved_at)

    def _read_snapshot(self, meta_file: Path, owners: set[str]) -> Snapshot | None:
        """The snapshot `meta_file` describes, if its owner is gone; raises if unreadable."""
        meta = json.loads(meta_file.read_text("utf-8"))
        owner = str(meta["owner"])
        owners.add(owner)
        if self._owner_alive(owner):
            return None
        text_file = meta_file.with_suffix(".txt")
        try:
            text = text_file.read_bytes().decode("utf-8", "surrogatepass")
        except FileNotFoundError:
            return None  # died between metadata and first text: nothing was ever saved
        st = meta.get("opened_stamp")
        path = meta.get("path")
        return Snapshot(
            doc_key=str(meta.get("doc_key", "")),
            path=str(path) if path else None,
            text=text,
            saved_at=float(meta.get("saved_at", 0.0)),
            opened_stamp=DiskStamp(*(int(v) for v in st)) if st else None,
            owner_pid=int(meta.get("pid", 0)),
            meta_file=meta_file,
            text_file=text_file,
        )

    def _remove_dead_locks(self, keep: set[str]) -> None:
        for lock in self.folder.glob("owner-*.lock"):
            owner = lock.stem.removeprefix("owner-")
            # A brand-new lock file may not be locked yet by its starting owner: leave it be.
            with contextlib.suppress(OSError):
                if time.time() - lock.stat().st_mtime < 10:
                    continue
            if owner not in keep and not self._owner_alive(owner):
                with contextlib.suppress(OSError):
                    lock.unlink()

    def close(self) -> None:
        """Give up ownership: snapshots still here will be offered by the next instance."""
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                self._lock_path.unlink()
            os.close(self._lock_fd)
            self._lock_fd = None
