"""Jobs that survive: kill -9 the real window mid-job, Resume in a new one; notices; a corrupt store.

The window runs the real bundled rewrite model; the killed window is a real child process
(`window_rewrite_child.py`) that reports each chunk once it is committed to the job store.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_app.jobstore.recorder import JobRecorder
from desktop_app.jobstore.records import StoredState
from desktop_app.jobstore.store import JobStore, default_path

CHILD = Path(__file__).with_name("window_rewrite_child.py")
ROOT = Path(__file__).resolve().parents[3]
PARAGRAPHS = [
    "The old lighthouse stood at the end of the pier, its paint peeling in long strips. Nobody "
    "had climbed its stairs for years, and the gulls had made the lantern room their own.",
    "Every morning the fisherman walk past it with there nets, talking about the weather and "
    "the price of fuel, and never once looking up at the dark glass.",
    "One winter a storm took the roof of the boathouse and threw it into the harbour. The "
    "town met in the church hall to decide what to do, and argued until midnight.",
    "In the end they agreed to mend the boathouse first and the lighthouse later, which "
    "everyone knew meant never. The mayor wrote it down in the minutes anyway.",
    "The next spring a young woman arrived with a toolbox and a letter from the harbour "
    "board. She said she had been sent to fix the light, and she started that afternoon.",
    "By the summer the lantern turned again, and on clear nights its beam reached the "
    "islands. The fishermen still talked about the weather, but now they looked up.",
]
PARAGRAPHS += [p.replace("the", "the old", 1) for p in PARAGRAPHS]  # a longer job
DOCUMENT = "\n\n".join(PARAGRAPHS) + "\n"


@pytest.fixture(scope="module")
def host(qapp):
    from desktop_app.model_host import ModelHost
    from models.spec import ModelSpec

    host = ModelHost(models_dir=Path(os.environ["INKLING_MODELS_DIR"]))
    host.start(None, ModelSpec(kind="bundled"))
    yield host
    host.shutdown()


def start(qtbot, window, host):
    window.start_services(model_host=host)
    qtbot.waitUntil(lambda: host.state("rewrite")[0] == "ready", timeout=60_000)
    jobs = window.rewrite_ui.background_jobs
    qtbot.waitUntil(lambda: jobs.stored.writer is not None, timeout=10_000)
    return jobs


def run_child_until_stored(doc: Path, chunks: int) -> list[int]:
    """Run the rewriting window in a child; kill -9 it once `chunks` chunks are stored."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    log = (doc.parent / "child.log").open("w")  # the child's stderr, for a failure's report
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(doc), "concise"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        cwd=ROOT,
        env=env,
    )
    stored: list[int] = []
    try:
        deadline = time.monotonic() + 180
        for line in child.stdout:  # the child prints once each chunk is committed
            if line.startswith("stored "):
                stored.append(int(line.split()[1]))
            if len(stored) >= chunks or time.monotonic() > deadline:
                break
    finally:
        child.kill()  # SIGKILL: no close, no shutdown, no chance to clean up
        child.wait(10)
    return stored


