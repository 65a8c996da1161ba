"""Blocking checks the Preferences dialog runs off the GUI thread (network, GGUF files, keychain).

Each call is a one-shot `QRunnable` in a small private pool; its result comes back on the GUI
thread through the app's one relay (`desktop_app.relay`) as `TaskRelay.finished`, tagged with
the job id the dialog gave it, so a stale answer (the writer changed the URL since) can be
dropped. A dialog closed mid-check simply never hears back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRunnable, QThreadPool, Signal

from desktop_app.relay import GuiRelay

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


class TaskRelay(GuiRelay):
    """Announces finished checks on the GUI thread."""

    # (job id, result or None, error or None)
    finished = Signal(int, object, object)


class _Call(QRunnable):
    def __init__(self, relay: TaskRelay, job: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.relay = relay
        self.emit = relay.finished.emit
        self.job = job
        self.fn = fn

    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self.fn()
        except Exception as exc:  # reported to the dialog, which shows str(exc)
            error = exc
        if not self.relay.post(self.emit, self.job, result, error):
            log.debug("preferences check %d finished after its dialog", self.job)


def run_task(relay: TaskRelay, job: int, fn: Callable[[], Any]) -> None:
    """Run `fn()` in the pool; `relay.finished(job, result, error)` follows on the GUI thread."""
    pool().start(_Call(relay, job, fn))
