"""Rewrite jobs through the Qt queue with the real bundled SmolLM2: progress, partials, cancel."""

from __future__ import annotations

import time

import pytest

from desktop_app.bench import fidelity_measures as fm
from desktop_app.perf import PerfLog
from desktop_app.rewrite.actions import get_action
from desktop_app.rewrite.chunking import PartialText, chunk_text
from desktop_app.rewrite.jobs import (
    JobProgress,
    JobState,
    RewriteJob,
    chunk_budget,
    fit_to_chunk,
    run_job_sync,
)
from desktop_app.rewrite.queue import JobQueue
from models import registry
from models.factory import open_model
from models.local.model import LocalModel
from models.spec import ModelSpec

PARAGRAPH = (
    "Me and my team has been working on the new onboarding flow for about three weeks now. We "
    "was trying to make it more simpler for new users, but their is still alot of confusion "
    "about the first step. Alot of people dont understand why they need to verify there email "
    "before they can see the dashboard."
)
DOCUMENT = "\n\n".join(
    [
        PARAGRAPH,
        "The quarterly report is due on friday and their are still three sections missing from "
        "it. Sarah said she would wrote the finance part but she havent started yet, and the "
        "charts from marketing is still not in the shared folder where they should be.",
        "Next week we will meet with the design team to discuss the new colours. I think we "
        "should of chosen the blue palette from the begining, its more calmer and the customers "
        "seems to prefer it in every survey we done so far this year.",
        "Finally, the office will be close on monday for maintenance. Please make sure you takes "
        "your laptops home on friday evening, and dont leave any food in the fridge because the "
        "cleaners will throw it away.",
        "If you has any questions about any of this, ask your team lead or send a message in the "
        "general channel, and somebody will answer you as soon as they can.",
    ]
)


def assert_accounted_for(job: RewriteJob) -> None:
    """Every sentence of the original is in the result or the job warns; no number is new unwarned.

    Counted independently of the guard (the fidelity benchmark's measures), so a loss the guard
    missed fails here.
    """
    retained, counted = fm.retention(job.original, job.result)
    new_numbers = fm.numbers(job.result) - fm.numbers(job.original)
    warned = bool(job.warnings)
    assert retained == counted or warned, (job.result, job.warnings)
    assert not new_numbers or warned, (new_numbers, job.result)
    for report in job.reports:  # a chunk kept as it was always says why
        assert not report.kept_original or report.warnings


@pytest.fixture(scope="module")
def smollm2(tmp_path_factory):
    path = registry.bundled_path(registry.SMOLLM2_ID, tmp_path_factory.mktemp("unused"))
    model = LocalModel(path, n_ctx=2048, name="SmolLM2")
    yield model
    model.close()


class Recorder:
    """Every signal of a queue, in arrival order, with arrival times."""

    def __init__(self, queue: JobQueue) -> None:
        self.events: list[tuple[str, int, object, float]] = []
        for name in ("job_added", "job_cancelled"):
            getattr(queue, name).connect(lambda jid, n=name: self._add(n, jid, None))
        for name in ("job_progress", "job_partial", "job_finished", "job_failed"):
            getattr(queue, name).connect(lambda jid, value, n=name: self._add(n, jid, value))

    def _add(self, name: str, job_id: int, value: object) -> None:
        self.events.append((name, job_id, value, time.monotonic()))

    def of(self, job_id: int, name: str | None = None) -> list[tuple[str, int, object, float]]:
        return [e for e in self.events if e[1] == job_id and (name is None or e[0] == name)]

    def names(self, job_id: int) -> list[str]:
        return [e[0] for e in self.of(job_id)]


@pytest.fixture
def make_queue(qtbot):
    queues: list[JobQueue] = []

    def make(provider, **kwargs) -> tuple[JobQueue, Recorder]:
        queue = JobQueue(provider, **kwargs)
        queues.append(queue)
        return queue, Recorder(queue)

    yield make
    for queue in queues:
        assert queue.shutdown(10000)  # workers drained before the model closes


