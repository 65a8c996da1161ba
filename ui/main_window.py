"""The main window: menus, the editor, the status bar, settings and the services' life cycle.

The file life cycle (New, Open, Save, unsaved-changes questions) is `ui.documents.file_actions`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from desktop_app.documents.document import AsyncSaver, DocumentFile, SaveJob
from desktop_app.documents.file_loader import FileLoader
from desktop_app.settings import Settings, SettingsWriter
from ui.documents.document_guard import DocumentGuard
from ui.documents.file_actions import FileActions
from ui.editor import Editor
from ui.find_dialog import FindReplaceDialog
from ui.icons import app_icon
from ui.status_bar import EditorStatusBar
from ui.surface import Surface

log = logging.getLogger(__name__)

COUNT_DELAY_MS = 300  # recount words after typing pauses this long


class MainWindow(FileActions, QMainWindow):
    """One document in an editor, with File, Edit, View and Help menus."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.settings_writer = SettingsWriter()
        self.file = DocumentFile()
        self.setWindowIcon(app_icon())
        self.editor = Editor(self)
        self.setCentralWidget(self.editor)
        self.status = EditorStatusBar(self)
        self.setStatusBar(self.status)
        self.find_dialog = FindReplaceDialog(self.editor, self)
        self.find_dialog.message.connect(lambda text: self.status.showMessage(text, 4000))

        self.loader = FileLoader(self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_load_failed)
        self._load_request: int | None = None
        self._load_path: Path | None = None
        self.saver = AsyncSaver(self)
        self.saver.saved.connect(self._on_saved)
        self.saver.failed.connect(self._on_save_failed)
        self._pending_save: SaveJob | None = None  # the save being copied or written
        self._queued_save: tuple | None = None  # (file, path, then, format): one more save
        self._load_encoding: str | None = None
        # Recovery snapshots, outside changes, encodings, highlighting, big texts.
        self.guard = DocumentGuard(self)
        self._closing_confirmed = False
        self.models = None
        self.engine = None
        self.inline = None
        self.inline_on = settings.inline_enabled  # for this document (view_memory remembers)
        self.rewrite_ui = None
        self.proofreading = None  # ui.proofreading.controller.ProofreadingUI, once started
        self._proofreading_launcher = None
        self._owns_models = False

        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._update_counts)

        self._build_menus()
        self.editor.document().modificationChanged.connect(self.update_title)
        self.editor.edited.connect(lambda *_: self._count_timer.start())
        self.editor.cursorPositionChanged.connect(self._update_position)
        self.editor.zoom_changed.connect(self._remember_zoom)
        self._restore_settings()
        self.surface = Surface(self)  # export, print, focus mode, page, keys, per-file place
        self.update_title()
        self._update_position()
        self.status.set_encoding(self.file.describe_format())

    # ----------------------------------------------------------------- menus
    def _action(
        self,
        menu,
        text: str,
        slot: Callable[..., object],
        shortcut: QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)
        elif shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        keys = QKeySequence.StandardKey
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&New", self.new_document, keys.New)
        self._action(file_menu, "&Open…", self.open_dialog, keys.Open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        self._action(file_menu, "&Save", self.save, keys.Save)
        self._action(file_menu, "Save &As…", self.save_as, keys.SaveAs)
        file_menu.addSeparator()
        quit_action = self._action(file_menu, "&Quit", self.close, keys.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo", self.editor.undo, keys.Undo)
        self.redo_action = self._action(edit, "&Redo", self.editor.redo, keys.Redo)
        self.editor.undoAvailable.connect(self.undo_action.setEnabled)
        self.editor.redoAvailable.connect(self.redo_action.setEnabled)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        edit.addSeparator()
        self._action(edit, "Cu&t", self.editor.cut, keys.Cut)
        self._action(edit, "&Copy", self.editor.copy, keys.Copy)
        self._action(edit, "&Paste", self.editor.paste, keys.Paste)
        self._action(edit, "Select &All", self.editor.selectAll, keys.SelectAll)
        edit.addSeparator()
        self._action(edit, "&Find…", lambda: self.find_dialog.open_for(False), keys.Find)
        self._action(edit, "Find &Next", self.find_dialog.find_next, keys.FindNext)
        self._action(edit, "R&eplace…", lambda: self.find_dialog.open_for(True), keys.Replace)
        edit.addSeparator()
        prefs = self._action(edit, "Pre&ferences…", self.show_preferences, keys.Preferences)
        prefs.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.edit_menu = edit

        view = bar.addMenu("&View")
        self._action(
            view, "Zoom &In", lambda: self.editor.set_zoom(self.editor.zoom + 1), keys.ZoomIn
        )
        self._action(
            view, "Zoom &Out", lambda: self.editor.set_zoom(self.editor.zoom - 1), keys.ZoomOut
        )
        self._action(view, "&Reset Zoom", lambda: self.editor.set_zoom(0), "Ctrl+0")
        view.addSeparator()
        self.fullscreen_action = self._action(
            view, "&Full Screen", self.toggle_full_screen, keys.FullScreen
        )
        self.fullscreen_action.setCheckable(True)
        view.addSeparator()
        self.inline_action = self._action(
            view,
            "Inline &Suggestions",
            lambda: self.set_inline_enabled(self.inline_action.isChecked()),
            "Ctrl+Shift+Space",
        )
        self.inline_action.setCheckable(True)
        self.inline_action.setChecked(self.settings.inline_enabled)
        self.view_menu = view
        self.help_menu = bar.addMenu("&Help")
        about = self._action(self.help_menu, "&About Inkling", self.show_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not self.settings.recent_files:
            self.recent_menu.addAction("No recent files").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear Recent Files", self._clear_recent)

    def _clear_recent(self) -> None:
        self.settings.recent_files.clear()
        self.persist_settings()

    def toggle_full_screen(self) -> None:
        """Switch between full screen and the previous window state."""
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.fullscreen_action.setChecked(self.isFullScreen())

    # ----------------------------------------------------------------- settings
    def _restore_settings(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        else:
            self.resize(980, 720)
        if self.settings.window_state:
            self.restoreState(QByteArray.fromBase64(self.settings.window_state.encode()))
        self.editor.set_zoom(self.settings.zoom)

    def _remember_zoom(self, steps: int) -> None:
        self.settings.zoom = steps

    def persist_settings(self) -> None:
        """Write the settings, on a worker thread (coalesced), never fsyncing here."""
        self.settings_writer.save(self.settings)

    def persist_window(self) -> None:
        """Store geometry, zoom and recent files."""
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64()).decode()
        self.settings.window_state = bytes(self.saveState().toBase64()).decode()
        self.persist_settings()

    # ----------------------------------------------------------------- status
    def update_title(self, *_args) -> None:
        self.setWindowModified(self.editor.document().isModified())
        self.setWindowTitle(f"{self.file.display_name}[*] — Inkling")

    def _update_position(self) -> None:
        cursor = self.editor.textCursor()
        self.status.set_position(cursor.blockNumber() + 1, cursor.positionInBlock() + 1)

    def _update_counts(self) -> None:
        # Kept per block as the text changes: recounting 20 MB here would freeze the window.
        self.status.set_counts(*self.guard.counts())

    # ----------------------------------------------------------------- life cycle
    def start_services(self, model_host=None) -> None:
        """Load the models off the GUI thread and start inline suggestions.

        `model_host` lets a caller (the benchmarks, the tests) share an already loaded host.
        """
        from desktop_app.inline.engine import SuggestionEngine
        from desktop_app.model_host import ModelHost
        from ui.inline_controller import InlineController

        own = model_host is None
        self.models = model_host or ModelHost(self)
        self._owns_models = own
        self.engine = SuggestionEngine(
            lambda: self.models.model("inline") if self.inline_on else None,
            lambda: self.inline.context(),
            self,
        )
        self.engine.max_tokens = self.settings.inline.max_tokens
        self.engine.temperature = self.settings.inline.temperature
        self.inline = InlineController(self.editor, self.engine, self.status)
        self.models.state_changed.connect(self._on_model_state)
        self.engine.enabled = self.inline_on
        self.inline_action.setChecked(self.inline_on)
        state, message = self.models.state("inline")
        self._on_model_state("inline", state, message)
        if own:
            self._with_specs(self.models.start)
        from ui.rewrite.controller import RewriteUI

        self.rewrite_ui = RewriteUI(self)
        self.surface.services_started()
        from ui.proofreading.launcher import ProofreadingLauncher

        self._proofreading_launcher = ProofreadingLauncher(self)
        if self.models.state("inline")[0] != "loading":
            self._proofreading_launcher.begin()

    def _on_model_state(self, role: str, state: str, message: str) -> None:
        if role == "rewrite":
            if state == "unavailable":  # announced as the inline path's failure is
                self.status.showMessage(f"Rewrites unavailable: {message}", 10000)
            return
        if self.inline is None:
            return
        if state != "loading" and self._proofreading_launcher is not None:
            self._proofreading_launcher.begin()  # the inline model is settled
        if not self.inline_on:
            self.inline.show_state("off", "Suggestions off")
        elif state == "ready":
            self.inline.show_state("idle", message)
            self.engine.warm()
        else:
            self.inline.show_state(state, message)
            if state == "unavailable":
                self.status.showMessage(f"Inline suggestions unavailable: {message}", 10000)

    def set_inline_enabled(self, enabled: bool, remember: bool = True) -> None:
        """View → Inline suggestions, for this document (remembered for its file, or as the
        default for a document without one)."""
        from desktop_app.view_memory import remember_inline

        changed, self.inline_on = enabled != self.inline_on, enabled
        self.inline_action.setChecked(enabled)
        if remember:
            path, views = self.file.path, self.settings.file_views
            if path is not None:
                self.settings.file_views = remember_inline(views, path, enabled)
            else:
                self.settings.inline_enabled = enabled
            self.persist_settings()
        if self.engine is not None and (changed or remember):
            self.engine.set_enabled(enabled)
            if enabled:
                self._on_model_state("inline", *self.models.state("inline"))

    def show_preferences(self) -> None:
        """Edit → Preferences…"""
        from ui.preferences.dialog import PreferencesDialog

        PreferencesDialog(self).exec()

    def apply_model_settings(self) -> None:
        """Apply changed model settings live: the old models serve until the new are ready."""
        self.persist_settings()
        if self.models is None:
            return

        def configure(inline_spec, rewrite_spec) -> None:
            self.models.configure("inline", inline_spec)
            self.models.configure("rewrite", rewrite_spec)

        self._with_specs(configure)
        self.engine.max_tokens = self.settings.inline.max_tokens
        self.engine.temperature = self.settings.inline.temperature

    def _with_specs(self, then: Callable[..., None]) -> None:
        """Call `then(inline_spec, rewrite_spec)` for the current settings.

        A remote path's spec carries its API key, and reading the keychain may wait (a locked
        keychain, a slow D-Bus), so those specs are made on a worker thread; local-only specs
        need no key and are made at once.
        """
        from desktop_app.model_config import needs_keys, specs_for_settings

        if not needs_keys(self.settings):
            then(*specs_for_settings(self.settings))
            return
        settings = self.settings

        def made(specs: object) -> None:
            if isinstance(specs, tuple) and self.models is not None:
                then(*specs)
            else:
                self.status.showMessage(
                    f"Could not prepare the models ({type(specs).__name__}); see the log.", 10000
                )

        self.guard.background.run(lambda: specs_for_settings(settings), made)

    def show_about(self) -> None:
        """Help → About."""
        from ui.about_dialog import AboutDialog

        AboutDialog(self).exec()

    def emergency_snapshot(self) -> bool | None:
        """Keep a recovery copy of the text right now (called by the crash hook): True if
        written, False if it could not be, None with nothing unsaved."""
        return self.guard.emergency_snapshot()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._closing_confirmed or not self.is_dirty():
            jobs = self.rewrite_ui.background_jobs if self.rewrite_ui is not None else None
            if jobs is not None and not jobs.confirm_quit():  # rewrites running: finish later?
                self._closing_confirmed = False
                event.ignore()
                return
            self.surface.closing()
            self.guard.closing()
            self.persist_window()
            self.find_dialog.close()
            event.accept()
            return
        event.ignore()

        def close_now() -> None:
            self._closing_confirmed = True
            QTimer.singleShot(0, self.close)

        self.then_if_safe(close_now)

    def shutdown(self) -> None:
        """Stop background work and wait for pending saves; called after the window closed."""
        if self.rewrite_ui is not None:
            self.rewrite_ui.shutdown()
        if self.proofreading is not None:
            self.proofreading.shutdown()
        if self.engine is not None:
            self.engine.shutdown()
        if self.models is not None and self._owns_models:
            self.models.shutdown()
        self.saver.wait(10_000)
        self.loader.wait(5_000)
        self.guard.shutdown()
        self.settings_writer.close(5.0)
