"""`inkling bench gate`: calibrate the inline confidence gate on a text, without the window.

At every point where the typing benchmark's writer pauses (after a space that a word follows),
build the engine's own prompt for the text typed so far, let the inline model continue it with
per-token probabilities, and judge the pieces with the engine's own `evaluate` at several gate
thresholds. Prints coverage and precision per threshold, each with its 95% interval.

This is the offline half of `inkling bench typing`: no window, no timing, no accepted
suggestions (the replay's writer skips the pauses inside a suggestion they took), so it can
cover thousands of pauses in minutes where the replay, typing at a human pace, covers a few
hundred. Its figures run a little above the replay's for that reason.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

DEFAULT_THRESHOLDS = "0.1,0.2,0.25,0.3,0.35,0.4,0.5"


def add_parser(benches) -> None:
    """Register `inkling bench gate`."""
    from desktop_app.bench.cli import add_model_options

    parser = benches.add_parser("gate", help="calibrate the inline confidence gate offline")
    parser.add_argument("--text", required=True, help="text file to replay")
    parser.add_argument("--chars", type=int, default=5000, help="characters to replay")
    parser.add_argument("--start", type=int, default=None, help="offset to start at")
    parser.add_argument(
        "--thresholds", default=DEFAULT_THRESHOLDS, help="gate thresholds to compare (0-1)"
    )
    parser.add_argument("--json", help="write the figures to this JSON file")
    add_model_options(parser)


def replay(model, context: str, body: str, max_tokens: int) -> list[tuple[object, list, str]]:
    """(prompt, pieces, next word) at every pause point of `body`; prompt is None where the
    engine would not ask (a new paragraph)."""
    from desktop_app.bench.typing import first_word, pause_points
    from desktop_app.inline_prompt import (
        WINDOW_MAX_CHARS,
        build_prompt,
        choose_anchor,
        should_suggest,
    )
    from models.base import GenerationRequest, Priority

    anchor = None
    out = []
    for i in pause_points(body):
        document = context + body[: i + 1]
        next_word = first_word(body[i + 1 :])
        before_start = max(0, len(document) - 2 * WINDOW_MAX_CHARS)
        before = document[before_start:]
        if not should_suggest(before, ""):
            out.append((None, [], next_word))
            continue
        anchor = choose_anchor(before_start, before, anchor, len(document))
        prompt = build_prompt(anchor, before_start, before)
        request = GenerationRequest(
            prompt=prompt.prompt,
            max_tokens=max_tokens,
            stop=("\n",),
            temperature=0.0,
            priority=Priority.REALTIME,
            want_probs=True,
        )
        stream = model.stream(request)
        try:
            pieces = list(stream)
        finally:
            stream.close()
        out.append((prompt, pieces, next_word))
    return out


def sweep(points, thresholds: list[float]) -> list[dict]:
    """Coverage and precision of the first suggested word at each threshold."""
    from desktop_app.bench.common import wilson_interval
    from desktop_app.bench.typing import first_word
    from desktop_app.inline_prompt import evaluate

    rows = []
    for threshold in thresholds:
        shown = correct = 0
        for prompt, pieces, next_word in points:
            if prompt is None:
                continue
            verdict, text = evaluate(prompt, pieces, threshold, final=True)
            if verdict in ("show", "done") and text.strip():
                shown += 1
                correct += first_word(text) == next_word
        rows.append(
            {
                "threshold": threshold,
                "shown": shown,
                "correct": correct,
                "coverage": shown / len(points) if points else 0.0,
                "coverage_ci95": wilson_interval(shown, len(points)),
                "precision": correct / shown if shown else 0.0,
                "precision_ci95": wilson_interval(correct, shown),
            }
        )
    return rows


def run(args: argparse.Namespace) -> int:
    """Replay the text, print one row per threshold, and optionally write JSON."""
    from desktop_app.bench.common import isolate_settings

    isolate_settings()
    from desktop_app import paths
    from desktop_app.bench.cli import spec_from_args
    from desktop_app.bench.common import write_json
    from desktop_app.bench.typing import stretch
    from desktop_app.suggestions import MAX_TOKENS, MIN_FIRST_PROB
    from models.factory import open_model

    thresholds = [float(value) for value in args.thresholds.split(",") if value.strip()]
    context, body = stretch(Path(args.text).read_text(encoding="utf-8"), args.start, args.chars)
    spec = spec_from_args(args.inline_model, args, "inline")
    model = open_model(spec, role="inline", models_dir=paths.models_dir())
    try:
        started = time.perf_counter()
        points = replay(model, context, body, MAX_TOKENS)
        wall_s = time.perf_counter() - started
    finally:
        model.close()
    rows = sweep(points, thresholds)
    print(
        f"Gate calibration — {Path(args.text).name}, {len(body)} characters, {len(points)} pauses"
    )
    print(f"  {'threshold':>9}  {'coverage':>17}  {'precision':>17}  shown")
    for row in rows:
        mark = "  ← current" if abs(row["threshold"] - MIN_FIRST_PROB) < 1e-9 else ""
        print(
            f"  {row['threshold']:>9.2f}  {_share(row, 'coverage')}  {_share(row, 'precision')}"
            f"  {row['shown']:>5}{mark}"
        )
    write_json(
        args.json,
        {
            "text": str(args.text),
            "chars": len(body),
            "pauses": len(points),
            "current_threshold": MIN_FIRST_PROB,
            "wall_s": round(wall_s, 1),
            "rows": rows,
        },
    )
    return 0


def _share(row: dict, key: str) -> str:
    interval = row[f"{key}_ci95"]
    spread = f"({interval[0]:.2f}–{interval[1]:.2f})" if interval else "(—)"
    return f"{row[key]:>5.2f} {spread:>11}"
