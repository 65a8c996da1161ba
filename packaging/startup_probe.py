"""Start-up timer for the packaged app, active only when `INKLING_STARTUP_PROBE=<file>` is set.

It records (wall-clock seconds, so a launcher can subtract its own spawn time): when Python
started running our code, when the main window was first exposed on screen, when the inline
model was ready, and when the first inline suggestion was painted after typing a sentence. The
events go to `<file>` as JSON. Then it exits, or, with `INKLING_STARTUP_PROBE_HOLD=1`, keeps
the window open (ghost text showing) until the launcher has taken a screenshot and ends it.

Nothing in the app knows about this module: it wraps `desktop_app.app.create_application` and
watches the window from outside, so the measured path is the writer's path.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

# Typed into the editor once the inline model is ready: sentences whose next word the model is
# confident about (the engine shows nothing below its confidence threshold). The next one is
# typed, on a new line, only if the engine declines to suggest after the previous one.
PROBE_TEXTS = (
    "It was the first time in a long",
    "The quick brown fox jumps over the lazy",
    "Once upon a",
)
GIVE_UP_S = 90.0
_POLL_MS = 20

_events: dict[str, float] = {}
_out: Path | None = None
_keep: list[object] = []  # Qt objects that must outlive the functions that made them


def _mark(name: str) -> None:
    _events.setdefault(name, time.time())
    if _out is not None:
        tmp = _out.with_name(_out.name + ".tmp")
        tmp.write_text(json.dumps(_events), encoding="utf-8")
        os.replace(tmp, _out)


def install(path: str) -> None:
    """Start timing; called by the entry script before the app starts."""
    global _out
    _out = Path(path)
    _mark("python_started")
    import desktop_app.app as app_module

    original = app_module.create_application

    def create_application(*args, **kwargs):
        app = original(*args, **kwargs)
        _watch(app)
        return app

    app_module.create_application = create_application


def _watch(app) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtGui import QWindow

    class ExposeFilter(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if (
                event.type() == QEvent.Type.Expose
                and isinstance(obj, QWindow)
                and obj.isExposed()
                and "window_exposed" not in _events
            ):
                _mark("window_exposed")
                poll.start()
            return False

    poll = QTimer()
    poll.setInterval(_POLL_MS)
    poll.timeout.connect(lambda: _poll(app, poll))
    give_up = QTimer()
    give_up.setSingleShot(True)
    give_up.timeout.connect(lambda: _finish(ok=False))
    give_up.start(int(GIVE_UP_S * 1000))
    expose = ExposeFilter()
    app.installEventFilter(expose)
    _keep.extend([poll, give_up, expose])


def _main_window(app):
    for widget in app.topLevelWidgets():
        if hasattr(widget, "models") and hasattr(widget, "inline") and widget.isVisible():
            return widget
    return None


def _poll(app, poll) -> None:
    window = _main_window(app)
    if window is None or window.inline is None:
        return
    state, message = window.models.state("inline")
    if state == "unavailable":
        _events["error"] = message  # type: ignore[assignment]
        _finish(ok=False)
    if state != "ready":
        return
    poll.stop()
    _mark("inline_model_ready")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    texts = list(PROBE_TEXTS)

    def type_next() -> None:
        if not texts:
            _events["error"] = "no suggestion for any probe sentence"  # type: ignore[assignment]
            _finish(ok=False)
            return
        text = texts.pop(0)
        if window.editor.toPlainText():  # a new line, as a real Return: QTest cannot type "\n"
            QTest.keyClick(window.editor, Qt.Key.Key_Return)
        QTest.keyClicks(window.editor, text)

    def on_engine_state(state: str, _message: str) -> None:
        if state == "idle" and "first_suggestion_painted" not in _events:
            type_next()  # the engine declined this one: give it an easier sentence

    window.inline.painted.connect(lambda _ms: _suggested(window))
    window.engine.state_changed.connect(on_engine_state)
    _keep.append(on_engine_state)
    window.editor.setFocus()
    _mark("typing_started")
    type_next()


def _suggested(window) -> None:
    if "first_suggestion_painted" in _events:
        return
    _mark("first_suggestion_painted")
    _events["suggestion"] = window.editor.ghost_text()  # type: ignore[assignment]
    _finish(ok=True)


def _finish(*, ok: bool) -> None:
    _events["ok"] = ok  # type: ignore[assignment]
    _mark("probe_done")
    if ok and os.environ.get("INKLING_STARTUP_PROBE_HOLD") == "1":
        return  # the launcher screenshots the window, then terminates us
    # Leave at once: a modified document would otherwise ask whether to save it.
    os._exit(0 if ok else 1)
