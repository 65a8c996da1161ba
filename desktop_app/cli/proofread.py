"""`inkling proofread`: spelling and grammar issues in text files, and their fixes, with Harper.

    inkling proofread notes.txt chapter.md          # FILE:LINE:COL: kind: message (suggestion)
    inkling proofread --json notes.txt              # one JSON object per issue and line
    inkling proofread --dialect british essay.txt   # default: guessed from the file's spellings
    inkling proofread --fix notes.txt -o fixed.txt  # without -o the file is fixed in place

The same proofreading code as the editor (`desktop_app.proofreading`) does the work, with the
default settings (no style advice unless `--style`). `--fix` applies every fix with one clear
suggestion (as Fix Grammar and Spelling does), keeps the file's encoding, line endings and byte
order mark, and writes atomically; the issues it cannot decide are printed.

JSON offsets (`start`, `end`) count characters in the text with line endings read as one
"\\n"; `line` and `col` are 1-based. Exit status: 0 no issues (after --fix: none left open);
1 issues; 2 bad arguments, or a file that is unreadable, binary or cannot be written (one line
on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from desktop_app.documents.storage import LoadedText, LoadError, StorageError, load_text, save_text

PROG = "inkling proofread"
EXIT_CLEAN, EXIT_ISSUES, EXIT_USAGE = 0, 1, 2


class _Failure(Exception):
    """A one-line reason; the exit status is always EXIT_USAGE."""


def _configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    from desktop_app.proofreading import dialect_names

    parser.add_argument("files", nargs="+", metavar="FILE", help="text or Markdown files")
    parser.add_argument("--json", action="store_true", help="one JSON object per issue")
    parser.add_argument(
        "--dialect", choices=dialect_names(), help="English dialect (default: guessed per file)"
    )
    parser.add_argument("--style", action="store_true", help="include style advice")
    parser.add_argument("--fix", action="store_true", help="apply the clear fixes to FILE")
    parser.add_argument("-o", "--output", metavar="OUT", help="with --fix: write here instead")
    return parser


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the `proofread` subcommand to `subparsers`; its `func` default is `run`."""
    parser = subparsers.add_parser(
        "proofread",
        help="check spelling and grammar with Harper (offline)",
        description=__doc__.split("\n\n")[0],
    )
    _configure(parser)
    parser.set_defaults(func=run)
    return parser


def _settings(args: argparse.Namespace):
    from desktop_app.proofreading import DEFAULT_CATEGORIES, ProofreadSettings

    categories = DEFAULT_CATEGORIES | {"style"} if args.style else DEFAULT_CATEGORIES
    return ProofreadSettings(dialect=args.dialect, categories=frozenset(categories))


def _load(name: str) -> LoadedText:
    try:
        return load_text(name)
    except LoadError as error:
        raise _Failure(str(error)) from None


def _print_issues(name: str, text: str, issues, as_json: bool, out: TextIO) -> None:
    from desktop_app.proofreading.markup import line_and_column

    for issue in issues:
        line, col = line_and_column(text, issue.start)
        if as_json:
            record = {
                "file": name,
                "line": line,
                "col": col,
                "start": issue.start,
                "end": issue.end,
                "kind": issue.kind,
                "category": issue.category,
                "rule": issue.rule,
                "message": issue.message,
                "suggestions": issue.suggestions,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        hint = ""
        if issue.suggestions:
            first = issue.suggestions[0]
            hint = f" ({first})" if first else " (remove)"
        message = " ".join(issue.message.split())
        out.write(f"{name}:{line}:{col}: {issue.kind}: {message}{hint}\n")


def _fix(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from desktop_app.proofreading import Proofreader, fix_text

    if len(args.files) != 1:
        raise _Failure("--fix takes exactly one FILE")
    name = args.files[0]
    loaded = _load(name)
    plan = fix_text(loaded.text, Proofreader(), _settings(args))
    target = Path(args.output) if args.output else Path(name)
    fmt = loaded.format
    try:
        save_text(target, plan.fixed_text, fmt.encoding, fmt.newline, fmt.bom)
    except StorageError as error:
        raise _Failure(str(error)) from None
    print(
        f"{target}: {len(plan.fixes)} fixed, {len(plan.open)} left for you",
        file=stderr,
        flush=True,
    )
    # The open issues, located in the text as it was read (the fixes shift later columns).
    _print_issues(name, loaded.text, plan.open, args.json, stdout)
    return EXIT_ISSUES if plan.open else EXIT_CLEAN


def run(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run `inkling proofread` for parsed `args`; returns the exit status."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        if args.output and not args.fix:
            raise _Failure("-o is only for --fix")
        if args.fix:
            return _fix(args, stdout, stderr)
        loaded = [(name, _load(name)) for name in args.files]
        from desktop_app.proofreading import Proofreader

        proofreader = Proofreader()
        settings = _settings(args)
        found = 0
        for name, text in loaded:
            issues = proofreader.lint_document(text.text, settings)
            found += len(issues)
            _print_issues(name, text.text, issues, args.json, stdout)
        stdout.flush()
        return EXIT_ISSUES if found else EXIT_CLEAN
    except _Failure as error:
        print(f"{PROG}: {error}", file=stderr, flush=True)
        return EXIT_USAGE


def main(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """`inkling proofread ARGS…` as a function: the exit status (argparse errors give 2)."""
    parser = _configure(argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0]))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return run(args, stdout, stderr)


def rewrite_with_harper(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """`inkling rewrite --action grammar`: Harper's fixes, byte for byte what `--fix` writes.

    No model is loaded: Fix Grammar and Spelling is Harper's job (issue 12). Outputs go where
    `inkling rewrite` puts them (stdout, `-o`, or FILE.grammar.EXT for several inputs).
    """
    from desktop_app.cli import rewrite as cli_rewrite
    from desktop_app.proofreading import Proofreader, ProofreadSettings, fix_text

    try:
        inputs = cli_rewrite.load_inputs(args.files)
        targets = cli_rewrite.output_targets(args, [source for source, _ in inputs])
    except cli_rewrite._Failure as failure:
        print(f"{cli_rewrite.PROG}: {failure}", file=stderr, flush=True)
        return failure.status
    proofreader = Proofreader()
    failures = 0
    for (source, loaded), target in zip(inputs, targets, strict=True):
        plan = fix_text(loaded.text, proofreader, ProofreadSettings())
        if target is None:
            stdout.write(plan.fixed_text)
            stdout.flush()
            continue
        fmt = loaded.format
        try:
            save_text(target, plan.fixed_text, fmt.encoding, fmt.newline, fmt.bom)
        except StorageError as error:
            failures += 1
            print(f"{source}: failed: {error}", file=stderr, flush=True)
            continue
        done = f"{len(plan.fixes)} fixed, {len(plan.open)} left for you; Harper, no model"
        print(f"{source} → {target} ({done})", file=stderr, flush=True)
    return cli_rewrite.EXIT_FAILED if failures else cli_rewrite.EXIT_OK
