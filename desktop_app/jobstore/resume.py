"""What the window does with the job store at start-up, off the GUI thread, in one call.

`open_at_startup()` opens the store (a corrupt one is moved aside: `recovered_from` says so),
marks the jobs of dead processes as interrupted, prunes old drafts, and lists the interrupted
and finished jobs, with the measured model rates for time estimates. The window matches them to
the open document with `for_document`. `RESUME_AT_START` marks the jobs the writer asked to
"finish in the background next time": those resume by themselves once their document is open.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.jobstore.estimate import RateBook
from desktop_app.jobstore.records import JobSummary, StoredState, normalise_path
from desktop_app.jobstore.store import JobStore

# The `error` note of an interrupted job that resumes at the next start without being asked.
RESUME_AT_START = "finish in the background next time"
SHOWN_STATES = (StoredState.INTERRUPTED, StoredState.FINISHED)


@dataclass
class StartupScan:
    """The store, opened, and the jobs to offer."""

    store: JobStore
    jobs: list[JobSummary]
    rates: RateBook
    recovered_from: str | None = None
    interrupted: list[str] = field(default_factory=list)  # ids marked interrupted just now
    pruned: int = 0
    seconds: float = 0.0


def open_at_startup(
    path: str | os.PathLike[str] | None = None, rates_path: Path | None = None
) -> StartupScan:
    """Open, repair, prune and read the store (blocking: run it on a worker thread)."""
    started = time.monotonic()
    store = JobStore.open(path)
    try:
        interrupted = store.mark_running_as_interrupted()
        pruned = store.prune()
        jobs = store.list(states=SHOWN_STATES)
    finally:
        store.close()  # this thread's connection; the writer thread opens its own
    if rates_path is None and path is not None:
        rates_path = Path(path).with_name("rates.json")
    return StartupScan(
        store, jobs, RateBook.load(rates_path), store.recovered_from, interrupted, pruned,
        time.monotonic() - started,
    )  # fmt: skip


def for_document(jobs: list[JobSummary], path: str | os.PathLike[str] | None) -> list[JobSummary]:
    """The kept jobs of the document at `path` (an unsaved document has none)."""
    if path is None:
        return []
    wanted = normalise_path(path)
    return [job for job in jobs if job.path == wanted]


def resumes_by_itself(job: JobSummary) -> bool:
    """True for a job the writer asked to finish in the background at the next start."""
    return job.state == StoredState.INTERRUPTED and job.error == RESUME_AT_START
