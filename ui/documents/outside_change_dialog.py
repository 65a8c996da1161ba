"""Another program changed the open file: the notice bar, the diff view, and what to do.

The bar sits above the text and never takes focus, so news that arrives mid-sentence (another
program changed or deleted the file, it was opened with a fallback encoding) waits for the
writer. The diff dialog shows how two versions differ, for Compare and for crash recovery.
`OutsideChanges` watches the file and offers Reload / Keep Mine / Compare.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app.documents.file_watch import DELETED, MODIFIED, FileWatcher
from desktop_app.documents.line_diff import unified_line_diff
from desktop_app.documents.storage import StorageError, load_text

DIFF_MAX_LINES = 5000


class NoticeBar(QToolBar):
    """A slim bar above the editor with a message and a few buttons; hidden when idle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Notices", parent)
        self.setObjectName("noticeBar")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)  # not something to switch on from a menu
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.kind: str | None = None
        self.label = QLabel()
        self.buttons: dict[str, QPushButton] = {}
        self.hide()

    def show_notice(
        self, kind: str, text: str, buttons: Sequence[tuple[str, Callable[[], None]]]
    ) -> None:
        """Show `text` with `buttons` (label, action), replacing any earlier notice."""
        self.clear()
        self.buttons = {}
        self.kind = kind
        self.label = QLabel(text)
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.label.setContentsMargins(8, 2, 8, 2)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(self.label)
        for label, action in buttons:
            button = QPushButton(label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing must stay in the editor
            button.clicked.connect(lambda _checked=False, a=action: a())
            self.buttons[label.replace("&", "")] = button
            self.addWidget(button)
        close = QPushButton("✕")
        close.setToolTip("Hide this notice")
        close.setFlat(True)
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.clicked.connect(self.dismiss)
        self.addWidget(close)
        self.show()

    def dismiss(self, kind: str | None = None) -> None:
        """Hide the bar (only if it shows a notice of `kind`, when given)."""
        if kind is not None and kind != self.kind:
            return
        self.kind = None
        self.hide()


class DiffDialog(QDialog):
    """A unified diff in a read-only monospace view, with the buttons the caller needs.

    `choice` holds the label of the button that closed the dialog ("" for Esc / window close).
    """

    def __init__(
        self,
        title: str,
        message: str,
        diff: str,
        buttons: Sequence[str],
        parent: QWidget | None = None,
        object_name: str = "diffDialog",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.choice = ""
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.view = QPlainTextEdit()
        self.view.setObjectName("diffView")
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.view.setPlainText(diff or "(no differences)")
        row = QHBoxLayout()
        row.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for i, label in enumerate(buttons):
            button = QPushButton(label)
            button.setAutoDefault(i == 0)
            button.clicked.connect(lambda _checked=False, text=label: self._choose(text))
            self.buttons[label.replace("&", "")] = button
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self.resize(760, 520)

    def _choose(self, label: str) -> None:
        self.choice = label.replace("&", "")
        self.accept()


class OutsideChanges(QObject):
    """Watches the open file; asks Reload / Keep Mine / Compare when another program changes it.

    The window announces its own saves (`save_started`, `saved`, `save_failed`) so they stay
    quiet, and asks `confirm_save` just before writing, so an outside change that the watcher
    has not reported yet is never overwritten silently either.
    """

    def __init__(self, window, bar: NoticeBar, background) -> None:
        super().__init__(window)
        self.window = window
        self.bar = bar
        self.background = background
        self.compare_dialog: DiffDialog | None = None
        self.opened_with: str | None = None  # the encoding the writer chose for this file
        self.watcher = FileWatcher(self)
        self.watcher.changed_on_disk.connect(self._on_changed_on_disk)

    def follow(self, path: Path | None, stamp) -> None:
        """Watch the file of a newly shown document (or nothing, for an untitled one)."""
        self.opened_with = None
        if path is not None:
            self.watcher.watch(path, stamp)
        else:
            self.watcher.unwatch()

    def watching(self, path: Path | str) -> bool:
        """Whether `path` is the watched file."""
        return self.watcher.path is not None and self.watcher.path == os.path.abspath(path)

    def confirm_save(self, path: Path) -> bool:
        """Just before saving: False (after asking) if it would overwrite another program's change."""
        if not self.watching(path) or self.watcher.check_now() != MODIFIED:
            return True
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "File changed on disk",
            f"“{path.name}” was changed by another program since you opened or saved it. "
            "Saving now would replace those changes with your text.",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setObjectName("outsideChangeSavePrompt")
        overwrite = box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole)
        compare = box.addButton("Compare…", QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is overwrite:
            return True
        if box.clickedButton() is compare:
            self.compare()
        self.window.status.showMessage("Not saved: the file changed on disk", 6000)
        return False

    def save_started(self, path: Path) -> None:
        """Our own write is coming: the watcher must not report it."""
        if self.watching(path):
            self.watcher.begin_save()

    def saved(self, path: Path, stamp) -> None:
        """The window saved to `path`, which now has `stamp`."""
        if self.watching(path):
            self.watcher.saved(stamp)
        else:  # Save As: follow the new file
            self.watcher.watch(path, stamp)
        self.bar.dismiss("modified")
        self.bar.dismiss("deleted")

    def save_failed(self, path: Path) -> None:
        """Our save did not happen: resume reporting outside changes."""
        if self.watching(path):
            self.watcher.save_failed()

    def _on_changed_on_disk(self, path: str, kind: str) -> None:
        if not self.watching(path):
            return
        name = Path(path).name
        if kind == DELETED:
            self.bar.show_notice(
                "deleted",
                f"“{name}” was deleted or moved by another program. Your text is still here: "
                "save it to keep it.",
                [("&Keep Mine", self.keep_mine), ("Save &As…", self.window.save_as)],
            )
        else:
            self.bar.show_notice(
                "modified",
                f"“{name}” was changed by another program.",
                [
                    ("&Reload", self.reload),
                    ("&Keep Mine", self.keep_mine),
                    ("&Compare…", self.compare),
                ],
            )
        self.window.status.showMessage(f"{name} changed on disk", 6000)

    def reload(self) -> None:
        """Replace the text with the file on disk (asking first if that loses unsaved changes)."""
        path = self.watcher.path
        if path is None:
            return
        if self.window.is_dirty():
            answer = QMessageBox.question(
                self.window,
                "Reload",
                f"Reload “{Path(path).name}” from disk and lose your unsaved changes?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.bar.dismiss()
        self.window.open_now(Path(path), self.opened_with)

    def keep_mine(self) -> None:
        """Keep the text in the editor: the next save writes it without asking again."""
        self.watcher.accept_disk_state()
        self.window.file.stamp = self.watcher.stamp
        self.window.editor.document().setModified(True)
        self.bar.dismiss()

    def compare(self) -> None:
        """Show how the file on disk differs from the text in the editor."""
        path = self.watcher.path
        if path is None:
            return
        mine = self.window.guard.text()
        encoding = self.opened_with
        name = Path(path).name

        def diff() -> str:
            try:
                disk = load_text(path, encoding).text
            except StorageError as exc:
                return f"(cannot read the file on disk: {exc})"
            return unified_line_diff(
                disk, mine, f"{name} (on disk)", f"{name} (yours)", 3, DIFF_MAX_LINES
            )

        self.background.run(diff, self._show_compare)

    def _show_compare(self, diff: object) -> None:
        dialog = DiffDialog(
            "Compare with the file on disk",
            "Lines starting with “-” are only in the file on disk, “+” only in your text.",
            str(diff),
            ("Reload", "Keep Mine", "Close"),
            self.window,
            object_name="compareDialog",
        )
        self.compare_dialog = dialog

        def done() -> None:
            choice = dialog.choice
            self.compare_dialog = None
            dialog.deleteLater()
            if choice == "Reload":
                self.reload()
            elif choice == "Keep Mine":
                self.keep_mine()

        dialog.finished.connect(lambda _result: done())
        dialog.open()
