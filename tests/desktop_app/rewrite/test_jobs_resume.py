"""`run_job_sync` with the job store: finished chunks are recorded, and skipped on resume.

A fake model (one word per token, each reply the chunk's text in capitals) keeps these tests fast;
the real-model job tests are in `test_jobs.py`.
"""

from __future__ import annotations

import re
import threading

import pytest

from desktop_app.jobstore.records import StoredState
from desktop_app.jobstore.store import JobStore
from desktop_app.jobstore.writer import StoreWriter
from desktop_app.rewrite.chunking import reassemble
from desktop_app.rewrite.jobs import RewriteJob, run_job_sync
from models.base import Cancelled, Piece

PARAGRAPHS = [" ".join(f"p{n}w{i}" for i in range(60)) + "." for n in range(5)]
TEXT = "\n\n".join(PARAGRAPHS) + "\n"
_TEXT_TAG = re.compile(r"<text>\n?(.*?)\n?</text>", re.S)


class _Stream(list):
    def close(self) -> None:
        pass


class FakeModel:
    """Replies with the text it was given, in capitals, one word per piece."""

    name = "fake"
    context_tokens = 2048

    def __init__(self, cancel_after: int | None = None, cancel: threading.Event | None = None):
        self.bodies: list[str] = []  # the chunk bodies it was asked to rewrite, in order
        self._cancel_after, self._cancel = cancel_after, cancel

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def stream(self, request):
        body = _TEXT_TAG.search(request.messages[-1]["content"]).group(1).strip()
        self.bodies.append(body)
        if self._cancel_after is not None and len(self.bodies) > self._cancel_after:
            self._cancel.set()  # the writer quits while this chunk is generating
        words = body.upper().split(" ")
        return _Stream([Piece(w if i == 0 else " " + w) for i, w in enumerate(words)])

    def close(self) -> None:
        pass


def test_default_behaviour_is_unchanged():
    model = FakeModel()
    result = run_job_sync(RewriteJob("grammar", TEXT), model)
    assert result == TEXT.upper()
    assert len(model.bodies) == 5


def test_chunks_are_recorded_then_skipped_on_resume(tmp_path):
    store = JobStore.open(tmp_path / "jobs.sqlite")
    writer = StoreWriter(store)
    job = RewriteJob("grammar", TEXT)
    job_id = writer.create(job.action, job.original, path="doc.txt")
    writer.set_state(job_id, StoredState.RUNNING)
    model = FakeModel(cancel_after=3, cancel=job.cancel_event)  # the 4th chunk is cut short
    with pytest.raises(Cancelled):
        run_job_sync(
            job, model,
            on_plan=lambda chunks: writer.set_plan(job_id, chunks),
            on_chunk=lambda index, result: writer.record_chunk(job_id, index, result),
        )  # fmt: skip
    assert writer.flush(10) and writer.failures == 0
    writer.close()
    store.close()

    # As after a crash: the three finished chunks are in the store, the fourth is not.
    store = JobStore.open(tmp_path / "jobs.sqlite")
    stored = store.get(job_id)
    assert stored.chunk_count == 5 and set(stored.chunk_results) == {0, 1, 2}
    assert stored.chunk_results[1] == PARAGRAPHS[1].upper()
    resumed_job = RewriteJob(stored.action, stored.original, stored.instruction)
    recorded: dict[int, str] = {}
    again = FakeModel()
    result = run_job_sync(
        resumed_job, again, plan=stored.plan, done_chunks=stored.chunk_results,
        on_chunk=lambda index, text: recorded.__setitem__(index, text),
    )  # fmt: skip
    assert again.bodies == PARAGRAPHS[3:]  # only the chunks not yet done were generated
    assert set(recorded) == {3, 4}
    assert result == TEXT.upper()
    assert result == reassemble(
        stored.plan, [{**stored.chunk_results, **recorded}[i] for i in range(5)]
    )
    store.close()


def test_resume_needs_its_plan():
    with pytest.raises(ValueError):
        run_job_sync(RewriteJob("grammar", TEXT), FakeModel(), done_chunks={0: "X"})
    job = RewriteJob("grammar", TEXT)
    run_job_sync(job, FakeModel())
    with pytest.raises(ValueError):
        run_job_sync(
            RewriteJob("grammar", TEXT), FakeModel(), plan=job.chunks, done_chunks={9: "X"}
        )
