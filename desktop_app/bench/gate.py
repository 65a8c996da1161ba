"""`inkling bench gate`: calibrate the inline confidence gate on a text, without the window.

The engine's own prompts (`choose_anchor`, `build_prompt`) go straight to the inline model with
per-token probabilities, and the engine's own `evaluate` judges the pieces at several gate
thresholds. Two views per threshold, each with its 95% interval:

- every pause: each point where the typing replay's schedule pauses (after a space that a word
  follows), as if the writer had typed every character;
- as the replay's writer: the same writer as `inkling bench typing`, who takes a suggestion
  with Tab or Ctrl+Right when it is right, so the pauses inside what they took never happen.
  The right suggestions taken before a pause leave the harder pauses behind, so this view's
  precision is the lower one, and it is the one the replay reports.

At the current threshold it then measures the document-aware parts one by one (word
completion, phrase blending, fact safety; see `gate_document`): saved_ratio, invented_shown
and alternatives_hit, under the JSON key "document" (skip with --no-document).

No window and no timing: 5000 characters take about two minutes, where the replay, typing at
a human pace, takes about fifteen.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

DEFAULT_THRESHOLDS = "0.1,0.2,0.25,0.3,0.35,0.4,0.5"
TOP_K = 3  # first tokens asked of the model for `alternatives_hit` (the greedy one among them)


def add_parser(benches) -> None:
    """Register `inkling bench gate`."""
    from desktop_app.cli.model_flags import add_model_options

    parser = benches.add_parser("gate", help="calibrate the inline confidence gate offline")
    parser.add_argument("--text", required=True, help="text file to replay")
    parser.add_argument("--chars", type=int, default=5000, help="characters to replay")
    parser.add_argument("--start", type=int, default=None, help="offset to start at")
    parser.add_argument(
        "--thresholds", default=DEFAULT_THRESHOLDS, help="gate thresholds to compare (0-1)"
    )
    parser.add_argument("--json", help="write the figures to this JSON file")
    parser.add_argument(
        "--document-threshold",
        type=float,
        default=None,
        help="gate threshold for the document-aware figures (default: the engine's)",
    )
    parser.add_argument(
        "--finish-threshold",
        type=float,
        default=None,
        help="how sure the model must be of the word being typed to finish it (default: the app's)",
    )
    parser.add_argument(
        "--passage",
        action="store_true",
        help="also measure an earlier passage in front of the prompt window (inline.passage)",
    )
    parser.add_argument(
        "--no-document",
        action="store_true",
        help="skip the document-aware parts (word completion, phrases, fact safety)",
    )
    add_model_options(parser)


class Prompts:
    """The engine's prompt at each position of `body` (typed after `context`), and the model's
    pieces for each prompt, asked once and kept."""

    def __init__(self, model, context: str, body: str, max_tokens: int) -> None:
        self.model = model
        self.context = context
        self.body = body
        self.max_tokens = max_tokens
        self.anchor: int | None = None
        self.pieces: dict[tuple[str, str], list] = {}
        # The likeliest first tokens of each prompt's generation, when the model can say
        # (`Piece.alternatives`, from the same logits as the probabilities).
        self.top_k: dict[str, list[tuple[str, float]]] = {}

    def at(self, typed: int):
        """(prompt, pieces) once `typed` characters of the body are in; (None, []) where the
        engine would not ask (a new paragraph)."""
        prompt = self.prompt_at(typed)
        return (
            (prompt, self.pieces_for(prompt.prompt, self.prefix(prompt))) if prompt else (None, [])
        )

    def prefix(self, prompt) -> str:
        """What the engine keeps the model to for `prompt` (`healing_prefix`, if it heals)."""
        from desktop_app.inline.prompt import healing_prefix

        return healing_prefix(prompt) if getattr(self.model, "heals", False) else ""

    def prompt_at(self, typed: int):
        """The engine's prompt once `typed` characters are in (None: it would not ask)."""
        from desktop_app.inline.prompt import (
            WINDOW_MAX_CHARS,
            build_prompt,
            choose_anchor,
            should_suggest,
        )

        document = self.context + self.body[:typed]
        before_start = max(0, len(document) - 2 * WINDOW_MAX_CHARS)
        before = document[before_start:]
        if not should_suggest(before, ""):
            return None
        self.anchor = choose_anchor(before_start, before, self.anchor, len(document))
        return build_prompt(self.anchor, before_start, before)

    def pieces_for(self, text: str, prefix: str = "") -> list:
        """The model's pieces for the prompt `text` kept to `prefix`, asked once and kept."""
        from desktop_app.inline.prompt import inline_request

        if (text, prefix) not in self.pieces:
            request = inline_request(text, self.max_tokens, prefix=prefix)
            request.top_k = TOP_K
            stream = self.model.stream(request)
            try:
                self.pieces[text, prefix] = pieces = list(stream)
            finally:
                stream.close()
            alternatives = getattr(pieces[0], "alternatives", ()) if pieces else ()
            if alternatives and not prefix:
                self.top_k[text] = list(alternatives)
        return self.pieces[text, prefix]


