"""A small in-memory record of how long actions take, with p50/p95 per kind.

Each finished action records its time to first feedback (first visible token) and to its final
result; `summary()` gives percentiles per kind for Help → Performance and the benchmarks. Kinds
are free strings: rewrite jobs use their action id ("concise", "grammar", …), inline
suggestions use "inline". Thread-safe: workers record, the GUI thread reads.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections import deque
from collections.abc import Sequence


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The `fraction` percentile (0..1) of `values` by linear interpolation; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * min(max(fraction, 0.0), 1.0)
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def format_ms(value: float | None, digits: int = 0, unit: bool = True) -> str:
    """A time in milliseconds for people: "1,234 ms", or "—" when there is none."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}" + (" ms" if unit else "")


class PerfLog:
    """Timings per kind, keeping the most recent `keep` samples of each."""

    def __init__(self, keep: int = 500) -> None:
        self._keep = keep
        self._lock = threading.Lock()
        self._first: dict[str, deque[float]] = {}
        self._final: dict[str, deque[float]] = {}
        self._counts: dict[str, int] = {}

    def record(self, kind: str, first_ms: float | None, final_ms: float | None) -> None:
        """Add one sample; a None time (no token ever appeared, no result) is counted, not timed."""
        with self._lock:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            for store, value in ((self._first, first_ms), (self._final, final_ms)):
                if value is not None:
                    store.setdefault(kind, deque(maxlen=self._keep)).append(float(value))

    def kinds(self) -> list[str]:
        """Kinds recorded so far, in first-recorded order."""
        with self._lock:
            return list(self._counts)

    def summary(self) -> dict[str, dict[str, float | int | None]]:
        """Per kind: `count`, `first_p50_ms`, `first_p95_ms`, `final_p50_ms`, `final_p95_ms`."""
        with self._lock:
            snapshot = {
                kind: (
                    count,
                    list(self._first.get(kind, ())),
                    list(self._final.get(kind, ())),
                )
                for kind, count in self._counts.items()
            }
        return {
            kind: {
                "count": count,
                "first_p50_ms": percentile(first, 0.5),
                "first_p95_ms": percentile(first, 0.95),
                "final_p50_ms": percentile(final, 0.5),
                "final_p95_ms": percentile(final, 0.95),
            }
            for kind, (count, first, final) in snapshot.items()
        }

    def clear(self) -> None:
        """Forget every sample."""
        with self._lock:
            self._first.clear()
            self._final.clear()
            self._counts.clear()


# How much nicer than the GUI thread a worker runs (Linux: each thread has its own nice value),
# so that on 2 cores, with two Harpers, the document model and a model's owner thread all
# runnable, the GUI thread is the one the scheduler picks first. A precaution, not a fix: the
# 30-60 ms GUI stalls `bench typing` shows were not waits for a CPU (per-thread schedstat).
BACKGROUND_NICE = 10


def lower_thread_priority(nice: int = BACKGROUND_NICE) -> bool:
    """Make the calling thread `nice` steps nicer than the process (Linux only); True if done.

    Raising one's own nice value needs no privilege, and threads this thread starts inherit it.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        base = os.getpriority(os.PRIO_PROCESS, os.getpid())  # the main thread's, not ours
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, base + nice))
    except OSError:
        return False
    return True
