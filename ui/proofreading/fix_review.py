"""Fix Grammar and Spelling: Harper's fixes offered in the review panel, each with a tick box.

`FixReviews.start()` takes the selection, the cursor's paragraph or the whole document (as a
rewrite does), has `fix_text` work out the fixes on the checker's thread (milliseconds, no
language model), and shows the result in the rewrite review panel: the word diff, and beside
it a `FixList` with every fix and its reason (untick one and the proposal follows) and the
issues left open for the writer. Replace applies the ticked fixes as one undo step.

Reviews have negative ids, so the rewrite controller, which shares the panel, ignores their
buttons; the panel's `job_shown` signal tells when another job took the panel over.
"""

from __future__ import annotations

import itertools
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QSplitter, QVBoxLayout, QWidget

from desktop_app.proofreading.fixes import FixPlan
from desktop_app.rewrite.actions import ApplyMode
from desktop_app.rewrite.target import TrackedTarget, pick_target

TITLE = "Fix Grammar and Spelling"
NOTHING = "Nothing to fix here: select some text or put the cursor in a paragraph."
CONTEXT_CHARS = 2_000_000  # a part's names and dialect come from a document up to this size
# Harper takes ~1 s per 15,000 characters it has not seen: more than this would hold up the
# underlines (the fix shares the checker's Linter) for half a minute or more.
MAX_FIX_CHARS = 500_000
_ids = itertools.count(-1, -1)


