"""The job queue writes every job through to the store, resumes stored jobs, and lets go of texts.

A fake model (each reply the chunk in capitals) keeps these fast; the real model runs in
`tests/ui/rewrite/test_background_jobs.py`.
"""

from __future__ import annotations

import gc
import os
import tracemalloc

import pytest

from desktop_app.jobstore.records import StoredState, text_sha256
from desktop_app.jobstore.resume import RESUME_AT_START, open_at_startup
from desktop_app.jobstore.store import JobStore
from desktop_app.jobstore.writer import StoreWriter
from desktop_app.rewrite.chunking import PartialText
from desktop_app.rewrite.queue import JobQueue
from tests.desktop_app.rewrite.test_jobs_resume import TEXT, FakeModel


@pytest.fixture
def store_writer(tmp_path):
    store = JobStore.open(tmp_path / "jobs.sqlite")
    writer = StoreWriter(store)
    yield store, writer
    writer.close()
    store.close()


def _rss() -> int:
    """This process's resident memory in bytes (Linux), 0 where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def make_queue(model, writer) -> JobQueue:
    return JobQueue(lambda: model, store=writer)


def test_a_job_is_recorded_with_its_text_chunks_and_state(qtbot, store_writer):
    store, writer = store_writer
    model = FakeModel()
    queue = make_queue(model, writer)
    updates = []
    queue.job_partial.connect(lambda _id, update: updates.append(update))
    with qtbot.waitSignal(queue.job_finished, timeout=10_000):
        job = queue.submit("custom", TEXT, "shout", path="/tmp/doc.txt", target_start=0,
                           target_end=len(TEXT))  # fmt: skip
    assert writer.flush(10) and writer.failures == 0
    stored = store.get(queue.recorder.store_id(job.id))
    assert (stored.action, stored.instruction, stored.path) == ("custom", "shout", "/tmp/doc.txt")
    assert stored.original == TEXT and stored.target_sha256 == text_sha256(TEXT)
    assert stored.state == StoredState.FINISHED and stored.result == job.result == TEXT.upper()
    assert stored.chunk_count == len(job.chunks) == len(stored.chunk_results) == 5
    assert stored.finished is not None and stored.created <= stored.finished
    # Progress carried only what changed, and it adds up to the result.
    built = PartialText()
    for update in updates:
        built.apply(update)
    assert built.text() == job.result
    assert max(len(u.text) for u in updates) < len(TEXT) / 2
    assert queue.shutdown(5000)


def test_resume_skips_the_stored_chunks(qtbot, store_writer):
    store, writer = store_writer
    job_id = store.create("grammar", TEXT, path="/tmp/doc.txt", state=StoredState.RUNNING)
    first = FakeModel()
    from desktop_app.rewrite.jobs import RewriteJob, run_job_sync

    plan = []
    run_job_sync(RewriteJob("grammar", TEXT), first, on_plan=plan.extend)
    store.set_plan(job_id, plan)
    for index in (0, 1):
        store.record_chunk(job_id, index, f"KEPT {index}")
    store.set_state(job_id, StoredState.INTERRUPTED)

    model = FakeModel()
    queue = make_queue(model, writer)
    with qtbot.waitSignal(queue.job_finished, timeout=10_000):
        job = queue.resume(store.get(job_id))
    assert len(model.bodies) == 3  # only the three chunks not done before
    assert job.result.startswith("KEPT 0") and "KEPT 1" in job.result
    assert writer.flush(10)
    assert store.get(job_id).state == StoredState.FINISHED
    assert queue.shutdown(5000)


def test_quitting_to_finish_later_marks_jobs_to_resume_at_start(qtbot, store_writer, tmp_path):
    store, writer = store_writer
    model = FakeModel()
    queue = make_queue(model, writer)
    job = queue.submit("grammar", TEXT * 40, path="/tmp/doc.txt")  # 200 chunks: still running
    queue.interrupt_all()
    assert queue.shutdown(5000)
    assert writer.flush(10)
    stored = store.get(queue.recorder.store_id(job.id))
    assert stored.state == StoredState.INTERRUPTED and stored.error == RESUME_AT_START
    scan = open_at_startup(tmp_path / "jobs.sqlite")
    assert [j.id for j in scan.jobs] == [stored.id]


def test_memory_stays_flat_over_fifty_reviewed_jobs(qtbot, store_writer):
    store, writer = store_writer
    model = FakeModel()
    queue = make_queue(model, writer)
    text = TEXT * 10  # ~18 kB per job, 50 chunks

    def one_job() -> None:
        with qtbot.waitSignal(queue.job_finished, timeout=30_000) as done:
            queue.submit("grammar", text, path="/tmp/doc.txt")
        job_id = done.args[0]
        queue.recorder.applied(job_id)  # the writer chose Replace
        queue.forget(job_id)
        model.bodies.clear()  # the fake model's own record of its prompts

    one_job()  # warm caches
    assert writer.flush(30)
    gc.collect()
    rss_base = _rss()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(50):
        one_job()
    assert writer.flush(60)
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    rss = (_rss() - rss_base) / 1e6
    print(f"\nGrowth over 50 finished jobs of {len(text)} chars: Python heap {grown / 1e6:.2f} MB,"
          f" RSS {rss:.1f} MB")  # fmt: skip
    assert grown < 20e6
    assert queue.jobs() == []  # every job let go of its texts
    assert queue.shutdown(5000)


def test_a_job_stopped_because_its_document_closed_stays_resumable(qtbot, store_writer):
    store, writer = store_writer
    queue = make_queue(FakeModel(), writer)
    job = queue.submit("grammar", TEXT * 40, path="/tmp/doc.txt")  # 200 chunks: still running
    with qtbot.waitSignal(queue.job_cancelled, timeout=10_000):
        assert queue.interrupt(job.id)
    assert writer.flush(10)
    stored = store.get(queue.recorder.store_id(job.id))
    assert stored.state == StoredState.INTERRUPTED and stored.error is None  # offered: Resume
    assert queue.shutdown(5000)
