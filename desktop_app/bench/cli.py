"""`inkling bench …`: benchmarks (typing, rewrite, open and background drive the real window;
gate, proofread and fidelity run without it)."""

from __future__ import annotations

import argparse
import importlib

BENCHES = {
    "typing": "desktop_app.bench.typing",
    "rewrite": "desktop_app.bench.rewrite",
    "open": "desktop_app.bench.open_file",
    "gate": "desktop_app.bench.gate",
    "proofread": "desktop_app.bench.proofread",
    "fidelity": "desktop_app.bench.fidelity",
    "background": "desktop_app.bench.window.background",
}


def add_parser(subparsers) -> None:
    """Register `inkling bench …`."""
    parser = subparsers.add_parser("bench", help="measure speed in the real window, offscreen")
    benches = parser.add_subparsers(dest="bench", required=True)
    for module in BENCHES.values():
        try:
            importlib.import_module(module).add_parser(benches)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise


def run(args: argparse.Namespace) -> int:
    """Run the chosen benchmark."""
    from desktop_app.cli.model_flags import FlagError

    try:
        return int(importlib.import_module(BENCHES[args.bench]).run(args) or 0)
    except FlagError as error:
        raise SystemExit(f"inkling bench {args.bench}: {error}") from None
