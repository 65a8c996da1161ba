"""Jobs that outlive the window: the store at start-up, Resume, Review of kept drafts, notices.

`StoredJobs` belongs to `RewriteUI`. At start-up it opens the job store on a worker thread
(`desktop_app.jobstore.resume.open_at_startup`), then lets the queue record every job through a
`StoreWriter`, and offers the open document's kept jobs above the job list: a finished one as
"Draft ready for review" (reviewed against its stored original; if the document changed since,
the review says so and nothing is applied without the writer's say), an interrupted one with
Resume (the chunks it finished are not generated again) and Discard. Nothing is ever applied by
itself. Every store read runs off the GUI thread; writes go through the writer thread.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Signal

from desktop_app.jobstore.estimate import RateBook
from desktop_app.jobstore.recorder import JobRecorder
from desktop_app.jobstore.records import StoredJob, StoredState
from desktop_app.jobstore.resume import SHOWN_STATES, for_document, open_at_startup
from desktop_app.jobstore.resume import resumes_by_itself as _auto
from desktop_app.jobstore.writer import StoreWriter
from desktop_app.relay import Background, GuiRelay
from desktop_app.rewrite.actions import ApplyMode, get_action
from desktop_app.rewrite.jobs import RewriteJob
from desktop_app.rewrite.target import TrackedTarget
from ui.rewrite.stored_list import StoredList

log = logging.getLogger(__name__)


class StoredJobs(QObject):
    """The job store's side of the rewrite UI."""

    ready = Signal()  # the store is open and new jobs are recorded
    offered = Signal()  # the open document's kept jobs are shown (possibly none)

    def __init__(self, ui, store_path=None) -> None:
        super().__init__(ui)
        self.ui = ui
        self.window = ui.window
        self.store_path = store_path
        self.background = Background(self)
        self._relay = GuiRelay(self)
        self.store = None
        self.writer: StoreWriter | None = None
        self.rates = RateBook(None)  # replaced by the remembered rates once loaded
        self.started = time.monotonic()
        self.offered_after_s: float | None = None  # start-up to kept jobs shown
        self._scan_jobs: list | None = None
        self._resumed: set[int] = set()  # session jobs that continue a stored one
        self.list = StoredList()
        self.list.resume_requested.connect(self.resume)
        self.list.review_requested.connect(self.review)
        self.list.discard_requested.connect(self.discard)

    # -- start-up ---------------------------------------------------------------------------

    def start(self) -> None:
        """Open the store off the GUI thread; the kept jobs follow when it is read."""
        path = self.store_path
        self.background.run(lambda: open_at_startup(path), self._opened)

    def _opened(self, scan: object) -> None:
        status = self.window.status
        if isinstance(scan, BaseException):
            status.showMessage(f"Rewrite jobs will not be kept across restarts ({scan}).", 15000)
            return
        if scan.recovered_from:
            status.showMessage(scan.recovered_from, 15000)
        self.store, self.rates = scan.store, scan.rates
        self.writer = StoreWriter(
            scan.store, on_error=lambda text: self._relay.post(self._write_failed, text)
        )
        self.ui.queue.recorder = JobRecorder(self.writer)
        log.info(
            "job store open in %.0f ms: %d kept, %d interrupted now, %d pruned",
            scan.seconds * 1000, len(scan.jobs), len(scan.interrupted), scan.pruned,
        )  # fmt: skip
        self._scan_jobs = scan.jobs
        self.ready.emit()
        self.document_opened()

    def _write_failed(self, text: str) -> None:
        self.window.status.showMessage(text, 10000)

    def document_opened(self) -> None:
        """A document is open (at start-up or later): offer its kept jobs."""
        if self.store is None:
            return  # the start-up scan will offer them
        path = self.window.file.path
        if self._scan_jobs is not None:  # the first document: the start-up scan has its jobs
            jobs, self._scan_jobs = self._scan_jobs, None
            self._offer(path, for_document(jobs, path))
            return
        if path is None:
            self._offer(None, [])
            return
        store = self.store
        self.background.run(lambda: _read(store, lambda: store.list(SHOWN_STATES, path)),
                            lambda jobs: self._offer(path, jobs))  # fmt: skip

    def _offer(self, path, jobs: object) -> None:
        if isinstance(jobs, BaseException) or path != self.window.file.path:
            return
        auto = [job for job in jobs if _auto(job)]
        shown = [job for job in jobs if not _auto(job)]
        self.list.set_jobs(shown)
        self.ui.notices.set_stored_unseen(
            {j.id for j in shown if j.state == StoredState.FINISHED and not j.seen}
        )
        if shown:
            self.ui.jobs_dock.show()
        for job in auto:
            self.resume(job.id)
        if self.offered_after_s is None:
            self.offered_after_s = time.monotonic() - self.started
        self.offered.emit()

    # -- the writer's choices -------------------------------------------------------------

    def resume(self, store_id: str) -> None:
        """Resume an interrupted job: the chunks it finished are reused, never regenerated."""
        self._load(store_id, self._resume_loaded)

    def review(self, store_id: str) -> None:
        """Open a kept draft in the review panel, against its stored original."""
        self._load(store_id, self._review_loaded)

    def discard(self, store_id: str) -> None:
        """Throw a kept job away, with its texts."""
        self.list.remove(store_id)
        self.ui.notices.seen(stored_id=store_id)
        if self.writer is not None:
            self.writer.discard(store_id)

    def _load(self, store_id: str, then) -> None:
        store, path = self.store, self.window.file.path
        if store is None:
            return
        self.list.remove(store_id)

        def loaded(stored: object) -> None:
            if path != self.window.file.path:
                return  # another document was opened meanwhile: offered again with it
            if not isinstance(stored, StoredJob):
                self.window.status.showMessage("That kept job is no longer there.", 6000)
                return
            then(stored)

        self.background.run(lambda: _read(store, lambda: store.get(store_id)), loaded)

    def _resume_loaded(self, stored: StoredJob) -> None:
        if stored.state != StoredState.INTERRUPTED:
            return
        target = self._target_for(stored)
        job = self.ui.queue.resume(stored)
        self._resumed.add(job.id)
        self.ui.adopt(job, target, _whole(stored))
        if stored.chunk_count:
            self.window.status.showMessage(
                f"Resumed: {len(stored.chunk_results)} of {stored.chunk_count} chunks already "
                "done.", 6000,
            )  # fmt: skip

    def _review_loaded(self, stored: StoredJob) -> None:
        if stored.state != StoredState.FINISHED or stored.draft is None:
            return
        self.ui.notices.seen(stored_id=stored.id)
        if self.writer is not None:
            self.writer.mark_seen(stored.id)
        job = self.ui.queue.restore_finished(stored)
        self.ui.adopt(job, self._target_for(stored), _whole(stored))

    def _target_for(self, stored: StoredJob) -> TrackedTarget:
        """Where the stored job's text is in the document now.

        Its stored place if the text there is still the original, else the one other place
        where the original now is; otherwise the paragraphs around its stored place (the whole
        text for a whole-document job), which then count as edited: the review says so and
        Replace asks first.
        """
        document = self.window.editor.document()
        length = document.characterCount() - 1
        start = min(max(0, stored.target_start or 0), length)
        end = length if stored.target_end is None else min(max(start, stored.target_end), length)
        target = TrackedTarget(document, start, end, source=self.window.file)
        if get_action(stored.action).apply_mode == ApplyMode.APPEND:
            return target  # the paragraph to continue after: its text was not stored
        if target.current_text() != stored.original and not _whole(stored):
            text = document.toPlainText()
            found = text.find(stored.original)
            if found >= 0 and text.find(stored.original, found + 1) < 0:
                start, end = found, found + len(stored.original)
            else:  # edited: the whole paragraphs the stored place now falls in
                start = document.findBlock(start).position()
                last = document.findBlock(max(start, end - 1))
                end = last.position() + last.length() - 1
            target = TrackedTarget(document, start, end, source=self.window.file)
        target.snapshot = stored.original
        return target

    # -- measured rates -------------------------------------------------------------------

    def learn(self, job: RewriteJob, model_name: str | None) -> None:
        """A job finished: remember how fast the model wrote, for the next estimate."""
        stats = job.stats
        if job.id in self._resumed:  # part of its text was done earlier: not a clean measure
            self._resumed.discard(job.id)
            return
        if model_name is None or stats.started is None or stats.finished is None:
            return
        seconds = stats.finished - stats.started
        if self.rates.learn(model_name, job.action, len(job.original), stats.tokens, seconds):
            rates = self.rates
            if self.writer is not None and not self.writer.closed:
                self.writer.call(lambda _store: rates.save())

    def close(self) -> None:
        """At quit: let the writer finish what is queued (a couple of seconds at most)."""
        writer = self.writer
        if writer is not None and not writer.closed and not writer.close(2.0):
            log.warning("the job store writer did not finish in 2 s")
        self.background.wait(2.0)


def _read(store, work):
    """A store read on a worker thread, closing that thread's connection afterwards."""
    try:
        return work()
    finally:
        store.close()


def _whole(stored: StoredJob) -> bool:
    return stored.target_start is None  # a whole-document job (see `BackgroundJobs.where`)
