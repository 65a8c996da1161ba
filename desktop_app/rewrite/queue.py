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

from desktop_app.jobstore.recorder import JobRecorder
from desktop_app.jobstore.records import StoredJob, StoredState
from desktop_app.jobstore.writer import StoreWriter
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
    `job_finished`, `job_failed` or `job_cancelled`. `job_partial` carries only what changed
    (a `desktop_app.rewrite.chunking.PartialUpdate`), never the whole text so far.

    With a `StoreWriter`, every job is written through to the job store (off this thread): its
    target text, plan, each finished chunk, its state and result.
    """

    job_added = Signal(int)
    job_progress = Signal(int, object)  # (job_id, JobProgress)
    job_partial = Signal(int, object)  # (job_id, PartialUpdate)
    job_finished = Signal(int, str)  # (job_id, result)
    job_failed = Signal(int, str)  # (job_id, one-line reason)
    job_cancelled = Signal(int)

    def __init__(
        self,
        model_provider: ModelProvider,
        parent: QObject | None = None,
        *,
        perf_log: PerfLog | None = None,
        store: StoreWriter | None = None,
    ) -> None:
        """`model_provider()` is called on the worker thread (it may load the model, slowly)."""
        super().__init__(parent)
        self._provider = model_provider
        self.perf_log = perf_log
        self.recorder = JobRecorder(store) if store is not None else None
        self._resumes: dict[int, StoredJob] = {}  # job id -> the stored job it continues
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

    def submit(
        self,
        action: str,
        text: str,
        instruction: str | None = None,
        *,
        path: str | None = None,
        target_start: int | None = None,
        target_end: int | None = None,
        resume: StoredJob | None = None,
        draft: int = 1,
    ) -> RewriteJob:
        """Queue a rewrite of `text` with the action id `action`; returns the job at once.

        Raises `KeyError` for an unknown action and `ValueError` when a needed instruction is
        missing (both before anything is queued). `path` and the target's place in the document
        go to the job store. `resume` continues that stored job: its finished chunks are reused.
        `draft` numbers Try Again's drafts: each samples with its own seed.
        """
        job = RewriteJob(action=action, original=text, instruction=instruction, draft=draft)
        if self.recorder is not None:
            if resume is not None:
                self.recorder.adopted(job.id, resume.id)
            else:
                self.recorder.created(
                    job.id, action, text, instruction,
                    path=path, target_start=target_start, target_end=target_end,
                )  # fmt: skip
        if resume is not None:
            self._resumes[job.id] = resume
        self._jobs[job.id] = job
        self._pending.append(job)
        # Announce before the worker can report, so `job_added` always comes first.
        self._relay.post(self._on_announced, job.id)
        self._pump()
        return job

    def resubmit(self, job_id: int) -> RewriteJob:
        """Queue the same action on the same text again ("Try again"): a new draft, sampled
        differently; returns the new job."""
        old = self._jobs[job_id]
        where = self.recorder.where(job_id) if self.recorder is not None else {}
        return self.submit(old.action, old.original, old.instruction, draft=old.draft + 1, **where)

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

    def resume(self, stored: StoredJob) -> RewriteJob:
        """Continue an interrupted stored job: the chunks it finished are not generated again."""
        return self.submit(stored.action, stored.original, stored.instruction, resume=stored)

    def restore_finished(self, stored: StoredJob) -> RewriteJob:
        """A draft finished in an earlier session, as a done job of this one (for review)."""
        job = RewriteJob(stored.action, stored.original, stored.instruction)
        job.result, job.state = stored.draft, JobState.DONE
        job.stats.started = job.stats.finished = job.stats.created
        self._jobs[job.id] = job
        self._ended.add(job.id)
        if self.recorder is not None:
            self.recorder.restored(job.id, stored.id)
        return job

    def forget(self, job_id: int) -> None:
        """Drop a finished job and its copies of the text (it was reviewed or discarded)."""
        job = self._jobs.get(job_id)
        if job is not None and job.finished:
            del self._jobs[job_id]
            self._resumes.pop(job_id, None)
            if self.recorder is not None:
                self.recorder.forget(job_id)

    def unfinished(self) -> list[RewriteJob]:
        """Jobs queued or running now."""
        return [job for job in self._jobs.values() if not job.finished]

    def interrupt(self, job_id: int, *, at_start: bool = False) -> bool:
        """Stop a job but keep it in the store as interrupted (Resume continues it); with
        `at_start` it resumes by itself at the next start. False if it had already ended."""
        if self.recorder is not None and job_id in self._jobs and not self._jobs[job_id].finished:
            self.recorder.interrupted(job_id, at_start=at_start)
        return self.cancel(job_id)

    def interrupt_all(self) -> None:
        """Quit with "Finish in the background next time": stored as interrupted, then stopped."""
        for job in self.unfinished():
            self.interrupt(job.id, at_start=True)

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
            recorder, stored = self.recorder, self._resumes.get(job.id)
            if recorder is not None and not job.cancel_event.is_set():
                recorder.running(job.id)
            result = run_job_sync(
                job,
                model,
                on_progress=lambda progress: relay.post(self._on_progress, job.id, progress),
                on_update=lambda update: relay.post(self._on_partial, job.id, update),
                plan=stored.plan if stored is not None else None,
                done_chunks=stored.chunk_results if stored is not None else None,
                on_plan=(lambda chunks: recorder.planned(job.id, chunks)) if recorder else None,
                on_chunk=(lambda i, text: recorder.chunk_done(job.id, i, text))
                if recorder
                else None,
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

    def _on_partial(self, job_id: int, update: object) -> None:
        if job_id not in self._ended:
            self.job_partial.emit(job_id, update)

    def _record_end(self, job_id: int, state: StoredState, **fields: str | None) -> None:
        self._resumes.pop(job_id, None)  # the stored chunks are no longer needed in memory
        if self.recorder is not None:
            self.recorder.ended(job_id, state, **fields)

    def _on_finished(self, job_id: int, result: str) -> None:
        job = self._jobs.get(job_id)
        if job is not None and self.perf_log is not None:
            self.perf_log.record(job.action, job.stats.first_token_ms, job.stats.final_ms)
        self._record_end(job_id, StoredState.FINISHED, result=result)
        self.job_finished.emit(job_id, result)
        self._job_ended(job_id)

    def _on_failed(self, job_id: int, reason: str) -> None:
        self._record_end(job_id, StoredState.FAILED, error=reason)
        self.job_failed.emit(job_id, reason)
        self._job_ended(job_id)

    def _on_cancelled(self, job_id: int) -> None:
        self._record_end(job_id, StoredState.CANCELLED)
        self.job_cancelled.emit(job_id)
        self._job_ended(job_id)
