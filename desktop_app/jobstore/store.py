"""The durable job store: rewrite jobs and each finished chunk, in SQLite, across restarts.

One file, `jobs.sqlite` in the data folder (`desktop_app.paths.data_dir()`), in WAL mode with
`synchronous=FULL`: a chunk whose `record_chunk` has returned survives a kill -9 of the process
and a power cut. `JobStore.open()` never raises: a corrupt or unreadable file is moved aside to
`jobs.sqlite.corrupt-<timestamp>` (with its `-wal`/`-shm`), a fresh store is made, and
`store.recovered_from` says why, for a message to the writer. If even that fails, the store lives
in memory for this session.

Each thread gets its own connection (sqlite3's `check_same_thread` stays on), so reads on any
thread are plain synchronous queries; writes from the GUI thread go through
`desktop_app.jobstore.writer.StoreWriter`, which applies them in order on its own thread.

Pruning (`prune`): jobs the writer settled (applied, discarded) go at any age; finished, failed
and cancelled jobs go 30 days after they ended. Queued, running and interrupted jobs are never
pruned, whatever their age: they hold unfinished work that only the writer may throw away.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from desktop_app.jobstore.records import (
    ENDED,
    SETTLED,
    JobSummary,
    StoredJob,
    StoredState,
    is_orphaned,
    new_job_id,
    normalise_path,
    owner_tag,
    plan_from_json,
    plan_to_json,
    text_sha256,
)
from desktop_app.rewrite.chunking import Chunk

log = logging.getLogger(__name__)

FILE_NAME = "jobs.sqlite"
SCHEMA_VERSION = 1
PRUNE_AFTER_DAYS = 30


_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    action TEXT NOT NULL,
    instruction TEXT,
    path TEXT,
    target_sha256 TEXT NOT NULL,
    original TEXT NOT NULL,
    target_start INTEGER,
    target_end INTEGER,
    chunk_count INTEGER,
    plan TEXT,
    state TEXT NOT NULL,
    error TEXT,
    result TEXT,
    owner TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    finished REAL,
    seen INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE INDEX IF NOT EXISTS jobs_path ON jobs (path);
CREATE TABLE IF NOT EXISTS chunks (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    result TEXT NOT NULL,
    recorded REAL NOT NULL,
    PRIMARY KEY (job_id, idx)
);
"""
_SUMMARY_COLUMNS = (
    "id, action, path, state, chunk_count, created, updated, finished, seen, error, "
    "(SELECT count(*) FROM chunks WHERE chunks.job_id = jobs.id) AS chunks_done"
)


def default_path() -> Path:
    """Where the app keeps its job store."""
    from desktop_app.paths import data_dir

    return data_dir() / FILE_NAME


