"""The durable job store: round trips, kill -9 mid-write, corrupt files, pruning, the writer thread."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop_app.jobstore.records import StoredState, is_orphaned, text_sha256
from desktop_app.jobstore.store import FILE_NAME, JobStore, default_path
from desktop_app.jobstore.writer import StoreWriter
from desktop_app.rewrite.chunking import chunk_text, reassemble
from tests.desktop_app.jobstore.store_child import chunk_text as child_chunk

REPO = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("store_child.py")
DAY = 86400
TEXT = "First paragraph here.\n\nSecond one, a bit longer.\n\nThird.\n\nFourth and last.\n"


def words(text: str) -> int:
    return len(text.split())


@pytest.fixture
def store(tmp_path):
    opened = JobStore.open(tmp_path / FILE_NAME)
    assert opened.recovered_from is None
    yield opened
    opened.close()


def _set_owner(path: Path, job_id: str, owner: str, updated: float | None = None) -> None:
    """Pretend another process owns `job_id` (as a second window or a dead one would)."""
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE jobs SET owner = ? WHERE id = ?", (owner, job_id))
        if updated is not None:
            conn.execute("UPDATE jobs SET updated = ? WHERE id = ?", (updated, job_id))
    conn.close()


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(proc.stdout)


def test_default_path_is_in_the_data_folder():
    path = default_path()
    assert path.name == FILE_NAME
    assert path.parent == Path(os.environ["INKLING_DATA_DIR"]) / "data"


def test_round_trip_of_a_job_with_chunks(store, tmp_path):
    plan = chunk_text(TEXT, 6, words)
    assert len(plan) >= 3
    job_id = store.create(
        "custom", TEXT, instruction="use British spelling", path=tmp_path / "notes.txt",
        target_start=10, target_end=10 + len(TEXT), chunks=plan,
    )  # fmt: skip
    store.set_state(job_id, StoredState.RUNNING)
    bodies = [f"Rewritten {i}." for i in range(len(plan))]
    for index, body in enumerate(bodies[:-1]):
        store.record_chunk(job_id, index, body)

    job = store.get(job_id)
    assert job.action == "custom" and job.instruction == "use British spelling"
    assert job.path == str(tmp_path / "notes.txt")
    assert job.original == TEXT and job.target_sha256 == text_sha256(TEXT)
    assert (job.target_start, job.target_end) == (10, 10 + len(TEXT))
    assert job.plan == tuple(plan) and reassemble(job.plan) == TEXT
    assert job.chunk_count == len(plan) and job.chunks_done == len(plan) - 1
    assert job.chunk_results == dict(enumerate(bodies[:-1]))
    assert job.state == StoredState.RUNNING and job.finished is None and job.draft is None
    assert not job.target_changed(TEXT) and job.target_changed(TEXT + "x")

    store.record_chunk(job_id, len(plan) - 1, bodies[-1])
    assert store.get(job_id).draft == reassemble(plan, bodies)
    store.set_state(job_id, StoredState.FINISHED, result="The final text.")
    job = store.get(job_id)
    assert job.state == StoredState.FINISHED and job.draft == "The final text."
    assert job.finished is not None and job.created <= job.updated and not job.seen
    store.mark_seen(job_id)
    assert store.get(job_id).seen

    assert store.get("no-such-job") is None
    with pytest.raises(KeyError):
        store.record_chunk("no-such-job", 0, "x")
    with pytest.raises(ValueError):
        store.record_chunk(job_id, len(plan), "beyond the plan")
    with pytest.raises(KeyError):
        store.set_state("no-such-job", StoredState.FAILED)


def test_list_filters_by_state_and_document(store, tmp_path):
    a = store.create("grammar", "a", path=tmp_path / "a.txt")
    b = store.create("concise", "b", path=tmp_path / "b.txt")
    c = store.create("formal", "c")
    store.set_state(b, StoredState.FINISHED, result="B")
    assert {j.id for j in store.list()} == {a, b, c}
    assert [j.id for j in store.list(states=[StoredState.FINISHED])] == [b]
    assert [j.id for j in store.list(states=["queued"], path=tmp_path / "a.txt")] == [a]
    # A relative spelling of the same file finds the same jobs.
    os.chdir(tmp_path)
    assert [j.id for j in store.list(path="b.txt")] == [b]
    assert store.list(path=tmp_path / "missing.txt") == []


def test_chunks_survive_closing_and_reopening(tmp_path):
    path = tmp_path / FILE_NAME
    first = JobStore.open(path)
    plan = chunk_text(TEXT, 6, words)
    job_id = first.create("grammar", TEXT, chunks=plan)
    for index in range(len(plan)):
        first.record_chunk(job_id, index, f"chunk {index}")
    first.close()
    again = JobStore.open(path)
    assert again.recovered_from is None
    assert again.finished_chunks(job_id) == {i: f"chunk {i}" for i in range(len(plan))}
    assert again.get(job_id).plan == tuple(plan)
    again.close()


def test_set_plan_after_submission(store):
    job_id = store.create("grammar", TEXT)
    assert store.get(job_id).plan is None and store.get(job_id).chunk_count is None
    store.record_chunk(job_id, 5, "no plan yet: any index is kept")
    plan = chunk_text(TEXT, 6, words)
    store.set_plan(job_id, plan)
    assert store.get(job_id).plan == tuple(plan)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode", ["direct", "writer"])
def test_kill_9_mid_write_keeps_every_reported_chunk(tmp_path, mode):
    path = tmp_path / FILE_NAME
    reported_needed = 25
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(path), mode],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert proc.stdout is not None
    head = proc.stdout.readline().split()
    assert head[0] == "job", head
    job_id = head[1]
    reported: list[int] = []
    while len(reported) < reported_needed:  # wait on the pipe, not on the clock
        line = proc.stdout.readline()
        assert line, f"the child ended early (status {proc.poll()})"
        reported.append(int(line.split()[1]))
    os.kill(proc.pid, signal.SIGKILL)  # the child is writing the next chunk right now
    for line in proc.stdout.read().splitlines():  # lines written before the kill landed
        if line.startswith("chunk "):
            reported.append(int(line.split()[1]))
    proc.wait()
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert reported == list(range(len(reported)))

    store = JobStore.open(path)
    assert store.recovered_from is None
    chunks = store.finished_chunks(job_id)
    for index in reported:
        assert chunks[index] == child_chunk(index)
    # At most the one write in flight got in unreported; nothing half-written.
    assert sorted(chunks) == list(range(len(chunks)))
    assert len(reported) <= len(chunks) <= len(reported) + 1
    assert all(text == child_chunk(i) for i, text in chunks.items())
    assert store.get(job_id).state == StoredState.RUNNING
    assert store.mark_running_as_interrupted() == [job_id]
    assert store.get(job_id).state == StoredState.INTERRUPTED
    store.close()


def _assert_fresh_and_working(store: JobStore) -> None:
    assert store.list() == []
    job_id = store.create("grammar", "works again")
    store.record_chunk(job_id, 0, "yes")
    assert store.finished_chunks(job_id) == {0: "yes"}


def test_random_bytes_are_moved_aside(tmp_path):
    path = tmp_path / FILE_NAME
    junk = os.urandom(16384)
    path.write_bytes(junk)
    Path(f"{path}-wal").write_bytes(os.urandom(4096))
    store = JobStore.open(path)
    assert store.recovered_from and "moved to" in store.recovered_from
    asides = sorted(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    main = [p for p in asides if not p.name.endswith(("-wal", "-shm"))]
    assert len(main) == 1 and main[0].read_bytes() == junk
    assert str(main[0]) in store.recovered_from
    assert Path(f"{main[0]}-wal").exists()  # the stale log went with it, not into the new store
    _assert_fresh_and_working(store)
    store.close()
    assert JobStore.open(path).recovered_from is None


def test_truncated_database_is_moved_aside(tmp_path):
    path = tmp_path / FILE_NAME
    store = JobStore.open(path)
    for n in range(200):
        job_id = store.create("grammar", f"document {n} " * 200)
        store.record_chunk(job_id, 0, f"result {n} " * 100)
    store.close()  # the last connection checkpoints the log into the file
    size = path.stat().st_size
    assert size > 100_000
    with open(path, "r+b") as file:
        file.truncate(size // 2)
    again = JobStore.open(path)
    assert again.recovered_from is not None
    assert len(list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))) >= 1
    _assert_fresh_and_working(again)
    again.close()


def test_unusable_location_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    store = JobStore.open(blocker / FILE_NAME)
    assert store.recovered_from and "cannot be kept across restarts" in store.recovered_from
    _assert_fresh_and_working(store)
    writer = StoreWriter(store)  # another thread's connection sees the same memory store
    job_id = writer.create("concise", "in memory")
    assert writer.flush(5) and writer.failures == 0
    assert store.get(job_id).original == "in memory"
    writer.close()
    store.close()


def test_prune_keeps_unfinished_work_of_any_age(store):
    ids = {state: store.create("grammar", state.value) for state in StoredState}
    for state, job_id in ids.items():
        if state != StoredState.QUEUED:
            store.set_state(job_id, state)
        store.record_chunk(job_id, 0, "chunk")
    assert store.prune() == 2  # applied and discarded go at once
    settled = {StoredState.APPLIED, StoredState.DISCARDED}
    assert {j.state for j in store.list()} == set(StoredState) - settled

    assert store.prune(now=time.time() + 29 * DAY) == 0  # finished drafts wait 30 days
    assert store.prune(now=time.time() + 31 * DAY) == 3  # finished, failed, cancelled
    left = {j.state for j in store.list()}
    assert left == {StoredState.QUEUED, StoredState.RUNNING, StoredState.INTERRUPTED}
    assert store.prune(now=time.time() + 3650 * DAY) == 0
    for state in (StoredState.FINISHED, StoredState.APPLIED):
        assert store.finished_chunks(ids[state]) == {}  # their chunks went with them


def test_mark_running_as_interrupted(store):
    mine = store.create("grammar", "mine")
    store.set_state(mine, StoredState.RUNNING)
    dead_running = store.create("grammar", "dead running")
    store.set_state(dead_running, StoredState.RUNNING)
    dead_queued = store.create("grammar", "dead queued")
    live = store.create("grammar", "a second window's")
    store.set_state(live, StoredState.RUNNING)
    stale = store.create("grammar", "silent for a day")
    store.set_state(stale, StoredState.RUNNING)
    done = store.create("grammar", "finished")
    store.set_state(done, StoredState.FINISHED)
    pid = _dead_pid()
    _set_owner(store.path, dead_running, f"{pid}:old-token")
    _set_owner(store.path, dead_queued, f"{pid}:old-token")
    _set_owner(store.path, live, f"{os.getppid()}:other-token")
    _set_owner(store.path, stale, f"{os.getppid()}:other-token", updated=time.time() - 2 * DAY)
    _set_owner(store.path, done, f"{pid}:old-token")

    assert sorted(store.mark_running_as_interrupted()) == sorted([dead_running, dead_queued, stale])
    states = {j.id: j.state for j in store.list()}
    assert states[mine] == StoredState.RUNNING and states[live] == StoredState.RUNNING
    assert states[done] == StoredState.FINISHED
    assert store.running_elsewhere(live) and not store.running_elsewhere(mine)
    assert store.mark_running_as_interrupted() == []
    assert is_orphaned(None, time.time())  # a job with no owner recorded belongs to nobody


def test_writer_keeps_order_and_flush_waits(store):
    errors: list[str] = []
    writer = StoreWriter(store, on_error=errors.append)
    job_id = writer.create("grammar", TEXT)
    for n in range(300):
        writer.record_chunk(job_id, n % 7, f"version {n}")
        writer.set_state(job_id, StoredState.RUNNING if n % 2 else StoredState.QUEUED)
    writer.set_state(job_id, StoredState.FINISHED, result="done")
    release = threading.Event()
    writer.call(lambda _store: release.wait(10))  # holds the writer thread
    writer.record_chunk(job_id, 0, "after the hold")
    assert not writer.flush(timeout=0.05)  # the hold is still ahead of the flush
    release.set()
    assert writer.flush(timeout=10)
    job = store.get(job_id)
    assert job.state == StoredState.FINISHED and job.result == "done"
    expected = {i: f"version {max(n for n in range(300) if n % 7 == i)}" for i in range(1, 7)}
    assert job.chunk_results == {0: "after the hold", **expected}
    assert errors == [] and writer.failures == 0

    writer.record_chunk("no-such-job", 0, "x")  # fails on the writer thread...
    writer.mark_seen(job_id)  # ...and the next write still happens
    assert writer.flush(timeout=10)
    assert writer.failures == 1 and len(errors) == 1 and "Could not save" in errors[0]
    assert store.get(job_id).seen

    writer.discard(job_id)
    assert writer.close(timeout=10) and writer.closed
    assert store.get(job_id) is None  # close applied what was queued
    with pytest.raises(RuntimeError):
        writer.record_chunk(job_id, 0, "too late")


def test_reads_on_other_threads_use_their_own_connection(store):
    job_id = store.create("grammar", TEXT)
    seen: list[object] = []

    def read() -> None:
        seen.append(store.get(job_id).original)
        store.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(10)
    assert seen == [TEXT]


def test_a_store_in_use_by_another_process_is_never_moved_aside(tmp_path, monkeypatch, caplog):
    path = tmp_path / FILE_NAME
    first = JobStore.open(path)
    job_id = first.create("grammar", "kept")
    first.close()
    other = sqlite3.connect(path, timeout=1)  # another Inkling, in the middle of a write
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE jobs SET updated = updated + 1")
    second = JobStore.open(path)
    assert second.recovered_from is None and second.get(job_id).original == "kept"
    second.close()
    other.rollback()
    # Even a lock that stops readers (exclusive locking mode) only makes the store busy.
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(JobStore, "busy_timeout_s", 0.1)
    third = JobStore.open(path)
    assert third.recovered_from is None and "busy at start-up" in caplog.text
    assert not list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    third.close()
    other.rollback()
    other.close()
    assert JobStore.open(path).get(job_id).original == "kept"
