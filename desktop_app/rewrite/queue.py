"""The Qt job queue: runs rewrite jobs one at a time in a thread pool, reports on the GUI thread.

See `desktop_app.rewrite.jobs` for the job record and the runner; this module only schedules, cancels and
relays. Signals are documented on `JobQueue`.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop_app.perf import PerfLog
from desktop_app.relay import GuiRelay
from desktop_app.rewrite.jobs import JobProgress, JobState, RewriteJob, run_job_sync
from models.base import Cancelled, ModelError, ModelUnavailable, TextModel

log = logging.getLogger(__name__)

ModelProvider = Callable[[], TextModel | None]


class _JobRunnable(QRunnable):
    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        self._work()


class JobQueue(QObject):
    """Runs rewrite jobs one at a time in a thread pool and reports on the GUI thread.

    Every signal is queued to the thread that owns the queue (the GUI thread), so handlers never
    run inside `submit()` or `cancel()` and never on a worker thread. Per job, signals arrive in
    this order: `job_added`, one or more `job_progress` (the first within a few ms of submit),
    `job_partial` while text streams in (at most ~20 per second), then exactly one of
    `job_finished`, `job_failed` or `job_cancelled`.
    """

    job_added = Signal(int)
    job_progress = Signal(int, object)  # (job_id, JobProgress)
    job_partial = Signal(int, str)  # (job_id, cleaned text so far)
    job_finished = Signal(int, str)  # (job_id, result)
    job_failed = Signal(int, str)  # (job_id, one-line reason)
    job_cancelled = Signal(int)

    def __init__(
        self,
        model_provider: ModelProvider,
        parent: QObject | None = None,
        *,
        perf_log: PerfLog | None = None,
    ) -> None:
        """`model_provider()` is called on the worker thread (it may load the model, slowly)."""
        super().__init__(parent)
        self._provider = model_provider
        self.perf_log = perf_log
        self._pool = QThreadPool(self)
        # One generation at a time per model; a second thread would only wait on the model.
        self._pool.setMaxThreadCount(1)
        self._jobs: dict[int, RewriteJob] = {}
        self._pending: deque[RewriteJob] = deque()
        self._running: RewriteJob | None = None
        self._runnables: dict[int, _JobRunnable] = {}
        # Jobs whose final signal went out: later events for them (none expected) are dropped.
        self._ended: set[int] = set()
        self._relay = GuiRelay(self)

    # -- public API ------------------------------------------------------------------------

    def submit(self, action: str, text: str, instruction: str | None = None) -> RewriteJob:
        """Queue a rewrite of `text` with the action id `action`; returns the job at once.

        Raises `KeyError` for an unknown action and `ValueError` when a needed instruction is
        missing (both before anything is queued).
        """
        job = RewriteJob(action=action, original=text, instruction=instruction)
        self._jobs[job.id] = job
        self._pending.append(job)
        # Announce before the worker can report, so `job_added` always comes first.
        self._relay.post(self._on_announced, job.id)
        self._pump()
        return job

    def resubmit(self, job_id: int) -> RewriteJob:
        """Queue the same action on the same text again ("Try again"); returns the new job."""
        old = self._jobs[job_id]
        return self.submit(old.action, old.original, old.instruction)

    def cancel(self, job_id: int) -> bool:
        """Cancel a job: a queued one is dropped, a running one stops within one token.

        Returns False if there is no such job or it already finished.
        """
        job = self._jobs.get(job_id)
        if job is None or job.finished:
            return False
        job.cancel_event.set()
        if job in self._pending:
            self._pending.remove(job)
            job.state = JobState.CANCELLED
            job.stats.finished = time.monotonic()
            self._relay.post(self._on_cancelled, job.id)
            self._report_positions()
        return True

    def cancel_all(self) -> None:
        """Cancel every queued and running job."""
        for job in [*self._pending, *([self._running] if self._running else [])]:
            self.cancel(job.id)

    def job(self, job_id: int) -> RewriteJob | None:
        """The job with this id (finished jobs are kept for the job list)."""
        return self._jobs.get(job_id)

    def jobs(self) -> list[RewriteJob]:
        """All jobs of this session, oldest first."""
        return list(self._jobs.values())

    def forget(self, job_id: int) -> None:
        """Drop a finished job from the list (e.g. the writer cleared it)."""
        job = self._jobs.get(job_id)
        if job is not None and job.finished:
            del self._jobs[job_id]

    @property
    def running_job(self) -> RewriteJob | None:
        """The job being generated now, if any."""
        return self._running

    def wait_for_done(self, msecs: int = 30000) -> bool:
        """Block until the worker is idle (for shutdown and tests; never from a GUI handler)."""
        return self._pool.waitForDone(msecs)

    def shutdown(self, msecs: int = 5000) -> bool:
        """Cancel everything and wait for the worker to stop; True if it did in time."""
        self.cancel_all()
        return self._pool.waitForDone(msecs)

    # -- internals ---------------------------------------------------------------------------

    def _position_stage(self, job: RewriteJob) -> JobProgress:
        ahead = list(self._pending).index(job) + (1 if self._running else 0)
        stage = "Starting" if ahead == 0 else f"Queued, {ahead} ahead"
        return JobProgress(stage, None, None, 0, time.monotonic() - job.stats.created)

    def _report_positions(self) -> None:
        for job in self._pending:
            self.job_progress.emit(job.id, self._position_stage(job))

    def _pump(self) -> None:
        if self._running is not None or not self._pending:
            return
        job = self._pending.popleft()
        self._running = job
        runnable = _JobRunnable(lambda: self._work(job))
        self._runnables[job.id] = runnable
        self._pool.start(runnable)

    def _work(self, job: RewriteJob) -> None:
        """Worker thread: get the model, run the job, report through the relay."""
        relay = self._relay
        try:
            if job.cancel_event.is_set():
                raise Cancelled("Rewrite cancelled.")
            model = self._provider()
            if model is None:
                raise ModelUnavailable("No rewrite model is available.")
            result = run_job_sync(
                job,
                model,
                on_progress=lambda progress: relay.post(self._on_progress, job.id, progress),
                on_partial=lambda text: relay.post(self._on_partial, job.id, text),
            )
        except Cancelled:
            job.state = JobState.CANCELLED
            relay.post(self._on_cancelled, job.id)
        except ModelError as error:
            job.state, job.error = JobState.FAILED, job.error or str(error)
            relay.post(self._on_failed, job.id, job.error)
        except Exception as error:  # the provider itself may fail in unexpected ways
            log.exception("rewrite job %s failed", job.id)
            job.state, job.error = JobState.FAILED, f"Rewrite failed: {error}"
            relay.post(self._on_failed, job.id, job.error)
        else:
            relay.post(self._on_finished, job.id, result)

    def _job_ended(self, job_id: int) -> None:
        self._ended.add(job_id)
        self._runnables.pop(job_id, None)
        if self._running is not None and self._running.id == job_id:
            self._running = None
            self._pump()
            self._report_positions()

    def _on_announced(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        self.job_added.emit(job_id)
        if job in self._pending:
            self.job_progress.emit(job_id, self._position_stage(job))
        elif job is self._running:
            self.job_progress.emit(job_id, JobProgress("Starting", None, None, 0, 0.0))

    def _on_progress(self, job_id: int, progress: JobProgress) -> None:
        if job_id not in self._ended:
            self.job_progress.emit(job_id, progress)

    def _on_partial(self, job_id: int, text: str) -> None:
        if job_id not in self._ended:
            self.job_partial.emit(job_id, text)

    def _on_finished(self, job_id: int, result: str) -> None:
        job = self._jobs.get(job_id)
        if job is not None and self.perf_log is not None:
            self.perf_log.record(job.action, job.stats.first_token_ms, job.stats.final_ms)
        self.job_finished.emit(job_id, result)
        self._job_ended(job_id)

    def _on_failed(self, job_id: int, reason: str) -> None:
        self.job_failed.emit(job_id, reason)
        self._job_ended(job_id)

    def _on_cancelled(self, job_id: int) -> None:
        self.job_cancelled.emit(job_id)
        self._job_ended(job_id)
