"""What the job store keeps for one rewrite job: its states, summary and full record.

Qt-free and sqlite-free: `desktop_app.jobstore.store.JobStore` makes these from its rows, and the
window, the job list and `inkling jobs` read them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.rewrite.chunking import Chunk, reassemble

# A job another live process says it is running, untouched for this long, is taken as abandoned
# (its process id may have been reused by an unrelated program).
STALE_RUNNING_S = 6 * 3600
# Tells this process's jobs apart from those of a dead process that had the same pid.
_PROCESS_TOKEN = uuid.uuid4().hex


class StoredState(StrEnum):
    """Where a stored job is in its life, including after the app has gone."""

    QUEUED = "queued"
    RUNNING = "running"
    INTERRUPTED = "interrupted"  # was queued or running when its process died
    FINISHED = "finished"  # a draft waits for review
    FAILED = "failed"
    CANCELLED = "cancelled"
    APPLIED = "applied"
    DISCARDED = "discarded"


UNFINISHED = frozenset({StoredState.QUEUED, StoredState.RUNNING, StoredState.INTERRUPTED})
ENDED = (StoredState.FINISHED, StoredState.FAILED, StoredState.CANCELLED)
SETTLED = (StoredState.APPLIED, StoredState.DISCARDED)


def new_job_id() -> str:
    """A fresh job id (32 hex digits); the command line accepts any unique prefix."""
    return uuid.uuid4().hex


def text_sha256(text: str) -> str:
    """The hash kept for a job's target text, to tell later whether the document changed."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def normalise_path(path: str | os.PathLike[str] | None) -> str | None:
    """Document paths are stored absolute, so a lookup matches however the file was named."""
    return None if path is None else os.path.abspath(os.fspath(path))


@dataclass(frozen=True)
class JobSummary:
    """One stored job without its texts: what a job list or `inkling jobs` shows."""

    id: str
    action: str
    path: str | None
    state: StoredState
    chunk_count: int | None  # None until the job has been planned
    chunks_done: int
    created: float  # wall-clock seconds (time.time())
    updated: float
    finished: float | None
    seen: bool
    error: str | None

    @classmethod
    def from_row(cls, row: Mapping) -> JobSummary:
        """The summary in a store row (a `sqlite3.Row` of the summary columns)."""
        return cls(
            row["id"], row["action"], row["path"], StoredState(row["state"]), row["chunk_count"],
            row["chunks_done"], row["created"], row["updated"], row["finished"], bool(row["seen"]),
            row["error"],
        )  # fmt: skip


@dataclass(frozen=True)
class StoredJob(JobSummary):
    """One stored job with everything needed to review, resume or apply it."""

    instruction: str | None
    target_sha256: str
    original: str
    target_start: int | None  # where the target was in the document (None: the whole text)
    target_end: int | None
    plan: tuple[Chunk, ...] | None
    chunk_results: dict[int, str]
    result: str | None

    @property
    def draft(self) -> str | None:
        """The finished text: the recorded result, or every chunk's result put together."""
        if self.result is not None:
            return self.result
        if self.plan is None or any(i not in self.chunk_results for i in range(len(self.plan))):
            return None
        return reassemble(self.plan, [self.chunk_results[i] for i in range(len(self.plan))])

    def target_changed(self, current_target: str) -> bool:
        """True when `current_target` is not the text this job was submitted for."""
        return text_sha256(current_target) != self.target_sha256


def plan_to_json(chunks: Sequence[Chunk]) -> str:
    """A chunk plan as stored: each chunk's text and separators, verbatim."""
    return json.dumps(
        [[c.lead, c.body, c.trail, c.paragraphs, list(c.inner_separators)] for c in chunks]
    )


def plan_from_json(data: str | None) -> tuple[Chunk, ...] | None:
    """The chunk plan `plan_to_json` stored (None for a job not yet planned)."""
    if data is None:
        return None
    return tuple(
        Chunk(lead, body, trail, n, tuple(seps))
        for lead, body, trail, n, seps in (json.loads(data))
    )


def owner_tag() -> str:
    """Who runs a job: this process's pid and a token that no earlier process had."""
    return f"{os.getpid()}:{_PROCESS_TOKEN}"


def is_orphaned(owner: str | None, updated: float, now: float | None = None) -> bool:
    """True when the process that owned a queued or running job is gone (or long silent)."""
    pid, _, token = (owner or "").partition(":")
    if token == _PROCESS_TOKEN:
        return False
    if not pid.isdigit() or not _process_alive(int(pid)):
        return True
    return (time.time() if now is None else now) - updated > STALE_RUNNING_S


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a dead process had our pid (its token differs from ours)
    if os.name != "posix":
        return False  # os.kill(pid, 0) would terminate the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, but another user's
    except OSError:
        return False
    return True
