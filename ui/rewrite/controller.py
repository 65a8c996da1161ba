"""Rewrite menus, progress and review: connects the window to the background job queue.

`RewriteUI(window)` installs everything through the window object: a Rewrite menu (each action on
the selection or the current paragraph, and a Whole Document submenu), the same actions in the
editor's context menu, a status-bar field with the running job's stage and a Cancel button, a
review dock and a job-list dock, and Help → Performance. Jobs run in `JobQueue` (never on the GUI
thread); each job's target text is tracked by a cursor, and nothing changes in the document
until the writer chooses Replace or Insert below in the review panel.
"""

from __future__ import annotations

import dataclasses
import logging

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMenu

from desktop_app.perf import PerfLog
from desktop_app.rewrite.actions import ApplyMode, get_action
from desktop_app.rewrite.jobs import JobProgress, JobState, RewriteJob
from desktop_app.rewrite.model_wait import RewriteModelProvider
from desktop_app.rewrite.queue import JobQueue
from desktop_app.rewrite.target import TrackedTarget, pick_target
from ui.rewrite.background_jobs import BackgroundJobs
from ui.rewrite.job_list import JobList
from ui.rewrite.menu import RewriteMenus
from ui.rewrite.review_panel import ReviewPanel
from ui.rewrite.status import RewriteStatus

log = logging.getLogger(__name__)

NOTHING_TO_REWRITE = "Nothing to rewrite here: select some text or put the cursor in a paragraph."


