"""`inkling bench typing`: replay a writer typing a text into the real window, offscreen.

Keys are real key events at a human cadence: quick within words, a short pause at word ends,
now and then a pause long enough to read a suggestion. The simulated writer takes a suggestion's
next word (Ctrl+Right) or all of it (Tab) when it is what they were about to type. Measured:
keystroke-to-painted latency of suggestions, the raw model's time for the same prompts in the
same run, coverage and precision at pauses, characters saved, and a 5 ms GUI heartbeat.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from desktop_app.bench.typing_script import schedule, stretch


def add_parser(benches) -> None:
    """Register `inkling bench typing`."""
    from desktop_app.cli.model_flags import add_model_options

    parser = benches.add_parser("typing", help="inline suggestions while typing a text")
    parser.add_argument("--text", required=True, help="text file to type")
    parser.add_argument("--chars", type=int, default=1200, help="characters to type")
    parser.add_argument("--start", type=int, default=None, help="offset to start typing at")
    parser.add_argument("--json", help="write the figures to this JSON file")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--debounce-ms", type=int, default=None, help="override the debounce")
    parser.add_argument(
        "--min-prob", type=float, default=None, help="override the confidence gate (0-1)"
    )
    add_model_options(parser)


def run(args: argparse.Namespace) -> int:
    """Run the benchmark; print a table and optionally write JSON."""
    from desktop_app.bench.common import isolate_settings

    isolate_settings()
    from desktop_app.bench.typing_replay import TypingReplay
    from desktop_app.cli.model_flags import spec_from_args

    context, body = stretch(Path(args.text).read_text(encoding="utf-8"), args.start, args.chars)
    replay = TypingReplay(
        context=context,
        body=body,
        steps=schedule(body, args.seed),
        inline_spec=spec_from_args(args.inline_model, args, "inline"),
        debounce_ms=args.debounce_ms,
        min_prob=args.min_prob,
    )
    started = time.perf_counter()
    figures = replay.run()
    figures["wall_s"] = round(time.perf_counter() - started, 1)
    figures["text"] = str(args.text)
    figures["chars"] = len(body)
    from desktop_app.bench.common import print_table, write_json

    print_table(f"Typing benchmark — {Path(args.text).name}, {len(body)} characters", figures)
    write_json(args.json, figures)
    return 0