def test_a_real_rewrite_reports_progress_in_order_and_streams_partials(smollm2, make_queue, qtbot):
    perf = PerfLog()
    queue, rec = make_queue(lambda: smollm2, perf_log=perf)
    with qtbot.waitSignal(queue.job_progress, timeout=100) as first:
        submitted = time.monotonic()
        job = queue.submit("grammar", PARAGRAPH)
    assert first.args[0] == job.id
    with qtbot.waitSignal(queue.job_finished, timeout=60000) as done:
        pass
    assert done.args == [job.id, job.result]

    names = rec.names(job.id)
    assert names[0] == "job_added" and names[1] == "job_progress" and names[-1] == "job_finished"
    assert rec.of(job.id, "job_progress")[0][3] - submitted < 0.1
    stages = [e[2].stage for e in rec.of(job.id, "job_progress")]
    assert stages[0] == "Starting"
    assert stages[1] == "Reading 1 paragraph"
    assert any(s.startswith("Drafting — ") and s.endswith(" s") for s in stages), stages
    assert stages[-1].startswith("Done — ")
    progress: list[JobProgress] = [e[2] for e in rec.of(job.id, "job_progress")]
    assert [p.tokens for p in progress] == sorted(p.tokens for p in progress)
    assert all(p.fraction is None for p in progress)  # one chunk: no invented percentage

    partials = [e for e in rec.of(job.id, "job_partial")]
    built = PartialText()
    for event in partials:
        built.apply(event[2])
    # Only what changed travels (never the whole text), and it adds up to the result.
    assert partials and partials[-1][2].final and built.text() == job.result
    # Partial texts grow as tokens arrive, at most ~20 per second.
    span = partials[-1][3] - partials[0][3]
    assert len(partials) <= span * 20 + 3
    assert len(partials[0][2].text) < len(job.result)

    assert job.state is JobState.DONE and job.result.strip()
    assert_accounted_for(job)
    stats = job.stats
    assert 0 < stats.first_token_ms <= stats.final_ms and stats.tokens > 10
    assert perf.summary()["grammar"]["count"] == 1


def test_a_document_is_rewritten_chunk_by_chunk_keeping_paragraph_breaks(smollm2):
    job = RewriteJob("grammar", f"\n{DOCUMENT}\n")
    progress: list[JobProgress] = []
    result = run_job_sync(job, smollm2, on_progress=progress.append)
    assert len(job.chunks) >= 2
    assert job.chunks[0].lead == "\n" and result.startswith("\n") and result.endswith(".\n")
    chunked = [p for p in progress if p.chunks_total == len(job.chunks)]
    assert chunked and chunked[-1].fraction == 1.0
    assert [p.chunks_done for p in chunked] == sorted(p.chunks_done for p in chunked)
    assert any(p.stage.startswith(f"Chunk 2 of {len(job.chunks)}") for p in chunked)
    # Chunk boundaries keep their exact separators; no paragraph is glued to the next.
    body = result.strip("\n")
    assert "\n\n\n" not in body and body.count("\n\n") >= len(job.chunks) - 1
    assert all(line.strip() for line in body.split("\n\n"))
    assert_accounted_for(job)
    assert len(job.reports) == len(job.chunks)  # the guard looked at every chunk


def test_chunks_fit_the_context_with_room_for_the_reply(smollm2):
    for action_id in ("grammar", "summarize", "continue"):
        budget = chunk_budget(get_action(action_id), smollm2, None)
        assert 16 <= budget <= smollm2.context_tokens // 2


def test_replies_are_fitted_to_the_chunks_structure():
    def count(text: str) -> int:
        return len(text.split())

    one = chunk_text("A single paragraph here.", 50, count)[0]
    grammar, cont = get_action("grammar"), get_action("continue")
    assert fit_to_chunk(grammar, one, "A single\n\nparagraph here.") == "A single paragraph here."
    two = chunk_text("First one.\n\n\nSecond one.", 50, count)[0]
    assert fit_to_chunk(grammar, two, "First.\nSecond.") == "First.\n\n\nSecond."
    context = chunk_text("She opened the door. The room was dark.", 50, count)[0]
    reply = "She opened the door. The room was dark. A cat slept by the fire.\n\nThen more."
    assert fit_to_chunk(cont, context, reply) == "A cat slept by the fire."
    assert fit_to_chunk(cont, context, "She opened the door.") == ""


