"""Tests for desktop_app.documents.recovery: snapshots, ownership between instances, and kill -9 recovery."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QTimer

from desktop_app.documents.recovery import RecoveryStore
from desktop_app.documents.snapshots import Snapshotter
from desktop_app.documents.storage import DiskStamp, save_text
from tests.desktop_app.documents.typing_child import typed_text

REPO = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("typing_child.py")


class RecordingStore(RecoveryStore):
    """A real store that also notes which thread wrote each snapshot, and what."""

    def __init__(self, folder):
        super().__init__(folder)
        self.writes: list[tuple[str, int, bool]] = []

    def snapshot(self, doc_key, path, text, stamp=None):
        super().snapshot(doc_key, path, text, stamp)
        on_main = threading.current_thread() is threading.main_thread()
        self.writes.append((doc_key, len(text), on_main))


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "recovery"


def test_snapshot_pending_discard_between_instances(folder, tmp_path):
    doc = tmp_path / "chapter.md"
    save_text(doc, "line one\nline two\n")
    opened = DiskStamp.of(doc)
    first = RecoveryStore(folder)
    first.snapshot("doc-1", str(doc), "line one\nline 2, edited\nline three\n", opened)
    first.snapshot("untitled-1", None, "fresh idea\n")
    second = RecoveryStore(folder)
    # The first instance is still running: its snapshots are live work, not leftovers.
    assert second.pending() == [] and first.pending() == []

    first.close()
    found = {s.doc_key: s for s in second.pending()}
    assert set(found) == {"doc-1", "untitled-1"}
    snap = found["doc-1"]
    assert snap.text == "line one\nline 2, edited\nline three\n"
    assert snap.path == str(doc) and snap.opened_stamp == opened
    assert snap.owner_pid == os.getpid() and abs(snap.saved_at - time.time()) < 60
    assert not snap.disk_changed()
    diff = snap.diff()
    assert "-line two\n" in diff and "+line 2, edited\n" in diff and "+line three\n" in diff
    assert found["untitled-1"].diff().endswith("+fresh idea\n")
    assert found["untitled-1"].path is None

    save_text(doc, "changed by another program\n")
    assert snap.disk_changed()
    snap.discard()
    assert [s.doc_key for s in second.pending()] == ["untitled-1"]
    second.close()


def test_discard_removes_own_snapshot(folder):
    store = RecoveryStore(folder)
    store.snapshot("k", None, "x")
    assert len(list(folder.glob("snap-*"))) == 2
    assert folder.stat().st_mode & 0o777 == 0o700  # unsaved writing stays private
    store.discard("k")
    assert list(folder.glob("snap-*")) == []
    store.close()


def test_same_doc_key_in_two_instances_does_not_overwrite(folder):
    # A new instance's "untitled-1" must not clobber the crashed instance's "untitled-1".
    old = RecoveryStore(folder)
    old.snapshot("untitled-1", None, "written before the crash")
    old.close()
    new = RecoveryStore(folder)
    new.snapshot("untitled-1", None, "typed after restart")
    assert [s.text for s in new.pending()] == ["written before the crash"]
    new.close()


def test_unreadable_leftovers_are_skipped_and_stale_locks_removed(folder):
    folder.mkdir()
    half_written = folder / ".snap-x.txt.inkling-tmp-0123abcd"
    half_written.write_bytes(b"cut short by a crash")
    past = time.time() - 3600
    os.utime(half_written, (past, past))
    store = RecoveryStore(folder)
    assert not half_written.exists()
    (folder / "snap-dead-0000.json").write_text("{not json")
    meta = {"doc_key": "d", "path": None, "saved_at": 1, "owner": "gone", "pid": 1}
    (folder / "snap-gone-1111.json").write_text(json.dumps(meta))  # no text ever written
    stale = folder / "owner-999999-deadbeef.lock"
    stale.write_text("999999")
    os.utime(stale, (past, past))
    assert store.pending() == []
    assert not stale.exists()
    assert (folder / f"owner-{store.owner}.lock").exists()
    store.close()


def test_snapshotter_debounces_and_writes_off_the_gui_thread(qtbot, folder):
    store = RecordingStore(folder)
    snap = Snapshotter(store, delay_ms=200)
    text = {"now": ""}
    for word in ["never ", "lose ", "a ", "word"]:
        text["now"] += word
        snap.schedule("doc", None, lambda: text["now"])
    scheduled = time.monotonic()
    with qtbot.waitSignal(snap.written, timeout=5000) as blocker:
        pass
    assert blocker.args == ["doc"]
    assert time.monotonic() - scheduled >= 0.15  # waited for typing to pause
    assert store.writes == [("doc", len("never lose a word"), False)]
    store.close()
    assert [s.text for s in RecoveryStore(folder).pending()] == ["never lose a word"]
    snap.shutdown()


def test_snapshotter_writes_during_long_uninterrupted_typing(qtbot, folder):
    store = RecordingStore(folder)
    snap = Snapshotter(store, delay_ms=300, max_delay_ms=500)
    typed = {"n": 0}

    def keystroke():
        typed["n"] += 1
        snap.schedule("doc", None, lambda: "x" * typed["n"])

    typing = QTimer()
    typing.timeout.connect(keystroke)
    typing.start(40)  # faster than the debounce: without a maximum delay nothing is written
    qtbot.waitUntil(lambda: len(store.writes) >= 2, timeout=5000)
    typing.stop()
    first, second = store.writes[0][1], store.writes[1][1]
    # Taken at the maximum delay (~500 ms = ~12 keystrokes), not when typing finally stopped.
    assert 0 < first <= 16 and first < second <= typed["n"]
    snap.shutdown()
    store.close()


def test_parent_may_come_first(qtbot, folder):
    owner = QObject()
    snap = Snapshotter(owner)
    assert snap.parent() is owner and isinstance(snap.store, RecoveryStore)
    snap.shutdown()
    snap.store.close()


def test_discard_and_flush(qtbot, folder):
    store = RecordingStore(folder)
    snap = Snapshotter(store, delay_ms=60_000)
    snap.schedule("a", None, lambda: "kept")
    snap.schedule("b", None, lambda: "thrown away")
    snap.discard("b")
    assert snap.flush()
    assert store.writes == [("a", 4, False)]
    snap.discard("a")
    assert snap.flush()
    assert list(folder.glob("snap-*")) == []
    snap.shutdown()
    store.close()


def test_large_snapshot_does_not_block_gui(qtbot, folder):
    store = RecordingStore(folder)
    snap = Snapshotter(store, delay_ms=0)
    big = ("All work and no play makes Jack a dull boy. Ünïcödé too.\n" * 360_000)[:20_000_000]
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start(5)
    qtbot.wait(50)
    snap.schedule("big", None, lambda: big)
    with qtbot.waitSignal(snap.written, timeout=30_000):
        pass
    heartbeat.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    lateness_ms = (max(gaps) - 0.005) * 1000
    print(f"20 MB snapshot: max heartbeat lateness {lateness_ms:.1f} ms over {len(gaps)} ticks")
    assert lateness_ms < 200
    assert store.writes == [("big", len(big), False)]
    snap.shutdown()
    store.close()


# ---------------------------------------------------------------------------------- kill -9


class _Child:
    def __init__(self, doc: Path, words: int, interval: int, delay: int, max_delay: int):
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(doc), *map(str, (words, interval, delay, max_delay))],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def expect(self, prefix: str, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            assert not line.startswith("failed"), line
            if line.startswith(prefix):
                return int(line.split()[1]) if " " in line else 0

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        assert self.proc.returncode == -signal.SIGKILL


def test_kill_after_typing_pauses_offers_everything(tmp_path):
    doc = tmp_path / "draft.txt"
    save_text(doc, "old text on disk\n")
    child = _Child(doc, words=30, interval=30, delay=1000, max_delay=5000)
    child.expect("ready", 30)
    typed = child.expect("idle", 30)
    idle_at = time.monotonic()
    while (written := child.expect("written", 5)) != typed:
        pass
    snapshot_after = time.monotonic() - idle_at
    # Still running: another instance must not offer its live snapshot.
    assert RecoveryStore().pending() == []
    child.kill()
    (snap,) = RecoveryStore().pending()
    print(f"snapshot on disk {snapshot_after:.2f}s after typing stopped")
    assert 0.5 < snapshot_after < 3.0  # about a second after typing stops
    assert snap.text == typed_text(30) and len(snap.text) == written
    assert snap.path == str(doc) and snap.doc_key == "doc-1"
    assert "-old text on disk\n" in snap.diff() and "+never0 lose1" in snap.diff()


def test_kill_mid_typing_loses_only_the_last_moments(tmp_path):
    doc = tmp_path / "draft.txt"
    child = _Child(doc, words=10_000, interval=20, delay=300, max_delay=700)
    child.expect("ready", 30)
    written = [child.expect("written", 10) for _ in range(2)]
    child.kill()  # still typing: the timer never paused
    (snap,) = RecoveryStore().pending()
    # The offered text is what was typed up to a recent snapshot: a prefix of the full text,
    # at least as long as the last snapshot reported before the kill.
    assert typed_text(10_000).startswith(snap.text)
    assert len(snap.text) >= written[-1] > written[0] > 0


@pytest.mark.parametrize(
    "bad",
    [
        {"saved_at": "yesterday"},
        {"opened_stamp": "abc"},
        {"pid": [1]},
        {"owner": None, "doc_key": {"a": 1}, "opened_stamp": [1, 2]},
    ],
)
def test_one_unreadable_metadata_file_does_not_hide_the_others(folder, bad):
    dead = RecoveryStore(folder)
    dead.snapshot("good", None, "the text to offer")
    dead.snapshot("broken", None, "cannot be described")
    meta_file = next(
        p for p in folder.glob("snap-*.json") if json.loads(p.read_text())["doc_key"] == "broken"
    )
    meta = json.loads(meta_file.read_text())
    meta.update(bad)
    meta_file.write_text(json.dumps(meta))
    dead.close()
    store = RecoveryStore(folder)
    assert [s.text for s in store.pending()] == ["the text to offer"]
    store.close()


def test_changes_are_hunks_with_words_marked(folder, tmp_path):
    doc = tmp_path / "essay.txt"
    lines = [f"line {i} of the essay" for i in range(40)]
    save_text(doc, "\n".join(lines) + "\n")
    edited = list(lines)
    edited[5] = "line 5 of the long essay"
    edited[30] = "line thirty of the essay"
    store = RecoveryStore(folder)
    store.snapshot("d", str(doc), "\n".join(edited) + "\n")
    store.close()
    other = RecoveryStore(folder)
    (snap,) = other.pending()
    hunks = snap.changes()
    assert [(h.before_line, h.after_line) for h in hunks] == [(4, 4), (29, 29)]
    first = hunks[0].runs
    assert ("insert", "long ") in first
    assert "".join(t for op, t in first if op != "insert") == "\n".join(lines[3:8]) + "\n"
    assert ("delete", "30") in hunks[1].runs and ("insert", "thirty") in hunks[1].runs
    other.close()
