"""Child process for the job-store kill test: the real window rewrites a whole document until killed.

Usage: window_rewrite_child.py DOC_PATH ACTION. The job store goes to the default folder
(INKLING_DATA_DIR decides where). The child opens DOC_PATH with the bundled models, starts a
whole-document rewrite once the store and the rewrite model are ready, and prints "stored I"
each time chunk I's result has been committed to the store on disk. It never applies anything and waits to be killed.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from PySide6.QtCore import QTimer

    from desktop_app.app import create_application
    from desktop_app.jobstore.store import JobStore
    from desktop_app.settings import Settings
    from ui.main_window import MainWindow

    doc_path, action = sys.argv[1], sys.argv[2]
    commit_chunk = JobStore.record_chunk

    def record_chunk(self, job_id: str, index: int, result: str) -> None:
        commit_chunk(self, job_id, index, result)  # returns once the chunk is on disk
        print(f"stored {index}", flush=True)

    JobStore.record_chunk = record_chunk  # the writer thread calls it
    app = create_application()
    window = MainWindow(Settings())
    window.show()
    window.start_services()
    window.open_path(doc_path)
    state = {"job": None}

    def step() -> None:
        ui = window.rewrite_ui
        jobs = ui.background_jobs
        ready = (
            jobs.stored.writer is not None
            and window.models.state("rewrite")[0] == "ready"
            and not window.is_loading()
            and window.file.path is not None
        )
        if state["job"] is None and ready:
            state["job"] = ui.run_action(action, whole_document=True)

    timer = QTimer()
    timer.timeout.connect(step)
    timer.start(20)
    app.exec()


if __name__ == "__main__":
    main()
