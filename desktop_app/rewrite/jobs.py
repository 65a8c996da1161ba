"""Background rewrite jobs: the job record, its progress reports, and the one runner for a job.

`run_job_sync` is the one code path for a rewrite: it chunks the text at paragraph boundaries,
asks the model chunk by chunk, cleans what streams back, has the rewrite guard check each chunk
(a rejected one is asked for again with other sampling, then keeps its original text; see
`attempts`), reports honest progress and returns the reassembled result. A whole-document
Summarize then combines its part summaries into one. It imports no Qt; the command line calls it directly. `JobQueue` (in
`desktop_app.rewrite.queue`) runs it in a `QThreadPool`, one job at a time
(the local model serves one generation at a time; inline suggestions go first because requests
are `Priority.BACKGROUND`), and reports through signals delivered on the GUI thread. Every signal
carries the job id; the job itself is `queue.job(id)`.

Typical wiring (the widgets live in `ui/`)::

    queue = JobQueue(lambda: host.model("rewrite"), perf_log=perf)
    queue.job_progress.connect(status_bar.show_progress)  # (job_id, JobProgress)
    queue.job_partial.connect(review_panel.show_partial)  # (job_id, text so far)
    queue.job_finished.connect(review_panel.show_result)  # (job_id, result)
    job = queue.submit("grammar", selected_text)
    ...
    queue.cancel(job.id)
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from desktop_app.rewrite.actions import ApplyMode, RewriteAction, get_action
from desktop_app.rewrite.attempts import (
    Session,
    Step,
    chunk_budget,
    fit_to_chunk,
    one_summary,
    run_step,
)
from desktop_app.rewrite.chunking import (
    Chunk,
    PartialUpdate,
    chunk_text,
    count_paragraphs,
    reassemble,
)
from desktop_app.rewrite.guard import GuardWarning
from desktop_app.rewrite.reports import (
    ChunkReport,
    job_warnings,
    kept_everything,
    paragraph_numbers,
)
from models.base import Cancelled, ModelError, TextModel

log = logging.getLogger(__name__)

__all__ = [
    "ChunkReport",
    "JobProgress",
    "JobState",
    "RewriteJob",
    "chunk_budget",
    "fit_to_chunk",
    "run_job_sync",
]
_ids = itertools.count(1)


class JobState(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass
class JobStats:
    """Timings of one job. Times in ms are measured from `created` (when it was submitted)."""

    created: float = field(default_factory=time.monotonic)
    started: float | None = None  # monotonic time the worker picked the job up
    finished: float | None = None
    first_token_ms: float | None = None  # first visible (cleaned, non-empty) output
    final_ms: float | None = None  # result ready
    tokens: int = 0  # pieces generated, over all chunks

    @property
    def queued_ms(self) -> float | None:
        """Time spent waiting for other jobs before this one started."""
        return None if self.started is None else (self.started - self.created) * 1000


@dataclass(frozen=True)
class JobProgress:
    """One honest progress report: what is happening now, and a fraction only when it is real."""

    stage: str  # "Queued, 2 ahead", "Reading 3 paragraphs", "Drafting — 42 tokens, 3.1 s", …
    chunks_done: int | None = None
    chunks_total: int | None = None  # None while unknown (queued, loading the model)
    tokens: int = 0
    elapsed_s: float = 0.0  # since the job was submitted

    @property
    def fraction(self) -> float | None:
        """Chunks done over chunks total for a progress bar, or None when there is no real one."""
        if not self.chunks_total or self.chunks_done is None or self.chunks_total < 2:
            return None
        return self.chunks_done / self.chunks_total


@dataclass(eq=False)
class RewriteJob:
    """One rewrite of one piece of text, from submission to result."""

    action: str  # a `RewriteAction` id
    original: str
    instruction: str | None = None
    id: int = field(default_factory=lambda: next(_ids))
    chunks: list[Chunk] = field(default_factory=list)  # filled when the job starts
    state: JobState = JobState.QUEUED
    partial: str = ""  # cleaned output so far
    result: str | None = None
    error: str | None = None
    stats: JobStats = field(default_factory=JobStats)
    cancel_event: threading.Event = field(default_factory=threading.Event, repr=False)
    # Try Again makes draft 2, 3, …: each samples with its own seed, so each reads differently.
    draft: int = 1
    reports: list[ChunkReport] = field(default_factory=list)  # the guard's finding per chunk
    warnings: list[GuardWarning] = field(default_factory=list)  # the job's, one line each

    def __post_init__(self) -> None:
        definition = get_action(self.action)  # raises KeyError for an unknown id
        if definition.needs_instruction and not (self.instruction or "").strip():
            raise ValueError(f"{definition.plain_label} needs an instruction")

    @property
    def definition(self) -> RewriteAction:
        """The catalogue entry of this job's action."""
        return get_action(self.action)

    @property
    def finished(self) -> bool:
        """True once the job is done, failed or cancelled."""
        return self.state in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)

    @property
    def kept_everything(self) -> bool:
        """True when the guard held back the model's result for every chunk: nothing changes."""
        return kept_everything(self.reports)