class JobStore:
    """Rewrite jobs and their finished chunks in one SQLite file. Use `JobStore.open()`."""

    busy_timeout_s = 5.0  # how long a write waits for another process's write to end

    def __init__(self, path: Path, *, memory_uri: str | None = None) -> None:
        self.path = path
        self.recovered_from: str | None = None  # why the old store was moved aside, if it was
        self._target = memory_uri or str(path)
        self._uri = memory_uri is not None
        self._local = threading.local()

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> JobStore:
        """Open (or create) the store at `path` (default: the data folder); never raises."""
        try:
            file = Path(path) if path is not None else default_path()
        except OSError as error:  # the data folder cannot be made
            return cls._in_memory(Path(FILE_NAME), f"the data folder is unusable ({error})")
        store = cls(file)
        try:
            store._initialise(check=True)
            return store
        except (sqlite3.Error, OSError, ValueError) as error:
            store.close()
            if getattr(error, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                # Another Inkling is writing to it: a store in use is not a corrupt one.
                log.warning("job store %s is busy at start-up; using it as it is", file)
                return store
            reason = f"{type(error).__name__}: {error}"
        log.warning("job store %s is unusable (%s); moving it aside", file, reason)
        try:
            aside = _move_aside(file)
            store = cls(file)
            store._initialise(check=False)
        except (sqlite3.Error, OSError) as error:
            store.close()
            return cls._in_memory(file, f"{reason}; a new store could not be made ({error})")
        store.recovered_from = f"The job store was unreadable ({reason}); it was moved to {aside}."
        return store

    @classmethod
    def _in_memory(cls, path: Path, reason: str) -> JobStore:
        log.error("job store kept in memory only: %s", reason)
        store = cls(
            path, memory_uri=f"file:inkling-jobs-{uuid.uuid4().hex}?mode=memory&cache=shared"
        )
        store._initialise(check=False)
        store.recovered_from = f"Jobs cannot be kept across restarts: {reason}."
        return store

    def _initialise(self, check: bool) -> None:
        conn = self._conn()
        if not self._uri:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise sqlite3.DatabaseError(f"cannot use WAL mode (got {mode})")
        if check:
            problem = conn.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {problem}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ValueError(f"made by a newer Inkling (schema {version})")
        if version < SCHEMA_VERSION:  # a new file: the only write at start-up
            with conn:
                conn.executescript(_SCHEMA)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("SELECT count(*) FROM jobs JOIN chunks ON chunks.job_id = jobs.id").fetchone()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if not self._uri:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self._target, timeout=self.busy_timeout_s, uri=self._uri)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")  # a committed chunk survives a power cut
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close the calling thread's connection (each thread closes its own)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            conn.close()

    # -- writes ----------------------------------------------------------------------------

    def create(
        self,
        action: str,
        original: str,
        *,
        instruction: str | None = None,
        path: str | os.PathLike[str] | None = None,
        target_start: int | None = None,
        target_end: int | None = None,
        chunks: Sequence[Chunk] | None = None,
        job_id: str | None = None,
        state: StoredState = StoredState.QUEUED,
    ) -> str:
        """Store a new job for `original` (the target text at submission); returns its id."""
        job_id = job_id or new_job_id()
        now = time.time()
        plan = None if chunks is None else plan_to_json(chunks)
        count = None if chunks is None else len(chunks)
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO jobs (id, action, instruction, path, target_sha256, original, "
                "target_start, target_end, chunk_count, plan, state, owner, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (job_id, action, instruction, normalise_path(path), text_sha256(original),
                 original, target_start, target_end, count, plan, StoredState(state).value,
                 owner_tag(), now, now),
            )  # fmt: skip
        return job_id

    def set_plan(self, job_id: str, chunks: Sequence[Chunk]) -> None:
        """Record the chunks a job is split into (once it knows its model's token budget)."""
        with self._conn() as conn:
            self._touch(
                conn, job_id, ", chunk_count = ?, plan = ?", len(chunks), plan_to_json(chunks)
            )

    def record_chunk(self, job_id: str, index: int, result: str) -> None:
        """Store chunk `index`'s finished result; once this returns, it survives a crash."""
        with self._conn() as conn:
            row = conn.execute("SELECT chunk_count FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                raise KeyError(job_id)
            count = row["chunk_count"]
            if index < 0 or (count is not None and index >= count):
                raise ValueError(f"chunk {index} is outside the plan of {count} chunks")
            now = time.time()
            conn.execute(
                "INSERT OR REPLACE INTO chunks (job_id, idx, result, recorded) VALUES (?, ?, ?, ?)",
                (job_id, index, result, now),
            )
            conn.execute("UPDATE jobs SET updated = ? WHERE id = ?", (now, job_id))

    def set_state(
        self,
        job_id: str,
        state: StoredState | str,
        error: str | None = None,
        result: str | None = None,
    ) -> None:
        """Move a job to `state`; `result` keeps the finished text, `error` a failure's reason."""
        state = StoredState(state)
        extra, values = ", state = ?, error = ?", [state.value, error]
        if state in ENDED:
            extra += ", finished = ?"
            values.append(time.time())
        if state == StoredState.FINISHED:
            extra += ", seen = 0"
        if state in (StoredState.QUEUED, StoredState.RUNNING):
            extra += ", owner = ?"
            values.append(owner_tag())
        if result is not None:
            extra += ", result = ?"
            values.append(result)
        with self._conn() as conn:
            self._touch(conn, job_id, extra, *values)

    def mark_seen(self, job_id: str, seen: bool = True) -> None:
        """Note that the writer has seen (or not) a job's draft, for the unseen-drafts badge."""
        with self._conn() as conn:
            self._touch(conn, job_id, ", seen = ?", int(seen))

    def discard(self, job_id: str) -> bool:
        """Delete a job and its chunks; False when there was no such job."""
        with self._conn() as conn:
            return conn.execute("DELETE FROM jobs WHERE id = ?", (job_id,)).rowcount > 0

    def prune(self, older_than_days: float = PRUNE_AFTER_DAYS, now: float | None = None) -> int:
        """Delete settled jobs, and ended ones older than `older_than_days`; returns how many."""
        cutoff = (time.time() if now is None else now) - older_than_days * 86400
        with self._conn() as conn:
            return conn.execute(
                f"DELETE FROM jobs WHERE state IN ({_marks(SETTLED)}) OR "
                f"(state IN ({_marks(ENDED)}) AND coalesce(finished, updated) < ?)",
                (*SETTLED, *ENDED, cutoff),
            ).rowcount

    def mark_running_as_interrupted(self, now: float | None = None) -> list[str]:
        """At start-up: jobs queued or running in a process that is gone become interrupted.

        Jobs of this process are left alone, and so are those of another live process (a second
        window) unless untouched for `STALE_RUNNING_S`. Returns the ids that changed.
        """
        now = time.time() if now is None else now
        conn = self._conn()
        rows = conn.execute(
            "SELECT id, owner, updated FROM jobs WHERE state IN (?, ?)",
            (StoredState.QUEUED, StoredState.RUNNING),
        ).fetchall()
        orphans = [row["id"] for row in rows if is_orphaned(row["owner"], row["updated"], now)]
        with conn:
            conn.executemany(
                "UPDATE jobs SET state = ?, updated = ? WHERE id = ?",
                [(StoredState.INTERRUPTED.value, now, job_id) for job_id in orphans],
            )
        return orphans

    def running_elsewhere(self, job_id: str) -> bool:
        """True when another live process is running `job_id` (so it must not be discarded)."""
        sql = "SELECT state, owner, updated FROM jobs WHERE id = ?"
        row = self._conn().execute(sql, (job_id,)).fetchone()
        if row is None or row["state"] != StoredState.RUNNING:
            return False
        return row["owner"] != owner_tag() and not is_orphaned(row["owner"], row["updated"])

    def _touch(self, conn: sqlite3.Connection, job_id: str, assignments: str, *values) -> None:
        cursor = conn.execute(
            f"UPDATE jobs SET updated = ?{assignments} WHERE id = ?", (time.time(), *values, job_id)
        )
        if cursor.rowcount == 0:
            raise KeyError(job_id)

    # -- reads -----------------------------------------------------------------------------

    def get(self, job_id: str) -> StoredJob | None:
        """The whole job `job_id`, with its original text, plan and finished chunks; or None."""
        conn = self._conn()
        row = conn.execute(
            f"SELECT {_SUMMARY_COLUMNS}, instruction, target_sha256, original, target_start, "
            "target_end, plan, result FROM jobs WHERE id = ?",
            (job_id,),
        ).fetchone()
        if row is None:
            return None
        summary = JobSummary.from_row(row)
        return StoredJob(
            **summary.__dict__,
            instruction=row["instruction"],
            target_sha256=row["target_sha256"],
            original=row["original"],
            target_start=row["target_start"],
            target_end=row["target_end"],
            plan=plan_from_json(row["plan"]),
            chunk_results=self.finished_chunks(job_id),
            result=row["result"],
        )

    def list(
        self,
        states: Iterable[StoredState | str] | None = None,
        path: str | os.PathLike[str] | None = None,
    ) -> list[JobSummary]:
        """Stored jobs, newest first, optionally only in `states` and for the document `path`."""
        where, values = [], []
        if states is not None:
            chosen = [StoredState(s).value for s in states]
            where.append(f"state IN ({_marks(chosen)})")
            values += chosen
        if path is not None:
            where.append("path = ?")
            values.append(normalise_path(path))
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._conn().execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM jobs{clause} ORDER BY created DESC, id", values
        )
        return [JobSummary.from_row(row) for row in rows]

    def finished_chunks(self, job_id: str) -> dict[int, str]:
        """Chunk index -> result of every chunk recorded for `job_id`."""
        rows = self._conn().execute(
            "SELECT idx, result FROM chunks WHERE job_id = ? ORDER BY idx", (job_id,)
        )
        return {row["idx"]: row["result"] for row in rows}

    def match_ids(self, prefix: str) -> list[str]:
        """Ids of the jobs whose id starts with `prefix` (case-insensitive)."""
        sql = "SELECT id FROM jobs WHERE substr(id, 1, ?) = ? ORDER BY id"
        rows = self._conn().execute(sql, (len(prefix), prefix.lower()))
        return [row["id"] for row in rows]


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _move_aside(file: Path) -> Path:
    """Rename `file` (and its -wal, -shm) to `<name>.corrupt-<timestamp>`; returns the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = file.with_name(f"{file.name}.corrupt-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = file.with_name(f"{file.name}.corrupt-{stamp}-{number}")
    if file.exists():
        os.replace(file, aside)
    for suffix in ("-wal", "-shm"):
        side = file.with_name(file.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    return aside
