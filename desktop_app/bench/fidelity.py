"""`inkling bench fidelity`: what each rewrite action keeps, invents and loses, guard on and off.

Takes N paragraphs of a text and runs every action on each through the same job code as the app
(`run_job_sync`, no window, no Qt), once with the rewrite guard and once without it (`guard=
False`), then counts with measures independent of the guard (`fidelity_measures`): sentence
retention (a paragraph kept as it was retains everything), numbers and names invented and lost,
markup leaks, loops; from the jobs themselves, guard rejections, retries and chunks kept as
original, and seconds per paragraph; the concise length ratio. Grammar also runs on the same
paragraphs with errors seeded in (net error reduction, share made worse) and on the clean ones
(false edits). "Unflagged harm" counts proposals that lost a sentence or invented or lost a
number or name while the writer was shown no warning. A whole-text Summarize shows the
two-stage summary on a text of several chunks.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from desktop_app.bench import fidelity_measures as fm

ACTIONS = ("concise", "grammar", "formal", "friendly", "summarize", "continue", "custom")
CUSTOM_INSTRUCTION = "Rewrite it for a ten-year-old reader"
SEEDED_ERRORS = 3


def add_parser(benches) -> None:
    """Register `inkling bench fidelity`."""
    from desktop_app.cli.model_flags import add_model_options

    parser = benches.add_parser(
        "fidelity", help="what rewrites keep, invent and lose, with the guard on and off"
    )
    parser.add_argument("--text", required=True, help="text file to take paragraphs from")
    parser.add_argument("--paragraphs", type=int, default=5, help="paragraphs per action")
    parser.add_argument(
        "--actions", help=f"comma-separated action ids (default: {','.join(ACTIONS)})"
    )
    parser.add_argument("--min-words", type=int, default=50, help="shortest paragraph to use")
    parser.add_argument("--max-words", type=int, default=140, help="longest paragraph to use")
    parser.add_argument("--json", help="write the figures to this JSON file")
    add_model_options(parser, roles=("rewrite",))


def pick_paragraphs(text: str, count: int, min_words: int, max_words: int) -> list[str]:
    """`count` unwrapped paragraphs of `min_words`..`max_words` words, spread over the text."""
    paragraphs = [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n")]
    fitting = [p for p in paragraphs if min_words <= len(p.split()) <= max_words]
    if len(fitting) <= count:
        return fitting
    step = len(fitting) / count
    return [fitting[int(i * step)] for i in range(count)]


def _run_one(model, action: str, text: str, guard: bool) -> dict:
    from desktop_app.rewrite.jobs import RewriteJob, run_job_sync
    from models.base import ModelError

    job = RewriteJob(action, text, CUSTOM_INSTRUCTION if action == "custom" else None)
    first: list[float] = []
    began = time.monotonic()
    try:
        output = run_job_sync(
            job, model, on_progress=lambda _p: first or first.append(time.monotonic()), guard=guard
        )
        error = None
    except ModelError as failure:
        output, error = None, str(failure)
    return {
        "source": text,
        "output": output,
        "error": error,
        "seconds": time.monotonic() - began,
        "first_progress_ms": (first[0] - began) * 1000 if first else None,
        "warnings": [w.message for w in job.warnings],
        "chunks": len(job.chunks),
        "retried": sum(r.attempts > 1 for r in job.reports),
        "kept_original": sum(r.kept_original for r in job.reports),
        "kept_everything": job.kept_everything,
    }


def _harm(action: str, source: str, output: str) -> dict:
    """The independent counts for one proposal."""
    counts = fm.invented_and_lost(source, output)
    kept, counted = (
        fm.retention(source, output) if action not in ("summarize", "continue") else (0, 0)
    )
    counts.update(
        retained=kept,
        sentences=counted,
        markup=fm.markup_leaks(source, output),
        loop=int(fm.loops(source, output)),
    )
    if action in ("summarize", "continue"):  # a summary may leave out; a continuation adds
        counts["numbers_lost"] = counts["names_lost"] = 0
    if action == "continue":
        counts["restated"] = fm.restated_share(source, output)
    return counts


def summarise(action: str, runs: list[dict]) -> dict:
    """One action's figures over its runs."""
    done = [r for r in runs if r["output"] is not None]
    totals: dict[str, float] = {}
    unflagged = 0
    ratios = []
    for run in done:
        counts = _harm(action, run["source"], run["output"])
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        harmed = counts["retained"] < counts["sentences"] or any(
            counts[k] for k in ("numbers_invented", "numbers_lost", "names_invented", "markup")
        )
        unflagged += harmed and not run["warnings"] and not run["kept_everything"]
        ratios.append(len(run["output"].split()) / max(1, len(run["source"].split())))
    figures = {
        "jobs": len(runs),
        "failed": len(runs) - len(done),
        "failed_without_reason": sum(1 for r in runs if r["error"] is not None and not r["error"]),
        "failures": [r["error"] for r in runs if r["error"]],
        "sentence_retention": totals.get("retained", 0) / totals["sentences"]
        if totals.get("sentences")
        else None,
        **{k: int(totals.get(k, 0)) for k in ("numbers_invented", "numbers_lost")},
        **{k: int(totals.get(k, 0)) for k in ("names_invented", "names_lost", "markup", "loop")},
        "unflagged_harm": unflagged,
        "with_warnings": sum(1 for r in done if r["warnings"]),
        "guard_retries": sum(r["retried"] for r in runs),
        "chunks_kept_original": sum(r["kept_original"] for r in runs),
        "seconds_per_paragraph": statistics.mean(r["seconds"] for r in runs) if runs else None,
        "first_progress_ms_max": max((r["first_progress_ms"] or 0) for r in runs) if runs else None,
        "length_ratio": statistics.mean(ratios) if ratios else None,
    }
    if action == "continue":
        figures["restated_share"] = totals.get("restated", 0) / len(done) if done else None
    return figures


