"""The one worker → GUI-thread relay: calls arrive on the GUI thread, in order, or not at all."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject

from desktop_app.relay import Background, GuiRelay


def test_a_worker_call_runs_on_the_gui_thread_in_order(qtbot) -> None:
    relay = GuiRelay()
    seen: list[tuple[int, bool]] = []
    gui = threading.current_thread()

    def worker() -> None:
        for n in range(50):
            relay.post(lambda n=n: seen.append((n, threading.current_thread() is gui)))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == []  # nothing runs inside post(): it waits for the event loop
    qtbot.waitUntil(lambda: len(seen) == 50, timeout=5000)
    assert seen == [(n, True) for n in range(50)]


def test_a_call_posted_after_the_owner_is_gone_is_dropped(qtbot) -> None:
    owner = QObject()
    relay = GuiRelay(owner)
    calls: list[int] = []
    with qtbot.waitSignal(owner.destroyed):
        owner.deleteLater()
    assert relay.post(calls.append, 1) is False
    qtbot.wait(20)  # let any (wrongly) queued call run
    assert calls == []


def test_background_hands_back_results_and_exceptions(qtbot) -> None:
    background = Background()
    results: list[object] = []
    background.run(lambda: 6 * 7, results.append)
    background.run(lambda: 1 / 0, results.append)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
    assert 42 in results
    assert any(isinstance(r, ZeroDivisionError) for r in results)
    assert background.wait(1.0)


def test_workers_posting_while_the_owner_is_deleted_never_reach_it(qtbot) -> None:
    owner = QObject()
    relay = GuiRelay(owner)
    gone = threading.Event()
    owner.destroyed.connect(lambda *_: gone.set())
    late: list[int] = []
    refused: list[bool] = []

    def worker() -> None:
        while not refused:
            if not relay.post(lambda: late.append(int(gone.is_set()))):
                refused.append(True)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    qtbot.waitUntil(lambda: len(late) > 10, timeout=5000)  # calls are arriving
    with qtbot.waitSignal(owner.destroyed):
        owner.deleteLater()
    for thread in threads:
        thread.join(5)
    qtbot.wait(20)  # let any (wrongly) queued call run
    assert refused  # the workers were told the relay is gone
    assert 1 not in late  # and nothing ran after the owner was destroyed
