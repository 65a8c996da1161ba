"""`inkling bench proofread`: false alarms, Fix Grammar's effect, and lint speed, without a window.

    inkling bench proofread --text FILE [--words N] [--seeded N] [--seed S] [--json OUT]

On the file as it is (published prose counts as clean): false alarms per 1,000 words with the
default settings, whole-document time and lint latency per paragraph (both with a fresh
linter: Harper remembers results of its own).

On a copy with N seeded errors (misspellings, doubled words, their/there, dropped apostrophes;
at most one per paragraph; deterministic for a seed), Fix Grammar (`fix_text`: Harper's clear
suggestions) is judged against the clean text by word errors (word-level edit distance): net
error reduction, paragraphs made worse, detection recall (an issue covers the seeded error),
fix recall (the paragraph restored exactly) and sentences dropped. A seeded misspelling is
always a non-word: a corruption that is a word ("fist" for "first") is a real-word error that
no spelling checker finds, and is drawn again; a dropped apostrophe may give a word ("were").
False edits: the share of words Fix Grammar changes in the clean text.

In the window (`--window`, `desktop_app.bench.window.proofread`, passed to `measure()` as
`heartbeat=`): underline latency after a pause, a 5,000-word document checked in the
background, and the GUI heartbeat while typing into a 20 MB document with checking on.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from desktop_app.perf import percentile

KINDS = ("misspelling", "doubled", "their_there", "apostrophe")
_WORD = re.compile(r"[A-Za-z]+")
_CONTRACTION = re.compile(r"\b([A-Za-z]+)(n't|'re|'m|'ll|'ve|'d)\b|\b([Ii]t)'s\b")
_THEIR = re.compile(r"\b(their|there|they're)\b", re.IGNORECASE)
_SWAPS = {"their": "there", "there": "their", "they're": "their"}
_NEIGHBOURS = dict(zip("aeioustnrl", "sriplyrbtk", strict=True))
_SENTENCE = re.compile(r"[.!?]+(?=\s|$)")
# Words English doubles on purpose: never seed them as errors.
_NO_DOUBLE = {"had", "that"}


def add_parser(benches) -> None:
    """Register `inkling bench proofread`."""
    parser = benches.add_parser("proofread", help="proofreading: false alarms, fixes, speed")
    add_arguments(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `inkling bench proofread`."""
    parser.add_argument("--text", required=True, help="prose file (UTF-8 or any text file)")
    parser.add_argument("--words", type=int, default=0, help="use only the first N words (0: all)")
    parser.add_argument("--seeded", type=int, default=200, help="errors to seed (default 200)")
    parser.add_argument("--seed", type=int, default=12, help="random seed for the errors")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    parser.add_argument(
        "--window",
        action="store_true",
        help="also in the real window: underline latency, 5,000 words checked, 20 MB heartbeat",
    )
    parser.add_argument("--big-mb", type=float, default=20.0, help="with --window: MB typed into")


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def take_words(text: str, words: int) -> str:
    """The first whole paragraphs of `text` holding at least `words` words (all if 0)."""
    if words <= 0:
        return text
    out, count = [], 0
    for paragraph in _paragraphs(text):
        out.append(paragraph)
        count += len(paragraph.split())
        if count >= words:
            break
    return "\n\n".join(out) + "\n"


def word_errors(reference: str, hypothesis: str) -> int:
    """Word-level edit distance (substitutions, insertions, deletions) between two texts."""
    a, b = reference.split(), hypothesis.split()
    previous = list(range(len(b) + 1))
    for i, word in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1]


