"""Child process for the window kill test: the real window types into a file until killed.

Usage: window_typing_child.py DOC_PATH WORDS INTERVAL_MS. Recovery goes to the default folder
(INKLING_DATA_DIR decides where). Prints "ready" once the file is open, then types WORDS words
with real key events, one every INTERVAL_MS, and prints "written N" each time the window's
recovery snapshot, now N characters on disk, was written. It never saves; it waits to be killed.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def typed_words(words: int) -> str:
    """What the child types (deterministic, so the parent can check)."""
    return "".join(f" word{i}" for i in range(words))


def main() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest

    from desktop_app.app import create_application
    from desktop_app.settings import Settings
    from ui.main_window import MainWindow

    doc_path, words, interval = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    app = create_application()
    window = MainWindow(Settings())
    window.show()
    guard = window.guard
    store = guard.snapshotter.store

    def on_written(_key: str) -> None:
        for snap in store.folder.glob(f"snap-{store.owner}-*.txt"):
            print(f"written {len(snap.read_text(encoding='utf-8'))}", flush=True)

    guard.snapshotter.written.connect(on_written)
    state = {"typed": 0}

    def type_word() -> None:
        if window.is_loading():
            return
        if state["typed"] == 0:
            window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
            print("ready", flush=True)
        QTest.keyClicks(window.editor, f" word{state['typed']}")
        state["typed"] += 1
        if state["typed"] >= words:
            timer.stop()

    window.open_path(doc_path)
    timer = QTimer()
    timer.timeout.connect(type_word)
    timer.start(interval)
    app.exec()


if __name__ == "__main__":
    main()
