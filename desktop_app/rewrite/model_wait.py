"""Hands the rewrite model to a job on the worker thread, waiting while it still loads.

A job submitted right after start-up should not fail because the model is still loading: the
provider (called by `JobQueue` on its worker thread, never on the GUI thread) waits up to
`MODEL_WAIT_S` for it, and stops waiting at once when the job is cancelled or the window closes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from desktop_app.rewrite.jobs import RewriteJob
from models.base import Cancelled, ModelUnavailable, TextModel

MODEL_WAIT_S = 60.0
POLL_S = 0.1


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
