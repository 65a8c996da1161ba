"""New, Open, Save and Save As for the main window: every path that could lose text asks first.

Opening and saving run off the GUI thread (`FileLoader`, `AsyncSaver`); every question that
could lose text (New, Open, Quit with unsaved changes) asks Save / Discard / Cancel, and a Save
that fails keeps the document open and unsaved. `FileActions` is mixed into `MainWindow`, which
owns the loader, the saver, the editor, the guard and the status bar it uses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop_app.documents.document import DocumentFile, SaveJob
from desktop_app.documents.storage import UNENCODABLE, FileFormat, LoadedText
from ui.documents.file_menu import ask_encoding

log = logging.getLogger(__name__)

FILE_FILTER = "Text files (*.txt *.md *.markdown *.text);;All files (*)"


class FileActions:
    """The file life cycle of `MainWindow` (a mixin: it uses the window's parts)."""

    # ----------------------------------------------------------------- unsaved changes
    def is_dirty(self) -> bool:
        """True when the document has changes that are not on disk."""
        return self.editor.document().isModified()

    def ask_save_changes(self) -> QMessageBox.StandardButton:
        """Ask Save / Discard / Cancel about unsaved changes."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Unsaved changes",
            f"Save the changes to “{self.file.display_name}” before closing it?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("unsavedPrompt")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        return QMessageBox.StandardButton(box.exec())

    def then_if_safe(self, then: Callable[[], None]) -> None:
        """Run `then` once unsaved changes are saved or discarded; not at all on Cancel."""
        if not self.is_dirty():
            then()
            return
        answer = self.ask_save_changes()
        if answer == QMessageBox.StandardButton.Discard:
            then()
        elif answer == QMessageBox.StandardButton.Save:
            self.save(then=then)

    # ----------------------------------------------------------------- file actions
    def new_document(self) -> None:
        """Start an empty, untitled document (after asking about unsaved changes)."""
        self.then_if_safe(lambda: self.set_document("", DocumentFile()))

    def open_dialog(self) -> None:
        """Ask for a file and open it."""

        def pick() -> None:
            start = str(self.file.path.parent) if self.file.path else ""
            path, _ = QFileDialog.getOpenFileName(self, "Open", start, FILE_FILTER)
            if path:
                self.open_now(Path(path))

        self.then_if_safe(pick)

    def open_path(self, path: str | Path) -> None:
        """Open `path` (after asking about unsaved changes)."""
        self.then_if_safe(lambda: self.open_now(Path(path)))

    def open_or_create(self, path: str | Path) -> None:
        """Open `path`, or start a new document that will be saved there if it does not exist."""
        path = Path(path).absolute()
        if path.exists():
            self.open_now(path)
        else:
            self.set_document("", DocumentFile(path=path))
            self.status.showMessage(f"New file: {path.name} will be created when you save", 6000)

    def open_now(self, path: Path, encoding: str | None = None) -> None:
        self._load_path = path.absolute()
        self._load_encoding = encoding
        self.guard.cancel_build()
        self._load_request = self.loader.load(str(self._load_path), encoding)
        self.status.showMessage(f"Opening {path.name}…")

    def is_loading(self) -> bool:
        """True while a file is being read (or its text laid out)."""
        return self._load_request is not None

    def cancel_load(self) -> None:
        """Forget an open in progress (its result will be ignored)."""
        self._load_request = None
        self.guard.cancel_build()

    def _on_loaded(self, request: int, loaded: LoadedText) -> None:
        if request != self._load_request or self._load_path is None:
            return  # an older open, superseded
        path, encoding = self._load_path, self._load_encoding
        file = DocumentFile(
            path=path,
            format=loaded.format,
            stamp=loaded.stamp,
            encoding_fallback=loaded.fallback,
            line_endings=loaded.line_endings,
            invalid_bytes=loaded.invalid_bytes,
            invalid_first_line=loaded.invalid_first_line,
        )

        def ready() -> None:
            if self._load_request == request:
                self._load_request = None
            self.guard.opened_with = encoding
            self.settings.add_recent_file(path)
            self.persist_settings()
            if loaded.fallback:
                self.status.showMessage(
                    f"{path.name} is not valid UTF-8: opened as {loaded.format.encoding}", 10000
                )
            elif loaded.invalid_bytes:
                self.status.showMessage(
                    f"{path.name}: {loaded.invalid_bytes} bad bytes shown as �", 10000
                )
            else:
                self.status.showMessage(f"Opened {path.name}", 3000)

        self.set_document(loaded.text, file, then=ready)

    def _on_load_failed(self, request: int, reason: str) -> None:
        if request != self._load_request:
            return
        self._load_request = None
        self.status.clearMessage()
        QMessageBox.warning(self, "Cannot open file", reason)

    def set_document(
        self, text: str, file: DocumentFile, then: Callable[[], None] | None = None
    ) -> None:
        """Show `text` as the document of `file`; a big text is laid out in the background,
        so `then` may run later."""
        self.surface.leaving_document()  # remember where the writer was in the old one
        self.editor.clear_ghost()
        if self.inline is not None:
            self.inline.text_coming(text)  # the document model counts it off the GUI thread
        self.guard.set_text(text, lambda: self._document_ready(file, then))

    def _document_ready(self, file: DocumentFile, then: Callable[[], None] | None) -> None:
        self.editor.moveCursor(QTextCursor.MoveOperation.Start)
        self.editor.document().setModified(False)
        self.file = file
        self.status.set_encoding(file.describe_format())
        self.guard.document_set(file)
        self.update_title()
        self._update_counts()
        self.surface.document_ready(file)  # back to where the writer was; session count
        if self.rewrite_ui is not None:
            self.rewrite_ui.background_jobs.document_opened()  # its kept rewrite jobs
        if self.engine is not None:
            self.engine.warm()
        if then is not None:
            then()

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Save to the document's file (asking for one if it has none)."""
        if self.file.path is None:
            self.save_as(then=then)
            return
        self._start_save(self.file.path, then)

    def ask_save_path(self) -> str:
        """Ask where to save; "" when the writer cancels."""
        start = str(self.file.path) if self.file.path else "Untitled.txt"
        path, _ = QFileDialog.getSaveFileName(self, "Save As", start, FILE_FILTER)
        return path

    def save_as(self, then: Callable[[], None] | None = None) -> None:
        """Ask for a file name and save there."""
        path = self.ask_save_path()
        if path:
            self._start_save(Path(path).absolute(), then)

    def save_with_encoding(self, path: Path | None = None) -> None:
        """File → Save with Encoding…: pick an encoding (UTF-8 first) and save in it (to
        `path`, or the document's file)."""
        encoding = self.ask_save_encoding()
        if not encoding:
            return
        old = self.file.format
        fmt = FileFormat(encoding, old.newline, old.bom and encoding.startswith("utf"))
        path = path or self.file.path
        if path is None and (chosen := self.ask_save_path()):
            path = Path(chosen).absolute()
        if path is not None:
            self._start_save(path, None, fmt)

    def ask_save_encoding(self) -> str | None:
        """Ask which encoding to save in; None when the writer cancels."""
        return ask_encoding(self, self.file.format.encoding)

    def _start_save(
        self, path: Path, then: Callable[[], None] | None, fmt: FileFormat | None = None
    ) -> None:
        if self._pending_save is not None:
            self._queue_save(path, then, fmt)
            return
        if not self.guard.confirm_save(path):
            return  # another program changed the file and the writer did not say overwrite
        self.guard.save_started(path)
        # Bound to this document: whatever is open when it finishes, only this one is updated.
        job = SaveJob(self.file, path, fmt or self.file.format, then)
        self._pending_save = job
        self.status.showMessage(f"Saving {path.name}…")
        # The text is copied a few milliseconds at a time and written by a worker.
        self.guard.text_async(lambda pieces: self._write_save(job, pieces))

    def _queue_save(self, path: Path, then: Callable[[], None] | None, fmt) -> None:
        # As ReText does: one more save once this one is written (never a backlog); it takes
        # the text as it is then.
        queued = self._queued_save
        if queued is not None and queued[0] is self.file and queued[2] and then:
            first, later = queued[2], then
            then = lambda: (first(), later())  # noqa: E731
        self._queued_save = (self.file, path, then, fmt)
        self.status.showMessage("Still saving… your latest changes will be saved next", 3000)

    def _write_save(self, job: SaveJob, pieces: list[str] | None) -> None:
        if self._pending_save is not job:
            return
        if pieces is None:  # the document went away while its text was being copied
            self._pending_save = None
            self.guard.save_failed(job.path)
            self._next_save()
            return
        job.revision = self.editor.revision
        job.token = self.saver.save(job.path, pieces, job.format, job.file.line_endings)

    def _next_save(self) -> None:
        queued, self._queued_save = self._queued_save, None
        if queued is None or queued[0] is not self.file:
            return  # nothing queued, or queued for a document that is no longer open
        _file, path, then, fmt = queued
        if not self.is_dirty() and path == self.file.path and fmt in (None, self.file.format):
            if then:
                then()  # nothing changed since: the file already holds this text
            return
        self._start_save(path, then, fmt)

    def is_saving(self) -> bool:
        """True while a save is being written (or its text copied)."""
        return self._pending_save is not None

    def _on_saved(self, token: int, stamp) -> None:
        job = self._pending_save
        if job is None or job.token != token:
            return
        self._pending_save = None
        path = job.path
        if job.file is not self.file:
            # Another document was opened meanwhile: it keeps its own file (or none).
            self.guard.save_failed(path)  # our write is over: outside changes count again
            self.status.showMessage(f"Saved {path.name}", 3000)
            self._next_save()
            return
        self.file.path = path
        self.file.stamp = stamp
        self.file.invalid_bytes = 0  # any bad bytes are now written as U+FFFD
        if job.format != self.file.format:  # Save with Encoding
            self.file.format = job.format
            self.file.encoding_fallback = False
            self.guard.opened_with = job.format.encoding
            self.status.set_encoding(self.file.describe_format())
        if self.editor.revision == job.revision:
            self.editor.document().setModified(False)
        self.guard.saved(path, stamp)
        self.settings.add_recent_file(path)
        self.persist_settings()
        self.update_title()
        self.status.showMessage(f"Saved {path.name}", 3000)
        if job.then:
            job.then()
        self._next_save()

    def _on_save_failed(self, token: int, reason: str) -> None:
        job = self._pending_save
        if job is None or job.token != token:
            return
        path = job.path
        self._pending_save = None
        self._queued_save = None  # it would fail the same way; the writer decides what next
        self.guard.save_failed(path)
        self.status.showMessage(f"Not saved: {reason}", 10000)
        current = job.file is self.file
        still_here = " and your text is still here" if current else ""
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Could not save",
            f"“{path.name}” was not saved.\n\n{reason}\n\n"
            f"The file on disk is unchanged{still_here}.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("saveFailed")
        save_as = box.addButton("Save As…", QMessageBox.ButtonRole.AcceptRole)
        with_encoding = None
        if reason.startswith(UNENCODABLE):
            # The way out of an encoding that cannot hold the text: another one (UTF-8 first).
            with_encoding = box.addButton("Save with Encoding…", QMessageBox.ButtonRole.AcceptRole)
        save_as.setVisible(current)
        box.exec()
        if not current:
            return
        if box.clickedButton() is save_as:
            self.save_as()
        elif with_encoding is not None and box.clickedButton() is with_encoding:
            self.save_with_encoding(path)  # where this save was going (Save As too)

    def set_file_format(self, fmt: FileFormat) -> None:
        """Change how the file is written (encoding, line endings, BOM) from the next save."""
        self.file.format = fmt
        self.status.set_encoding(self.file.describe_format())
