"""The session: requests made before Harper is ready are kept; fixes come back on the GUI thread."""

from __future__ import annotations

import threading

from desktop_app.proofreading.session import ProofreadSession, proofread_settings


def test_requests_before_ready_are_handed_over_and_results_arrive_on_the_gui_thread(
    qtbot, proofreader
):
    session = ProofreadSession(proofreader_factory=lambda: proofreader)
    results, plans = [], []
    session.result.connect(lambda result: results.append((result, threading.current_thread())))
    session.check(1, ["The libary is shut.", "", "Fine."], range(0, 1))  # before start
    session.fix("She recieved it.", plans.append)
    session.start()
    try:
        qtbot.waitUntil(lambda: bool(results and plans), timeout=20_000)
        result, thread = results[0]
        assert thread is threading.main_thread()
        assert result.block_number == 0 and [i.text for i in result.issues] == ["libary"]
        assert plans[0].apply() == "She received it."
        assert session.is_ready
    finally:
        session.stop()


def test_settings_follow_the_preferences():
    assert "style" not in proofread_settings(None, False).categories
    assert "style" in proofread_settings(None, True).categories
    assert proofread_settings("british", False).dialect == "british"
    assert proofread_settings("", False).dialect is None  # guessed from the document
