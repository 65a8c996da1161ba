"""Snapshots of unsaved text about a second after typing stops, written in a worker thread."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop_app.documents.recovery import RecoveryStore
from desktop_app.documents.storage import DiskStamp
from desktop_app.perf import lower_thread_priority
from desktop_app.relay import GuiRelay

log = logging.getLogger(__name__)

# Hands the text to a callback later, in pieces (or None if the document went away), so the
# GUI thread never copies a big text at once (see `text_copy`).
Fetch = Callable[[Callable[[list[str] | None], None]], None]


class _Worker(threading.Thread):
    """Writes snapshots one at a time; a newer job for a document replaces a queued older one."""

    def __init__(
        self, store: RecoveryStore, post: Callable[..., bool], on_written, on_failed
    ) -> None:
        super().__init__(name="inkling-snapshots", daemon=True)
        self._store = store
        self._post = post
        self._on_written = on_written
        self._on_failed = on_failed
        self._cv = threading.Condition()
        self._jobs: dict[str, tuple] = {}
        self._busy = False
        self._stopping = False
        self.failures = 0  # snapshot writes that failed so far

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
        lower_thread_priority()
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
                    self._post(self._on_written, doc_key)
                else:
                    self._store.discard(doc_key)
            except Exception as exc:  # a failed snapshot must never take the app down
                log.warning("recovery snapshot of %s failed: %s", doc_key, exc)
                with self._cv:
                    self.failures += job[0] == "write"
                self._post(self._on_failed, doc_key, str(exc))
            finally:
                with self._cv:
                    self._busy = False
                    self._cv.notify_all()


@dataclass
class _Doc:
    timer: QTimer
    path: str | None
    provider: Callable[[], str]
    stamp: DiskStamp | None
    first_change: float | None = None
    fetch: Fetch | None = None


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
        relay = GuiRelay(self)
        self._worker = _Worker(self.store, relay.post, self.written.emit, self.failed.emit)
        self._worker.start()
        # Stop the thread if the Snapshotter is dropped without shutdown().
        weakref.finalize(self, self._worker.stop)

    def schedule(
        self,
        doc_key: str,
        path: str | None,
        text_provider: Callable[[], str],
        stamp: DiskStamp | None = None,
        fetch: Fetch | None = None,
    ) -> None:
        """Note that a document changed; its text is fetched and written once typing pauses.

        With `fetch`, the text is taken through it (in pieces, across event-loop turns);
        `text_provider` is then only used when a snapshot is needed at once (`flush`)."""
        doc = self._docs.get(doc_key)
        if doc is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            # The key rides on the timer itself: no lambda connection to outlive the timer.
            timer.setObjectName(doc_key)
            timer.timeout.connect(self._on_timeout)
            doc = self._docs[doc_key] = _Doc(timer, path, text_provider, stamp)
        doc.path, doc.provider, doc.fetch = path, text_provider, fetch
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

    def _fire(self, doc_key: str, now: bool = False) -> None:
        doc = self._docs.get(doc_key)
        if doc is None:
            return
        doc.timer.stop()
        doc.first_change = None
        path, stamp = doc.path, doc.stamp
        if doc.fetch is None or now:
            # str is immutable, so handing it to the worker is safe and costs no copy.
            self._worker.put(doc_key, ("write", path, doc.provider(), stamp))
            return

        def fetched(pieces: list[str] | None) -> None:
            # Discarded (saved, closed) while the text was copied: nothing to keep.
            if pieces is not None and self._docs.get(doc_key) is doc:
                self._worker.put(doc_key, ("write", path, pieces, stamp))

        doc.fetch(fetched)

    def discard(self, doc_key: str) -> None:
        """Drop the document's snapshot (saved, or closed normally) and any pending one."""
        doc = self._docs.pop(doc_key, None)
        if doc is not None:
            doc.timer.stop()
            doc.timer.deleteLater()
        self._worker.put(doc_key, ("discard",))

    def flush(self, timeout: float = 10.0, everything: bool = False) -> bool:
        """Write every pending snapshot now (with `everything`, every document's) and wait for
        the worker; False on timeout or if a write failed meanwhile."""
        failures = self._worker.failures
        for key, doc in list(self._docs.items()):
            if doc.timer.isActive() or everything:
                self._fire(key, now=True)
        return self._worker.wait_idle(timeout) and self._worker.failures == failures

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop the worker after it finishes queued work (call `flush` first to keep pending)."""
        for doc in self._docs.values():
            doc.timer.stop()
        self._worker.stop()
        self._worker.join(timeout)
