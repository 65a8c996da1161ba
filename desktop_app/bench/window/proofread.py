"""Proofreading in the real window, offscreen: underline latency, a whole check, the heartbeat.

`window_figures(text)` opens the real main window (no language model loaded: the figures are
proofreading's own) and measures, in this order:

(under the app's garbage collection: on the GUI thread, start-up's objects frozen)

1. the Linter built off the GUI thread at start-up, with the GUI heartbeat meanwhile;
2. a 5,000-word document fully checked in the background, once both Harpers are built (the
   first document after start-up, caches cold): `setPlainText` to the checker's `idle`;
3. underline latency: a simulated writer types sentences, each with a misspelling, ~30 ms a
   key; from the last key of each sentence (the pause starts) to the first paint of the
   viewport that shows the word underlined (debounce + lint + relay + paint), p50/p95;
4. a 20 MB document opened as the app opens one (sliced insert), then the same writer types
   into it for `typing_s` seconds with checking off (`big.off`), then on: the GUI heartbeat
   (a 5 ms timer, how late each tick fires) and the underline latency there.

`inkling bench proofread --text FILE --window` puts these under `window` in its figures.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject

from desktop_app.perf import percentile

WORDS = (
    *("libary", "tomorow", "recieve", "seperate", "definately", "occured", "untill", "wierd"),
    *("truely", "begining", "beleive", "neccessary", "goverment", "enviroment", "arguement"),
    *("calender", "existance", "foriegn", "wendesday", "harrass"),
)
KEY_MS = 30  # between keys of the simulated writer
WAIT_S = 10.0


class _PaintClock(QObject):
    """Notes when the editor's viewport was last painted."""

    def __init__(self, viewport) -> None:
        super().__init__(viewport)
        self.painted: list[float] = []
        viewport.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.painted.append(time.perf_counter())
        return False


def _ms(values: list[float], share: float) -> float | None:
    found = percentile(values, share)
    return round(found, 1) if found is not None else None


def _type(editor, text: str) -> float:
    """Type `text` a key every KEY_MS; the time of the last key (the pause starts there)."""
    from PySide6.QtTest import QTest

    from desktop_app.bench.common import type_char

    for index, char in enumerate(text):
        if index:
            QTest.qWait(KEY_MS)
        type_char(editor, char)
    return time.perf_counter()


def _sentences(window, count: int, clock: _PaintClock, offset: int = 0) -> list[float]:
    """Type `count` sentences, each with a misspelling; ms from its last key to its underline."""
    from desktop_app.bench.common import wait_until
    from ui.proofreading.underlines import MARK

    editor = window.editor
    sets: list[float] = []  # when the underlines were (re)set

    def note(_count: int) -> None:
        sets.append(time.perf_counter())

    window.proofreading.underlined.connect(note)
    latencies = []
    for index in range(count):
        word = WORDS[(index + offset) % len(WORDS)]
        paused = _type(editor, f" Then the {word} came.")
        shown: list[float] = []

        def underlined(
            word: str = word, shown: list[float] = shown, paused: float = paused
        ) -> bool:
            if not shown and any(
                s.format.hasProperty(MARK) and s.cursor.selectedText() == word
                for s in editor.extraSelections()
            ):
                shown.append(max([t for t in sets if t >= paused], default=paused))
            return bool(shown) and any(t >= shown[0] for t in clock.painted)

        if wait_until(underlined, WAIT_S):
            painted = next(t for t in clock.painted if t >= shown[0])
            latencies.append((painted - paused) * 1000)
    window.proofreading.underlined.disconnect(note)
    return latencies


