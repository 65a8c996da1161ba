"""`inkling rewrite`'s use of the job store: every file's job is recorded, and `--resume` reuses it.

Each input file becomes one stored job (its absolute path, the action, the instruction and the
hash of its text are its key), each finished chunk is written as it finishes, and a job whose
output file was written is marked applied. After an interruption (Ctrl+C, a kill, a crash),
`--resume` skips the files whose output is already written and continues an interrupted file
from its stored chunks; without `--resume` a hint says that it could. The store is used
directly, on this thread: the command line has no GUI thread to keep free.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from desktop_app.jobstore.records import StoredJob, StoredState, text_sha256
from desktop_app.jobstore.store import JobStore

REUSABLE = (StoredState.INTERRUPTED, StoredState.FINISHED, StoredState.APPLIED)


class BatchStore:
    """The store as one `inkling rewrite` run sees it."""

    def __init__(self, stderr: TextIO, path: str | None = None) -> None:
        self.current: str | None = None  # the store id of the job running now
        self.store = JobStore.open(path)
        if self.store.recovered_from:
            print(f"inkling rewrite: {self.store.recovered_from}", file=stderr, flush=True)
        # Jobs of runs that were killed are interrupted, not running.
        self.store.mark_running_as_interrupted()

    def match(
        self, source: Path, action: str, instruction: str | None, text: str
    ) -> StoredJob | None:
        """The newest stored job of the same action, instruction and text for `source`."""
        digest = text_sha256(text)
        for summary in self.store.list(REUSABLE, path=source):
            if summary.action != action:
                continue
            job = self.store.get(summary.id)
            if job is not None and job.instruction == instruction and job.target_sha256 == digest:
                return job
        return None

    def start(self, source: Path, action: str, instruction: str | None, text: str) -> str:
        """Record a new job for `source`, running now; returns its id."""
        return self.store.create(
            action, text, instruction=instruction, path=source, state=StoredState.RUNNING
        )

    def resume(self, job: StoredJob) -> None:
        """An interrupted job runs again."""
        self.store.set_state(job.id, StoredState.RUNNING)

    def planned(self, job_id: str, chunks) -> None:
        """The job's chunks are known."""
        self.store.set_plan(job_id, chunks)

    def chunk_done(self, job_id: str, index: int, result: str) -> None:
        """One chunk finished: once this returns it survives a kill."""
        self.store.record_chunk(job_id, index, result)

    def written(self, job_id: str, result: str) -> None:
        """The result went to its output: the job is applied (its draft needs no review)."""
        self.store.set_state(job_id, StoredState.APPLIED, result=result)

    def ended(self, job_id: str, state: StoredState, error: str | None = None) -> None:
        """The job failed, or was interrupted (Ctrl+C: `--resume` continues it)."""
        self.store.set_state(job_id, state, error=error)

    def close(self) -> None:
        """Close this thread's connection."""
        self.store.close()


def resumed_line(job: StoredJob) -> str:
    """ "resumed: 3 of 8 chunks already done"."""
    return f"resumed: {len(job.chunk_results)} of {job.chunk_count or 0} chunks already done"


def reusable_output(job: StoredJob, target: Path | None) -> bool:
    """True when `job` already wrote its result to `target` (a finished file to keep)."""
    done = job.state in (StoredState.APPLIED, StoredState.FINISHED) and job.result is not None
    return done and target is not None and target.exists()


def run_recorded(
    batch: BatchStore,
    job,
    model,
    source: Path,
    stored: StoredJob | None,
    stderr: TextIO,
    on_progress,
) -> tuple[str, str]:
    """Run `job` with every chunk recorded, continuing `stored` if it was interrupted.

    Returns the result and the store id. A failure is recorded as failed; an interruption
    (Cancelled, KeyboardInterrupt) leaves the job for the caller to mark interrupted.
    """
    from desktop_app.rewrite.jobs import run_job_sync
    from models.base import ModelError

    if stored is not None and stored.state == StoredState.INTERRUPTED:
        batch.resume(stored)
        job_id, plan, done = stored.id, stored.plan, stored.chunk_results
        if plan is not None:
            print(f"{source.name}: {resumed_line(stored)}", file=stderr, flush=True)
    else:
        job_id = batch.start(source, job.action, job.instruction, job.original)
        plan, done = None, {}
    batch.current = job_id
    generated: list[int] = []

    def on_chunk(index: int, result: str) -> None:
        batch.chunk_done(job_id, index, result)
        generated.append(index)

    try:
        result = run_job_sync(
            job, model, on_progress=on_progress, plan=plan, done_chunks=done or None,
            on_plan=(lambda chunks: batch.planned(job_id, chunks)) if plan is None else None,
            on_chunk=on_chunk,
        )  # fmt: skip
    except ModelError as error:
        batch.ended(job_id, StoredState.FAILED, str(error))
        batch.current = None
        raise
    if done:
        redone = len([i for i in generated if i not in done])
        print(
            f"{source.name}: {redone} chunk(s) generated, {len(done)} reused from the store",
            file=stderr, flush=True,
        )  # fmt: skip
    return result, job_id
