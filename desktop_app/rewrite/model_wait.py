"""Hands the rewrite model to a job on the worker thread, waiting while it still loads.

A job submitted right after start-up should not fail because the model is still loading: the
provider (called by `JobQueue` on its worker thread, never on the GUI thread) waits up to
`MODEL_WAIT_S` for it, and stops waiting at once when the job is cancelled or the window closes.

The model comes with the writer's Preferences for rewrites applied (`WriterOptions`): Creativity
is the temperature of a job's first, otherwise greedy, attempt, and "Longest rewrite" caps every
reply's budget.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

from desktop_app.rewrite.jobs import RewriteJob
from models.base import Cancelled, GenerationRequest, ModelUnavailable, TextModel

MODEL_WAIT_S = 60.0
POLL_S = 0.1


class WriterOptions:
    """A rewrite model that applies the writer's Creativity and Longest rewrite to each request.

    Only the greedy first attempt (temperature 0, no seed) takes the writer's temperature; a
    retry or a later draft keeps its own varied sampling. The cap only ever shortens a budget.
    """

    def __init__(self, model: TextModel, temperature: float | None, cap: int | None) -> None:
        self.model, self.temperature, self.cap = model, temperature, cap

    def __getattr__(self, name: str):
        return getattr(self.model, name)  # name, context_tokens, count_tokens, close…

    def stream(self, request: GenerationRequest):
        """The model's stream for `request`, with the writer's options applied."""
        greedy = request.temperature == 0.0 and getattr(request, "seed", None) is None
        if greedy and self.temperature:
            request = replace(request, temperature=self.temperature)
        if self.cap and request.max_tokens > self.cap:
            request = replace(request, max_tokens=self.cap)
        return self.model.stream(request)


def with_writer_options(model: TextModel, spec) -> TextModel:
    """`model` with the options of its `ModelSpec` applied (itself when there are none)."""
    temperature = getattr(spec, "temperature", None)
    cap = getattr(spec, "max_tokens", None)
    return WriterOptions(model, temperature, cap) if (temperature or cap) else model


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
                return with_writer_options(model, models.spec("rewrite"))
            state, message = models.state("rewrite")
            if state in ("unavailable", "off"):
                raise ModelUnavailable(f"The rewrite model is unavailable: {message}")
            if self.closing.is_set() or (job is not None and job.cancel_event.is_set()):
                raise Cancelled("Rewrite cancelled.")
            if time.monotonic() > deadline:
                raise ModelUnavailable(f"The rewrite model did not load in {self.wait_s:.0f} s.")
            self.closing.wait(POLL_S)