def _misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    how = rng.choice(("drop", "swap", "double", "neighbour"))
    if how == "drop":
        return word[:i] + word[i + 1 :]
    if how == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if how == "neighbour" and word[i] in _NEIGHBOURS:
        return word[:i] + _NEIGHBOURS[word[i]] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def seed_error(
    paragraph: str,
    kind: str,
    rng: random.Random,
    is_word: Callable[[str], bool] = lambda word: False,
) -> tuple[str, int, int] | None:
    """`paragraph` with one error of `kind`, and the error's span; None if it has no place.

    A misspelling is a non-word: a corruption that `is_word` accepts ("fist" for "first") is
    a real-word error, which no spelling checker can find, and is drawn again.
    """
    if kind == "their_there":
        found = list(_THEIR.finditer(paragraph))
        if not found:
            return None
        m = rng.choice(found)
        new = _SWAPS[m.group().lower()]
        new = new.capitalize() if m.group()[0].isupper() else new
    elif kind == "apostrophe":
        found = list(_CONTRACTION.finditer(paragraph))
        if not found:
            return None
        m = rng.choice(found)
        new = m.group().replace("'", "")
    else:
        found = [
            m
            for m in _WORD.finditer(paragraph)
            if m.group().islower()
            and (len(m.group()) >= 5 if kind == "misspelling" else m.group() not in _NO_DOUBLE)
        ]
        if not found:
            return None
        m = rng.choice(found)
        if kind == "misspelling":
            for _ in range(8):
                new = _misspell(m.group(), rng)
                if not is_word(new):
                    break
            else:
                return None
        else:
            new = f"{m.group()} {m.group()}"
    seeded = paragraph[: m.start()] + new + paragraph[m.end() :]
    return seeded, m.start(), m.start() + len(new)


def seed_document(
    paragraphs: list[str],
    count: int,
    seed: int,
    is_word: Callable[[str], bool] = lambda word: False,
) -> tuple[list[str], dict[int, tuple[str, int, int]]]:
    """Paragraphs with `count` errors (one per paragraph at most) and {index: (kind, span)}."""
    rng = random.Random(seed)
    order = list(range(len(paragraphs)))
    rng.shuffle(order)
    seeded = list(paragraphs)
    where: dict[int, tuple[str, int, int]] = {}
    for number, index in enumerate(order):
        if len(where) >= count:
            break
        kinds = [KINDS[number % len(KINDS)], *KINDS]
        for kind in kinds:
            result = seed_error(paragraphs[index], kind, rng, is_word)
            if result:
                seeded[index], start, end = result
                where[index] = (kind, start, end)
                break
    return seeded, where


def _sentences(text: str) -> int:
    return len(_SENTENCE.findall(text))


