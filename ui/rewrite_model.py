"""Hands the rewrite model to a job on the worker thread, waiting while it still loads.

A job submitted right after start-up should not fail because the model is still loading: the
provider (called by `JobQueue` on its worker thread, never on the GUI thread) waits up to
`MODEL_WAIT_S` for it, and stops waiting at once when the job is cancelled or the window closes.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from desktop_app.jobs import RewriteJob
from models.base import Cancelled, ModelUnavailable, TextModel

log = logging.getLogger(__name__)

MODEL_WAIT_S = 60.0
POLL_S = 0.1
# The rewrite worker runs at a lower CPU priority, so on a busy 2-core machine the OS gives the
# GUI thread and inline suggestions the core first (a background job only gets slower).
WORKER_NICE = 10


def lower_thread_priority(nice: int = WORKER_NICE) -> None:
    """Give the calling (worker) thread a lower CPU priority where the OS allows it per thread."""
    if not hasattr(os, "setpriority") or not sys.platform.startswith("linux"):
        return  # elsewhere setpriority applies to the whole process, GUI included
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < nice:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
    except OSError as error:
        log.debug("could not lower the rewrite thread's priority: %s", error)


class RewriteModelProvider:
    """`provider()` returns the host's rewrite model, waiting while it loads."""

    def __init__(
        self,
        host: Callable[[], object | None],
        current_job: Callable[[], RewriteJob | None],
        wait_s: float = MODEL_WAIT_S,
    ) -> None:
        """`host()` gives the ModelHost (or None); `current_job()` the job being started."""
        self._host = host
        self._current_job = current_job
        self.wait_s = wait_s
        self.closing = threading.Event()

    def __call__(self) -> TextModel:
        lower_thread_priority()
        models = self._host()
        if models is None:
            raise ModelUnavailable("No rewrite model is configured.")
        job = self._current_job()
        deadline = time.monotonic() + self.wait_s
        while True:
            model = models.model("rewrite")
            if model is not None:
                return model
            state, message = models.state("rewrite")
            if state in ("unavailable", "off"):
                raise ModelUnavailable(f"The rewrite model is unavailable: {message}")
            if self.closing.is_set() or (job is not None and job.cancel_event.is_set()):
                raise Cancelled("Rewrite cancelled.")
            if time.monotonic() > deadline:
                raise ModelUnavailable(f"The rewrite model did not load in {self.wait_s:.0f} s.")
            self.closing.wait(POLL_S)
