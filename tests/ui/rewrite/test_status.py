"""The running rewrite's status field: one elapsed time, and text that elides, never widens."""

from __future__ import annotations

import re
import time

from PySide6.QtWidgets import QApplication

from desktop_app.rewrite.jobs import JobProgress

WHOLE_DOCUMENT_STAGE = "Chunk 17 of 240 — 63 tokens, 41.2 s"


def _running(window):
    from ui.rewrite.controller import RewriteUI

    ui = RewriteUI(window)
    return ui.status


def test_the_elapsed_time_is_shown_once(qtbot, window):
    status = _running(window)
    status.show_job(
        1, "Fix Grammar", time.monotonic() - 3.7, JobProgress("Drafting — 42 tokens, 3.6 s"), 0
    )
    qtbot.waitUntil(status.isVisible)
    shown = f"{status.stage_label.text()} {status.elapsed_label.text()}"
    assert len(re.findall(r"\d+(?:\.\d+)? s\b", shown)) == 1
    assert "42 tokens" in shown


def test_status_text_elides_and_never_widens_the_window(qtbot, window):
    status = _running(window)
    window.resize(980, 720)
    qtbot.waitUntil(lambda: window.width() == 980)
    label = "Rewrite More Concisely — whole document with a long custom instruction"
    status.show_job(2, label, time.monotonic(), JobProgress(WHOLE_DOCUMENT_STAGE, 17, 240), 3)
    qtbot.waitUntil(status.isVisible)
    for _ in range(3):
        QApplication.processEvents()  # the layout requests the new text posted
    assert window.width() == 980
    assert window.minimumSizeHint().width() <= 980
    assert status.stage_label.toolTip().startswith(label)
