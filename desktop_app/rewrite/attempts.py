"""One step of a rewrite job: ask the model, clean the reply, check it with the guard, retry once.

A step is one chunk of the writer's text, or (for a whole-document summary) the combining of the
part summaries. `run_step` streams the model's reply, shapes it for the chunk, and has the guard
check it against its source. A rejected reply is asked for once more with other sampling (a
higher temperature and a seed derived from the job, its draft number and the attempt); if that
is rejected too, the step has no result and the caller keeps the original, with the reasons.
Draft 1 samples greedily; every later draft (Try Again) samples with its own seed, so it differs.
`one_summary` is a whole-document summary's second stage: the part summaries combined into one.

Nothing here imports Qt; `desktop_app.rewrite.jobs` drives the steps.
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from desktop_app.rewrite.actions import ApplyMode, RewriteAction
from desktop_app.rewrite.chunking import Chunk, chunk_text, restore_breaks, split_paragraphs
from desktop_app.rewrite.cleanup import clean_output, clean_partial, drop_echo, repetition_cut
from desktop_app.rewrite.guard import GuardWarning, check, verdict
from desktop_app.rewrite.guard.facts import content_stems
from desktop_app.rewrite.prompts import build_messages, prompt_overhead
from desktop_app.rewrite.reports import COMBINE, ChunkReport
from models.base import Cancelled, GenerationRequest, ModelError, Priority, TextModel

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
# Sampling for a retry and for every draft after the first: varied, still on topic.
RETRY_TEMPERATURE = 0.7
EMPTY = GuardWarning("empty", "the result is empty", "reject")

_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*(?=\s|$)")


def step_seed(job_id: int, draft: int, attempt: int) -> int:
    """The sampling seed of one attempt: fixed by the job, its draft number and the attempt."""
    return zlib.crc32(f"inkling/{job_id}/{draft}/{attempt}".encode()) & 0x7FFFFFFF


def sampling(job_id: int, draft: int, attempt: int) -> tuple[float, int | None]:
    """(temperature, seed): greedy for a first draft's first attempt, seeded sampling after."""
    if draft <= 1 and attempt <= 1:
        return 0.0, None
    return RETRY_TEMPERATURE, step_seed(job_id, draft, attempt)


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


def max_tokens(action: RewriteAction, model: TextModel, messages, body: str) -> int:
    """The reply budget: proportional to the body, never beyond the model's context."""
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
    paragraph. Continue writing loses any copy of the text it was given, keeps one paragraph,
    and ends at its last whole sentence (its budget may cut the paragraph off).
    """
    if action.apply_mode == ApplyMode.APPEND:
        paragraphs = [p for p, _ in split_paragraphs(drop_echo(cleaned, chunk.body))[1]]
        return whole_sentences(paragraphs[0]) if paragraphs else ""
    if chunk.paragraphs <= 1:
        return one_paragraph(cleaned)
    return restore_breaks(chunk, cleaned)


def one_paragraph(text: str) -> str:
    """`text` with its paragraphs joined into one (a reply that must stay one paragraph)."""
    paragraphs = [p for p, _ in split_paragraphs(text)[1]]
    return " ".join(paragraphs) if len(paragraphs) > 1 else text


def whole_sentences(text: str) -> str:
    """`text` up to its last sentence end, if it has one and stops mid-sentence after it."""
    ends = list(_SENTENCE_END.finditer(text))
    if not ends or ends[-1].end() >= len(text.rstrip()):
        return text
    return text[: ends[-1].end()]


@dataclass(frozen=True)
class Step:
    """One generation to run: what the model reads, what the guard compares with, and labels."""

    action: RewriteAction  # the prompt to use
    body: str  # the text the model works on
    shape: Callable[[str], str]  # fits the cleaned reply to its place
    label: str  # "Chunk 2 of 5", "Summarizing part 2 of 5", "Combining 5 summaries"; "" alone
    idle: str  # the stage shown before the first token of a first attempt
    index: int = 0  # the chunk's index in the job's plan (the parts' count when combining)
    lead: str = ""  # whitespace the step's text follows in the result
    before: str = ""  # the job's text already finished, shown ahead of this step's output
    done: int = 0  # steps finished before this one, and all steps (for the progress fraction)
    total: int = 1
    instruction: str | None = None


@dataclass(frozen=True)
class Outcome:
    """A step's result: the text to use (None when both attempts were rejected) and why."""

    text: str | None
    warnings: tuple[GuardWarning, ...]  # of the text used, or the reasons none is used
    attempts: int


Report = Callable[[str, int, int], None]  # (stage, steps done, steps total)


@dataclass
class Session:
    """What every step of one job shares: the model, the job's identity, callbacks and timing."""

    model: TextModel
    stats: object  # the job's `JobStats` (tokens, first_token_ms, created)
    cancel: threading.Event
    job_id: int
    draft: int
    report: Report
    show: Callable[[Step, str], None]  # a step's cleaned text so far, for review
    guard: bool = True
    last_emit: float = field(default=0.0)

    def elapsed(self) -> float:
        """Seconds since the job was submitted."""
        return time.monotonic() - self.stats.created

    def check_cancel(self) -> None:
        """Raise `Cancelled` once the job was cancelled."""
        if self.cancel.is_set():
            raise Cancelled("Rewrite cancelled.")


def run_step(session: Session, step: Step, check_as: str, source: str) -> Outcome:
    """Generate `step`, guard it as action `check_as` against `source`, retry once if rejected."""
    first = _generate(session, step, 1, None)
    if not session.guard:
        return Outcome(first, (), 1) if first else Outcome(None, (EMPTY,), 1)
    warnings = check(check_as, source, first)
    if verdict(warnings) != "reject":
        return Outcome(first, tuple(warnings), 1)
    second = _generate(session, step, 2, reason(warnings))
    again = check(check_as, source, second)
    if verdict(again) != "reject":
        return Outcome(second, tuple(again), 2)
    rejects = [w for w in (*warnings, *again) if w.severity == "reject"]
    unique = tuple({w.message: w for w in rejects}.values())
    return Outcome(None, unique, 2)