ProgressCallback = Callable[[JobProgress], None]
PartialCallback = Callable[[str], None]
ChunkCallback = Callable[[int, str], None]  # (chunk index, its finished result)
PlanCallback = Callable[[list[Chunk]], None]
UpdateCallback = Callable[[PartialUpdate], None]  # only what changed (see `rewrite.chunking`)


def _plan(job: RewriteJob, model: TextModel) -> list[Chunk]:
    """The chunks to send to the model; Continue writing sends only the end of the text."""
    action = job.definition
    chunks = chunk_text(
        job.original, chunk_budget(action, model, job.instruction), model.count_tokens
    )
    if action.per_chunk:
        return chunks
    tail = chunks[-1]
    # One chunk with no surrounding whitespace: the result is a new paragraph, not a replacement.
    return [Chunk("", tail.body, "", tail.paragraphs, tail.inner_separators)]


def run_job_sync(
    job: RewriteJob,
    model: TextModel,
    on_progress: ProgressCallback | None = None,
    on_partial: PartialCallback | None = None,
    *,
    plan: Sequence[Chunk] | None = None,
    done_chunks: Mapping[int, str] | None = None,
    on_plan: PlanCallback | None = None,
    on_chunk: ChunkCallback | None = None,
    on_update: UpdateCallback | None = None,
    guard: bool = True,
) -> str:
    """Run `job` on `model` in the calling thread and return the result.

    Updates the job's state, partial output and stats as it goes. `on_progress` and `on_partial`
    are called from this thread (throttled to ~20 per second). Raises `Cancelled` once
    `job.cancel_event` is set, `ModelError` with a one-line reason on failure.

    For the job store: `on_plan(chunks)` is called once the chunks are known, `on_chunk(index,
    result)` as each chunk finishes (also for a whitespace-only chunk, with ""). To resume, pass
    the stored `plan` and its `done_chunks` (index -> result): those chunks are not generated
    again. `done_chunks` needs the `plan` it was made with (`ValueError` otherwise).
    `on_update(PartialUpdate)` gets only what changed (the cheap form of `on_partial`).

    Every chunk's result is checked by the rewrite guard; a rejected one is asked for once more
    with other sampling, then the chunk keeps its original text (`job.reports` and
    `job.warnings` say which and why). `guard=False` skips the checks and retries (only the
    fidelity benchmark does that, to measure what the guard changes).
    """
    if done_chunks and plan is None:
        raise ValueError("resuming needs the plan the finished chunks belong to")
    if plan is not None and any(not 0 <= i < len(plan) for i in done_chunks or {}):
        raise ValueError("a finished chunk lies outside the plan")
    on_progress = on_progress or (lambda _progress: None)
    on_partial = on_partial or (lambda _text: None)
    stats = job.stats
    stats.started = time.monotonic()
    job.state = JobState.RUNNING
    try:
        resume = _Resume(plan, dict(done_chunks or {}), on_plan, on_chunk, on_update)
        result = _run(job, model, on_progress, on_partial, resume, guard)
    except Cancelled:
        job.state = JobState.CANCELLED
        raise
    except ModelError as error:
        job.state, job.error = JobState.FAILED, str(error)
        raise
    except Exception as error:  # a bug or an unexpected backend error: still one line
        log.exception("rewrite job %s failed", job.id)
        job.state, job.error = JobState.FAILED, f"Rewrite failed: {type(error).__name__}: {error}"
        raise ModelError(job.error) from error
    finally:
        stats.finished = time.monotonic()
    stats.final_ms = (stats.finished - stats.created) * 1000
    job.result, job.state = result, JobState.DONE
    return result


