"""The Rewrite menu, its Whole Document submenu, the editor's context menu and Help → Performance.

Every entry of `ACTIONS` gets two `QAction`s: one on the selection (or the current paragraph),
with the catalogue's shortcut, and one on the whole document. The editor's context menu is its
standard one plus the Rewrite menu.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import QMenu

from desktop_app.rewrite.actions import ACTIONS

log = logging.getLogger(__name__)

RunAction = Callable[..., object]  # run(action_id, whole_document=False)


class RewriteMenus:
    """Builds the rewrite actions and installs them into a MainWindow's menus."""

    def __init__(
        self,
        window,
        run: RunAction,
        extra: Iterable[QAction | None],
        show_performance: Callable[[], None],
    ) -> None:
        """`extra` actions go below the rewrite actions (None adds a separator)."""
        self.window = window
        self.editor = window.editor
        self.actions: dict[str, QAction] = {}
        self.whole_actions: dict[str, QAction] = {}
        # Others' entries for the context menu, called as f(menu, pos) (e.g. spelling fixes).
        self.context_extensions: list[Callable[[QMenu, QPoint], None]] = []
        self._click: QTextCursor | None = None  # where the open context menu was asked for
        self._build_actions(run)
        menu = QMenu("Re&write", window)
        menu.setObjectName("rewriteMenu")
        for action in self.actions.values():
            menu.addAction(action)
        self.whole_menu = menu.addMenu("Whole &Document")
        self.whole_menu.setObjectName("rewriteWholeMenu")
        for action in self.whole_actions.values():
            self.whole_menu.addAction(action)
        for action in extra:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        self.menu = menu
        window.menuBar().insertMenu(window.help_menu.menuAction(), menu)

        self.editor.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.editor.customContextMenuRequested.connect(self._show_context_menu)

        help_menu = window.help_menu
        self.performance_action = QAction("&Performance…", window)
        self.performance_action.setObjectName("showPerformance")
        self.performance_action.triggered.connect(lambda _c=False: show_performance())
        first = help_menu.actions()[0] if help_menu.actions() else None
        help_menu.insertAction(first, self.performance_action)

    def _build_actions(self, run: RunAction) -> None:
        window = self.window
        # A shortcut the window already uses would make both ambiguous (neither would fire).
        taken = {
            a.shortcut().toString()
            for a in window.findChildren(QAction)
            if not a.shortcut().isEmpty()
        }
        for definition in ACTIONS:
            action = QAction(definition.label, window)
            action.setObjectName(f"rewrite_{definition.id}")
            action.setStatusTip(definition.status_tip)
            if definition.shortcut and QKeySequence(definition.shortcut).toString() not in taken:
                action.setShortcut(QKeySequence(definition.shortcut))
            elif definition.shortcut:
                log.warning("shortcut %s of %s is taken", definition.shortcut, definition.id)
            action.triggered.connect(lambda _c=False, i=definition.id: run(i))
            self.actions[definition.id] = action
            whole = QAction(definition.label, window)
            whole.setObjectName(f"rewrite_whole_{definition.id}")
            whole.setStatusTip(f"{definition.status_tip} (the whole document)")
            whole.triggered.connect(lambda _c=False, i=definition.id: run(i, whole_document=True))
            self.whole_actions[definition.id] = whole

    def context_menu(self, pos: QPoint) -> QMenu:
        """The editor's standard context menu plus the rewrite actions."""
        menu = self.editor.createStandardContextMenu(pos)
        for extend in self.context_extensions:
            extend(menu, pos)
        menu.addSeparator()
        menu.addMenu(self.menu)
        return menu

    def action_cursor(self) -> QTextCursor:
        """Where a rewrite applies: where the writer right-clicked, while that context menu is
        up (or its action runs), else the editor's own cursor and selection."""
        return QTextCursor(self._click) if self._click is not None else self.editor.textCursor()

    def _click_cursor(self, pos: QPoint) -> QTextCursor | None:
        """A cursor at the click, unless the click is on the selection (then it applies)."""
        selection, at = self.editor.textCursor(), self.editor.cursorForPosition(pos)
        on_selection = selection.selectionStart() <= at.position() <= selection.selectionEnd()
        return None if selection.hasSelection() and on_selection else at

    def _show_context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu(pos)
        self._click = self._click_cursor(pos)
        # A chosen action runs right after the menu hides; forget the click once it has.
        menu.aboutToHide.connect(lambda: QTimer.singleShot(0, self._forget_click))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.editor.viewport().mapToGlobal(pos))

    def _forget_click(self) -> None:
        self._click = None
