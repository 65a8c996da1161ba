"""Job-store writes off the calling thread: one daemon thread applies them in order.

The GUI thread (or a rewrite worker that must not wait on the disk) only enqueues::

    writer = StoreWriter(JobStore.open())
    job_id = writer.create("grammar", text, path=document_path)  # the id is known at once
    writer.set_state(job_id, StoredState.RUNNING)
    writer.record_chunk(job_id, 0, "First chunk, rewritten.")
    writer.flush(timeout=2.0)  # True once everything enqueued before it is on disk
    writer.close()  # at quit: drains the queue, then stops the thread

A write that fails (a full disk, a job discarded meanwhile) is logged, counted in `failures`,
kept in `last_error` and passed to `on_error` (called on the writer thread); later writes still
run. Reads go straight to the `JobStore`, which gives every thread its own connection.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from typing import Any

from desktop_app.jobstore.records import StoredState, new_job_id
from desktop_app.jobstore.store import JobStore
from desktop_app.perf import lower_thread_priority
from desktop_app.rewrite.chunking import Chunk

log = logging.getLogger(__name__)

_STOP = object()


class StoreWriter:
    """Applies `JobStore` writes in the order they were enqueued, on one daemon thread."""

    def __init__(
        self,
        store: JobStore,
        *,
        on_error: Callable[[str], None] | None = None,
        name: str = "inkling-job-store",
    ) -> None:
        self.store = store
        self.failures = 0
        self.last_error: str | None = None
        self._on_error = on_error
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # -- writes (each returns at once) -----------------------------------------------------

    def create(self, action: str, original: str, **fields: Any) -> str:
        """Enqueue `JobStore.create`; returns the new job's id before it is written."""
        job_id = fields.pop("job_id", None) or new_job_id()
        self._put("create", action, original, job_id=job_id, **fields)
        return job_id

    def set_plan(self, job_id: str, chunks: Iterable[Chunk]) -> None:
        """Enqueue `JobStore.set_plan`."""
        self._put("set_plan", job_id, list(chunks))

    def record_chunk(self, job_id: str, index: int, result: str) -> None:
        """Enqueue `JobStore.record_chunk`."""
        self._put("record_chunk", job_id, index, result)

    def set_state(
        self,
        job_id: str,
        state: StoredState | str,
        error: str | None = None,
        result: str | None = None,
    ) -> None:
        """Enqueue `JobStore.set_state`."""
        self._put("set_state", job_id, state, error, result)

    def mark_seen(self, job_id: str, seen: bool = True) -> None:
        """Enqueue `JobStore.mark_seen`."""
        self._put("mark_seen", job_id, seen)

    def discard(self, job_id: str) -> None:
        """Enqueue `JobStore.discard`."""
        self._put("discard", job_id)

    def call(self, work: Callable[[JobStore], object]) -> None:
        """Enqueue any other write: `work(store)` runs on the writer thread, in order."""
        self._put(None, work)

    # -- control ---------------------------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every write enqueued so far has been applied; False on timeout."""
        done = threading.Event()
        with self._lock:
            if self._closed:
                return not self._thread.is_alive()
            self._queue.put(done)
        return done.wait(timeout)

    def close(self, timeout: float | None = 5.0) -> bool:
        """Apply what is queued, then stop the thread; True once it has stopped."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._queue.put(_STOP)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def closed(self) -> bool:
        """True once `close()` has been called."""
        return self._closed

    def _put(self, method: str | None, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the job store writer is closed")
            self._queue.put((method, args, kwargs))

    def _run(self) -> None:
        lower_thread_priority()
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    return
                if isinstance(item, threading.Event):
                    item.set()
                    continue
                method, args, kwargs = item  # type: ignore[misc]
                try:
                    if method is None:
                        args[0](self.store)
                    else:
                        getattr(self.store, method)(*args, **kwargs)
                except Exception as error:  # one failed write must not stop the later ones
                    self._failed(method or "call", error)
        finally:
            self.store.close()  # this thread's connection

    def _failed(self, method: str, error: Exception) -> None:
        self.failures += 1
        self.last_error = f"Could not save job progress ({type(error).__name__}: {error})."
        log.warning("job store %s failed: %s", method, error, exc_info=error)
        if self._on_error is not None:
            try:
                self._on_error(self.last_error)
            except Exception:
                log.exception("job store on_error callback failed")