@dataclass(frozen=True)
class _Resume:
    """What `run_job_sync` was given to record chunks, or to skip the ones already done."""

    plan: Sequence[Chunk] | None
    done: dict[int, str]
    on_plan: PlanCallback | None
    on_chunk: ChunkCallback | None
    on_update: UpdateCallback | None = None

    def update(self, index: int, text: str, final: bool) -> None:
        if self.on_update is not None:
            self.on_update(PartialUpdate(index, text, final))


def _run(
    job: RewriteJob,
    model: TextModel,
    on_progress: ProgressCallback,
    on_partial: PartialCallback,
    resume: _Resume,
    guard: bool,
) -> str:
    stats = job.stats
    action = job.definition

    def elapsed() -> float:
        return time.monotonic() - stats.created

    if job.cancel_event.is_set():
        raise Cancelled("Rewrite cancelled.")
    paragraphs = count_paragraphs(job.original)
    if paragraphs == 0:
        raise ModelError("There is no text to rewrite.")
    reading = f"Reading {paragraphs} paragraph{'s' if paragraphs != 1 else ''}"
    on_progress(JobProgress(reading, None, None, 0, elapsed()))
    job.chunks = chunks = list(resume.plan) if resume.plan is not None else _plan(job, model)
    if resume.on_plan is not None:
        resume.on_plan(list(chunks))
    total = len(chunks)
    # A whole-document summary has a second stage: its part summaries combined into one.
    two_stage = action.id == "summarize" and sum(1 for c in chunks if c.body) > 1
    steps = total + 1 if two_stage else total
    numbers = paragraph_numbers(chunks)
    bodies: list[str] = []
    job.reports, job.warnings = [], []

    def report(stage: str, done: int, of: int) -> None:
        on_progress(JobProgress(stage, done, of, stats.tokens, elapsed()))

    def show(step: Step, shown: str) -> None:
        job.partial = step.before + shown
        on_partial(job.partial)
        resume.update(step.index, step.lead + shown, False)

    session = Session(model, stats, job.cancel_event, job.id, job.draft, report, show, guard)
    for index, chunk in enumerate(chunks):
        session.check_cancel()
        if index in resume.done:  # finished before an interruption: never generated again
            bodies.append(resume.done[index])
            resume.update(index, chunk.lead + resume.done[index] + chunk.trail, True)
            continue
        if not chunk.body:
            bodies.append("")
            if resume.on_chunk is not None:
                resume.on_chunk(index, "")
            resume.update(index, chunk.lead + chunk.trail, True)
            continue
        label = f"Chunk {index + 1} of {total}" if total > 1 else ""
        if two_stage:
            label = f"Summarizing part {index + 1} of {total}"
        step = Step(
            action,
            chunk.body,
            lambda cleaned, c=chunk: fit_to_chunk(action, c, cleaned),
            label,
            f"{label} — reading" if label else reading,
            index=index,
            lead=chunk.lead,
            before=reassemble(chunks[:index], bodies) + chunk.lead,
            done=index,
            total=steps,
            instruction=job.instruction,
        )
        outcome = run_step(session, step, action.id, chunk.body)
        kept = outcome.text is None
        body = outcome.text or ""
        if kept and action.apply_mode == ApplyMode.REPLACE and action.id != "summarize":
            body = chunk.body  # the writer's own text stands; a summary never pastes it in
        job.reports.append(
            ChunkReport(
                index, numbers[index], outcome.warnings, kept, outcome.attempts, chunk.paragraphs
            )
        )
        bodies.append(body)
        if resume.on_chunk is not None:
            resume.on_chunk(index, body)
        job.partial = reassemble(chunks[: index + 1], bodies)
        on_partial(job.partial)
        resume.update(index, chunk.lead + body + chunk.trail, True)
        session.last_emit = time.monotonic()
    job.warnings = job_warnings(job.reports, action.id, numbered=total > 1)
    if action.id == "summarize":
        result = one_summary(job, session, chunks, bodies, steps)
        job.warnings = job_warnings(job.reports, action.id, numbered=total > 1)
    elif action.apply_mode == ApplyMode.APPEND and job.kept_everything:
        raise ModelError(f"{job.warnings[0].message}." if job.warnings else "Nothing new to add.")
    else:
        result = reassemble(chunks, bodies)
    done = f"Done — {stats.tokens} tokens, {elapsed():.1f} s"
    if job.warnings:  # honest to the end: the review panel lists them
        done += f", {len(job.warnings)} warning{'' if len(job.warnings) == 1 else 's'}"
    on_progress(JobProgress(done, steps, steps, stats.tokens, elapsed()))
    return result
