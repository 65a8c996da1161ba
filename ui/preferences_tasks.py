"""Blocking checks the Preferences dialog runs off the GUI thread (network, GGUF files).

Each call is a one-shot `QRunnable` in a small private pool; its result comes back through a
signal of a `TaskRelay` living on the GUI thread (a queued connection), tagged with the job id
the dialog gave it, so a stale answer (the writer changed the URL since) can be dropped. The
relay is kept alive by the runnable, so a dialog closed mid-check never leaves a worker
emitting into a deleted object.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None


def pool() -> QThreadPool:
    """The pool for preferences checks (kept apart from rewrites and suggestions)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(3)
    return _pool


def wait_for_tasks(msecs: int = 30_000) -> bool:
    """Wait until every check has finished (tests and shutdown); True when the pool is idle."""
    return pool().waitForDone(msecs)


class TaskRelay(QObject):
    """Carries results from worker threads to the GUI thread."""

    # (job id, result or None, error or None)
    finished = Signal(int, object, object)


class _Call(QRunnable):
    def __init__(self, relay: TaskRelay, job: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.relay = relay
        self.job = job
        self.fn = fn

    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self.fn()
        except Exception as exc:  # reported to the dialog, which shows str(exc)
            error = exc
        try:
            self.relay.finished.emit(self.job, result, error)
        except RuntimeError:  # the relay is gone (application quitting): nothing to tell
            log.debug("preferences check %d finished after its dialog", self.job)


def run_task(relay: TaskRelay, job: int, fn: Callable[[], Any]) -> None:
    """Run `fn()` in the pool; `relay.finished(job, result, error)` follows on the GUI thread."""
    pool().start(_Call(relay, job, fn))
