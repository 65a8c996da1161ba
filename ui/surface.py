"""The writer's surface around the editor: what a writing app is expected to do beyond typing.

`Surface(window)` adds File → Export as HTML / PDF and Print, View → Focus Mode (the page only,
the current line kept mid-window), the first page's quiet instructions, a session word count
beside the document's, the place (cursor, scroll, zoom) remembered per file, "x then Backspace
is no change", the writer's page and theme, and the writer's shortcuts. It also closes the
rewrite review dock once it has nothing left to offer: after Discard it would stand empty ("No
rewrite to review"), and after Replace or Insert below its "Replaced…" note is true only until
the text changes again (the first edit, Undo included, makes it stale).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

from desktop_app.view_memory import FileView, recall, recall_inline, remember
from ui.documents.saved_state import SavedState
from ui.export import Exporter
from ui.page import apply_appearance, show_first_page
from ui.preferences.shortcuts import apply_shortcuts, window_actions


class ReviewCloser(QObject):
    """Hides `dock` (holding `panel`) when its job was discarded, or applied and then edited."""

    def __init__(self, dock, panel, editor) -> None:
        super().__init__(dock)
        self.dock, self.panel, self.editor = dock, panel, editor
        self._applied: int | None = None  # the job whose "Replaced…" note is shown
        # Connected after the controller's own slots: these run once it has acted.
        panel.discard_requested.connect(self._after_discard)
        panel.replace_requested.connect(self._after_apply)
        panel.insert_requested.connect(self._after_apply)
        editor.edited.connect(self._on_edited)

    def _after_discard(self, _job_id: int) -> None:
        if self.panel.job_id is None:
            self.dock.hide()

    def _after_apply(self, job_id: int) -> None:
        resolved = self.panel.job_id == job_id and not self.panel.insert_button.isEnabled()
        self._applied = job_id if resolved else None

    def _on_edited(self, *_args) -> None:
        if self._applied is None:
            return
        if self.panel.job_id == self._applied:
            self.panel.clear()
            self.dock.hide()
        self._applied = None


class FocusMode(QObject):
    """The page only (no menus, status bar or docks), full screen, typewriter scrolling."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self._hidden: list = []
        self._was_full_screen = False
        window.editor.cursorPositionChanged.connect(self._keep_line_centred)

    def toggle(self, on: bool | None = None) -> None:
        """Enter or leave focus mode (toggle when `on` is None)."""
        on = not self.active if on is None else on
        if on == self.active:
            return
        self.active = on
        action = getattr(self.window.surface, "focus_action", None)
        if action is not None and action.isChecked() != on:
            action.setChecked(on)  # comes back here with the same `on`: nothing more to do
        window, editor = self.window, self.window.editor
        if on:
            # The menu bar is hidden: its actions must keep their keys (Ctrl+S, leaving…).
            window.addActions(list(window_actions(window).values()))
            self._was_full_screen = window.isFullScreen()
            chrome = [window.menuBar(), window.statusBar(), *window.findChildren(QDockWidget)]
            self._hidden = [w for w in chrome if w.isVisible()]
            for widget in self._hidden:
                widget.hide()
            editor.setCenterOnScroll(True)  # the last line can sit mid-window too
            window.showFullScreen()
            editor.setFocus()
            self._keep_line_centred()
        else:
            for widget in self._hidden:
                widget.show()
            self._hidden = []
            editor.setCenterOnScroll(False)
            if not self._was_full_screen:
                window.showNormal()
            editor.ensureCursorVisible()

    def _keep_line_centred(self) -> None:
        if self.active:
            self.window.editor.centerCursor()


class Surface(QObject):
    """Installs the surface's commands and keeps its per-file and per-session state."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        editor = window.editor
        self.exporter = Exporter(window)
        self.focus = FocusMode(window)
        self.saved_state = SavedState(editor)
        self._path = None  # the file whose place is being tracked
        self._session_words = 0
        self._install_menus()
        window.status.start_session(0)
        show_first_page(editor)
        apply_appearance(window, window.settings.appearance)
        apply_shortcuts(window)

    def _add(self, menu, before, text: str, name: str, slot=None) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        if slot is not None:
            action.triggered.connect(lambda _c=False: slot())
        menu.insertAction(before, action)
        return action

    def _install_menus(self) -> None:
        window = self.window
        file_menu = window.menuBar().actions()[0].menu()
        actions = file_menu.actions()
        quits = [a for a in actions if a.menuRole() == QAction.MenuRole.QuitRole]
        # Above the separator above Quit.
        before = actions[actions.index(quits[0]) - 1] if quits else None
        export = self.exporter.export
        self.export_html_action = self._add(
            file_menu, before, "Export as &HTML…", "file_export_html", lambda: export("html")
        )
        self.export_pdf_action = self._add(
            file_menu, before, "Export as P&DF…", "file_export_pdf", lambda: export("pdf")
        )
        self.print_action = self._add(
            file_menu, before, "&Print…", "file_print", self.exporter.print_document
        )
        file_menu.insertSeparator(self.export_html_action)
        view = window.view_menu
        actions = view.actions()
        full = window.fullscreen_action
        below = actions[actions.index(full) + 1] if full in actions[:-1] else None
        self.focus_action = self._add(view, below, "F&ocus Mode", "view_focus_mode")
        self.focus_action.setCheckable(True)
        self.focus_action.toggled.connect(self.focus.toggle)

    # -- the window's hooks --------------------------------------------------------------------

    def services_started(self) -> None:
        """The rewrite actions exist now: give them the writer's keys; the review dock closes
        when it has nothing left to say."""
        apply_shortcuts(self.window)
        ui = self.window.rewrite_ui
        if ui is not None:
            self.review_closer = ReviewCloser(ui.review_dock, ui.panel, self.window.editor)

    def leaving_document(self) -> None:
        """Another document is about to replace this one: remember where the writer was."""
        self.remember_place()

    def document_ready(self, file) -> None:
        """A document was shown (opened, new, restored): go back to where the writer was."""
        self._path = file.path
        self._session_words = self.window.guard.counts()[0]
        self.window.status.start_session(self._session_words)
        self.saved_state.reset()
        settings = self.window.settings  # inline suggestions on or off, as left in this file
        chosen = recall_inline(settings.file_views, file.path) if file.path is not None else None
        self.window.set_inline_enabled(settings.inline_enabled if chosen is None else chosen, False)
        if file.path is None:
            return
        place = recall(self.window.settings.file_views, file.path)
        if place is not None:
            QTimer.singleShot(0, lambda p=place: self._restore(p))

    def _restore(self, place: FileView) -> None:
        editor = self.window.editor
        if self._path is None or str(self._path.absolute()) != place.path:
            return  # another document came first
        editor.set_zoom(place.zoom)
        cursor = editor.textCursor()
        cursor.setPosition(max(0, min(place.cursor, editor.document().characterCount() - 1)))
        editor.setTextCursor(cursor)
        bar = editor.verticalScrollBar()
        bar.setValue(min(place.scroll, bar.maximum()))

    def remember_place(self) -> None:
        """Put the current file's cursor, scroll position and zoom into the settings."""
        if self._path is None:
            return
        editor = self.window.editor
        place = FileView(
            str(self._path),
            editor.textCursor().position(),
            editor.verticalScrollBar().value(),
            editor.zoom,
        )
        self.window.settings.file_views = remember(self.window.settings.file_views, place)

    def closing(self) -> None:
        """The window closes: remember the place, leave focus mode (so geometry is the real one)."""
        self.remember_place()
        self.focus.toggle(False)
