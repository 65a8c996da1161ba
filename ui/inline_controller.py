"""Connects the editor's ghost text to the suggestion engine, and the engine to the status bar."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from desktop_app.inline.engine import WINDOW_MAX_CHARS, SuggestionContext, SuggestionEngine
from ui.editor import Editor
from ui.status_bar import EditorStatusBar

LABEL_CHARS = 72  # the status field never grows the window
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
        editor.edited.connect(self._on_edited)
        editor.ghost_typed_through.connect(self._on_typed_through)
        editor.ghost_accepted.connect(self._on_accepted)
        editor.ghost_dismissed.connect(engine.dismiss)
        editor.cursorPositionChanged.connect(self._on_cursor_moved)
        engine.suggestion_changed.connect(self._on_suggestion)
        engine.state_changed.connect(self.show_state)

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

    def _on_edited(self, revision: int, *_change: int) -> None:
        self._last_key_time = time.perf_counter()
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
        else:
            label = _STATE_LABELS.get(state, f"Suggestions: {state}")
        self.status.set_suggestion_state(label, message)