class PassagePrompts(Prompts):
    """`Prompts` with an earlier passage in front of the window (`inline.passage`), chosen
    again only when the window's anchor moves, as the prefix cache needs."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._chosen: tuple[int, str] | None = None  # (anchor, passage)
        self.with_passage = 0  # prompts that had one

    def at(self, typed: int):
        from dataclasses import replace

        from desktop_app.inline.passage import earlier_passage

        anchor_before = self.anchor
        prompt = self.prompt_at(typed)
        if prompt is None:
            return None, []
        if self._chosen is None or self._chosen[0] != prompt.anchor or anchor_before is None:
            document = self.context + self.body[:typed]
            window = document[prompt.anchor :]
            self._chosen = (prompt.anchor, earlier_passage(document[: prompt.anchor], window))
        passage = self._chosen[1]
        if passage:
            self.with_passage += 1
            prompt = replace(prompt, prompt=passage + "\n\n" + prompt.prompt)
        return prompt, self.pieces_for(prompt.prompt, self.prefix(prompt))


def suggestion(prompts: Prompts, typed: int, threshold: float) -> str:
    """What the engine shows once `typed` characters are in, at gate `threshold` ("" for
    nothing)."""
    from desktop_app.inline.prompt import evaluate

    prompt, pieces = prompts.at(typed)
    if prompt is None:
        return ""
    verdict, text = evaluate(prompt, pieces, threshold, final=True)
    return text if verdict in ("show", "done") and text.strip() else ""


def every_pause(prompts: Prompts, threshold: float) -> list[tuple[str, str]]:
    """(suggestion shown, next word typed) at every pause point of the body."""
    from desktop_app.bench.typing_script import first_word, pause_points

    prompts.anchor = None
    body = prompts.body
    return [
        (suggestion(prompts, i + 1, threshold), first_word(body[i + 1 :]))
        for i in pause_points(body)
    ]


def as_writer(prompts: Prompts, threshold: float, session=None) -> list[tuple[str, str]]:
    """(suggestion shown, next word typed) at the pauses the typing replay's writer makes.

    The writer takes a suggestion with Tab or Ctrl+Right when it is what they were about to
    type (`writer_takes`), so the pauses inside what they took never happen; typing through a
    suggestion keeps it, re-checked at each space, as the engine does. Suggestions are taken
    to be ready before the next keystroke (the replay measures them at ~20-30 ms, keys come
    every 60 ms or more).

    With a `session` gate (`SessionGate`), the threshold is the session's at each suggestion,
    and it hears what the engine tells it: a take is accepted, a suggestion typed over or typed
    through to its end is ignored.
    """
    from desktop_app.bench.typing_script import first_word, pause_points, writer_takes

    def ask(at: int) -> str:
        return suggestion(prompts, at, session.threshold(threshold) if session else threshold)

    prompts.anchor = None
    body = prompts.body
    pauses = set(pause_points(body))
    records: list[tuple[str, str]] = []
    typed = 0
    shown = ask(typed)
    paused = False
    while typed < len(body):
        if paused:
            records.append((shown, first_word(body[typed:])))
        how, taken = writer_takes(shown, body[typed:])
        if how:
            if session:
                session.accepted()
            typed += len(taken)
            shown = shown[len(taken) :] or ask(typed)
        else:
            char = body[typed]
            typed += 1
            typed_through = shown.startswith(char)
            if session and shown and (not typed_through or len(shown) == 1):
                session.ignored()
            shown = shown[1:] if typed_through else ""
            if not typed_through or not shown or char.isspace():
                shown = ask(typed)
        paused = typed - 1 in pauses
    return records


def session_figures(prompts: Prompts, calibrated: float, rows: list[dict]) -> dict:
    """The writer's view with the session gate learning, at the `calibrated` threshold, and
    the fixed gate's precision at the same coverage (interpolated along the sweep's `rows`)."""
    from desktop_app.inline.session_gate import SessionGate

    found = figures(as_writer(prompts, calibrated, SessionGate()))
    curve = sorted((row["as_writer"]["coverage"], row["as_writer"]["precision"]) for row in rows)
    coverage, fixed = found["coverage"], None
    for (c0, p0), (c1, p1) in itertools.pairwise(curve):
        if c0 <= coverage <= c1:
            fixed = p0 if c1 == c0 else p0 + (p1 - p0) * (coverage - c0) / (c1 - c0)
            break
    found["fixed_precision_at_same_coverage"] = fixed
    found["precision_gain"] = None if fixed is None else found["precision"] - fixed
    return found


def figures(records: list[tuple[str, str]]) -> dict:
    """Coverage and precision of the first suggested word, with their 95% intervals."""
    from desktop_app.bench.common import wilson_interval
    from desktop_app.bench.typing_script import first_word

    shown = [(text, word) for text, word in records if text]
    correct = sum(first_word(text) == word for text, word in shown)
    return {
        "pauses": len(records),
        "shown": len(shown),
        "correct": correct,
        "coverage": len(shown) / len(records) if records else 0.0,
        "coverage_ci95": wilson_interval(len(shown), len(records)),
        "precision": correct / len(shown) if shown else 0.0,
        "precision_ci95": wilson_interval(correct, len(shown)),
    }


def sweep(prompts: Prompts, thresholds: list[float]) -> list[dict]:
    """Both views at each threshold."""
    return [
        {
            "threshold": threshold,
            "every_pause": figures(every_pause(prompts, threshold)),
            "as_writer": figures(as_writer(prompts, threshold)),
        }
        for threshold in thresholds
    ]


def run(args: argparse.Namespace) -> int:
    """Replay the text, print one row per threshold, and optionally write JSON."""
    from desktop_app.bench.common import isolate_settings

    isolate_settings()
    from desktop_app import paths
    from desktop_app.bench.common import write_json
    from desktop_app.bench.gate_document import measure, print_figures
    from desktop_app.bench.typing_script import prepare_text, stretch
    from desktop_app.cli.model_flags import spec_from_args
    from desktop_app.inline.engine import MAX_TOKENS, MIN_FIRST_PROB
    from models.factory import open_model

    thresholds = [float(value) for value in args.thresholds.split(",") if value.strip()]
    raw = Path(args.text).read_text(encoding="utf-8")
    context, body = stretch(raw, args.start, args.chars)
    # The document model knows all of the document before the typed stretch.
    history = prepare_text(raw)
    at = history.find(context + body)
    history = history[: at + len(context)] if at >= 0 else context
    spec = spec_from_args(args.inline_model, args, "inline")
    model = open_model(spec, role="inline", models_dir=paths.models_dir())
    try:
        started = time.perf_counter()
        prompts = Prompts(model, context, body, MAX_TOKENS)
        rows = sweep(prompts, thresholds)
        session = session_figures(prompts, MIN_FIRST_PROB, rows)
        passage = None
        if args.passage:
            with_passage = PassagePrompts(model, context, body, MAX_TOKENS)
            passage = sweep(with_passage, [MIN_FIRST_PROB])[0]
            passage["prompts_with_passage"] = with_passage.with_passage
        at_threshold = (
            MIN_FIRST_PROB if args.document_threshold is None else args.document_threshold
        )
        finish_at = args.finish_threshold
        document = None if args.no_document else measure(prompts, at_threshold, history, finish_at)
        wall_s = time.perf_counter() - started
    finally:
        model.close()
    print(f"Gate calibration — {Path(args.text).name}, {len(body)} characters")
    writer_title = "as the typing replay's writer"
    print(f"  {'':>9}  {'every pause':^37}  {writer_title:^37}")
    print(
        f"  {'threshold':>9}  {'coverage':^18} {'precision':^18}  {'coverage':^18} {'precision':^18}"
    )
    for row in rows:
        mark = "  ← current" if abs(row["threshold"] - MIN_FIRST_PROB) < 1e-9 else ""
        every, writer = row["every_pause"], row["as_writer"]
        print(
            f"  {row['threshold']:>9.2f}  {_share(every, 'coverage')} {_share(every, 'precision')}"
            f"  {_share(writer, 'coverage')} {_share(writer, 'precision')}{mark}"
        )
    print(
        f"  pauses: {rows[0]['every_pause']['pauses'] if rows else 0} in all; the writer's"
        " depend on what they took"
    )
    gain = session["precision_gain"]
    print(
        f"  session gate from {MIN_FIRST_PROB:.2f}, as the writer: coverage"
        f" {_share(session, 'coverage')}, precision {_share(session, 'precision')};"
        f" the fixed gate at that coverage: "
        + (
            "outside the sweep"
            if gain is None
            else f"{session['fixed_precision_at_same_coverage']:.2f} (gain {gain:+.2f})"
        )
    )
    if passage is not None:
        every, writer = passage["every_pause"], passage["as_writer"]
        print(
            f"  with an earlier passage, at {MIN_FIRST_PROB:.2f}:"
            f" {_share(every, 'coverage')} {_share(every, 'precision')}"
            f"  {_share(writer, 'coverage')} {_share(writer, 'precision')}"
        )
    if document is not None:
        print_figures(document)
    write_json(
        args.json,
        {
            "text": str(args.text),
            "chars": len(body),
            "current_threshold": MIN_FIRST_PROB,
            "document_threshold": at_threshold,
            "wall_s": round(wall_s, 1),
            "rows": rows,
            "session_gate": session,
            "passage": passage,
            "document": document,
        },
    )
    return 0


def _share(row: dict, key: str) -> str:
    interval = row[f"{key}_ci95"]
    spread = f"({interval[0]:.2f}–{interval[1]:.2f})" if interval else "(—)"
    return f"{row[key]:>5.2f} {spread:>12}"