class RewriteUI(QObject):
    """The rewrite actions, their job queue, the status field, the review and job-list docks."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.editor = window.editor
        self.perf = PerfLog()
        self.provider = RewriteModelProvider(lambda: window.models, lambda: self.queue.running_job)
        self.queue = JobQueue(self.provider, self, perf_log=self.perf)
        self._targets: dict[int, TrackedTarget] = {}
        self._whole: set[int] = set()
        self._progress: dict[int, JobProgress] = {}
        self._edit_shown: set[int] = set()  # jobs whose "target edited" notice the writer saw

        self.panel = ReviewPanel()
        self.review_dock = self._dock(
            "Review", "reviewDock", self.panel, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.job_list = JobList()
        self.jobs_dock = self._dock(
            "Rewrite Jobs", "jobsDock", self.job_list, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.status = RewriteStatus()
        window.status.insertPermanentWidget(0, self.status)
        review = self.review_dock.toggleViewAction()
        review.setText("Show &Review Panel")
        jobs = self.jobs_dock.toggleViewAction()
        jobs.setText("Show &Job List")
        self.cancel_action = QAction("Cancel &All Rewrites", window)
        self.cancel_action.triggered.connect(lambda _c=False: self.queue.cancel_all())
        self._perf_dialog = None
        self.menus = RewriteMenus(
            window,
            self.run_action,
            [None, self.cancel_action, None, review, jobs],
            self.show_performance,
        )
        self.actions = self.menus.actions
        self.whole_actions = self.menus.whole_actions
        self.menu, self.whole_menu = self.menus.menu, self.menus.whole_menu
        self.performance_action = self.menus.performance_action

        queue = self.queue
        queue.job_added.connect(self._on_added)
        queue.job_progress.connect(self._on_progress)
        queue.job_finished.connect(self._on_finished)
        queue.job_failed.connect(self._on_failed)
        queue.job_cancelled.connect(self._on_cancelled)
        self.status.cancel_requested.connect(self.cancel)
        self.panel.replace_requested.connect(self.replace)
        self.panel.insert_requested.connect(self.insert_below)
        self.panel.copy_requested.connect(self.copy)
        self.panel.retry_requested.connect(self.retry)
        self.panel.draft_requested.connect(self.show_job)
        self.panel.discard_requested.connect(self.discard)
        self.job_list.open_requested.connect(self.show_job)
        self.background_jobs = BackgroundJobs(self)  # the store, resume, notices, estimates
        if window.inline is not None:
            # Inline suggestions have one time: keystroke to painted is both first and final.
            window.inline.painted.connect(lambda ms: self.perf.record("inline", ms, ms))
        if window.models is not None:
            window.models.state_changed.connect(self._on_model_state)

    # -- building ------------------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        vertical = area == Qt.DockWidgetArea.BottomDockWidgetArea
        orientation = Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal
        self.window.resizeDocks([dock], [230 if vertical else 420], orientation)
        dock.hide()
        return dock

    def context_menu(self, pos: QPoint) -> QMenu:
        """The editor's standard context menu plus the rewrite actions."""
        return self.menus.context_menu(pos)

    def show_performance(self) -> None:
        """Help → Performance."""
        from ui.performance_dialog import PerformanceDialog

        if self._perf_dialog is None:
            self._perf_dialog = PerformanceDialog(self.perf, self.window)
        self._perf_dialog.show()
        self._perf_dialog.raise_()

    # -- submitting --------------------------------------------------------------------------

    def run_action(
        self, action_id: str, *, whole_document: bool = False, instruction: str | None = None
    ) -> RewriteJob | None:
        """Queue `action_id` on the selection, the current paragraph, or the whole document.

        Custom instruction asks for its instruction when none is given. Returns the job, or None
        when there is nothing to rewrite or the writer cancelled the instruction dialog.
        """
        if action_id == "grammar" and getattr(self.window, "proofreading", None):  # Harper
            return self.window.proofreading.fix_grammar(whole_document)  # no model (issue 12)
        definition = get_action(action_id)
        if definition.needs_instruction and not (instruction or "").strip():
            from ui.rewrite.instruction_dialog import ask_instruction

            instruction = ask_instruction(self.window.settings.recent_instructions, self.window)
            if not instruction:
                return None
        if instruction and definition.needs_instruction:
            self.window.settings.add_recent_instruction(instruction)
            self.window.persist_settings()
        append = definition.apply_mode == ApplyMode.APPEND
        picked = pick_target(
            self.editor.document(), self.menus.action_cursor(), append, whole_document
        )
        if picked is None:
            self.window.status.showMessage(NOTHING_TO_REWRITE, 5000)
            return None
        target, text = picked
        if whole_document and not self.background_jobs.confirm_long(action_id, text):
            return None
        instruction = instruction if definition.needs_instruction else None
        job = self.queue.submit(action_id, text, instruction, **self.background_jobs.where(target))
        self.adopt(job, target, whole_document)
        return job

    def adopt(self, job: RewriteJob, target: TrackedTarget, whole: bool) -> None:
        """Follow `job`: its result lands on `target` (of the open file) and is shown for review."""
        target.source = self.window.file
        self._targets[job.id] = target
        self._whole.update((job.id,) if whole else ())
        self.job_list.update_job(job)
        self.show_job(job.id)

    def _title(self, job: RewriteJob) -> str:
        title = job.definition.plain_label
        if job.id in self._whole:
            title += " — whole document"
        if job.instruction:
            title += f": “{job.instruction}”"
        return title

    def show_job(self, job_id: int) -> None:
        """Show a job in the review panel (and the panel itself)."""
        job = self.queue.job(job_id)
        if job is None:
            return
        target = self._targets.get(job_id)
        original = target.snapshot if target is not None else job.original
        panel = self.panel
        panel.begin(job_id, self._title(job), original, job.definition.apply_mode)
        self.background_jobs.opened(job)  # its proposal so far; a draft is now seen
        if target is None and job.finished:
            panel.show_resolved("This result was already applied or discarded.")
        elif job.state == JobState.DONE and job.result is not None:
            self._present_result(job, target)
        elif job.state == JobState.FAILED:
            panel.show_failed(job.error or "unknown error")
        elif job.state == JobState.CANCELLED:
            panel.show_cancelled()
        elif job_id in self._progress:
            panel.set_message(self._stage(self._progress[job_id]))
        self.review_dock.show()

    def _gone(self, target: TrackedTarget) -> bool:
        """True when another document (File → New or Open) replaced the target's."""
        return target.source is not self.window.file

    def _present_result(self, job: RewriteJob, target: TrackedTarget) -> None:
        gone = self._gone(target)
        if edited := not gone and target.edited():
            self._edit_shown.add(job.id)
        notes = {"warnings": job.warnings, "kept_everything": job.kept_everything}
        self.panel.show_result(target.snapshot, job.result or "", target_edited=edited, **notes)
        if gone:
            self.panel.show_document_gone()

    # -- queue signals ----------------------------------------------------------------------------

    def _stage(self, progress: JobProgress) -> str:
        models = self.window.models
        if progress.stage == "Starting" and models and models.state("rewrite")[0] == "loading":
            return "Waiting for the rewrite model to load"
        return progress.stage

    def _refresh_status(self) -> None:
        queued = [j for j in self.queue.jobs() if j.state == JobState.QUEUED]
        running = self.queue.running_job
        # The queue reports a job's end before it lets go of it: a finished job is not current.
        if running is not None and running.finished:
            running = None
        current = running or (queued[0] if queued else None)
        if current is None:
            self.status.clear()
            return
        progress = self._progress.get(current.id, JobProgress("Queued"))
        shown = dataclasses.replace(progress, stage=self._stage(progress))
        waiting = len([j for j in queued if j is not current])
        label = current.definition.plain_label
        self.status.show_job(current.id, label, current.stats.created, shown, waiting)

    def _on_model_state(self, role: str, _state: str, _message: str) -> None:
        if role == "rewrite":
            self._refresh_status()

    def _on_added(self, job_id: int) -> None:
        job = self.queue.job(job_id)
        if job is not None:
            self.job_list.update_job(job)
        self._refresh_status()

    def _on_progress(self, job_id: int, progress: JobProgress) -> None:
        self._progress[job_id] = progress
        job = self.queue.job(job_id)
        target = self._targets.get(job_id)
        gone = job is not None and target is not None and self._gone(target)
        if gone and not job.finished:
            self.queue.interrupt(job_id)  # its document was closed: resumable there
        if job is not None and self.job_list.state_text(job_id) != job.state.value:
            self.job_list.update_job(job)
        if self.panel.job_id == job_id:
            if gone:  # interrupted before it began, the job has ended already: say why
                self.panel.show_document_gone()
            else:
                self.panel.set_message(self._stage(progress))
        self._refresh_status()

    def _on_finished(self, job_id: int, _result: str) -> None:
        job = self.queue.job(job_id)
        self._job_ended(job)
        if job is None:
            return
        if self.panel.job_id == job_id and job_id in self._targets:
            self._present_result(job, self._targets[job_id])
        else:
            self.jobs_dock.show()
            self.window.status.showMessage(
                f"{job.definition.plain_label} is ready: double-click it in the job list.", 6000
            )

    def _on_failed(self, job_id: int, reason: str) -> None:
        job = self.queue.job(job_id)
        self._job_ended(job)
        if self.panel.job_id == job_id:
            self.panel.show_failed(reason)
        self.window.status.showMessage(f"Rewrite failed: {reason}", 8000)

    def _on_cancelled(self, job_id: int) -> None:
        self._job_ended(self.queue.job(job_id))
        target = self._targets.get(job_id)
        if self.panel.job_id == job_id:
            if target is not None and self._gone(target):
                self.panel.show_document_gone()
            else:
                self.panel.show_cancelled()

    def _job_ended(self, job: RewriteJob | None) -> None:
        if job is not None:
            self._progress.pop(job.id, None)
            self.job_list.update_job(job)
        self._refresh_status()

    # -- the writer's choices ------------------------------------------------------------------

    def cancel(self, job_id: int) -> None:
        """Cancel a queued or running job; the document is left as it is."""
        self.queue.cancel(job_id)

    def _ready(self, job_id: int) -> tuple[RewriteJob, TrackedTarget] | None:
        job = self.queue.job(job_id)
        target = self._targets.get(job_id)
        if job is None or target is None or job.state != JobState.DONE or job.result is None:
            return None
        return job, target

    def _applicable(self, job_id: int) -> tuple[RewriteJob, TrackedTarget] | None:
        ready = self._ready(job_id)
        if ready is not None and self._gone(ready[1]):
            if self.panel.job_id == job_id:
                self.panel.show_document_gone()
            return None
        return ready

    def replace(self, job_id: int) -> bool:
        """Replace the target with the result as one undo step; True if it was applied.

        If the target was edited since the job started and the writer has not been told yet,
        nothing is applied: the panel says so and offers "Apply to changed text".
        """
        ready = self._applicable(job_id)
        if ready is None:
            return False
        job, target = ready
        if target.edited() and job_id not in self._edit_shown:
            self._edit_shown.add(job_id)
            if self.panel.job_id != job_id:
                self.show_job(job_id)
            self.panel.show_target_edited(True)
            return False
        self.editor.clear_ghost()
        target.replace(job.result)
        self._resolve(job, "replaced", "Replaced. Edit → Undo brings the original back.")
        return True

    def insert_below(self, job_id: int) -> bool:
        """Insert the result as a new paragraph after the target's paragraph (one undo step)."""
        ready = self._applicable(job_id)
        if ready is None:
            return False
        job, target = ready
        self.editor.clear_ghost()
        target.insert_below(job.result)
        self._resolve(job, "inserted", "Inserted below. Edit → Undo takes it out again.")
        return True

    def copy(self, job_id: int) -> None:
        """Copy the result to the clipboard."""
        ready = self._ready(job_id)
        if ready is not None:
            QGuiApplication.clipboard().setText(ready[0].result)
            self.window.status.showMessage("Copied the proposal.", 3000)

    def retry(self, job_id: int) -> RewriteJob | None:
        """Try again: the same action on the same text, tracked by the same target."""
        target = self._targets.get(job_id)
        if target is None or self.queue.job(job_id) is None:
            return None
        job = self.queue.resubmit(job_id)
        self.panel.add_draft(job_id, job.id)  # the earlier drafts stay a click away
        self.adopt(job, target.clone(), job_id in self._whole)
        return job

    def discard(self, job_id: int) -> None:
        """Discard a result (or cancel the job while it runs)."""
        job = self.queue.job(job_id)
        if job is None:
            return
        if not job.finished:
            self.queue.cancel(job_id)
            return
        self._resolve(job, "discarded", "")
        if self.panel.job_id == job_id:
            self.panel.clear()

    def _resolve(self, job: RewriteJob, what: str, message: str) -> None:
        self.editor.setFocus()  # the writer goes on typing (or presses Ctrl+Z) in the text
        self._targets.pop(job.id, None)
        self._edit_shown.discard(job.id)
        self.job_list.note(job, what)
        self.background_jobs.resolved(job, what)  # the queue and the store let go of its texts
        if self.panel.job_id == job.id and message:
            self.panel.show_resolved(message)

    # -- life cycle ------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Cancel jobs and wait for the pool."""
        self.provider.closing.set()
        self.background_jobs.stop_for_quit()  # as the writer chose (cancelled unless asked)
        if not self.queue.shutdown(10_000):
            log.warning("a rewrite job did not stop within 10 s")
        self.background_jobs.close()
