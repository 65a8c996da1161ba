"""Connects the editor's ghost text to the suggestion engine, and the engine to the status bar."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence

from desktop_app.inline.alternatives import WHY_PREFIX
from desktop_app.inline.engine import WINDOW_MAX_CHARS, SuggestionContext, SuggestionEngine
from desktop_app.shortcuts import BY_ID
from ui.editor import Editor
from ui.status_bar import EditorStatusBar

LABEL_CHARS = 72  # the status field never grows the window
# An edit over this many blocks (a document set) is not reported block by block: the whole
# text is handed to the document model once things are quiet (a big file arrives in many
# slices; one read of it afterwards, in C++, not one per slice).
RESYNC_BLOCKS = 2000
RESYNC_MS = 150
_STATE_LABELS = {
    "loading": "Suggestions: loading model…",
    "idle": "Suggestions: idle",
    "thinking": "Suggestions: thinking…",
    "off": "Suggestions: off",
    "unavailable": "Suggestions: unavailable",
}


class InlineController(QObject):
    """Feeds the engine what the writer does, and paints what the engine suggests."""

    #: (ms from the last keystroke to the first suggested text painted)
    painted = Signal(float)

    def __init__(self, editor: Editor, engine: SuggestionEngine, status: EditorStatusBar) -> None:
        super().__init__(editor)
        self.editor = editor
        self.engine = engine
        self.status = status
        self._last_key_time = time.perf_counter()
        self._fed = None  # the QTextDocument the document model follows
        self._coming: str | None = None  # a file's text on its way into the editor
        self._blocks = 0  # its block count when last reported
        self._resync = QTimer(self)
        self._resync.setSingleShot(True)
        self._resync.setInterval(RESYNC_MS)
        self._resync.timeout.connect(self._feed_all)
        self._resync.start()
        editor.edited.connect(self._on_edited)
        editor.ghost_typed_through.connect(self._on_typed_through)
        editor.ghost_accepted.connect(self._on_accepted)
        editor.ghost_dismissed.connect(engine.dismiss)
        editor.cursorPositionChanged.connect(self._on_cursor_moved)
        engine.suggestion_changed.connect(self._on_suggestion)
        engine.state_changed.connect(self.show_state)
        self.actions = [
            self._add_action("inline_next", lambda: engine.cycle(1)),
            self._add_action("inline_previous", lambda: engine.cycle(-1)),
            self._add_action("inline_now", engine.ask_now),
        ]

    def _add_action(self, name: str, slot) -> QAction:
        """A window action with its default key (Preferences → Shortcuts may change it)."""
        window = self.editor.window()
        action = QAction(BY_ID[name].label, window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(BY_ID[name].default))
        action.triggered.connect(lambda _checked=False: slot())
        window.addAction(action)
        menu = getattr(window, "view_menu", None)
        if menu is not None:
            menu.addAction(action)
        return action

    def context(self) -> SuggestionContext:
        """What the engine needs to know about the cursor's surroundings, right now."""
        start, before = self.editor.text_before_cursor(WINDOW_MAX_CHARS + 400)
        return SuggestionContext(
            revision=self.editor.revision,
            cursor=self.editor.textCursor().position(),
            before_start=start,
            before=before,
            after_on_line=self.editor.text_after_cursor_on_line(),
        )

    def text_coming(self, text: str) -> None:
        """The editor is about to show `text` (a file opened): the document model takes it as
        it is, rather than reading 20 MB back out of the editor on the GUI thread (~55 ms)."""
        self._coming = text

    def _feed_all(self) -> None:
        document = self.editor.document()
        self._fed, self._blocks = document, document.blockCount()
        text, self._coming = self._coming, None
        if text is None or text.count("\n") + 1 != self._blocks:  # not what the editor shows
            text = document.toRawText()
        self.engine.judge.feed.reset(text)

    def _feed_edit(self, position: int, added: int) -> None:
        """Tell the document model which blocks changed (it counts them on its own thread)."""
        document = self.editor.document()
        if document is not self._fed or self._resync.isActive():
            # The coming read of the whole text has this edit too. Typing does not put it off
            # (the model would stay empty meanwhile); a text still filling in (read-only) does.
            if self.editor.isReadOnly() or not self._resync.isActive():
                self._resync.start()
            return
        total = document.blockCount()
        delta, self._blocks = total - self._blocks, total
        first = document.findBlock(position).blockNumber()
        end = document.findBlock(position + added)
        last = end.blockNumber() if end.isValid() else total - 1
        if first < 0 or last - delta < first - 1 or last - first > RESYNC_BLOCKS:
            self._resync.start()
            return
        fresh = [document.findBlockByNumber(n).text() for n in range(first, last + 1)]
        self.engine.judge.feed.edit(first, last - delta, fresh)

    def _on_edited(self, revision: int, position: int = 0, removed: int = 0, added: int = 0):
        self._last_key_time = time.perf_counter()
        self._feed_edit(position, added)
        if not self.editor.ghost_edit:
            self.engine.note_edit(revision)

    def _on_typed_through(self, typed: str) -> None:
        self.engine.note_typed_through(self.editor.revision, self.editor.ghost_text(), typed)

    def _on_accepted(self, _text: str, _whole: bool) -> None:
        self.engine.note_accepted(self.editor.revision, self.editor.ghost_text())

    def _on_cursor_moved(self) -> None:
        if not self.editor.typing:
            self.engine.dismiss()

    def _on_suggestion(self, revision: int, text: str) -> None:
        if revision != self.editor.revision:
            return  # stale: made for another version of the text
        had = bool(self.editor.ghost_text())
        if text:
            self.editor.show_ghost(text)
            if not had:
                self.painted.emit((time.perf_counter() - self._last_key_time) * 1000)
        else:
            self.editor.clear_ghost()

    def show_state(self, state: str, message: str) -> None:
        """Show the engine's (or the model host's) state in the status bar."""
        if state == "shown":
            label = f"Suggestions: {message.lower()}"
        elif state == "unavailable":  # the reason in the field itself, not only its tooltip
            label = f"{_STATE_LABELS[state]}: {message}" if message else _STATE_LABELS[state]
            if len(label) > LABEL_CHARS:  # the whole reason stays in the tooltip
                label = label[: LABEL_CHARS - 1].rstrip() + "…"
        elif state == "idle" and message.startswith(WHY_PREFIX):  # the writer asked: say why not
            label = f"Suggestions: idle — {message[len(WHY_PREFIX) :]}"
        else:
            label = _STATE_LABELS.get(state, f"Suggestions: {state}")
        self.status.set_suggestion_state(label, message)
