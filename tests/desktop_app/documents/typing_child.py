"""Child process for the recovery kill test: "types" words into a document and snapshots it.

Usage: typing_child.py DOC_PATH WORDS INTERVAL_MS DELAY_MS MAX_DELAY_MS. Recovery goes to the
default folder (INKLING_DATA_DIR decides where). Prints "written N" each time a snapshot of the
first N characters is on disk, and "idle N" when it stops typing with N characters typed.
"""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QCoreApplication, QTimer


def typed_text(words: int) -> str:
    """The document after `words` words were typed (deterministic, so the parent can check)."""
    vocab = ["never", "lose", "a", "word", "while", "the", "writer", "types", "on\n"]
    return "".join(f"{vocab[i % len(vocab)]}{i} " for i in range(words))


_say_lock = threading.Lock()


def say(line: str) -> None:
    """One whole line to the parent, from any thread."""
    with _say_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def main() -> None:
    from desktop_app.documents.recovery import RecoveryStore
    from desktop_app.documents.snapshots import Snapshotter

    class ReportingStore(RecoveryStore):
        def snapshot(self, doc_key, path, text, stamp=None):
            super().snapshot(doc_key, path, text, stamp)
            # Printed from the worker thread once the snapshot is really on disk.
            say(f"written {len(text)}")

    doc_path, words, interval, delay, max_delay = sys.argv[1], *map(int, sys.argv[2:6])
    app = QCoreApplication([])
    snap = Snapshotter(ReportingStore(), delay_ms=delay, max_delay_ms=max_delay)
    state = {"typed": 0}

    def provide() -> str:
        return typed_text(state["typed"])

    snap.failed.connect(lambda key, why: say(f"failed {why}"))

    def type_word() -> None:
        state["typed"] += 1
        snap.schedule("doc-1", doc_path, provide)
        if state["typed"] >= words:
            timer.stop()
            say(f"idle {len(typed_text(state['typed']))}")

    timer = QTimer()
    timer.timeout.connect(type_word)
    timer.start(interval)
    say("ready")
    app.exec()


if __name__ == "__main__":
    main()
