"""Keeping the writer's text safe around the window's file life cycle.

`DocumentGuard(window)` is the window's partner for everything that could lose a word: recovery
snapshots about a second after typing stops (offered again after a crash), a watcher that notices
when another program changes or deletes the file (and a last look just before saving), the
fallback-encoding notice with File → Reopen with Encoding, Markdown highlighting, and big texts
filled into the editor in slices between GUI events, with word counts kept up to date per
block. The window calls it from its open / save / close methods; everything else happens here.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QMenu

from desktop_app.documents.document import DocumentFile
from desktop_app.documents.recovery import Snapshot
from desktop_app.documents.snapshots import Snapshotter
from desktop_app.documents.storage import FileFormat
from desktop_app.documents.text_copy import TextCopier
from desktop_app.documents.word_count import (
    WordCounter,
    block_word_counts,
    has_altered_characters,
)
from desktop_app.relay import Background
from ui.documents.file_menu import add_document_menus, encoding_notice
from ui.documents.large_document import LARGE_TEXT_CHARS, SlicedInsert, new_plain_document
from ui.documents.outside_change_dialog import DiffDialog, NoticeBar, OutsideChanges
from ui.documents.recovery_dialog import DISCARD, RESTORE, RecoveryDialog, find_offers
from ui.highlighter import highlighter_for

log = logging.getLogger(__name__)


class DocumentGuard(QObject):
    """Recovery, outside changes, encodings, highlighting and large texts for one window."""

    #: Offer snapshots left by dead instances when a window opens. Benchmarks that drive a
    #: window unattended turn this off: a modal question offscreen would wait forever.
    offer_at_start = True

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.editor = window.editor
        self.snapshotter: Snapshotter | None
        # Why crash recovery is off or failing ("" while it works): the window says so.
        self.recovery_problem = ""
        try:
            self.snapshotter = Snapshotter(self)
        except (OSError, RuntimeError) as exc:  # no recovery beats no editor
            log.warning("Crash recovery is off: %s", exc)
            self.snapshotter = None
            self.recovery_problem = f"Crash recovery is off: {exc}"
        else:
            self.snapshotter.written.connect(self._on_snapshot_written)
            self.snapshotter.failed.connect(self._on_snapshot_failed)
        self.background = Background(self)
        self.copier = TextCopier(self)  # big texts are copied a few ms per event-loop turn
        self.counter = WordCounter(self.editor)
        self.bar = NoticeBar(window)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        self.outside = OutsideChanges(window, self.bar, self.background)
        self.highlighter = None
        self.encoding_menu: QMenu | None = None
        self.recovery_dialog: RecoveryDialog | None = None
        self._key = uuid.uuid4().hex
        self._replacing = False  # True while the whole text is being replaced
        self._generation = 0  # bumped by every new document: stale background builds are dropped
        self._read_only_before: bool | None = None
        self._filler: SlicedInsert | None = None
        self._superseded_snapshot: Snapshot | None = None
        self._snapshot_error = ""
        self._offering = False
        self.editor.edited.connect(self._on_edited)
        self.editor.document().modificationChanged.connect(self._on_modification_changed)
        QTimer.singleShot(0, self._start)

    # ----------------------------------------------------------------- start-up
    def _start(self) -> None:
        self.ensure_menus()
        self.bar.dismiss()  # restoreState may have shown it from a previous session
        self._show_recovery_problem()
        if self.offer_at_start:
            self.offer_recovery()

    def ensure_menus(self) -> None:
        """Add File → Reopen with Encoding and Recover Unsaved Text (once)."""
        if self.encoding_menu is not None or not hasattr(self.window, "recent_menu"):
            return
        window = self.window
        self.encoding_menu = add_document_menus(
            window.recent_menu, self.reopen_with, self.offer_recovery, window.save_with_encoding
        )

    # ----------------------------------------------------------------- replacing the text
    def text(self) -> str:
        """The editor's exact text (what is saved and snapshotted)."""
        return self.counter.text()

    def text_async(self, then: Callable[[list[str] | None], None]) -> None:
        """The exact text in pieces, copied without stalling the GUI (see `text_copy`)."""
        self.copier.copy(self.editor.document(), then)

    def counts(self) -> tuple[int, int]:
        """(words, characters) of the document, without scanning it."""
        return self.counter.words, self.counter.chars

    def cancel_build(self) -> None:
        """Stop filling in a big text (another document is coming)."""
        self._generation += 1
        if self._filler is not None:
            self._filler.cancel()
            self._filler.deleteLater()
            self._filler = None
        self._end_building()

    def _end_building(self) -> None:
        if self._read_only_before is not None:
            self.editor.setReadOnly(self._read_only_before)
            self._read_only_before = None

    def set_text(self, text: str, ready: Callable[[], None]) -> None:
        """Replace the editor's whole text, then call `ready` (later, for a big text)."""
        self.copier.finish_all()  # a save or snapshot still copying gets the text it was for
        self.cancel_build()
        if len(text) <= LARGE_TEXT_CHARS:
            self._set_small(text)
            ready()
            return
        generation = self._generation
        # The text on screen is about to go: no typing into it while the new one fills in.
        self._read_only_before = self.editor.isReadOnly()
        self.editor.setReadOnly(True)
        document = new_plain_document(self.editor.font(), self.editor.document().documentMargin())
        document.setUndoRedoEnabled(False)  # the writer cannot "undo" opening the file
        self._adopt(document, [0])
        filler = self._filler = SlicedInsert(self.editor, document, text)
        status = self.window.status
        filler.progress.connect(lambda done: status.showMessage(f"Opening… {done:.0%}"))
        filler.done.connect(lambda counts: self._filled(generation, document, counts, ready))
        filler.start()

    def _filled(self, generation: int, document, counts: list[int], ready) -> None:
        if generation != self._generation:
            return
        altered = True
        if self._filler is not None:
            altered = self._filler.altered
            self._filler.deleteLater()
            self._filler = None
        document.setUndoRedoEnabled(True)
        self._end_building()
        self.counter.reset(document, counts, altered)
        self._replacing = self.counter.paused = True
        try:  # one "everything changed" for listeners, as setPlainText would give
            self.editor.edited.emit(self.editor.revision, 0, 0, document.characterCount() - 1)
        finally:
            self._replacing = self.counter.paused = False
        ready()

    def _set_small(self, text: str) -> None:
        document = self.editor.document()
        if document.characterCount() > LARGE_TEXT_CHARS:
            # Replacing megabytes in place is slow; start from a fresh document instead.
            self._adopt(new_plain_document(self.editor.font(), document.documentMargin()), [0])
        self._replacing = self.counter.paused = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._replacing = self.counter.paused = False
        self.counter.reset(
            self.editor.document(), block_word_counts(text), has_altered_characters(text)
        )

    def _adopt(self, document, counts: list[int]) -> None:
        self._replacing = self.counter.paused = True
        try:
            old = self.editor.adopt_document(document)
        finally:
            self._replacing = self.counter.paused = False
        document.setParent(self.editor)
        document.modificationChanged.connect(self.window.update_title)
        document.modificationChanged.connect(self._on_modification_changed)
        self.counter.reset(document, counts)
        if self.highlighter is not None:
            self.highlighter.setDocument(None)
        if shiboken6.isValid(old):  # Qt deletes the editor's own first document itself
            old.deleteLater()

    def document_set(self, file: DocumentFile) -> None:
        """The window shows a new document for `file`: re-key snapshots, watch, highlight."""
        if self.snapshotter is not None:
            self.snapshotter.discard(self._key)  # the old text was saved or discarded
        self._drop_superseded()
        self._key = uuid.uuid4().hex
        self.outside.follow(file.path, file.stamp)
        self.bar.dismiss()
        notice = encoding_notice(file)  # a fallback encoding, or bad UTF-8 bytes
        if notice:
            self.bar.show_notice(
                "encoding", notice, [("Reopen with &Encoding…", self._pop_encoding_menu)]
            )
        else:
            self._show_recovery_problem()
        self._refresh_highlighter(file.path)

    def _refresh_highlighter(self, path: Path | None) -> None:
        if self.highlighter is not None:
            self.highlighter.setDocument(None)
            self.highlighter.deleteLater()
        self.highlighter = highlighter_for(self.editor.document(), path)

    # ----------------------------------------------------------------- encodings
    def reopen_with(self, encoding: str) -> None:
        """File → Reopen with Encoding: read the file again as `encoding`."""
        path = self.window.file.path
        if path is None or not path.exists():
            self.window.status.showMessage(
                "Save the document first: there is no file to reopen", 5000
            )
            return
        self.window.then_if_safe(lambda: self.window.open_now(path, encoding))

    def _pop_encoding_menu(self) -> None:
        self.ensure_menus()
        if self.encoding_menu is not None:
            self.encoding_menu.popup(QCursor.pos())

    # ----------------------------------------------------------------- recovery snapshots
    def _on_edited(self, *_change: int) -> None:
        if self._replacing or self.snapshotter is None:
            return
        file = self.window.file
        self.snapshotter.schedule(
            self._key, str(file.path) if file.path else None, self.text, file.stamp, self.text_async
        )

    def _on_modification_changed(self, modified: bool) -> None:
        if not modified and self.snapshotter is not None:
            self.snapshotter.discard(self._key)  # saved, or undone back to the saved text

    def _on_snapshot_written(self, key: str) -> None:
        self._snapshot_error = ""
        if self.recovery_problem:  # working again
            self.recovery_problem = ""
            self.bar.dismiss("recovery")
        if key == self._key and self._superseded_snapshot is not None:
            self._superseded_snapshot.discard()  # the restored text now has its own snapshot
            self._superseded_snapshot = None

    def _drop_superseded(self) -> None:
        # A restored text that was saved, or discarded on purpose, is no longer to recover.
        if self._superseded_snapshot is not None:
            self._superseded_snapshot.discard()
            self._superseded_snapshot = None

    def _on_snapshot_failed(self, _key: str, reason: str) -> None:
        self.recovery_problem = f"Crash recovery is failing: {reason}"
        if reason != self._snapshot_error:
            self._snapshot_error = reason
            self.window.status.showMessage(f"Recovery copy not saved: {reason}", 8000)
            self._show_recovery_problem()

    def _show_recovery_problem(self) -> None:
        # A notice, not only the log: the writer must know a crash would lose the text.
        if self.recovery_problem and self.bar.kind in (None, "recovery"):
            self.bar.show_notice(
                "recovery",
                f"{self.recovery_problem}. Unsaved text would be lost if Inkling crashed: "
                "save often.",
                [],
            )

    def emergency_snapshot(self) -> bool | None:
        """Write the unsaved text to the recovery folder now (the crash hook calls this):
        True when it was written, False when it could not be, None with nothing unsaved."""
        if not self.window.is_dirty():
            return None
        if self.snapshotter is None:
            return False
        self._on_edited()
        return self.snapshotter.flush(5.0, everything=True)

    def offer_recovery(self) -> None:
        """Look for snapshots left by instances that died, then offer each (off the GUI thread)."""
        if self.snapshotter is None or self._offering:
            return
        self._offering = True
        store = self.snapshotter.store
        self.background.run(lambda: find_offers(store), self._offer)

    def _offer(self, found: object) -> None:
        try:
            if isinstance(found, Exception):
                self.window.status.showMessage(f"Could not look for recovery copies: {found}", 8000)
                return
            for snapshot, diff, disk_changed, fmt in found:  # type: ignore[union-attr]
                dialog = RecoveryDialog(snapshot, diff, disk_changed, self.window)
                self.recovery_dialog = dialog
                dialog.exec()
                self.recovery_dialog = None
                if dialog.choice == RESTORE:
                    self.window.then_if_safe(lambda s=snapshot, f=fmt: self.restore(s, f))
                elif dialog.choice == DISCARD:
                    snapshot.discard()
                dialog.deleteLater()
        finally:
            self._offering = False

    def restore(self, snapshot: Snapshot, fmt: FileFormat | None = None) -> None:
        """Show a snapshot's text as an unsaved document for its file."""
        path = Path(snapshot.path) if snapshot.path else None
        # The stamp from when it was opened: a save asks first if the file changed since.
        file = DocumentFile(path=path, format=fmt or FileFormat(), stamp=snapshot.opened_stamp)
        self.window.cancel_load()

        def ready() -> None:
            self.editor.document().setModified(True)
            self._superseded_snapshot = snapshot
            self._on_edited()  # its own snapshot; the old one goes once that is written
            self.window.status.showMessage(
                f"Restored the unsaved text of {file.display_name}: save it to keep it", 10000
            )

        self.window.set_document(snapshot.text, file, then=ready)

    # ----------------------------------------------------------------- outside changes
    @property
    def watcher(self):
        """The file watcher of the open document."""
        return self.outside.watcher

    @property
    def compare_dialog(self) -> DiffDialog | None:
        """The Compare dialog while it is open."""
        return self.outside.compare_dialog

    @property
    def opened_with(self) -> str | None:
        """The encoding the writer chose for the open file (None: detected)."""
        return self.outside.opened_with

    @opened_with.setter
    def opened_with(self, encoding: str | None) -> None:
        self.outside.opened_with = encoding

    def confirm_save(self, path: Path) -> bool:
        """Just before saving: False (after asking) if it would overwrite another program's change."""
        return self.outside.confirm_save(path)

    def save_started(self, path: Path) -> None:
        """Our own write is coming: the watcher must not report it."""
        self.outside.save_started(path)

    def saved(self, path: Path, stamp) -> None:
        """The window saved to `path`, which now has `stamp`."""
        moved = not self.outside.watching(path)
        self.outside.saved(path, stamp)
        if moved:
            self._refresh_highlighter(path)
        if not self.window.is_dirty():
            self._drop_superseded()
            if self.snapshotter is not None:
                self.snapshotter.discard(self._key)

    def save_failed(self, path: Path) -> None:
        """Our save did not happen: resume reporting outside changes."""
        self.outside.save_failed(path)

    # ----------------------------------------------------------------- closing
    def closing(self) -> None:
        """The window closes normally (saved or discarded): no recovery copy is needed."""
        if self.snapshotter is not None:
            self.snapshotter.discard(self._key)
        self._drop_superseded()
        self.bar.dismiss()

    def shutdown(self) -> None:
        """Write what is pending, stop the snapshot worker and give up the recovery folder."""
        self.cancel_build()
        self.watcher.unwatch()
        if self.snapshotter is not None:
            self.snapshotter.flush(5.0)
            self.snapshotter.shutdown(5.0)
            self.snapshotter.store.close()
        self.background.wait(5.0)