def test_cancel_mid_stream_stops_without_a_result(smollm2, make_queue, qtbot):
    queue, rec = make_queue(lambda: smollm2)
    job = queue.submit("friendly", DOCUMENT)
    qtbot.waitUntil(lambda: bool(rec.of(job.id, "job_partial")), timeout=30000)
    with qtbot.waitSignal(queue.job_cancelled, timeout=2000) as cancelled:
        assert queue.cancel(job.id)
    assert cancelled.args == [job.id]
    qtbot.wait(200)  # nothing more may arrive for this job
    assert rec.names(job.id)[-1] == "job_cancelled"
    assert "job_finished" not in rec.names(job.id)
    assert job.state is JobState.CANCELLED and job.result is None
    assert not queue.cancel(job.id)  # already over
    # Try again: the same action on the same text, as a new job that runs to the end.
    with qtbot.waitSignal(queue.job_finished, timeout=60000) as again:
        retry = queue.resubmit(job.id)
    assert retry.id != job.id and (retry.action, retry.original) == ("friendly", DOCUMENT)
    assert again.args == [retry.id, retry.result]


def test_a_cancelled_queued_job_never_runs(smollm2, make_queue, qtbot):
    calls: list[float] = []

    def provider():
        calls.append(time.monotonic())
        return smollm2

    queue, rec = make_queue(provider)
    first = queue.submit("concise", PARAGRAPH)
    second = queue.submit("formal", PARAGRAPH)
    third = queue.submit("summarize", PARAGRAPH)
    qtbot.waitUntil(lambda: len(rec.of(third.id, "job_progress")) >= 1, timeout=1000)
    assert rec.of(second.id, "job_progress")[0][2].stage == "Queued, 1 ahead"
    assert rec.of(third.id, "job_progress")[0][2].stage == "Queued, 2 ahead"
    with qtbot.waitSignal(queue.job_cancelled, timeout=1000):
        queue.cancel(second.id)
    # The job behind it moves up.
    qtbot.waitUntil(
        lambda: rec.of(third.id, "job_progress")[-1][2].stage == "Queued, 1 ahead", timeout=1000
    )
    qtbot.waitUntil(lambda: third.finished, timeout=60000)
    assert first.state is JobState.DONE and third.state is JobState.DONE
    assert second.state is JobState.CANCELLED
    assert rec.names(second.id) == ["job_added", "job_progress", "job_cancelled"]
    assert len(calls) == 2  # the model was asked for only by the jobs that ran


def test_no_model_fails_the_job_with_a_reason(make_queue, qtbot):
    queue, rec = make_queue(lambda: None)
    with qtbot.waitSignal(queue.job_failed, timeout=5000) as failed:
        job = queue.submit("grammar", PARAGRAPH)
    assert failed.args == [job.id, "No rewrite model is available."]
    assert job.state is JobState.FAILED and job.result is None


def test_a_missing_model_file_fails_the_job_with_its_reason(tmp_path, make_queue, qtbot):
    spec = ModelSpec(kind="gguf", path=str(tmp_path / "gone.gguf"))
    queue, _ = make_queue(lambda: open_model(spec, role="rewrite", models_dir=tmp_path))
    with qtbot.waitSignal(queue.job_failed, timeout=5000) as failed:
        queue.submit("grammar", PARAGRAPH)
    reason = failed.args[1]
    assert "gone.gguf" in reason and "\n" not in reason


def test_custom_without_instruction_and_unknown_actions_are_refused_at_submit(make_queue):
    queue, _ = make_queue(lambda: None)
    with pytest.raises(ValueError):
        queue.submit("custom", PARAGRAPH, "  ")
    with pytest.raises(KeyError):
        queue.submit("poem", PARAGRAPH)
    assert queue.jobs() == []


def test_empty_text_fails_honestly(smollm2):
    with pytest.raises(Exception, match="no text to rewrite"):
        run_job_sync(RewriteJob("grammar", "  \n\n "), smollm2)