def window_figures(text: str, big_mb: float = 20.0, pauses: int = 20, typing_s: float = 30.0):
    """Every window figure of proofreading (see the module docstring)."""
    from desktop_app import paths
    from desktop_app.bench.common import Heartbeat, isolate_settings, open_window, wait_until
    from desktop_app.bench.proofread import take_words
    from desktop_app.garbage import GuiThreadCollector, freeze_long_lived
    from desktop_app.model_host import ModelHost
    from ui.proofreading.controller import CHECK_DELAY_MS

    isolate_settings()
    window = open_window(980, 720)
    collector = GuiThreadCollector(window)  # the app's collection regime (see `run_gui`)
    host = ModelHost(models_dir=paths.models_dir())  # no model: proofreading's figures only
    beat = Heartbeat()
    beat.start()
    started = time.perf_counter()
    window.start_services(model_host=host)
    ok = wait_until(
        lambda: window.proofreading is not None and window.proofreading.session.is_ready, 60
    )
    linter_ready_s = round(time.perf_counter() - started, 2) if ok else None
    both = wait_until(lambda: window.proofreading.session.both_ready, 30)
    freeze_long_lived()  # as the app does once start-up settles
    figures: dict[str, object] = {
        "linter_ready_s": linter_ready_s,
        "second_linter_ready_s": round(time.perf_counter() - started, 2) if both else None,
        "startup_heartbeat": beat.summary(),
        "check_delay_ms": CHECK_DELAY_MS,
    }
    ui = window.proofreading
    idle: list[int] = []
    ui.session.idle.connect(lambda revision, _count: idle.append(revision))
    editor = window.editor
    clock = _PaintClock(editor.viewport())
    try:
        document = take_words(text, 5000)
        editor.setPlainText(document)
        started = time.perf_counter()
        done = wait_until(lambda: editor.revision in idle, 120)
        figures["words_5000_checked_s"] = round(time.perf_counter() - started, 2) if done else None
        figures["words_5000_issues"] = ui.issues.count
        editor.moveCursor(editor.textCursor().MoveOperation.End)
        latencies = _sentences(window, pauses, clock)
        figures["underline_ms_p50"] = _ms(latencies, 0.5)
        figures["underline_ms_p95"] = _ms(latencies, 0.95)
        figures["underline_samples"] = f"{len(latencies)} of {pauses}"
        figures["big"] = _big(window, text, big_mb, typing_s, clock, beat)
    finally:
        beat.stop()
        collector.stop()
        window.editor.document().setModified(False)
        window.close()
        window.shutdown()
        host.shutdown()
    return figures


def _big(window, text: str, big_mb: float, typing_s: float, clock, beat) -> dict[str, object]:
    """Open a `big_mb` MB document the app's way, then type into it with checking on."""
    from desktop_app.bench.common import wait_until

    big = (text.rstrip("\n") + "\n\n") * max(1, int(big_mb * 1_000_000 / max(1, len(text))) + 1)
    big = big[: int(big_mb * 1_000_000)]
    ready: list[float] = []
    started = time.perf_counter()
    window.guard.set_text(big, lambda: ready.append(time.perf_counter()))
    wait_until(lambda: bool(ready), 600)
    ui, editor = window.proofreading, window.editor
    figures: dict[str, object] = {
        "chars": len(big),
        "blocks": editor.document().blockCount(),
        "open_s": round(ready[0] - started, 2) if ready else None,
    }
    editor.moveCursor(editor.textCursor().MoveOperation.Start)
    shown = wait_until(lambda: ui.underliner.shown > 0, 60)
    figures["first_underline_after_open_s"] = (
        round(time.perf_counter() - ready[0], 2) if shown else None
    )
    # The same writer with checking off, then on: what proofreading itself costs the GUI.
    ui.set_enabled(False)
    beat.start()
    until = time.perf_counter() + typing_s
    while time.perf_counter() < until:
        _type(editor, " Then the cat came.")
        wait_until(lambda: False, 0.15)  # the pause in which an underline would come
    beat.stop()
    figures["off"] = {**beat.summary(), "heartbeat_p50_ms": _ms(beat.lateness_ms, 0.5)}
    ui.set_enabled(True)
    wait_until(lambda: ui.underliner.shown > 0, 60)
    beat.start()
    typed_until = time.perf_counter() + typing_s
    latencies: list[float] = []
    round_ = 0
    while time.perf_counter() < typed_until:
        latencies += _sentences(window, 1, clock, offset=round_)
        round_ += 1
    beat.stop()
    figures.update(beat.summary())
    figures["heartbeat_p50_ms"] = _ms(beat.lateness_ms, 0.5)
    figures["typing_s"] = typing_s
    figures["underline_ms_p50"] = _ms(latencies, 0.5)
    figures["underline_ms_p95"] = _ms(latencies, 0.95)
    figures["underline_samples"] = f"{len(latencies)} of {round_}"
    return figures
