"""Tests for desktop_app.documents.file_loader: results on the GUI thread, and a 20 MB file without a freeze."""

from __future__ import annotations

import os
import threading
import time

from PySide6.QtCore import QTimer

from desktop_app.documents import storage
from desktop_app.documents.file_loader import FileLoader
from desktop_app.documents.storage import LoadedText, save_text


def test_loads_with_request_ids_on_the_gui_thread(qtbot, tmp_path):
    a = tmp_path / "a.md"
    save_text(a, "# A\nfirst\n", newline="\r\n")
    b = tmp_path / "b.txt"
    b.write_bytes("Ünïcode".encode("cp1252"))
    loader = FileLoader()
    threads = []
    results: dict[int, LoadedText] = {}

    def got(request_id, result):
        threads.append(threading.current_thread())
        results[request_id] = result

    loader.loaded.connect(got)
    first = loader.load(a)
    second = loader.load(b)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
    assert second == first + 1
    assert results[first].text == "# A\nfirst\n" and results[first].format.newline == "\r\n"
    assert results[second].fallback and results[second].text == "Ünïcode"
    assert threads == [threading.main_thread()] * 2
    loader.wait_for_done()


def test_opening_cleans_old_temps_in_that_folder(qtbot, tmp_path):
    path = tmp_path / "ch1.md"
    save_text(path, "text")
    stray = storage.temp_name_for(path)
    stray.write_bytes(b"half a save from a killed run")
    past = time.time() - 300
    os.utime(stray, (past, past))
    loader = FileLoader()
    with qtbot.waitSignal(loader.loaded, timeout=5000):
        loader.load(path)
    assert not stray.exists()
    loader.wait_for_done()


def test_failures_are_reported_with_a_reason(qtbot, tmp_path):
    loader = FileLoader()
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
    with qtbot.waitSignal(loader.failed, timeout=5000) as missing:
        rid = loader.load(tmp_path / "gone.txt")
    assert missing.args == [rid, "gone.txt does not exist"]
    with qtbot.waitSignal(loader.failed, timeout=5000) as refused:
        rid = loader.load(binary)
    assert refused.args[0] == rid
    assert "image.png" in refused.args[1] and "binary" in refused.args[1]
    assert "PNG" in refused.args[1]  # says what it is
    with qtbot.waitSignal(loader.failed, timeout=5000) as wrong:
        loader.load(binary, encoding="no-such-codec")
    assert wrong.args[1] == "Unknown encoding 'no-such-codec'"
    loader.wait_for_done()


def test_twenty_megabytes_load_without_blocking_the_gui(qtbot, tmp_path):
    path = tmp_path / "big.txt"
    line = "It is a truth universally acknowledged — that a single man… ünïcödé\r\n"
    text = (line * (20_000_000 // len(line) + 1))[:20_000_000]
    path.write_bytes(text.encode("utf-8"))
    loader = FileLoader()
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start(5)
    qtbot.wait(50)
    started = time.perf_counter()
    with qtbot.waitSignal(loader.loaded, timeout=30_000) as done:
        loader.load(path)
    finished = time.perf_counter()
    load_ms = (finished - started) * 1000
    heartbeat.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False) if b >= started]
    lateness_ms = (max(gaps) - 0.005) * 1000
    print(f"20 MB load {load_ms:.0f} ms; max heartbeat lateness {lateness_ms:.1f} ms")
    result = done.args[1]
    assert result.text == text.replace("\r\n", "\n")
    assert result.format.newline == "\r\n" and not result.fallback
    # Off the GUI thread the heartbeat keeps ticking; a load on it would stall for the whole
    # read + decode (hundreds of milliseconds on this machine).
    during = sum(started <= t <= finished for t in ticks)
    assert during >= load_ms / 5 / 4, f"only {during} heartbeats in {load_ms:.0f} ms"
    assert lateness_ms < 200
    loader.wait_for_done()