def measure(
    text: str,
    seeded_count: int = 200,
    seed: int = 12,
    heartbeat: Callable[[], dict[str, object]] | None = None,
) -> dict[str, object]:
    """Every figure of the benchmark for the prose `text` (see the module docstring)."""
    from desktop_app.proofreading import (
        DocumentContext,
        Proofreader,
        ProofreadSettings,
        fix_text,
    )

    settings = ProofreadSettings()
    started = time.perf_counter()
    proofreader = Proofreader()
    figures: dict[str, object] = {"linter_start_s": round(time.perf_counter() - started, 3)}
    words = len(text.split())
    paragraphs = _paragraphs(text)
    figures.update(words=words, paragraphs=len(paragraphs))

    # Whole document, cold cache: false alarms and time.
    started = time.perf_counter()
    issues = proofreader.lint_document(text, settings)
    figures["document_s"] = round(time.perf_counter() - started, 3)
    figures["false_alarms"] = len(issues)
    figures["false_alarms_per_1000_words"] = round(1000 * len(issues) / max(1, words), 2)
    by_rule: dict[str, int] = {}
    for issue in issues:
        by_rule[issue.rule] = by_rule.get(issue.rule, 0) + 1
    figures["false_alarms_by_rule"] = dict(sorted(by_rule.items(), key=lambda kv: -kv[1]))
    figures["false_alarm_examples"] = [f"{i.rule}: {i.text!r}" for i in issues[:15]]

    # Latency per paragraph, cold: a fresh linter, since Harper keeps results of its own.
    proofreader = Proofreader()
    context = DocumentContext.from_text(text, settings)
    latencies = []
    for paragraph in paragraphs:
        t0 = time.perf_counter()
        proofreader.lint_paragraph(paragraph, context, settings)
        latencies.append((time.perf_counter() - t0) * 1000)
    figures["lint_ms_p50"] = round(percentile(latencies, 0.5) or 0.0, 2)
    figures["lint_ms_p95"] = round(percentile(latencies, 0.95) or 0.0, 2)
    figures["lint_ms_max"] = round(max(latencies, default=0.0), 2)
    figures["paragraph_chars_p50"] = percentile([len(p) for p in paragraphs], 0.5)

    # Fix Grammar on the clean text: every change is a false edit.
    clean_context = context
    false_edits = dropped_clean = 0
    for paragraph in paragraphs:
        fixed = fix_text(paragraph, proofreader, settings, clean_context).fixed_text
        false_edits += word_errors(paragraph, fixed)
        dropped_clean += max(0, _sentences(paragraph) - _sentences(fixed))
    figures["false_edits_pct_words"] = round(100 * false_edits / max(1, words), 2)

    # Fix Grammar on seeded text.
    def is_word(word: str) -> bool:
        lints = proofreader.raw_lints(word, context.dialect)
        return not any(raw.rule == "SpellCheck" for raw in lints)

    seeded, where = seed_document(paragraphs, seeded_count, seed, is_word)
    seeded_context = DocumentContext.from_text("\n\n".join(seeded), settings)
    errors_in = errors_out = worse = dropped = detected = restored = 0
    per_kind: dict[str, list[int]] = {kind: [0, 0, 0] for kind in KINDS}
    for index, (clean, dirty) in enumerate(zip(paragraphs, seeded, strict=True)):
        plan = fix_text(dirty, proofreader, settings, seeded_context)
        fixed = plan.fixed_text
        before, after = word_errors(clean, dirty), word_errors(clean, fixed)
        errors_in += before
        errors_out += after
        worse += after > before
        dropped += max(0, _sentences(dirty) - _sentences(fixed))
        if index in where:
            kind, start, end = where[index]
            spans = [(f.start, f.end) for f in plan.fixes] + [(i.start, i.end) for i in plan.open]
            hit = any(a < end and b > start for a, b in spans)
            detected += hit
            restored += after == 0
            per_kind[kind][0] += 1
            per_kind[kind][1] += hit
            per_kind[kind][2] += after == 0
    seeded_total = max(1, len(where))
    figures.update(
        seeded_errors=len(where),
        seeded_word_errors_in=errors_in,
        seeded_word_errors_out=errors_out,
        net_error_reduction=round((errors_in - errors_out) / max(1, errors_in), 3),
        paragraphs_made_worse=worse,
        paragraphs_made_worse_share=round(worse / max(1, len(paragraphs)), 4),
        detection_recall=round(detected / seeded_total, 3),
        fix_recall=round(restored / seeded_total, 3),
        sentences_dropped=dropped + dropped_clean,
        per_kind={
            k: dict(zip(("seeded", "detected", "fixed"), v, strict=True))
            for k, v in per_kind.items()
        },
    )
    figures["gui_heartbeat_typing_20mb"] = (
        heartbeat() if heartbeat else "not measured: pass --window"
    )
    return figures


def run(args: argparse.Namespace) -> int:
    """Run the benchmark on `--text`, print the figures and maybe write them as JSON."""
    from desktop_app.bench.common import print_table, write_json
    from desktop_app.documents.storage import LoadError, load_text

    try:
        text = load_text(args.text).text
    except LoadError as error:
        print(f"inkling bench proofread: {error}")
        return 2
    text = take_words(text, args.words)
    heartbeat = None
    if args.window:  # desktop_app.bench.window.proofread: the window's figures
        from desktop_app.bench.window.proofread import window_figures

        heartbeat = lambda: window_figures(text, args.big_mb)  # noqa: E731
    figures = measure(text, args.seeded, args.seed, heartbeat)
    flat = {k: v for k, v in figures.items() if not isinstance(v, (dict, list))}
    print_table(f"inkling bench proofread ({Path(args.text).name})", flat)
    for key in ("false_alarms_by_rule", "per_kind", "gui_heartbeat_typing_20mb"):
        print(f"  {key}: {figures[key]}")
    write_json(args.json, figures)
    return 0
