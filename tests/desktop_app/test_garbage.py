"""Cycles are freed on the GUI thread, whichever thread made them garbage."""

from __future__ import annotations

import gc
import threading

from desktop_app.garbage import GuiThreadCollector, due_generation


def test_the_due_generation_follows_pythons_own_schedule() -> None:
    thresholds = (700, 10, 10)
    assert due_generation((10, 0, 0), thresholds) is None
    assert due_generation((701, 0, 0), thresholds) == 0
    assert due_generation((701, 11, 0), thresholds) == 1
    assert due_generation((701, 11, 11), thresholds) == 2
    assert due_generation((5, 11, 11), thresholds) is None  # nothing young to look at


class _Cycle:
    freed_on: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_on.append(threading.current_thread().name)


def test_cycles_dropped_by_a_worker_are_freed_on_the_gui_thread(qtbot) -> None:
    gc.collect()
    was_enabled = gc.isenabled()  # the test session runs under a collector of its own
    gc.enable()  # as at start-up: automatic collection on
    collector = GuiThreadCollector(interval_ms=10)
    try:
        assert not gc.isenabled()
        _Cycle.freed_on.clear()

        def worker() -> None:
            for _ in range(5000):  # far past the young threshold: it would collect here
                _Cycle()

        thread = threading.Thread(target=worker, name="allocating-worker")
        thread.start()
        thread.join()
        assert _Cycle.freed_on == []  # nothing was collected on the worker
        qtbot.waitUntil(lambda: len(_Cycle.freed_on) >= 4000, timeout=5000)
        assert set(_Cycle.freed_on) == {threading.current_thread().name}
    finally:
        collector.stop()
        collector.deleteLater()
    assert gc.isenabled()  # given back as it was found
    if not was_enabled:
        gc.disable()


def test_what_is_frozen_stays_and_later_cycles_are_still_collected() -> None:
    from desktop_app.garbage import freeze_long_lived

    try:
        before = _Cycle()
        assert freeze_long_lived() > 0
        _Cycle.freed_on.clear()
        del before  # frozen: only a full scan of the permanent generation could free it
        for _ in range(100):
            _Cycle()
        gc.collect()
        assert len(_Cycle.freed_on) == 100  # the new cycles, not the frozen one
    finally:
        gc.unfreeze()
        gc.collect()


def test_only_a_slow_full_collection_freezes_what_survived_it(qtbot) -> None:
    collector = GuiThreadCollector(slow_full_s=float("inf"))
    try:
        gc.unfreeze()
        kept = [[n] for n in range(50_000)]  # a big document's long-lived tables
        collector.collect(2)
        assert gc.get_freeze_count() == 0  # fast enough: nothing frozen
        collector._slow_full_s = 0.0  # every full collection now counts as slow
        collector.collect(1)
        assert gc.get_freeze_count() == 0  # a young one never freezes
        collector.collect(2)
        assert gc.get_freeze_count() >= len(kept)
    finally:
        collector.stop()
        collector.deleteLater()
        gc.unfreeze()
        gc.collect()
