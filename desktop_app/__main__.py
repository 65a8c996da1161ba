"""The `inkling` command: `inkling [FILE]` opens the editor; subcommands do batch work.

Subcommands: `inkling bench …`, `inkling rewrite …`, `inkling proofread …`, `inkling check`,
`inkling jobs`.
Each lives in its own module and is imported only when asked for, so opening the editor does not
pay for the command line and the command line does not pay for Qt widgets.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Subcommand name -> module with `add_parser(subparsers)` and `run(args) -> int`.
SUBCOMMANDS = {
    "bench": "desktop_app.bench.cli",
    "rewrite": "desktop_app.cli.rewrite",
    "check": "desktop_app.cli.check",
    "proofread": "desktop_app.cli.proofread",
    "jobs": "desktop_app.cli.jobs",
}


def _gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inkling",
        description="Inkling, a writing assistant. Subcommands: " + ", ".join(SUBCOMMANDS) + ".",
    )
    parser.add_argument(
        "file",
        nargs="?",
        help="document to open; a path that does not exist starts a new document saved there",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `inkling` console script and of `python -m desktop_app`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        parser = argparse.ArgumentParser(prog="inkling")
        subparsers = parser.add_subparsers(dest="command", required=True)
        module = importlib.import_module(SUBCOMMANDS[args[0]])
        module.add_parser(subparsers)
        parsed = parser.parse_args(args)
        return int(module.run(parsed) or 0)
    parsed = _gui_parser().parse_args(args)
    from desktop_app.app import run_gui

    return run_gui(parsed.file)


if __name__ == "__main__":
    sys.exit(main())
