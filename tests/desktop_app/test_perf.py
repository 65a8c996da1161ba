"""PerfLog: per-kind percentiles of first-feedback and final times; background thread priority."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from desktop_app.perf import BACKGROUND_NICE, PerfLog, lower_thread_priority, percentile


def test_percentiles_interpolate():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.95) == 7
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile(list(range(1, 101)), 0.95) == 95.05


def test_summary_per_kind_counts_untimed_samples():
    log = PerfLog()
    for ms in (100, 200, 300):
        log.record("grammar", ms, ms * 10)
    log.record("grammar", None, None)  # e.g. a reply that never showed a token
    log.record("inline", 20, 120)
    summary = log.summary()
    assert summary["grammar"] == {
        "count": 4,
        "first_p50_ms": 200,
        "first_p95_ms": 290,
        "final_p50_ms": 2000,
        "final_p95_ms": 2900,
    }
    assert summary["inline"]["final_p50_ms"] == 120
    assert log.kinds() == ["grammar", "inline"]
    log.clear()
    assert log.summary() == {}


def test_only_recent_samples_are_kept_and_recording_is_thread_safe():
    log = PerfLog(keep=50)

    def worker():
        for _ in range(1000):
            log.record("concise", 1000, 1000)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.record("concise", 0, 0)
    summary = log.summary()["concise"]
    assert summary["count"] == 4001
    assert summary["first_p50_ms"] == 1000 and summary["first_p95_ms"] == 1000


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_a_worker_is_nicer_and_the_main_thread_is_untouched() -> None:
    main_before = os.getpriority(os.PRIO_PROCESS, os.getpid())
    seen: list[tuple[bool, int, int]] = []

    def worker() -> None:
        done = lower_thread_priority()
        mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        again = lower_thread_priority()  # twice is no nicer than once: it is from the main's
        seen.append((done and again, mine, os.getpriority(os.PRIO_PROCESS, 0)))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    done, mine, after_twice = seen[0]
    assert done
    assert mine == min(19, main_before + BACKGROUND_NICE) == after_twice
    assert os.getpriority(os.PRIO_PROCESS, os.getpid()) == main_before
