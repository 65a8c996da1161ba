"""Background rewrite jobs: the job record, its progress reports, and the one runner for a job.

`run_job_sync` is the one code path for a rewrite: it chunks the text at paragraph boundaries,
asks the model chunk by chunk, cleans what streams back, reports honest progress and returns the
reassembled result. It imports no Qt; the command line calls it directly. `JobQueue` (in
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
from desktop_app.rewrite.chunking import (
    Chunk,
    chunk_text,
    count_paragraphs,
    reassemble,
    restore_breaks,
    split_paragraphs,
)
from desktop_app.rewrite.cleanup import clean_output, clean_partial, drop_echo, repetition_cut
from desktop_app.rewrite.prompts import build_messages, prompt_overhead
from models.base import (
    Cancelled,
    GenerationRequest,
    ModelError,
    Priority,
    TextModel,
)

log = logging.getLogger(__name__)

# Tokens the model may add beyond the proportional budget (its own wording, a closing line).
OUTPUT_SLACK_TOKENS = 48
# Continue writing: how long a paragraph it may write.
CONTINUE_MAX_TOKENS = 220
# At most ~20 partial/progress updates per second reach the GUI.
THROTTLE_S = 0.05
# How often (in tokens) the stream is checked for a reply that loops on one sentence.
LOOP_CHECK_EVERY = 8
# The model may echo the closing delimiter; generation ends there.
STOP = ("</text>",)

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


ProgressCallback = Callable[[JobProgress], None]
PartialCallback = Callable[[str], None]
ChunkCallback = Callable[[int, str], None]  # (chunk index, its finished result)
PlanCallback = Callable[[list[Chunk]], None]


def chunk_budget(action: RewriteAction, model: TextModel, instruction: str | None) -> int:
    """Largest chunk (in tokens) whose prompt and reply both fit the model's context.

    Never more than the action's own `chunk_tokens`, which keeps a small model faithful.
    """
    overhead = prompt_overhead(action, model.count_tokens, instruction)
    if action.apply_mode == ApplyMode.APPEND:
        room = model.context_tokens - overhead - CONTINUE_MAX_TOKENS
    else:
        room = int(
            (model.context_tokens - overhead - OUTPUT_SLACK_TOKENS) / (1 + action.output_ratio)
        )
    return max(16, min(action.chunk_tokens, room))


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


def _max_tokens(action: RewriteAction, model: TextModel, messages, body: str) -> int:
    if action.apply_mode == ApplyMode.APPEND:
        wanted = CONTINUE_MAX_TOKENS
    else:
        wanted = int(model.count_tokens(body) * action.output_ratio) + OUTPUT_SLACK_TOKENS
    used = sum(model.count_tokens(m["content"]) for m in messages) + 16
    return max(16, min(wanted, model.context_tokens - used))


def fit_to_chunk(action: RewriteAction, chunk: Chunk, cleaned: str) -> str:
    """Shape a chunk's cleaned reply so it drops into the document's structure.

    A rewrite gets the chunk's own paragraph breaks back; a rewrite of one paragraph (or of a
    piece of one) stays one paragraph, so a model that adds breaks cannot split the writer's
    paragraph. Continue writing loses any copy of the text it was given, and keeps one paragraph.
    """
    if action.apply_mode == ApplyMode.APPEND:
        paragraphs = [p for p, _ in split_paragraphs(drop_echo(cleaned, chunk.body))[1]]
        return paragraphs[0] if paragraphs else ""
    if chunk.paragraphs <= 1:
        paragraphs = [p for p, _ in split_paragraphs(cleaned)[1]]
        return " ".join(paragraphs) if len(paragraphs) > 1 else cleaned
    return restore_breaks(chunk, cleaned)


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
) -> str:
    """Run `job` on `model` in the calling thread and return the result.

    Updates the job's state, partial output and stats as it goes. `on_progress` and `on_partial`
    are called from this thread (throttled to ~20 per second). Raises `Cancelled` once
    `job.cancel_event` is set, `ModelError` with a one-line reason on failure.

    For the job store: `on_plan(chunks)` is called once the chunks are known, `on_chunk(index,
    result)` as each chunk finishes (also for a whitespace-only chunk, with ""). To resume, pass
    the stored `plan` and its `done_chunks` (index -> result): those chunks are not generated
    again. `done_chunks` needs the `plan` it was made with (`ValueError` otherwise).
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
        resume = _Resume(plan, dict(done_chunks or {}), on_plan, on_chunk)
        result = _run(job, model, on_progress, on_partial, resume)
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