def grammar_figures(runs_seeded: list[dict], seeded: list[fm.Seeded], runs_clean: list[dict]):
    """Net error reduction and share made worse on seeded paragraphs; false edits on clean ones."""
    before = after = worse = 0
    for run, case in zip(runs_seeded, seeded, strict=True):
        was = fm.edit_distance(case.text, case.clean)
        now = fm.edit_distance(
            run["output"] if run["output"] is not None else case.text, case.clean
        )
        before, after, worse = before + was, after + now, worse + (now > was)
    false_edits = [
        fm.edit_distance(r["output"] if r["output"] is not None else r["source"], r["source"])
        for r in runs_clean
    ]
    return {
        "seeded_errors": before,
        "errors_left": after,
        "net_error_reduction": (before - after) / before if before else None,
        "share_made_worse": worse / len(seeded) if seeded else None,
        "false_edits": sum(false_edits),
        "clean_paragraphs_edited": sum(1 for n in false_edits if n) / len(false_edits)
        if false_edits
        else None,
    }


def _guard_cost_ms(runs: dict) -> dict:
    """The guard's own cost per paragraph, timed afresh on every (source, output) pair."""
    from desktop_app.rewrite.guard import check

    times = []
    for (action, _guard), action_runs in runs.items():
        for run in action_runs:
            if run["output"] is not None and action != "summarize_whole":
                began = time.perf_counter()
                check(action.removesuffix("_seeded"), run["source"], run["output"])
                times.append((time.perf_counter() - began) * 1000)
    if not times:
        return {}
    ordered = sorted(times)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "max": ordered[-1],
    }


def harper_figures(paragraphs: list[str], seeded: list[fm.Seeded]) -> dict:
    """Fix Grammar and Spelling as the window and `inkling rewrite` now do it: Harper's fixes."""
    from desktop_app.proofreading import Proofreader, ProofreadSettings, fix_text

    proofreader, settings = Proofreader(), ProofreadSettings()

    def fixed(text: str) -> dict:
        began = time.monotonic()
        output = fix_text(text, proofreader, settings).fixed_text
        return {"source": text, "output": output, "seconds": time.monotonic() - began}

    on_seeded = [fixed(case.text) for case in seeded]
    on_clean = [fixed(p) for p in paragraphs]
    figures = grammar_figures(on_seeded, seeded, on_clean)
    figures["seconds_per_paragraph"] = statistics.mean(r["seconds"] for r in on_clean + on_seeded)
    return figures