def reason(warnings: Sequence[GuardWarning]) -> str:
    """The words for why a result was rejected: its first rejecting warnings, joined."""
    rejects = [w.message for w in warnings if w.severity == "reject"]
    shown = list(dict.fromkeys(rejects))[:2]
    return "; ".join(shown) if shown else "the result was not usable"


def _heading(session: Session, step: Step, retry: str | None) -> Callable[[int], str]:
    if retry is None:
        label = step.label or "Drafting"
    else:
        label = f"{step.label}, retrying: {retry}" if step.label else f"Retrying: {retry}"

    def heading(tokens: int) -> str:
        if not tokens:
            return label if retry is not None else step.idle
        timing = f"{tokens} token{'' if tokens == 1 else 's'}, {session.elapsed():.1f} s"
        return f"{label} — {timing}"

    return heading


def _generate(session: Session, step: Step, attempt: int, retry: str | None) -> str:
    """Stream one attempt of `step`, with throttled partials and progress; the shaped reply."""
    model, stats = session.model, session.stats
    heading = _heading(session, step, retry)
    session.check_cancel()
    session.report(heading(0), step.done, step.total)
    messages = build_messages(step.action, step.body, step.instruction)
    temperature, seed = sampling(session.job_id, session.draft, attempt)
    request = GenerationRequest(
        messages=messages,
        max_tokens=max_tokens(step.action, model, messages, step.body),
        stop=STOP,
        temperature=temperature,
        seed=seed,
        cancel=session.cancel,
        priority=Priority.BACKGROUND,
    )
    raw, tokens_here = "", 0
    stream = model.stream(request)
    try:
        for piece in stream:
            raw += piece.text
            tokens_here += 1
            stats.tokens += 1
            session.check_cancel()
            if tokens_here % LOOP_CHECK_EVERY == 0 and repetition_cut(raw, step.body):
                break  # looping on one sentence: the rest would only be cut away
            now = time.monotonic()
            if stats.first_token_ms is None or now - session.last_emit >= THROTTLE_S:
                shown = clean_partial(raw, step.body)
                if shown and stats.first_token_ms is None:
                    stats.first_token_ms = (now - stats.created) * 1000
                if now - session.last_emit >= THROTTLE_S:
                    session.last_emit = now
                    session.show(step, shown)
                    session.report(heading(tokens_here), step.done, step.total)
    finally:
        stream.close()
    session.check_cancel()
    if stats.first_token_ms is None:  # the whole answer arrived within one throttle window
        stats.first_token_ms = session.elapsed() * 1000
    return step.shape(clean_output(raw, step.body).strip())


# A whole-document summary combines its part summaries in at most this many rounds.
COMBINE_ROUNDS = 3


def one_summary(job, session: Session, chunks: list[Chunk], bodies: list[str], steps: int) -> str:
    """A whole-document summary's second stage: the part summaries in `bodies` combined into
    one by the model (in rounds while they are too long to read at once). Records a report per
    combining step on `job` (a `RewriteJob`); raises `ModelError` when no part was summarized."""
    parts = [body for body in bodies if body.strip()]
    if not parts:
        reasons = "; ".join(dict.fromkeys(w.message for r in job.reports for w in r.warnings))
        raise ModelError(f"No summary could be made: {reasons or 'the result is empty'}.")
    lead, trail = chunks[0].lead, chunks[-1].trail
    action, model = job.definition, session.model
    budget = chunk_budget(action, model, None)
    for _round in range(COMBINE_ROUNDS):
        if len(parts) == 1:
            break
        joined = "\n\n".join(parts)
        groups = [c.body for c in chunk_text(joined, budget, model.count_tokens) if c.body]
        combined = []
        for number, group in enumerate(groups):
            count = len(group.split("\n\n"))
            if count == 1:  # a group of one part summary: nothing to combine
                combined.append(group)
                continue
            label = f"Combining {count} summaries"
            if len(groups) > 1:
                label += f" (group {number + 1} of {len(groups)})"
            step = Step(
                action,
                group,
                one_paragraph,
                label,
                f"{label} — reading",
                index=len(chunks),
                lead=lead,
                done=steps - 1,
                total=steps,
            )
            outcome = run_step(session, step, "summarize", group)
            warnings = outcome.warnings + _parts_left_out(group, outcome.text)
            report = ChunkReport(
                count, 1, warnings, outcome.text is None, outcome.attempts, stage=COMBINE
            )
            job.reports.append(report)
            combined.append(outcome.text if outcome.text is not None else group)
        if len(combined) >= len(parts):
            break  # no progress: show the parts rather than loop
        parts = combined
    return lead + "\n\n".join(parts) + trail


def _parts_left_out(group: str, combined: str | None) -> tuple[GuardWarning, ...]:
    """A warning when the combined summary shares next to nothing with some part summaries."""
    if combined is None:
        return ()
    present = content_stems(combined)
    parts = group.split("\n\n")
    lost = [
        number
        for number, part in enumerate(parts, 1)
        if (keys := content_stems(part)) and len(keys & present) / len(keys) < 0.2
    ]
    if not lost:
        return ()
    shown = ", ".join(map(str, lost))
    message = f"it leaves out part{'s' if len(lost) > 1 else ''} {shown} of {len(parts)}"
    return (GuardWarning("parts_left_out", message, "warn"),)
