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
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal, SignalInstance, Slot

from desktop_app import paths
from desktop_app.line_diff import unified_line_diff
from desktop_app.storage import (
    DiskStamp,
    StorageError,
    atomic_write,
    cleanup_stray_temps,
    load_text,
)

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
_SLICE = 1 << 20


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


def _encode(text: str) -> bytes:
    # Sliced so the worker thread lets the GUI thread run between pieces of a 20 MB text;
    # surrogatepass because a snapshot must never fail on an odd character the editor holds.
    return b"".join(
        text[i : i + _SLICE].encode("utf-8", "surrogatepass") for i in range(0, len(text), _SLICE)
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
        self, doc_key: str, path: str | None, text: str, stamp: DiskStamp | None = None
    ) -> None:
        """Write the unsaved `text` of a document atomically; raises StorageError on failure.

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
                meta = json.loads(meta_file.read_text("utf-8"))
                owner = str(meta["owner"])
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("ignoring unreadable recovery metadata %s: %s", meta_file, exc)
                continue
            owners_with_snapshots.add(owner)
            if self._owner_alive(owner):
                continue
            text_file = meta_file.with_suffix(".txt")
            try:
                text = text_file.read_bytes().decode("utf-8", "surrogatepass")
            except FileNotFoundError:
                continue  # died between metadata and first text: nothing was ever saved
            except (OSError, UnicodeDecodeError) as exc:
                log.warning("ignoring unreadable recovery text %s: %s", text_file, exc)
                continue
            st = meta.get("opened_stamp")
            found.append(
                Snapshot(
                    doc_key=str(meta.get("doc_key", "")),
                    path=meta.get("path"),
                    text=text,
                    saved_at=float(meta.get("saved_at", 0.0)),
                    opened_stamp=DiskStamp(*st) if st else None,
                    owner_pid=int(meta.get("pid", 0)),
                    meta_file=meta_file,
                    text_file=text_file,
                )
            )
        self._remove_dead_locks(owners_with_snapshots)
        return sorted(found, key=lambda s: s.saved_at)

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


class _Worker(threading.Thread):
    """Writes snapshots one at a time; a newer job for a document replaces a queued older one."""

    def __init__(self, store: RecoveryStore, relay: _Relay) -> None:
        super().__init__(name="inkling-snapshots", daemon=True)
        self._store = store
        self._relay = relay
        self._cv = threading.Condition()
        self._jobs: dict[str, tuple] = {}
        self._busy = False
        self._stopping = False

    def put(self, doc_key: str, job: tuple) -> None:
        with self._cv:
            self._jobs.pop(doc_key, None)
            self._jobs[doc_key] = job
            self._cv.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._cv:
            return self._cv.wait_for(lambda: not self._jobs and not self._busy, timeout)

    def stop(self) -> None:
        with self._cv:
            self._stopping = True
            self._cv.notify_all()

    def run(self) -> None:
        while True:
            with self._cv:
                self._cv.wait_for(lambda: self._jobs or self._stopping)
                if not self._jobs:
                    return
                doc_key = next(iter(self._jobs))
                job = self._jobs.pop(doc_key)
                self._busy = True
            try:
                if job[0] == "write":
                    _, path, text, stamp = job
                    self._store.snapshot(doc_key, path, text, stamp)
                    self._emit(self._relay.written, doc_key)
                else:
                    self._store.discard(doc_key)
            except Exception as exc:  # a failed snapshot must never take the app down
                log.warning("recovery snapshot of %s failed: %s", doc_key, exc)
                self._emit(self._relay.failed, doc_key, str(exc))
            finally:
                with self._cv:
                    self._busy = False
                    self._cv.notify_all()

    @staticmethod
    def _emit(signal: SignalInstance, *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the Snapshotter was already deleted
            signal.emit(*args)


class _Relay(QObject):
    written = Signal(str)
    failed = Signal(str, str)


@dataclass
class _Doc:
    timer: QTimer
    path: str | None
    provider: Callable[[], str]
    stamp: DiskStamp | None
    first_change: float | None = None


class Snapshotter(QObject):
    """Snapshots each document about a second after typing stops, writing in a worker thread.

    While typing goes on without a pause a snapshot is still taken every `max_delay_ms`, so a
    crash loses at most a few seconds even mid-flow. Signals arrive on the GUI thread.
    """

    written = Signal(str)  # doc_key
    failed = Signal(str, str)  # doc_key, plain reason

    def __init__(
        self,
        store: RecoveryStore | QObject | None = None,
        delay_ms: int = 1000,
        max_delay_ms: int = 5000,
        parent: QObject | None = None,
    ) -> None:
        if isinstance(store, QObject):  # Snapshotter(window), the usual Qt spelling
            parent, store = store, None
        super().__init__(parent)
        self.store = store or RecoveryStore()
        self._delay_ms = delay_ms
        self._max_delay_ms = max_delay_ms
        self._docs: dict[str, _Doc] = {}
        # The relay has no parent: the worker keeps it alive, so it cannot be deleted under a
        # running emit. Queued connections bring its signals to this object's (GUI) thread.
        relay = _Relay()
        relay.written.connect(self._on_written, Qt.ConnectionType.QueuedConnection)
        relay.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._worker = _Worker(self.store, relay)
        self._worker.start()
        # Stop the thread if the Snapshotter is dropped without shutdown().
        weakref.finalize(self, self._worker.stop)

    @Slot(str)
    def _on_written(self, doc_key: str) -> None:
        self.written.emit(doc_key)

    @Slot(str, str)
    def _on_failed(self, doc_key: str, reason: str) -> None:
        self.failed.emit(doc_key, reason)

    def schedule(
        self,
        doc_key: str,
        path: str | None,
        text_provider: Callable[[], str],
        stamp: DiskStamp | None = None,
    ) -> None:
        """Note that a document changed; its text is fetched and written once typing pauses."""
        doc = self._docs.get(doc_key)
        if doc is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            # The key rides on the timer itself: no lambda connection to outlive the timer.
            timer.setObjectName(doc_key)
            timer.timeout.connect(self._on_timeout)
            doc = self._docs[doc_key] = _Doc(timer, path, text_provider, stamp)
        doc.path, doc.provider = path, text_provider
        if stamp is not None:
            doc.stamp = stamp
        now = time.monotonic()
        if doc.first_change is None:
            doc.first_change = now
        left_ms = self._max_delay_ms - (now - doc.first_change) * 1000
        doc.timer.start(int(max(0, min(self._delay_ms, left_ms))))

    @Slot()
    def _on_timeout(self) -> None:
        timer = self.sender()
        if timer is not None:
            self._fire(timer.objectName())

    def _fire(self, doc_key: str) -> None:
        doc = self._docs.get(doc_key)
        if doc is None:
            return
        doc.timer.stop()
        doc.first_change = None
        # str is immutable, so handing it to the worker is safe and costs no copy.
        self._worker.put(doc_key, ("write", doc.path, doc.provider(), doc.stamp))

    def discard(self, doc_key: str) -> None:
        """Drop the document's snapshot (saved, or closed normally) and any pending one."""
        doc = self._docs.pop(doc_key, None)
        if doc is not None:
            doc.timer.stop()
            doc.timer.deleteLater()
        self._worker.put(doc_key, ("discard",))

    def flush(self, timeout: float = 10.0) -> bool:
        """Write every pending snapshot now and wait for the worker; False on timeout."""
        for key, doc in list(self._docs.items()):
            if doc.timer.isActive():
                self._fire(key)
        return self._worker.wait_idle(timeout)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop the worker after it finishes queued work (call `flush` first to keep pending)."""
        for doc in self._docs.values():
            doc.timer.stop()
        self._worker.stop()
        self._worker.join(timeout)
