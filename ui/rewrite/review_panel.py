"""The review panel: the original and the proposal side by side, and the writer's choices.

The panel shows one job at a time. While the job runs the proposal streams in as plain text; when
it ends, word-level differences are marked (deleted words struck out in red in the original,
inserted words green in the proposal). The panel only asks: the buttons emit signals with the
job id, and `RewriteUI` applies.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.rewrite.actions import ApplyMode
from desktop_app.rewrite.chunking import PartialUpdate
from desktop_app.rewrite.guard import GuardWarning
from desktop_app.rewrite.word_diff import DELETE, EQUAL, INSERT, diff_words, more_tokens_than
from ui.rewrite.review_notes import DraftBar, WarningList

# Word diffs of longer texts are left out: difflib's cost grows quadratically on the GUI thread.
MAX_DIFF_TOKENS = 6000

DELETED_FG = QColor("#b3261e")
DELETED_BG = QColor(179, 38, 30, 40)
INSERTED_FG = QColor("#1b6e2d")
INSERTED_BG = QColor(27, 110, 45, 45)


def _formats() -> tuple[QTextCharFormat, QTextCharFormat, QTextCharFormat]:
    plain = QTextCharFormat()
    deleted = QTextCharFormat()
    deleted.setFontStrikeOut(True)
    deleted.setForeground(DELETED_FG)
    deleted.setBackground(DELETED_BG)
    inserted = QTextCharFormat()
    inserted.setForeground(INSERTED_FG)
    inserted.setBackground(INSERTED_BG)
    return plain, deleted, inserted


def render_word_diff(view: QPlainTextEdit, runs, show: str) -> None:
    """Show one side of word-level `runs` in `view`: equal text, and the `show` runs (DELETE:
    struck out in red, INSERT: green); the other side's runs are left out."""
    plain, deleted, inserted = _formats()
    view.clear()
    cursor = view.textCursor()
    cursor.beginEditBlock()
    for op, text in runs:
        if op == EQUAL:
            cursor.insertText(text, plain)
        elif op == show:
            cursor.insertText(text, deleted if op == DELETE else inserted)
    cursor.endEditBlock()
    view.moveCursor(QTextCursor.MoveOperation.Start)