def test_kill_mid_job_then_resume_in_a_new_window(qtbot, window, host, tmp_path, monkeypatch):
    doc = tmp_path / "lighthouse.txt"
    doc.write_text(DOCUMENT, encoding="utf-8")
    stored = run_child_until_stored(doc, 1)
    assert stored, "the child stored no chunk before the deadline"

    store = JobStore.open(default_path())
    (summary,) = store.list()
    before = store.finished_chunks(summary.id)
    store.close()
    planned = summary.chunk_count
    assert set(before) >= set(stored)  # every chunk reported is on disk
    assert planned > len(before)  # killed in the middle of a multi-chunk job

    generated: list[int] = []
    chunk_done = JobRecorder.chunk_done

    def spy(self, job_id, index, result):
        generated.append(index)
        chunk_done(self, job_id, index, result)

    monkeypatch.setattr(JobRecorder, "chunk_done", spy)
    jobs = start(qtbot, window, host)
    shown_at = time.monotonic()
    window.open_path(doc)
    listed = jobs.stored.list
    qtbot.waitUntil(lambda: summary.id in listed.ids(), timeout=10_000)
    offered_s = time.monotonic() - shown_at
    assert "Interrupted" in listed.row_text(summary.id)
    assert f"{len(before)} of {planned} chunks done" in listed.row_text(summary.id)
    assert window.editor.toPlainText() == DOCUMENT  # nothing applied by itself
    print(f"\nResume offered {offered_s * 1000:.0f} ms after the document was asked for")

    ui = window.rewrite_ui
    with qtbot.waitSignal(ui.queue.job_finished, timeout=180_000) as finished:
        qtbot.mouseClick(listed.button(summary.id, "Resume"), Qt.MouseButton.LeftButton)
    job = ui.queue.job(finished.args[0])
    # The chunks finished before the kill were not generated again; the others were.
    assert set(generated).isdisjoint(before)
    assert set(generated) | set(before) == set(range(planned))
    assert window.editor.toPlainText() == DOCUMENT  # unchanged until Replace
    assert ui.panel.job_id == job.id and ui.panel.replace_button.isEnabled()
    qtbot.mouseClick(ui.panel.replace_button, Qt.MouseButton.LeftButton)
    assert window.editor.toPlainText() == job.result != DOCUMENT

    assert jobs.stored.writer.flush(10)
    store = JobStore.open(default_path())
    kept = store.get(summary.id)
    store.close()
    assert kept.state == StoredState.APPLIED
    assert all(kept.chunk_results[i] == before[i] for i in before)  # stored chunks reused as-is


def test_notice_fires_when_the_window_is_inactive_and_not_when_active(qtbot, window, host):
    jobs = start(qtbot, window, host)
    ui, notices = window.rewrite_ui, jobs.notices
    window.editor.setPlainText(PARAGRAPHS[1])
    active = {"now": False}
    notices.is_active = lambda: active["now"]

    with qtbot.waitSignal(ui.queue.job_finished, timeout=60_000):
        first = ui.run_action("concise")
    assert len(notices.sent) == 1
    title, message = notices.sent[0]
    assert title == "Draft ready for review"
    assert first.definition.plain_label in message and window.file.display_name in message
    assert "1 new" in ui.jobs_dock.windowTitle()
    assert jobs.ready_label.isVisible() and "ready for review" in jobs.ready_label.text()

    notices.clicked()  # clicking the notification opens the review
    assert ui.panel.job_id == first.id and ui.review_dock.isVisible()
    assert "new" not in ui.jobs_dock.windowTitle() and not jobs.ready_label.isVisible()

    active["now"] = True
    with qtbot.waitSignal(ui.queue.job_finished, timeout=60_000):
        ui.run_action("concise")
    assert len(notices.sent) == 1  # the writer is here: no desktop notification


def test_a_corrupt_store_is_moved_aside_and_the_window_starts(qtbot, window, host):
    path = default_path()
    path.write_bytes(b"this is not a database" * 100)
    jobs = start(qtbot, window, host)
    assert jobs.stored.store.recovered_from
    assert "moved" in window.status.currentMessage()
    assert list(path.parent.glob("jobs.sqlite.corrupt-*"))
    window.editor.setPlainText(PARAGRAPHS[0])
    with qtbot.waitSignal(window.rewrite_ui.queue.job_finished, timeout=60_000):
        window.rewrite_ui.run_action("concise")  # and jobs are kept again
    assert jobs.stored.writer.flush(10)
    store = JobStore.open(path)
    assert [j.state for j in store.list()] == [StoredState.FINISHED]
    store.close()