class FixList(QWidget):
    """Each fix with a tick box and its reason, then the issues left open."""

    ticks_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fixList")
        self.heading = QLabel("Fixes")
        self.list = QListWidget()
        self.list.setObjectName("fixListItems")
        self.list.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        self._fixes = 0
        self.list.itemChanged.connect(lambda _item: self.ticks_changed.emit())

    def show_plan(self, plan: FixPlan) -> None:
        """List the plan's fixes (all ticked) and its open issues."""
        blocked = self.list.blockSignals(True)
        self.list.clear()
        for fix in plan.fixes:
            new = fix.new or "(remove)"
            item = QListWidgetItem(f"“{fix.old}” → “{new}”: {_plain(fix.reason)}")
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        for issue in plan.open:
            options = " / ".join(s.strip() or "(remove)" for s in issue.suggestions[:4])
            hint = f" ({options})" if options else ""
            item = QListWidgetItem(f"Open: “{issue.text}”: {_plain(issue.message)}{hint}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = QFont(item.font())
            font.setItalic(True)
            item.setFont(font)
            self.list.addItem(item)
        self._fixes = len(plan.fixes)
        self.heading.setText(
            f"{len(plan.fixes)} fix{'' if len(plan.fixes) == 1 else 'es'} (untick to keep "
            f"yours), {len(plan.open)} left for you"
        )
        self.list.blockSignals(blocked)

    def ticked(self) -> list[int]:
        """Indices (into the plan's fixes) of the fixes still ticked."""
        return [
            i for i in range(self._fixes) if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_ticked(self, index: int, on: bool) -> None:
        """Tick or untick fix `index` (as a click would)."""
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        self.list.item(index).setCheckState(state)


def _plain(message: str) -> str:
    return " ".join(message.replace("`", "").split())


class _Review:
    def __init__(self, target: TrackedTarget, whole: bool) -> None:
        self.target, self.whole = target, whole
        self.plan: FixPlan | None = None
        self.ms = 0.0
        self.started = time.perf_counter()


class FixReviews:
    """Runs Fix Grammar and Spelling and handles the review panel's buttons for its results."""

    def __init__(self, window, session) -> None:
        self.window, self.session = window, session
        self.editor = window.editor
        ui = window.rewrite_ui
        self.panel, self.dock = ui.panel, ui.review_dock
        self.fix_list = FixList()
        self.panel.findChild(QSplitter).addWidget(self.fix_list)
        self.fix_list.hide()
        self.fix_list.ticks_changed.connect(self._show_current)
        self.reviews: dict[int, _Review] = {}
        panel = self.panel
        panel.replace_requested.connect(self.replace)
        panel.insert_requested.connect(self.insert_below)
        panel.copy_requested.connect(self.copy)
        panel.retry_requested.connect(self.retry)
        panel.discard_requested.connect(self.discard)
        panel.job_shown.connect(self._on_panel_shown)

    def start(self, whole_document: bool = False) -> int | None:
        """Fix the selection, the cursor's paragraph or the whole document; the review's id."""
        picked = pick_target(
            self.editor.document(), self.editor.textCursor(), False, whole_document
        )
        if picked is None:
            self.window.status.showMessage(NOTHING, 5000)
            return None
        target, text = picked
        if len(text) > MAX_FIX_CHARS:
            self.window.status.showMessage(
                f"That is {len(text):,} characters, too long to fix in one go: select a part.",
                8000,
            )
            return None
        target.source = self.window.file
        review_id = next(_ids)
        self.reviews[review_id] = _Review(target, whole_document)
        self._run(review_id)
        return review_id

    def _run(self, review_id: int) -> None:
        review = self.reviews[review_id]
        text = review.target.snapshot
        title = TITLE + (" — whole document" if review.whole else "")
        self.panel.begin(review_id, title, text, ApplyMode.REPLACE)
        self.panel.set_message("Checking with Harper…")
        self.fix_list.show()
        self.dock.show()
        whole = None
        if not review.whole and self.editor.document().characterCount() < CONTEXT_CHARS:
            whole = self.window.guard.text()
        review.started = time.perf_counter()
        self.session.fix(text, lambda plan: self._on_plan(review_id, plan), whole)

    def _on_plan(self, review_id: int, plan: FixPlan) -> None:
        review = self.reviews.get(review_id)
        if review is None:
            return
        review.plan, review.ms = plan, (time.perf_counter() - review.started) * 1000
        if self.panel.job_id == review_id:
            self.fix_list.show_plan(plan)
            self._show_current()

    def failed(self, reason: str) -> None:
        """The checker could not run a fix: say so on the review that waits for one."""
        review = self.reviews.get(self.panel.job_id or 0)
        if review is not None and review.plan is None:
            self.panel.show_failed(f"Proofreading is unavailable: {reason}")

    def _show_current(self) -> None:
        review = self.reviews.get(self.panel.job_id or 0)
        if review is None or review.plan is None:
            return
        plan = review.plan
        proposal = plan.apply(self.fix_list.ticked())
        edited = review.target.edited()
        self.panel.show_result(review.target.snapshot, proposal, target_edited=edited)
        if not plan.fixes:
            self.panel.replace_button.setEnabled(False)
            left = f"; {len(plan.open)} issue(s) left for you, listed" if plan.open else ""
            self.panel.set_message(f"Nothing to fix ({review.ms:.0f} ms){left}.")
        elif not edited:
            self.panel.set_message(
                f"Ready ({review.ms:.0f} ms, no language model). Untick any fix you do not "
                "want, then Replace."
            )

    def _on_panel_shown(self, job_id) -> None:
        self.fix_list.setVisible(job_id in self.reviews)

    # -- the writer's choices ----------------------------------------------------------------

    def _ready(self, review_id: int) -> tuple[_Review, str] | None:
        review = self.reviews.get(review_id)
        if review is None or review.plan is None:
            return None
        if review.target.source is not self.window.file:
            self.panel.show_document_gone()
            return None
        if review.target.edited():  # the offsets were for the old text: work them out again
            review.target = review.target.clone()
            review.target.snapshot = review.target.current_text()
            review.plan = None
            self._run(review_id)
            self.panel.set_message("The text changed meanwhile: checking it again…")
            return None
        return review, review.plan.apply(self.fix_list.ticked())

    def replace(self, review_id: int) -> bool:
        """Apply the ticked fixes as one undo step; True when applied."""
        ready = self._ready(review_id)
        if ready is None:
            return False
        review, text = ready
        self.editor.clear_ghost()
        review.target.replace(text)
        self._resolve(review_id, "Replaced. Edit → Undo brings the original back.")
        return True

    def insert_below(self, review_id: int) -> bool:
        """Insert the fixed text below the target (one undo step)."""
        ready = self._ready(review_id)
        if ready is None:
            return False
        self.editor.clear_ghost()
        ready[0].target.insert_below(ready[1])
        self._resolve(review_id, "Inserted below. Edit → Undo takes it out again.")
        return True

    def copy(self, review_id: int) -> None:
        """Copy the fixed text."""
        review = self.reviews.get(review_id)
        if review is not None and review.plan is not None:
            QGuiApplication.clipboard().setText(review.plan.apply(self.fix_list.ticked()))
            self.window.status.showMessage("Copied the proposal.", 3000)

    def retry(self, review_id: int) -> None:
        """Check the target's text again."""
        review = self.reviews.get(review_id)
        if review is not None:
            review.target.snapshot = review.target.current_text()
            review.plan = None
            self._run(review_id)

    def discard(self, review_id: int) -> None:
        """Drop the review; the document is unchanged."""
        if self.reviews.pop(review_id, None) is not None and self.panel.job_id == review_id:
            self.panel.clear()
            self.fix_list.hide()

    def _resolve(self, review_id: int, message: str) -> None:
        self.reviews.pop(review_id, None)
        self.editor.setFocus()
        self.panel.show_resolved(message)
        self.fix_list.hide()