class ReviewPanel(QWidget):
    """Original | proposal, a message line, and Replace / Insert below / Copy / Try again / Discard."""

    replace_requested = Signal(int)  # also "Apply to changed text"
    insert_requested = Signal(int)
    copy_requested = Signal(int)
    retry_requested = Signal(int)
    discard_requested = Signal(int)  # while running: cancel the job
    draft_requested = Signal(int)  # show another draft: that draft's job id
    job_shown = Signal(object)  # the job now shown (None: none), for what sits beside the diff

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.job_id: int | None = None
        self._running = False
        self.mode = ApplyMode.REPLACE
        self.result: str | None = None
        self._shown = ""
        self._stable_pos = 0  # proposal characters of finished chunks (cheap progress)
        self._tail = ""  # the streaming chunk's text as shown
        self.title = QLabel()
        self.title.setObjectName("reviewTitle")
        self.message = QLabel()
        self.message.setObjectName("reviewMessage")
        self.message.setWordWrap(True)
        self.original_view = self._text_view("reviewOriginal")
        self.proposal_view = self._text_view("reviewProposal")
        self.original_label = QLabel("Original")
        self.proposal_label = QLabel("Proposal")
        split = QSplitter()
        for label, view in (
            (self.original_label, self.original_view),
            (self.proposal_label, self.proposal_view),
        ):
            side = QWidget()
            column = QVBoxLayout(side)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(label)
            column.addWidget(view)
            split.addWidget(side)
        # The guard's warnings sit beside the diff they are about.
        self.warnings_view = WarningList()
        split.addWidget(self.warnings_view)
        self.drafts = DraftBar()
        self.drafts.draft_requested.connect(self.draft_requested)
        self.warnings: tuple = ()
        self.replace_button = QPushButton("&Replace")
        self.insert_button = QPushButton("&Insert Below")
        self.copy_button = QPushButton("&Copy")
        self.retry_button = QPushButton("&Try Again")
        self.discard_button = QPushButton("&Discard")
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button, signal in (
            (self.replace_button, self.replace_requested),
            (self.insert_button, self.insert_requested),
            (self.copy_button, self.copy_requested),
            (self.retry_button, self.retry_requested),
            (self.discard_button, self.discard_requested),
        ):
            button.clicked.connect(lambda _c=False, s=signal: self._emit(s))
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.drafts)
        layout.addLayout(heading)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.clear()

    @staticmethod
    def _text_view(name: str) -> QPlainTextEdit:
        view = QPlainTextEdit()
        view.setObjectName(name)
        view.setReadOnly(True)
        return view

    def _emit(self, signal) -> None:
        if self.job_id is not None:
            signal.emit(self.job_id)

    def _set_buttons(
        self, *, apply: bool, retry: bool, discard: bool, copy: bool | None = None
    ) -> None:
        append = self.mode == ApplyMode.APPEND
        self.replace_button.setEnabled(apply and not append)
        self.replace_button.setVisible(not append)
        self.insert_button.setEnabled(apply)
        self.copy_button.setEnabled(apply if copy is None else copy)
        self.retry_button.setEnabled(retry)
        self.discard_button.setEnabled(discard)
        default = self.insert_button if append else self.replace_button
        default.setDefault(apply)
        # While the job runs, the same button stops it.
        self.discard_button.setText("Ca&ncel" if self._running else "&Discard")

    # -- what the controller calls ----------------------------------------------------------

    def clear(self) -> None:
        """Show nothing (no job)."""
        self.job_id, self.result, self._shown = None, None, ""
        self._stable_pos, self._tail = 0, ""
        self.mode = ApplyMode.REPLACE
        self._running = False
        self.title.setText("No rewrite to review")
        self.message.setText("")
        self.original_view.clear()
        self.proposal_view.clear()
        self._show_notes(())
        self.drafts.hide()
        self.replace_button.setText("&Replace")
        self._set_buttons(apply=False, retry=False, discard=False)
        self.job_shown.emit(None)

    def begin(self, job_id: int, title: str, original: str, mode: ApplyMode) -> None:
        """Start showing a job: its original text, an empty proposal."""
        self.job_id, self.mode, self.result, self._shown = job_id, mode, None, ""
        self._stable_pos, self._tail = 0, ""
        self.title.setText(title)
        self.original_label.setText("Continues after" if mode == ApplyMode.APPEND else "Original")
        self.proposal_label.setText("New paragraph" if mode == ApplyMode.APPEND else "Proposal")
        self.original_view.setPlainText(original)
        self.proposal_view.clear()
        self._show_notes(())
        self.drafts.show_for(job_id)
        self.replace_button.setText("&Replace")
        self.message.setText("Queued")
        self._running = True
        self._set_buttons(apply=False, retry=False, discard=True)
        self.job_shown.emit(job_id)

    def set_message(self, text: str) -> None:
        """Show what is happening (the job's stage, or what became of the result)."""
        self.message.setText(text)

    def show_partial(self, text: str) -> None:
        """Show the proposal so far; appends when it only grew, which keeps long texts cheap."""
        if not text.strip() and self._shown:
            return  # the cleaner briefly holds back a line it is unsure of: keep what is shown
        if text.startswith(self._shown) and not (self._stable_pos or self._tail):
            delta = text[len(self._shown) :]
            if delta:
                cursor = self.proposal_view.textCursor()
                cursor.movePosition(QTextCursor.MoveOperation.End)
                cursor.insertText(delta)
        else:
            self.proposal_view.setPlainText(text)
        self._shown = text

    def show_parts(self, finished: str, tail: str) -> None:
        """Show a running job's proposal so far: its finished chunks, then the streaming one."""
        self.proposal_view.setPlainText(finished)
        self._stable_pos = self.proposal_view.document().characterCount() - 1
        self._tail = ""
        self.show_update(PartialUpdate(-1, tail))

    def show_update(self, update: PartialUpdate) -> None:
        """Show what changed: the streaming chunk's text so far, or a chunk now final.

        Only the current chunk's text is replaced, so a long document costs the same per
        update at its end as at its start.
        """
        if not update.final and not update.text.strip() and self._tail:
            return  # the cleaner briefly holds back a line it is unsure of: keep what is shown
        cursor = QTextCursor(self.proposal_view.document())
        end = self.proposal_view.document().characterCount() - 1
        if not update.final and self._tail and update.text.startswith(self._tail):
            cursor.setPosition(end)  # it only grew: append
            cursor.insertText(update.text[len(self._tail) :])
        else:
            cursor.setPosition(self._stable_pos)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(update.text)
        if update.final:
            self._stable_pos = self.proposal_view.document().characterCount() - 1
            self._tail = ""
        else:
            self._tail = update.text

    def add_draft(self, earlier: int, new: int) -> None:
        """Job `new` is Try Again's next draft after job `earlier`: "Draft 2 of 3" ‹ ›."""
        self.drafts.book.add(earlier, new)
        self.drafts.show_for(self.job_id)

    def _show_notes(self, warnings: Sequence[GuardWarning]) -> None:
        self.warnings = tuple(warnings)
        self.warnings_view.show_warnings(self.warnings)

    def show_result(
        self,
        original: str,
        result: str,
        *,
        target_edited: bool,
        warnings: Sequence[GuardWarning] = (),
        kept_everything: bool = False,
    ) -> None:
        """Show the finished proposal with differences marked, and enable the choices.

        `warnings` (the guard's, one line each) are shown beside the diff, and the proposal is
        not called plainly ready. `kept_everything`: the guard held back every chunk, so the
        proposal is the original itself and there is nothing to replace.
        """
        self._running = False
        self.result = result
        self._shown = result
        self._show_notes(warnings)
        if kept_everything:
            self.result = None
            self.proposal_view.setPlainText(result)
            self.original_view.setPlainText(original)
            self.message.setText(
                "Nothing to replace: every part of the proposal failed the check, so your text "
                "was kept as it was (the reasons are beside it). Try again, or discard it."
            )
            self._set_buttons(apply=False, retry=True, discard=True)
            return
        if self.mode == ApplyMode.APPEND:
            self.original_view.setPlainText(original)
            self._render(self.proposal_view, [(INSERT, result)], show=INSERT)
        elif more_tokens_than(original + result, MAX_DIFF_TOKENS):  # before any tokenizing
            self.original_view.setPlainText(original)
            self.proposal_view.setPlainText(result)
        else:
            runs = diff_words(original, result)
            self._render(self.original_view, runs, show=DELETE)
            self._render(self.proposal_view, runs, show=INSERT)
        self._set_buttons(apply=True, retry=True, discard=True)
        self.show_target_edited(target_edited)

    def show_target_edited(self, edited: bool) -> None:
        """Say whether the target text was edited while the job ran, and adjust Replace."""
        if self.result is None:
            return
        if edited:
            self.replace_button.setText("&Apply to Changed Text")
            self.message.setText(
                "You edited this text while the rewrite ran. Apply the proposal to the changed "
                "text, or discard it."
            )
        else:
            self.replace_button.setText("&Replace")
            verb = "Insert it below" if self.mode == ApplyMode.APPEND else "Replace the original"
            self.message.setText(f"Ready. {verb}, or discard it.")
        if self.warnings:
            count = len(self.warnings)
            before = "inserting" if self.mode == ApplyMode.APPEND else "replacing"
            note = f"{count} warning{'' if count == 1 else 's'}, check before {before}"
            said = self.message.text()
            if said.startswith("Ready."):
                self.message.setText(f"Ready — {note}.{said.removeprefix('Ready.')}")
            else:
                self.message.setText(f"{said} ({note}.)")

    def show_document_gone(self) -> None:
        """Another document replaced the one the job was made for: the proposal can only be copied."""
        self._running = False
        what = "you can copy it" if self.result is not None else "it was stopped"
        self.message.setText(
            f"This rewrite was made for a document that is no longer open; {what}."
        )
        self._set_buttons(apply=False, retry=False, discard=True, copy=self.result is not None)

    def show_failed(self, reason: str) -> None:
        """The job failed: say why, offer Try again."""
        self._running = False
        self.message.setText(f"Failed: {reason}")
        self._set_buttons(apply=False, retry=True, discard=True)

    def show_cancelled(self) -> None:
        """The job was cancelled; the document is untouched."""
        self._running = False
        self.message.setText("Cancelled. The document was not changed.")
        self._set_buttons(apply=False, retry=True, discard=True)

    def show_resolved(self, text: str) -> None:
        """The result was applied or discarded: nothing more to choose."""
        self._running = False
        self.message.setText(text)
        self._set_buttons(apply=False, retry=False, discard=False)

    def _render(self, view: QPlainTextEdit, runs, show: str) -> None:
        render_word_diff(view, runs, show)

    def proposal_text(self) -> str:
        """The proposal as shown."""
        return self.proposal_view.toPlainText()
