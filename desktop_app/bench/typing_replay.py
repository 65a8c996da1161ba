"""The Qt side of the typing benchmark: drive the real window with real key events."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from desktop_app.bench.common import (
    Heartbeat,
    load_models,
    open_window,
    peak_rss_mb,
    type_char,
    wait_until,
    wilson_interval,
)
from desktop_app.bench.typing_script import (
    PAUSE_MS,
    PauseRecord,
    Results,
    Step,
    first_word,
    pause_points,
    writer_takes,
)
from desktop_app.inline.prompt import evaluate, inline_request
from desktop_app.perf import percentile


def _every_point(pauses: int, shown: int, correct: int, passed: int) -> dict:
    """Coverage and precision over every pause point of the typed text."""
    points, shown_all, correct_all = pauses + passed, shown + passed, correct + passed
    return {
        "points_passed_in_takes": passed,
        "coverage_every_point": shown_all / points if points else 0.0,
        "precision_every_point": correct_all / shown_all if shown_all else 0.0,
        "coverage_every_point_ci95": wilson_interval(shown_all, points),
        "precision_every_point_ci95": wilson_interval(correct_all, shown_all),
    }


class TypingReplay:
    """Types `body` after `context` into a real MainWindow and measures suggestions."""

    def __init__(
        self, context, body, steps: list[Step], inline_spec, debounce_ms=None, min_prob=None
    ) -> None:
        self.min_prob = min_prob
        self.context = context
        self.body = body
        self.steps = steps
        self.inline_spec = inline_spec
        self.debounce_ms = debounce_ms
        self.results = Results()
        self._i = 0
        self._pause: PauseRecord | None = None
        self._done = False
        self._offer_taken = True  # the suggestion on screen was already taken from
        self._points = set(pause_points(body))

    def run(self) -> dict:
        """Open the window, type everything, and return the figures."""
        from desktop_app.documents.document import DocumentFile
        from models.spec import ModelSpec

        window = open_window(1000, 700)
        host, load_s = load_models(self.inline_spec, ModelSpec(kind="bundled"), need=("inline",))
        window.set_document(self.context, DocumentFile())
        window.editor.moveCursor(QTextCursor.MoveOperation.End)
        window.start_services(model_host=host)
        engine = window.engine
        if self.debounce_ms is not None:
            engine.set_debounce(self.debounce_ms)
        if self.min_prob is not None:
            engine.min_first_prob = self.min_prob
        engine.shown_prompts = []
        window.inline.painted.connect(self._on_painted)
        self.window = window
        # What the app does when a document opens: evaluate the text before the cursor once.
        engine.warm()
        wait_until(lambda: engine.idle(), 60)
        engine.calls = 0
        # The app's garbage collection (see `run_gui`): on the GUI thread, start-up frozen.
        from desktop_app.garbage import GuiThreadCollector, freeze_long_lived

        collector = GuiThreadCollector(window)
        freeze_long_lived()

        heartbeat = Heartbeat()
        heartbeat.start()
        QTimer.singleShot(0, self._step)
        wait_until(lambda: self._done, 3600)
        heartbeat.stop()
        wait_until(lambda: engine.idle(), 30)
        collector.stop()

        results = self.results
        shown_prompts = list(engine.shown_prompts)
        raw_first, raw = self._raw_latencies(host.model("inline"), shown_prompts, engine)
        pauses = results.pauses
        shown = [p for p in pauses if p.shown]
        correct = [p for p in shown if first_word(p.shown) == p.next_word]
        app_p50 = percentile(results.latencies, 0.5)
        raw_p50 = percentile(raw, 0.5)
        raw_first_p50 = percentile(raw_first, 0.5)
        figures = {
            "latency_p50_ms": app_p50,
            "latency_p95_ms": percentile(results.latencies, 0.95),
            "latency_max_ms": max(results.latencies) if results.latencies else None,
            # The raw model's time to what the app needed before it could show anything.
            "raw_p50_ms": raw_p50,
            "raw_p95_ms": percentile(raw, 0.95),
            "app_raw_ratio": (app_p50 / raw_p50) if app_p50 and raw_p50 else None,
            # ... and to its first text beyond the half word (less than the app can judge).
            "raw_first_p50_ms": raw_first_p50,
            "app_raw_first_ratio": (app_p50 / raw_first_p50) if app_p50 and raw_first_p50 else None,
            "pauses": len(pauses),
            "coverage": len(shown) / len(pauses) if pauses else 0.0,
            "precision": len(correct) / len(shown) if shown else 0.0,
            # How far the two shares could move on other text of the same kind (95%).
            "coverage_ci95": wilson_interval(len(shown), len(pauses)),
            "precision_ci95": wilson_interval(len(correct), len(shown)),
            # Every pause point of the text, as `bench gate`'s every-pause view counts them: the
            # writer's pauses, and the points passed inside a suggestion taken (a right next
            # word was shown there). The writer's pauses alone leave out what Tab consumed.
            **_every_point(len(pauses), len(shown), len(correct), results.passed_in_takes),
            "shown_at_pauses": len(shown),
            "correct_at_pauses": len(correct),
            "shown": len(results.latencies),
            "accepted": results.accepted,
            # Of every suggestion shown (at any keystroke), the share the writer took from.
            "offers_taken_share": results.offers_taken / len(results.latencies)
            if results.latencies
            else None,
            # Pauses where the writer saw a suggestion whose first word was wrong.
            "wrong_per_pause": (len(shown) - len(correct)) / len(pauses) if pauses else None,
            "saved_chars": results.saved_chars,
            "saved_ratio": results.saved_chars / len(self.body) if self.body else 0.0,
            "invented_shown": results.invented_shown,
            "calls_per_pause": engine.calls / len(pauses) if pauses else None,
            "debounce_ms": engine.debounce_ms,
            "min_prob": engine.min_first_prob,
            "model_load_s": round(load_s, 2),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
        figures.update(heartbeat.summary())
        window.editor.document().setModified(False)
        window.close()
        window.shutdown()
        host.shutdown()
        return figures

    # ----------------------------------------------------------------- the simulated writer
    def _on_painted(self, latency_ms: float) -> None:
        self.results.latencies.append(latency_ms)
        self._offer_taken = False  # a new suggestion
        if self._pause is not None and self._pause.latency_ms is None:
            self._pause.latency_ms = latency_ms

    def _step(self) -> None:
        editor = self.window.editor
        if self._pause is not None:
            # The pause ends now: what did the writer see, and what do they type next?
            self._pause.shown = editor.ghost_text() or None
            self._pause.next_word = first_word(self.body[self._i :])
            if self._pause.shown and self._new_fact(self._pause.shown):
                self.results.invented_shown += 1
            self.results.pauses.append(self._pause)
            self._pause = None
        if self._i >= len(self.body):
            self._done = True
            return
        intended = self.body[self._i :]
        how, taken = writer_takes(editor.ghost_text(), intended)
        if how == "all":
            QTest.keyClick(editor, Qt.Key.Key_Tab)
        elif how == "word":
            QTest.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
        if taken:
            self.results.accepted += 1
            if not self._offer_taken:
                self.results.offers_taken += 1
                self._offer_taken = True
            self.results.saved_chars += len(taken) - 1
            span = range(self._i, self._i + len(taken))
            self.results.passed_in_takes += sum(1 for i in span if i in self._points)
            self._i += len(taken)
        else:
            type_char(editor, self.body[self._i])
            self._i += 1
        delay = self.steps[self._i - 1].delay_ms
        if delay >= PAUSE_MS:
            self._pause = PauseRecord()
        QTimer.singleShot(delay, self._step)

    def _new_fact(self, shown: str) -> bool:
        """True when `shown` brings in a number, date or name the document does not have."""
        from desktop_app.inline.document_aware import WindowFacts
        from desktop_app.inline.facts import introduces_new_fact

        _start, before = self.window.editor.text_before_cursor(2000)
        known = WindowFacts(self.window.engine.judge.feed.model, before)
        return introduces_new_fact(shown, known, before=before[-300:]) is not None

    # ----------------------------------------------------------------- the raw baseline
    @staticmethod
    def _raw_latencies(model, prompts: list[tuple], engine) -> tuple[list[float], list[float]]:
        """The same prompts (and prefixes) sent straight to the model: (ms to the first text
        that goes beyond the half word typed, ms to the first text the app's rules can judge).

        The second is the raw model doing what the app waited for before it showed anything:
        at a word's end that is the first token; inside a word, the word's end and the first
        token after it (`prompt.evaluate` with no gate).
        """
        first, judged = [], []
        for prompt, prefix in prompts:
            request = inline_request(
                prompt.prompt, engine.max_tokens, engine.temperature, prefix=prefix
            )
            started = time.perf_counter()
            stream = model.stream(request)
            pieces, written, seen = [], "", False
            try:
                for piece in stream:
                    pieces.append(piece)
                    written += piece.text
                    elapsed = (time.perf_counter() - started) * 1000
                    if not seen and written[len(prefix) :].strip():
                        first.append(elapsed)
                        seen = True
                    if evaluate(prompt, pieces, 0.0)[0] in ("show", "done", "stop"):
                        judged.append(elapsed)
                        break
            finally:
                stream.close()
        return first, judged
