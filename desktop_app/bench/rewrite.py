"""`inkling bench rewrite`: rewrite actions in the real window while a simulated writer types.

Opens the real MainWindow offscreen with the real models, puts N paragraphs of a text in the
document and a paragraph to type in at the end, then runs every rewrite action over each of the N
paragraphs as jobs through the real `RewriteUI` and `JobQueue` (one job at a time, results
discarded), while the writer keeps typing at the end at a human cadence with real key events.
Measures per job the time to the first progress message, to the first visible token and to the
final result, tokens per second, the GUI heartbeat, and inline-suggestion latency during the jobs
(and, for comparison, in a short typing phase before them).
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

CUSTOM_INSTRUCTION = "Rewrite it in plain modern English."
JOB_TIMEOUT_S = 180


def add_parser(benches) -> None:
    """Register `inkling bench rewrite`."""
    from desktop_app.cli.model_flags import add_model_options

    parser = benches.add_parser("rewrite", help="rewrite jobs while a simulated writer types")
    parser.add_argument("--text", required=True, help="text file to take paragraphs from")
    parser.add_argument("--paragraphs", type=int, default=3, help="paragraphs per action")
    parser.add_argument("--actions", help="comma-separated action ids (default: all)")
    parser.add_argument("--min-words", type=int, default=60, help="shortest paragraph to use")
    parser.add_argument("--max-words", type=int, default=220, help="longest paragraph to use")
    parser.add_argument(
        "--baseline-s", type=float, default=15.0, help="typing before the jobs (inline baseline)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="write the figures to this JSON file")
    add_model_options(parser)


def pick_paragraphs(text: str, count: int, min_words: int, max_words: int) -> tuple[list[str], int]:
    """`count` paragraphs of `min_words`..`max_words` words from the body of `text`.

    Starts a third of the way in (past a Project Gutenberg header); returns the paragraphs and
    the index (in the unwrapped paragraph list) just after the last one.
    """
    paragraphs = text.split("\n\n")
    chosen: list[str] = []
    index = len(paragraphs) // 3
    while index < len(paragraphs) and len(chosen) < count:
        words = len(paragraphs[index].split())
        if min_words <= words <= max_words:
            chosen.append(paragraphs[index])
        index += 1
    return chosen, index


@dataclass
class JobRecord:
    """What one job measured."""

    action: str
    words: int
    state: str = ""
    error: str | None = None
    first_progress_ms: float | None = None
    first_token_ms: float | None = None
    final_ms: float | None = None
    tokens: int = 0
    generation_s: float = 0.0


@dataclass
class Writer:
    """Types `body` at the end of the document with real key events at a human cadence."""

    window: object
    body: str
    delays: list[int]
    i: int = 0
    running: bool = False
    painted: list[float] = field(default_factory=list)

    def start(self) -> None:
        from PySide6.QtCore import QTimer

        self.running = True
        QTimer.singleShot(0, self.step)

    def stop(self) -> None:
        self.running = False

    def step(self) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtGui import QTextCursor

        from desktop_app.bench.common import type_char

        if not self.running or self.i >= len(self.body):
            return
        editor = self.window.editor
        cursor = editor.textCursor()
        end = editor.document().characterCount() - 1
        if cursor.hasSelection() or cursor.position() != end:
            editor.moveCursor(QTextCursor.MoveOperation.End)  # the writer clicks back in
        type_char(editor, self.body[self.i])
        self.i += 1
        QTimer.singleShot(self.delays[self.i - 1], self.step)


def _stats(values: list[float]) -> tuple[float | None, float | None]:
    from desktop_app.perf import percentile

    return percentile(values, 0.5), percentile(values, 0.95)


def summarize(records: list[JobRecord]) -> dict:
    """p50/p95 figures over `records` (jobs that finished)."""
    done = [r for r in records if r.state == "done"]
    first = [r.first_token_ms for r in done if r.first_token_ms is not None]
    final = [r.final_ms for r in done if r.final_ms is not None]
    progress = [r.first_progress_ms for r in records if r.first_progress_ms is not None]
    tokens = sum(r.tokens for r in records)
    seconds = sum(r.generation_s for r in records)
    first_p50, first_p95 = _stats(first)
    final_p50, final_p95 = _stats(final)
    return {
        "jobs": len(records),
        "done": len(done),
        "failed": sum(r.state == "failed" for r in records),
        "first_token_p50_ms": first_p50,
        "first_token_p95_ms": first_p95,
        "final_p50_ms": final_p50,
        "final_p95_ms": final_p95,
        "tokens_per_s": tokens / seconds if seconds else None,
        "first_progress_max_ms": max(progress) if progress else None,
    }


class RewriteBench:
    """Drives the real window; `run()` returns the figures."""

    def __init__(self, paragraphs, context, body, delays, actions, inline_spec, rewrite_spec):
        self.paragraphs = paragraphs
        self.context = context
        self.body = body
        self.delays = delays
        self.actions = actions
        self.inline_spec = inline_spec
        self.rewrite_spec = rewrite_spec
        self.records: list[JobRecord] = []
        self._submitted: dict[int, float] = {}
        self._first_progress: dict[int, float] = {}

    def run(self) -> dict:
        """Open the window, run every job while the writer types, and return the figures."""
        from desktop_app.bench.common import (
            Heartbeat,
            load_models,
            open_window,
            peak_rss_mb,
            wait_until,
        )
        from desktop_app.documents.document import DocumentFile
        from desktop_app.perf import percentile

        window = open_window(1100, 800)
        host, load_s = load_models(self.inline_spec, self.rewrite_spec, need=("rewrite",))
        inline_ready = host.state("inline")[0] == "ready"
        document = "\n\n".join([*self.paragraphs, self.context])
        window.set_document(document, DocumentFile())
        window.start_services(model_host=host)
        self.window, ui = window, window.rewrite_ui
        window.engine.warm()
        wait_until(lambda: window.engine.idle(), 60)
        ui.queue.job_progress.connect(self._on_progress)
        writer = Writer(window, self.body, self.delays)
        window.inline.painted.connect(lambda ms: writer.painted.append(ms))
        heartbeat = Heartbeat()
        heartbeat.start()
        writer.start()
        baseline_end = time.perf_counter() + self.baseline_s
        wait_until(lambda: time.perf_counter() > baseline_end, self.baseline_s + 5)
        baseline = list(writer.painted)
        baseline_heartbeat = heartbeat.summary()["heartbeat_max_ms"]
        writer.painted.clear()
        heartbeat.start()  # from here on: jobs running while the writer types
        started = time.perf_counter()
        for action in self.actions:
            for index, paragraph in enumerate(self.paragraphs):
                self._run_job(ui, action, index, len(paragraph.split()), wait_until)
        jobs_s = time.perf_counter() - started
        during = list(writer.painted)
        writer.stop()
        heartbeat.stop()
        wait_until(lambda: window.engine.idle(), 30)

        figures = summarize(self.records)
        figures.update(heartbeat.summary())
        figures.update(
            {
                "inline_latency_p50_ms": percentile(during, 0.5),
                "inline_latency_p95_ms": percentile(during, 0.95),
                "inline_shown_during_jobs": len(during),
                "inline_baseline_p50_ms": percentile(baseline, 0.5),
                "heartbeat_baseline_max_ms": baseline_heartbeat,
                "inline_baseline_shown": len(baseline),
                "inline_model_ready": inline_ready,
                "typed_chars": writer.i,
                "jobs_wall_s": round(jobs_s, 1),
                "paragraph_words_mean": (
                    sum(len(p.split()) for p in self.paragraphs) / len(self.paragraphs)
                ),
                "peak_rss_mb": round(peak_rss_mb(), 1),
                "model_load_s": round(load_s, 2),
                "actions": {
                    action: summarize([r for r in self.records if r.action == action])
                    for action in self.actions
                },
                "errors": sorted({r.error for r in self.records if r.error}),
            }
        )
        window.editor.document().setModified(False)
        window.close()
        window.shutdown()
        host.shutdown()
        return figures

    baseline_s = 15.0

    def _on_progress(self, job_id: int, _progress) -> None:
        if job_id not in self._first_progress:
            self._first_progress[job_id] = time.perf_counter()

    def _run_job(self, ui, action: str, index: int, words: int, wait_until) -> None:
        from PySide6.QtGui import QTextCursor

        editor = self.window.editor
        # The writer clicks into paragraph `index` (paragraphs are separated by blank lines).
        block = editor.document().findBlockByNumber(2 * index)
        cursor = editor.textCursor()
        cursor.setPosition(block.position() + 1)
        editor.setTextCursor(cursor)
        instruction = CUSTOM_INSTRUCTION if action == "custom" else None
        submitted = time.perf_counter()
        job = ui.run_action(action, instruction=instruction)
        editor.moveCursor(QTextCursor.MoveOperation.End)  # and goes back to typing
        record = JobRecord(action, words)
        self.records.append(record)
        if job is None:
            record.state, record.error = "failed", "nothing to rewrite"
            return
        if not wait_until(lambda: job.finished and job.id in self._first_progress, JOB_TIMEOUT_S):
            ui.cancel(job.id)
            wait_until(lambda: job.finished, 30)
        stats = job.stats
        record.state, record.error = job.state.value, job.error
        record.first_progress_ms = (self._first_progress.get(job.id, submitted) - submitted) * 1000
        record.first_token_ms, record.final_ms = stats.first_token_ms, stats.final_ms
        record.tokens = stats.tokens
        if stats.started is not None and stats.finished is not None:
            record.generation_s = stats.finished - stats.started
        wait_until(lambda: ui.queue.running_job is None, 10)
        ui.discard(job.id)


def _flatten(figures: dict) -> dict[str, object]:
    rows = {k: v for k, v in figures.items() if k not in ("actions", "errors")}
    for action, sub in figures["actions"].items():
        rows[f"{action}: first p50/p95 ms"] = _pair(
            sub["first_token_p50_ms"], sub["first_token_p95_ms"]
        )
        rows[f"{action}: final p50/p95 ms"] = _pair(sub["final_p50_ms"], sub["final_p95_ms"])
        rate = sub["tokens_per_s"]
        rows[f"{action}: tokens/s, done/jobs"] = (
            f"{'—' if rate is None else f'{rate:.1f}'}, {sub['done']}/{sub['jobs']}"
        )
    for error in figures["errors"]:
        rows.setdefault("errors", error)
    return rows


def _pair(a: float | None, b: float | None) -> str:
    from desktop_app.perf import format_ms

    return f"{format_ms(a, 1, unit=False)} / {format_ms(b, 1, unit=False)}"


def run(args: argparse.Namespace) -> int:
    """Run the benchmark; print a table and optionally write JSON."""
    from desktop_app.bench.common import isolate_settings

    isolate_settings()
    from desktop_app.bench.common import print_table, write_json
    from desktop_app.bench.typing_script import prepare_text, schedule
    from desktop_app.cli.model_flags import spec_from_args
    from desktop_app.rewrite.actions import ACTIONS, get_action

    text = prepare_text(Path(args.text).read_text(encoding="utf-8"))
    paragraphs, after = pick_paragraphs(text, args.paragraphs, args.min_words, args.max_words)
    if not paragraphs:
        raise SystemExit(f"No paragraph of {args.min_words}-{args.max_words} words in {args.text}")
    rest = text.split("\n\n")[after:]
    context = rest[0] if rest else "The writer's own paragraph."
    body = " " + re.sub(r"\s+", " ", " ".join(rest[1:]))[:4000]
    # Fix Grammar is Harper's, not a model's (`inkling bench proofread` measures it).
    models = [a.id for a in ACTIONS if a.id != "grammar"]
    actions = args.actions.split(",") if args.actions else models
    for action in actions:
        get_action(action)  # an unknown id fails here, before the window opens
        if action not in models:
            raise SystemExit(f"{action}: not a model rewrite; see `inkling bench proofread`")
    bench = RewriteBench(
        paragraphs,
        context,
        body,
        [step.delay_ms for step in schedule(body, args.seed)],
        actions,
        spec_from_args(args.inline_model, args, "inline"),
        spec_from_args(args.rewrite_model, args, "rewrite"),
    )
    bench.baseline_s = args.baseline_s
    started = time.perf_counter()
    figures = bench.run()
    figures["wall_s"] = round(time.perf_counter() - started, 1)
    figures["text"] = str(args.text)
    figures["paragraphs"] = len(paragraphs)
    title = f"Rewrite benchmark — {Path(args.text).name}, {len(paragraphs)} paragraphs per action"
    print_table(title, _flatten(figures))
    write_json(args.json, figures)
    return 0
