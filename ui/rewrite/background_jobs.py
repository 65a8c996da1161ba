"""Background jobs that a writer can hand off and come back to, wired beside `RewriteUI`.

`BackgroundJobs(ui)` adds to the rewrite UI what makes long jobs bearable: the durable store
(`StoredJobs`: kept drafts, Resume after a crash or a quit), "draft ready" notices and the
unseen-drafts badge (`DraftNotices`), honest time estimates from the model's measured speed
(before a whole-document job, and "about N minutes left" while one runs), cheap progress (the
proposal is updated chunk by chunk from `PartialUpdate`s), and the question at quit while jobs
run. The controller calls it at a handful of points; everything else it hears from the queue.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout, QWidget

from desktop_app.jobstore.estimate import long_job_warning, plain_duration
from desktop_app.jobstore.records import StoredState
from desktop_app.rewrite.chunking import PartialText, PartialUpdate
from desktop_app.rewrite.jobs import JobProgress, RewriteJob
from models.gate import GATE
from ui.rewrite.notices import READY, DraftNotices
from ui.rewrite.stored_jobs import StoredJobs

FINISH_LATER, CANCEL_THEM = "finish-later", "cancel"


class BackgroundJobs(QObject):
    """Store, resume, notices, estimates and the quit question for one window's rewrites."""

    def __init__(self, ui, *, store_path=None, is_active=None) -> None:
        super().__init__(ui)
        self.rewrite = ui
        self.window, self.queue, self.jobs_dock = ui.window, ui.queue, ui.jobs_dock
        self.ask_on_quit = False  # the real app asks; tests and benchmarks close silently
        self.quit_choice: str | None = None
        self._partials: dict[int, PartialText] = {}
        self.notices = DraftNotices(self.window, self.jobs_dock, is_active)
        self.notices.open_requested.connect(ui.show_job)
        self.stored = StoredJobs(self, store_path)
        # The kept jobs sit above the session's job list, in the same dock.
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.stored.list)
        column.addWidget(ui.job_list, 1)
        self.jobs_dock.setWidget(box)
        self.ready_label = QLabel(READY)
        self.ready_label.setObjectName("draftReady")
        self.ready_label.hide()
        self.window.status.insertPermanentWidget(0, self.ready_label)
        self.time_left = QLabel()
        self.time_left.setObjectName("rewriteTimeLeft")
        ui.status.layout().insertWidget(2, self.time_left)
        # Typing keeps background generation on one thread: the GUI needs the other core.
        ui.editor.textChanged.connect(GATE.note_activity)
        queue = self.queue
        queue.job_partial.connect(self._on_update)
        queue.job_progress.connect(self._on_progress)
        queue.job_finished.connect(self._on_finished)
        for signal in (queue.job_failed, queue.job_cancelled):
            signal.connect(lambda job_id, *_: self._ended(job_id))
        self.stored.start()

    # -- what the controller calls ----------------------------------------------------------

    def where(self, target) -> dict:
        """The store's fields for a job on `target` (its document and place)."""
        path = self.window.file.path
        start, end = target.cursor.selectionStart(), target.cursor.selectionEnd()
        if start == 0 and end == self.window.editor.document().characterCount() - 1:
            start = end = None  # the whole text, wherever it ends by the time it is reviewed
        where = {"target_start": start, "target_end": end}
        return {"path": None if path is None else str(path), **where}

    def confirm_long(self, action_id: str, text: str) -> bool:
        """Before a whole-document job: say how long it should take; ask when over 10 minutes."""
        model = self._model_name()
        estimate = self.stored.rates.estimate(model or "", action_id, len(text))
        if estimate.long:
            box = QMessageBox(QMessageBox.Icon.Question, "A long rewrite", "", parent=self.window)
            box.setText(long_job_warning(estimate, model or "the rewrite model"))
            start = box.addButton("Start", QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is not start:
                return False
        guess = "" if estimate.measured else " (a first guess: this model is not measured yet)"
        self.window.status.showMessage(
            f"This should take {plain_duration(estimate.seconds)}{guess}.", 8000
        )
        return True

    def adopt(self, job: RewriteJob, target, whole: bool) -> None:
        """Track and show a job that the store brought back (resumed or kept draft)."""
        self.rewrite.adopt(job, target, whole)

    def opened(self, job: RewriteJob) -> None:
        """The review panel shows `job`: its proposal so far, and its draft is now seen."""
        partial = self._partials.get(job.id)
        if partial is not None:
            self.rewrite.panel.show_parts(partial.text()[: partial.stable_chars], partial.tail)
        self.notices.seen(job.id)
        if self.queue.recorder is not None and job.result is not None:
            self.queue.recorder.seen(job.id)
        self._show_ready()

    def resolved(self, job: RewriteJob, what: str) -> None:
        """The writer applied or discarded a finished job: release it, here and in the store."""
        if self.queue.recorder is not None:
            if what == "discarded":
                self.queue.recorder.discarded(job.id)
            else:
                self.queue.recorder.applied(job.id)
        self._partials.pop(job.id, None)
        self.notices.seen(job.id)
        self.queue.forget(job.id)
        self._show_ready()

    def document_opened(self) -> None:
        """Another document is open: offer its kept jobs."""
        self.stored.document_opened()

    def confirm_quit(self) -> bool:
        """At quit with jobs running: finish them next time, or cancel them; False: don't quit."""
        running = self.queue.unfinished()
        if not running or self.quit_choice is not None:
            return True
        if not self.ask_on_quit:
            return True
        self.quit_choice = ask_about_running_jobs(self.window, len(running))
        if self.quit_choice is None:
            return False
        self.stop_for_quit()
        return True

    def stop_for_quit(self) -> None:
        """Stop the jobs as the writer chose (cancelled unless asked to finish them later)."""
        if self.quit_choice == FINISH_LATER:
            self.queue.interrupt_all()
            return
        recorder = self.queue.recorder
        for job in self.queue.unfinished():
            if recorder is not None:
                recorder.ended(job.id, StoredState.CANCELLED)
        self.queue.cancel_all()

    def close(self) -> None:
        """At quit, once the queue has stopped: the store's last writes, the tray icon."""
        self.stored.close()
        self.notices.close()

    # -- queue signals --------------------------------------------------------------------

    def _on_update(self, job_id: int, update: PartialUpdate) -> None:
        partial = self._partials.get(job_id)
        if partial is None:
            partial = self._partials[job_id] = PartialText()
        partial.apply(update)
        if self.rewrite.panel.job_id == job_id:
            self.rewrite.panel.show_update(update)

    def _on_progress(self, job_id: int, progress: JobProgress) -> None:
        if self.rewrite.status.job_id != job_id:
            return
        job = self.queue.job(job_id)
        text = ""
        if job is not None and progress.chunks_total and progress.chunks_total > 1:
            text = self._time_left(job, progress)
        self.time_left.setText(text)
        self.time_left.setVisible(bool(text))

    def _time_left(self, job: RewriteJob, progress: JobProgress) -> str:
        """ "chunk 3 of 12 · about 2 minutes left", from this job's own rate (or the model's)."""
        index = progress.chunks_done or 0
        left = sum(len(chunk.body) for chunk in job.chunks[index:])
        started = job.stats.started
        rates = self.stored.rates
        seconds = None
        if started is not None:
            running_s = progress.elapsed_s - (started - job.stats.created)
            seconds = rates.time_left(job.action, left, progress.tokens, running_s)
        if seconds is None:
            estimate = rates.estimate(self._model_name() or "", job.action, left)
            seconds = estimate.seconds if estimate.measured else None
        where = f"chunk {min(index + 1, progress.chunks_total)} of {progress.chunks_total}"
        return f"{where} · {plain_duration(seconds)} left" if seconds is not None else where

    def _on_finished(self, job_id: int, _result: str) -> None:
        job = self.queue.job(job_id)
        self._ended(job_id)
        if job is None:
            return
        self.stored.learn(job, self._model_name())
        panel = self.rewrite.panel
        shown = panel.job_id == job_id and self.rewrite.review_dock.isVisible()
        name = self.window.file.display_name
        notified = self.notices.draft_ready(job_id, job.definition.plain_label, name, shown)
        if shown and not notified and self.queue.recorder is not None:
            self.queue.recorder.seen(job_id)  # reviewed as it finished
        self._show_ready()

    def _ended(self, job_id: int) -> None:
        self._partials.pop(job_id, None)
        self.time_left.clear()
        self.time_left.hide()

    def _show_ready(self) -> None:
        count = self.notices.unseen
        self.ready_label.setText(READY if count <= 1 else f"{count} drafts ready for review")
        self.ready_label.setVisible(count > 0)

    def _model_name(self) -> str | None:
        models = self.window.models
        model = models.model("rewrite") if models is not None else None
        return None if model is None else model.name


def ask_about_running_jobs(parent: QWidget, count: int) -> str | None:
    """FINISH_LATER, CANCEL_THEM, or None when the writer would rather not quit yet."""
    jobs = "A rewrite is" if count == 1 else f"{count} rewrites are"
    box = QMessageBox(
        QMessageBox.Icon.Question, "Rewrites still running", f"{jobs} still running.",
        parent=parent,
    )  # fmt: skip
    box.setInformativeText(
        "Inkling can keep what is done and finish the rest the next time it starts (nothing "
        "is applied to your text without you), or stop them now."
    )
    later = box.addButton("Finish in the Background Next Time", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("Cancel Them", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Don't Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(later)
    box.exec()
    clicked = box.clickedButton()
    return FINISH_LATER if clicked is later else CANCEL_THEM if clicked is cancel else None