def click_button_named(text: str, seen: list) -> None:
    """Click the button labelled `text` in the next message box that opens."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            for button in box.buttons():
                if button.text() == text:
                    seen.append(box.text())
                    button.click()
                    return
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def test_quit_while_running_then_finish_in_the_background_next_time(qtbot, window, host, tmp_path):
    from desktop_app.settings import Settings
    from ui.main_window import MainWindow

    doc = tmp_path / "lighthouse.txt"
    doc.write_text(DOCUMENT, encoding="utf-8")
    jobs = start(qtbot, window, host)
    window.open_path(doc)
    qtbot.waitUntil(
        lambda: window.file.path is not None and not window.is_loading(), timeout=10_000
    )
    ui = window.rewrite_ui
    job = ui.run_action("concise", whole_document=True)
    assert "This should take " in window.status.currentMessage()  # the estimate, up front
    qtbot.waitUntil(lambda: len(job.chunks) > 1 and not job.finished, timeout=30_000)
    # While it runs: chunk k of n (and the time left, once the job has a rate of its own).
    qtbot.waitUntil(lambda: jobs.time_left.text().startswith("chunk "), timeout=30_000)
    assert f" of {len(job.chunks)}" in jobs.time_left.text()
    jobs.ask_on_quit = True
    seen: list = []
    click_button_named("Finish in the Background Next Time", seen)
    window.close()
    assert seen and "still running" in seen[0]
    window.shutdown()  # as the app does once the window has closed
    store = JobStore.open(default_path())
    (kept,) = store.list()
    store.close()
    assert kept.state == StoredState.INTERRUPTED

    second = MainWindow(Settings())
    second.show()
    try:
        second.start_services(model_host=host)
        later = second.rewrite_ui
        with qtbot.waitSignal(later.queue.job_finished, timeout=180_000) as finished:
            second.open_path(doc)  # the job resumes by itself once its document is open
        assert later.background_jobs.stored.list.ids() == []  # not offered: it just ran
        resumed = later.queue.job(finished.args[0])
        assert resumed.original == DOCUMENT and resumed.result
        assert second.editor.toPlainText() == DOCUMENT  # a draft to review, never applied
        assert later.panel.job_id == resumed.id and later.panel.replace_button.isEnabled()
    finally:
        second.editor.document().setModified(False)
        second.close()
        second.shutdown()
        second.deleteLater()


def test_a_kept_draft_of_a_changed_document_is_never_applied_blindly(qtbot, window, host, tmp_path):
    doc = tmp_path / "lighthouse.txt"
    original = PARAGRAPHS[0]
    store = JobStore.open(default_path())
    job_id = store.create("concise", original, path=doc, target_start=0, target_end=len(original))
    store.set_state(job_id, StoredState.FINISHED, result="The lighthouse stood, unclimbed.")
    store.close()
    edited = original.replace("old lighthouse", "old grey lighthouse")
    doc.write_text(edited + "\n\n" + PARAGRAPHS[1] + "\n", encoding="utf-8")  # changed since

    jobs = start(qtbot, window, host)
    window.open_path(doc)
    listed = jobs.stored.list
    qtbot.waitUntil(lambda: job_id in listed.ids(), timeout=10_000)
    assert "Draft ready for review" in listed.row_text(job_id)
    assert "1 new" in window.rewrite_ui.jobs_dock.windowTitle()
    before = window.editor.toPlainText()

    ui = window.rewrite_ui
    qtbot.mouseClick(listed.button(job_id, "Review"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ui.panel.result is not None, timeout=10_000)
    assert ui.panel.original_view.toPlainText() == original  # against the stored original
    assert "Apply" in ui.panel.replace_button.text()  # the target-edited rule
    assert "new" not in ui.jobs_dock.windowTitle()
    assert window.editor.toPlainText() == before  # nothing applied yet
    assert ui.replace(ui.panel.job_id)  # the writer chose "Apply to Changed Text"
    assert window.editor.toPlainText().startswith("The lighthouse stood, unclimbed.")
