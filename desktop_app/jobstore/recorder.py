"""Writes a job queue's jobs through to the job store, without ever waiting on the disk.

`JobQueue` calls a `JobRecorder` at each step of a job's life; every call only enqueues a write on
the `StoreWriter` thread, so the GUI thread and the rewrite worker never wait for SQLite. The
recorder maps the queue's session ids (small integers) to the store's ids, and remembers which
jobs were already settled in the store (interrupted at quit, applied, discarded), so a late
end-of-job report cannot overwrite that.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from desktop_app.jobstore.records import StoredState
from desktop_app.jobstore.resume import RESUME_AT_START
from desktop_app.jobstore.writer import StoreWriter
from desktop_app.rewrite.chunking import Chunk

log = logging.getLogger(__name__)


class JobRecorder:
    """The queue's side of the job store: one method per event of a job's life."""

    def __init__(self, writer: StoreWriter) -> None:
        self.writer = writer
        self._ids: dict[int, str] = {}  # queue job id -> store id
        self._settled: set[int] = set()  # jobs whose final store state is already written
        self._where: dict[int, dict] = {}  # job id -> its document path and place, for Try again

    def store_id(self, job_id: int) -> str | None:
        """The store's id of queue job `job_id` (None when it is not recorded)."""
        return self._ids.get(job_id)

    def _write(self, method: str, *args, **kwargs) -> None:
        try:
            getattr(self.writer, method)(*args, **kwargs)
        except RuntimeError:  # the writer closed at quit: nothing more is kept
            log.debug("job store closed; %s dropped", method)

    def created(
        self,
        job_id: int,
        action: str,
        original: str,
        instruction: str | None,
        *,
        path: str | None = None,
        target_start: int | None = None,
        target_end: int | None = None,
    ) -> str | None:
        """A new job was queued: store it with its target text; returns its store id."""
        try:
            store_id = self.writer.create(
                action, original, instruction=instruction, path=path,
                target_start=target_start, target_end=target_end,
            )  # fmt: skip
        except RuntimeError:
            return None
        self._ids[job_id] = store_id
        self._where[job_id] = {"path": path, "target_start": target_start, "target_end": target_end}
        return store_id

    def where(self, job_id: int) -> dict:
        """The document path and place job `job_id` was recorded with (for a new try)."""
        return dict(self._where.get(job_id, {}))

    def adopted(self, job_id: int, store_id: str) -> None:
        """A stored (interrupted) job was queued again to resume: same store id, queued."""
        self._ids[job_id] = store_id
        self._write("set_state", store_id, StoredState.QUEUED)

    def running(self, job_id: int) -> None:
        """The worker started the job."""
        if (store_id := self._ids.get(job_id)) and job_id not in self._settled:
            self._write("set_state", store_id, StoredState.RUNNING)

    def planned(self, job_id: int, chunks: Sequence[Chunk]) -> None:
        """The job knows its chunks."""
        if store_id := self._ids.get(job_id):
            self._write("set_plan", store_id, list(chunks))

    def chunk_done(self, job_id: int, index: int, result: str) -> None:
        """Chunk `index` finished (called on the worker thread)."""
        if store_id := self._ids.get(job_id):
            self._write("record_chunk", store_id, index, result)

    def ended(
        self,
        job_id: int,
        state: StoredState,
        *,
        result: str | None = None,
        error: str | None = None,
    ) -> None:
        """The job finished, failed or was cancelled (unless already settled)."""
        store_id = self._ids.get(job_id)
        if store_id is None or job_id in self._settled:
            return
        self._settled.add(job_id)
        self._write("set_state", store_id, state, error, result)

    def interrupted(self, job_id: int, *, at_start: bool = False) -> None:
        """The job stops but stays resumable; `at_start`: the writer quit with "Finish in the
        background next time", so it resumes by itself at the next start."""
        store_id = self._ids.get(job_id)
        if store_id is not None and job_id not in self._settled:
            self._settled.add(job_id)
            note = RESUME_AT_START if at_start else None
            self._write("set_state", store_id, StoredState.INTERRUPTED, note)

    def restored(self, job_id: int, store_id: str) -> None:
        """A stored finished draft was loaded for review under queue id `job_id`."""
        self._ids[job_id] = store_id
        self._settled.add(job_id)  # it ended in an earlier session

    def seen(self, job_id: int) -> None:
        """The writer opened the job's draft."""
        if store_id := self._ids.get(job_id):
            self._write("mark_seen", store_id)

    def applied(self, job_id: int) -> None:
        """Replace or Insert below used the draft; the store drops it at the next prune."""
        if (store_id := self._ids.pop(job_id, None)) is not None:
            self._settled.add(job_id)
            self._write("set_state", store_id, StoredState.APPLIED)

    def discarded(self, job_id: int) -> None:
        """The writer discarded the job: its texts leave the store now."""
        if (store_id := self._ids.pop(job_id, None)) is not None:
            self._settled.add(job_id)
            self._write("discard", store_id)

    def forget(self, job_id: int) -> None:
        """The queue dropped the job."""
        self._ids.pop(job_id, None)
        self._settled.discard(job_id)
        self._where.pop(job_id, None)