def _run(
    job: RewriteJob,
    model: TextModel,
    on_progress: ProgressCallback,
    on_partial: PartialCallback,
    resume: _Resume,
) -> str:
    stats = job.stats
    action = job.definition

    def elapsed() -> float:
        return time.monotonic() - stats.created

    def check_cancel() -> None:
        if job.cancel_event.is_set():
            raise Cancelled("Rewrite cancelled.")

    check_cancel()
    paragraphs = count_paragraphs(job.original)
    if paragraphs == 0:
        raise ModelError("There is no text to rewrite.")
    reading = f"Reading {paragraphs} paragraph{'s' if paragraphs != 1 else ''}"
    on_progress(JobProgress(reading, None, None, 0, elapsed()))
    job.chunks = chunks = list(resume.plan) if resume.plan is not None else _plan(job, model)
    if resume.on_plan is not None:
        resume.on_plan(list(chunks))
    total = len(chunks)
    bodies: list[str] = []
    last_emit = 0.0

    def stage(index: int, tokens_here: int) -> str:
        timing = f"{tokens_here} token{'' if tokens_here == 1 else 's'}, {elapsed():.1f} s"
        if total == 1:
            return f"Drafting — {timing}" if tokens_here else reading
        prefix = f"Chunk {index + 1} of {total}"
        return f"{prefix} — {timing}" if tokens_here else f"{prefix} — reading"

    for index, chunk in enumerate(chunks):
        check_cancel()
        if index in resume.done:  # finished before an interruption: never generated again
            bodies.append(resume.done[index])
            continue
        if not chunk.body:
            bodies.append("")
            if resume.on_chunk is not None:
                resume.on_chunk(index, "")
            continue
        done_text = reassemble(chunks[:index], bodies) + chunk.lead
        on_progress(JobProgress(stage(index, 0), index, total, stats.tokens, elapsed()))
        messages = build_messages(action, chunk.body, job.instruction)
        request = GenerationRequest(
            messages=messages,
            max_tokens=_max_tokens(action, model, messages, chunk.body),
            stop=STOP,
            temperature=0.0,
            cancel=job.cancel_event,
            priority=Priority.BACKGROUND,
        )
        raw, tokens_here = "", 0
        stream = model.stream(request)
        try:
            for piece in stream:
                raw += piece.text
                tokens_here += 1
                stats.tokens += 1
                check_cancel()
                if tokens_here % LOOP_CHECK_EVERY == 0 and repetition_cut(raw, chunk.body):
                    break  # looping on one sentence: the rest would only be cut away
                now = time.monotonic()
                if stats.first_token_ms is None or now - last_emit >= THROTTLE_S:
                    shown = clean_partial(raw, chunk.body)
                    if shown and stats.first_token_ms is None:
                        stats.first_token_ms = (now - stats.created) * 1000
                    if now - last_emit >= THROTTLE_S:
                        last_emit = now
                        job.partial = done_text + shown
                        on_partial(job.partial)
                        progress = JobProgress(
                            stage(index, tokens_here), index, total, stats.tokens, elapsed()
                        )
                        on_progress(progress)
        finally:
            stream.close()
        check_cancel()
        cleaned = fit_to_chunk(action, chunk, clean_output(raw, chunk.body).strip())
        if not cleaned:
            where = f" for chunk {index + 1} of {total}" if total > 1 else ""
            raise ModelError(f"The model gave no usable text{where}; try again.")
        if stats.first_token_ms is None:  # the whole answer arrived within one throttle window
            stats.first_token_ms = elapsed() * 1000
        bodies.append(cleaned)
        if resume.on_chunk is not None:
            resume.on_chunk(index, cleaned)
        job.partial = reassemble(chunks[: index + 1], bodies)
        on_partial(job.partial)
        last_emit = time.monotonic()
    result = reassemble(chunks, bodies)
    done = f"Done — {stats.tokens} tokens, {elapsed():.1f} s"
    on_progress(JobProgress(done, total, total, stats.tokens, elapsed()))
    return result