def run(args: argparse.Namespace) -> int:
    """Run the benchmark; prints a table per action and writes JSON when asked."""
    from desktop_app.cli.model_flags import spec_from_args
    from desktop_app.paths import models_dir
    from models.factory import display_name, open_model

    actions = tuple(a for a in (args.actions or ",".join(ACTIONS)).split(",") if a)
    text = Path(args.text).read_text(encoding="utf-8", errors="replace")
    paragraphs = pick_paragraphs(text, args.paragraphs, args.min_words, args.max_words)
    if not paragraphs:
        raise SystemExit(
            f"inkling bench fidelity: no paragraph of {args.min_words}–{args.max_words} words"
        )
    spec = spec_from_args(args.rewrite_model, args, "rewrite")
    print(f"Loading {display_name(spec, role='rewrite')}…", file=sys.stderr, flush=True)
    model = open_model(spec, role="rewrite", models_dir=models_dir())
    seeded = [fm.seed_errors(p, SEEDED_ERRORS, seed=i) for i, p in enumerate(paragraphs)]
    runs: dict[tuple[str, bool], list[dict]] = {}
    began = time.monotonic()
    try:
        for guard in (True, False):
            for action in actions:
                print(f"{action}, guard {'on' if guard else 'off'}…", file=sys.stderr, flush=True)
                runs[(action, guard)] = [_run_one(model, action, p, guard) for p in paragraphs]
                if action == "grammar":
                    runs[("grammar_seeded", guard)] = [
                        _run_one(model, "grammar", case.text, guard) for case in seeded
                    ]
            if "summarize" in actions:
                whole = "\n\n".join(paragraphs)
                runs[("summarize_whole", guard)] = [_run_one(model, "summarize", whole, guard)]
    finally:
        model.close()
    if args.json:  # the raw runs first: a report that fails to compute loses no model time
        raw = {f"{a} (guard {'on' if g else 'off'})": r for (a, g), r in runs.items()}
        Path(args.json).with_suffix(".runs.json").write_text(json.dumps(raw, indent=1) + "\n")
    report = _report(args, paragraphs, runs, seeded, actions)
    if "grammar" in actions:
        report["actions"]["grammar (Harper, as the app and CLI do it)"] = harper_figures(
            paragraphs, seeded
        )
    report["wall_seconds"] = time.monotonic() - began
    _print(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def _report(args, paragraphs, runs, seeded, actions) -> dict:
    report: dict = {
        "text": str(args.text),
        "paragraphs": len(paragraphs),
        "words": [len(p.split()) for p in paragraphs],
        "rewrite_model": args.rewrite_model,
        "guard_ms_per_paragraph": _guard_cost_ms(runs),
        "actions": {},
    }
    for action in actions:
        for guard in (True, False):
            key = f"{action} (guard {'on' if guard else 'off'})"
            figures = summarise(action, runs[(action, guard)])
            if action == "grammar":
                figures.update(
                    grammar_figures(runs[("grammar_seeded", guard)], seeded, runs[(action, guard)])
                )
            report["actions"][key] = figures
    for guard in (True, False):
        whole = runs.get(("summarize_whole", guard))
        if whole:
            run = whole[0]
            report["actions"][f"summarize whole text (guard {'on' if guard else 'off'})"] = {
                "chunks": run["chunks"],
                "summary_paragraphs": len(
                    [p for p in (run["output"] or "").split("\n\n") if p.strip()]
                ),
                "words": len((run["output"] or "").split()),
                "warnings": run["warnings"],
                "error": run["error"],
                **fm.invented_and_lost(run["source"], run["output"] or ""),
                "seconds": run["seconds"],
            }
    report["samples"] = {
        f"{a} (guard {'on' if g else 'off'})": [
            {"output": r["output"], "warnings": r["warnings"], "error": r["error"]} for r in rs[:2]
        ]
        for (a, g), rs in runs.items()
    }
    return report


def _print(report: dict) -> None:
    print(f"{report['text']}: {report['paragraphs']} paragraphs, words {report['words']}")
    print(f"guard cost per paragraph (ms): {report['guard_ms_per_paragraph']}")
    for name, figures in report["actions"].items():
        print(name)
        shown = {k: v for k, v in figures.items() if k not in ("failures", "warnings")}
        width = max(len(k) for k in shown)
        for key, value in shown.items():
            print(f"  {key:<{width}}  {f'{value:.3f}' if isinstance(value, float) else value}")
        for failure in figures.get("failures") or []:
            print(f"  failed: {failure}")
