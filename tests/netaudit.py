"""Record every network connection and name lookup the process makes, via a `sys.addaudithook`.

Audit hooks cannot be removed, so one hook is installed (on first use) for the life of the
process and only records while a `record_network()` block is active. Python raises the audit
events `socket.connect` (also for `connect_ex` and asyncio's non-blocking connects) and
`socket.getaddrinfo` in whichever thread makes the call, so connections made from worker
threads and event-loop threads are caught too.

    with record_network() as events:
        do_something()
    assert events.connections == []
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["NetEvent", "NetRecording", "record_network"]

_AUDITED = ("socket.connect", "socket.getaddrinfo")
_lock = threading.Lock()
_active: list[NetRecording] = []
_installed = False


@dataclass(frozen=True)
class NetEvent:
    """One audited call: `socket.connect` with its address, or `socket.getaddrinfo` with host/port."""

    event: str
    target: tuple[object, ...]
    thread: str


@dataclass(eq=False)  # compared by identity: two empty recordings are different recordings
class NetRecording:
    """The events seen while one `record_network()` block was open."""

    events: list[NetEvent] = field(default_factory=list)

    @property
    def connections(self) -> list[NetEvent]:
        """Only the `socket.connect` events."""
        return [e for e in self.events if e.event == "socket.connect"]

    @property
    def lookups(self) -> list[NetEvent]:
        """Only the `socket.getaddrinfo` events."""
        return [e for e in self.events if e.event == "socket.getaddrinfo"]


def _hook(event: str, args: tuple[object, ...]) -> None:
    # Called for every audit event in the process: return fast when nobody is recording.
    if not _active or event not in _AUDITED:
        return
    if event == "socket.connect":
        address = args[1]
        target = tuple(address) if isinstance(address, tuple) else (address,)
    else:
        target = tuple(args[:2])  # (host, port)
    record = NetEvent(event, target, threading.current_thread().name)
    with _lock:
        for recording in _active:
            recording.events.append(record)


def _install() -> None:
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True


@contextlib.contextmanager
def record_network() -> Iterator[NetRecording]:
    """Record connections and lookups made anywhere in the process while the block runs."""
    _install()
    recording = NetRecording()
    with _lock:
        _active.append(recording)
    try:
        yield recording
    finally:
        with _lock:
            _active.remove(recording)
