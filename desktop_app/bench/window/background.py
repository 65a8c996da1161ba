"""`inkling bench background`: a whole-document rewrite in the real window, idle and typing.

Opens the real window offscreen with the bundled models (the app's garbage collection regime,
start-up frozen), puts N paragraphs of `--text` in the editor (one chunk each) and runs a
whole-document "concise" job four times: with the writer idle and typing (a word every 1.5 s at
the end of the document, where suggestions come at each pause), each with the background
thread dial free to widen to both cores ("both") and held at one thread ("one"). For each run:

- rewrite tokens/s (the job's tokens over its wall time) and how many token evaluations ran
  on two threads;
- the GUI heartbeat (a 5 ms timer: how late each tick fired), p99 and max, over the whole job;
- inline suggestions while typing: ms from "thinking" to the engine settling, p50, with count.

Then the idle speed-up both / one. The issue's targets: both ≥ 1.6× one when idle, inline p50
unchanged while typing, heartbeat max ≤ 50 ms during a 20-chunk job.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

WORDS = ("the", "fire", "spread", "along", "the", "river", "and", "the", "people", "fled")
KEY_EVERY_S = 1.5  # ~40 words a minute, with a pause after each word


def add_parser(subparsers) -> None:
    """Register `inkling bench background`."""
    parser = subparsers.add_parser(
        "background", help="a whole-document rewrite: tokens/s and heartbeat, idle and typing"
    )
    parser.add_argument("--text", required=True, help="text file to take paragraphs from")
    parser.add_argument("--paragraphs", type=int, default=20, help="chunks of the job")
    parser.add_argument("--min-words", type=int, default=40, help="shortest paragraph to use")
    parser.add_argument("--max-words", type=int, default=70, help="longest paragraph to use")
    parser.add_argument("--json", help="write the figures to this JSON file")


def take_paragraphs(text: str, count: int, low: int, high: int) -> list[str]:
    """Up to `count` paragraphs of `low`..`high` words, each on one line."""
    chosen = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if low <= len(block.split()) <= high:
            chosen.append(" ".join(block.split()))
            if len(chosen) == count:
                break
    return chosen


def run(args: argparse.Namespace) -> int:
    from desktop_app.bench.common import print_table, write_json

    paragraphs = take_paragraphs(
        Path(args.text).read_text(encoding="utf-8"), args.paragraphs, args.min_words, args.max_words
    )
    if len(paragraphs) < args.paragraphs:
        raise SystemExit(
            f"inkling bench background: only {len(paragraphs)} paragraphs of "
            f"{args.min_words}-{args.max_words} words in {args.text}"
        )
    figures = measure("\n\n".join(paragraphs) + "\n\n")
    for row in figures["runs"]:
        rest = {key: value for key, value in row.items() if key != "run"}
        print_table(f"inkling bench background: {row['run']}", rest)
    print(f"idle speed-up, both cores / one thread: {figures['idle_speed_up']}")
    write_json(args.json, figures)
    return 0


def measure(text: str) -> dict:
    """The four runs (see the module docstring) on `text`."""
    from PySide6.QtTest import QTest

    from desktop_app.bench.common import Heartbeat, isolate_settings, open_window, wait_until
    from desktop_app.garbage import GuiThreadCollector, freeze_long_lived

    isolate_settings()
    window = open_window(980, 720)
    collector = GuiThreadCollector(window)
    window.start_services()
    ready = wait_until(
        lambda: (
            all(window.models.state(role)[0] == "ready" for role in ("inline", "rewrite"))
            and window.rewrite_ui.background_jobs.stored.writer is not None
        ),
        300,
    )
    if not ready:
        raise SystemExit("inkling bench background: the bundled models did not load")
    freeze_long_lived()
    dial = window.models.model("rewrite").threads
    inline_ms: list[float] = []
    thinking: list[float] = []

    def on_state(state: str, _message: str) -> None:
        now = time.perf_counter()
        if state == "thinking":
            thinking[:] = thinking or [now]
        elif thinking:
            inline_ms.append((now - thinking.pop()) * 1000)

    window.engine.state_changed.connect(on_state)
    window.activateWindow()
    window.editor.setFocus()
    beat = Heartbeat()

    def one_run(label: str, wide: bool, typing: bool, words: tuple[str, ...] = WORDS) -> dict:
        dial.wide = 2 if wide else dial.narrow
        dial.cost = {dial.narrow: None, dial.wide: None}
        widened, calls = dial.widened, window.engine.calls
        window.editor.setPlainText(text)
        inline_ms.clear()
        beat.start()
        job = window.rewrite_ui.run_action("concise", whole_document=True)
        typed, next_key = 0, time.monotonic()
        while not job.finished:
            wait_until(lambda: job.finished, 0.05)
            if typing and time.monotonic() >= next_key and not job.finished:
                window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
                QTest.keyClicks(window.editor, " " + words[typed % len(words)])
                typed += 1
                next_key = time.monotonic() + KEY_EVERY_S
        beat.stop()
        seconds = job.stats.finished - job.stats.started
        summary = beat.summary()
        return {
            "run": label,
            "chunks": len(job.chunks),
            "state": job.state.value,
            "tokens": job.stats.tokens,
            "seconds": round(seconds, 2),
            "tokens_per_s": round(job.stats.tokens / seconds, 1) if seconds else None,
            "two_thread_evals": dial.widened - widened,
            "typed_words": typed,
            "heartbeat_p99_ms": round(summary["heartbeat_p99_ms"] or 0, 1),
            "heartbeat_max_ms": round(summary["heartbeat_max_ms"] or 0, 1),
            "inline_p50_ms": round(statistics.median(inline_ms), 1) if inline_ms else None,
            "inline_count": len(inline_ms),
            "inline_calls": window.engine.calls - calls,
        }

    try:
        runs = [
            one_run("idle, one thread", wide=False, typing=False),
            one_run("idle, both cores", wide=True, typing=False),
            one_run("typing, one thread", wide=False, typing=True),
            # Other words: the same ones would find every suggestion in the engine's cache.
            one_run("typing, both cores", wide=True, typing=True, words=WORDS[::-1]),
        ]
    finally:
        collector.stop()
        window.editor.document().setModified(False)
        window.close()
        window.shutdown()
    one, both = runs[0]["tokens_per_s"], runs[1]["tokens_per_s"]
    return {
        "paragraphs": text.count("\n\n"),
        "runs": runs,
        "idle_speed_up": round(both / one, 2) if one and both else None,
    }
