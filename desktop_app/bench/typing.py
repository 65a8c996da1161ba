"""`inkling bench typing`: replay a writer typing a text into the real window, offscreen.

Keys are real key events at a human cadence: quick within words, a short pause at word ends,
now and then a pause long enough to read a suggestion. The simulated writer takes a suggestion's
next word (Ctrl+Right) or all of it (Tab) when it is what they were about to type. Measured:
keystroke-to-painted latency of suggestions, the raw model's time for the same prompts in the
same run, coverage and precision at pauses, characters saved, and a 5 ms GUI heartbeat.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

PAUSE_MS = 300  # a gap at least this long after a keystroke counts as a pause
_WORD = re.compile(r"\w[\w'’-]*")


def add_parser(benches) -> None:
    """Register `inkling bench typing`."""
    from desktop_app.bench.cli import add_model_options

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


def prepare_text(raw: str) -> str:
    """Unwrap hard-wrapped lines into paragraphs, as a writer would type them."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw)]
    return "\n\n".join(p for p in paragraphs if p)


def first_word(text: str) -> str:
    """The first word of `text`, without the punctuation around it ("Darcy," → "Darcy")."""
    match = _WORD.search(text)
    return match.group(0) if match else ""


def stretch(raw: str, start: int | None, chars: int) -> tuple[str, str]:
    """(context, body): `chars` characters to type from the paragraph at `start` (a third of
    the way in, at most 20,000, by default) and up to 2500 characters of whole paragraphs
    before them, already in the document."""
    text = prepare_text(raw)
    if start is None:
        start = min(len(text) // 3, 20_000)
    start = text.rfind("\n\n", 0, start) + 2 if "\n\n" in text[:start] else 0
    context = text[max(0, start - 2500) : start]
    cut = context.find("\n\n")
    return (context[cut + 2 :] if cut >= 0 else context), text[start : start + chars]


def pause_points(body: str) -> list[int]:
    """Where `schedule` pauses: after a space or line break that a word follows. Each index
    is that of the space or line break."""
    return [
        i
        for i, char in enumerate(body)
        if char in " \n" and body[i + 1 : i + 2] not in (" ", "\n", "")
    ]


def writer_takes(ghost: str, intended: str) -> tuple[str, str]:
    """What the simulated writer takes of the suggestion `ghost` when about to type `intended`:
    ("all", ghost) with Tab when all of it is right, ("word", word) with Ctrl+Right when its
    next word is, else ("", "")."""
    from ui.editor import next_word

    if ghost and intended.startswith(ghost) and len(ghost.strip()) >= 2:
        return "all", ghost
    word = next_word(ghost) if ghost else ""
    if len(word.strip()) >= 2 and intended.startswith(word):
        return "word", word
    return "", ""


@dataclass
class Step:
    """One key to type and the pause after it."""

    char: str
    delay_ms: int


def schedule(text: str, seed: int) -> list[Step]:
    """Human cadence: 60-140 ms within words, 300-450 ms after a word, 900-1300 ms now and then."""
    rng = random.Random(seed)
    steps = []
    pauses = set(pause_points(text))
    for i, char in enumerate(text):
        if i in pauses:
            long_pause = rng.random() < 0.3 or text[i - 1 : i] in ".!?"
            delay = rng.randint(900, 1300) if long_pause else rng.randint(300, 450)
        else:
            delay = rng.randint(60, 140)
        steps.append(Step(char, delay))
    return steps


@dataclass
class PauseRecord:
    """What happened in one pause."""

    shown: str | None = None
    latency_ms: float | None = None
    next_word: str = ""


@dataclass
class Results:
    """Everything measured during the replay."""

    pauses: list[PauseRecord] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    saved_chars: int = 0
    accepted: int = 0
    calls: int = 0


def run(args: argparse.Namespace) -> int:
    """Run the benchmark; print a table and optionally write JSON."""
    from desktop_app.bench.common import isolate_settings

    isolate_settings()
    from desktop_app.bench.cli import spec_from_args
    from desktop_app.bench.typing_replay import TypingReplay

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
