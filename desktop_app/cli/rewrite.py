"""`inkling rewrite`: run rewrite jobs on text files from the command line, without a window.

    inkling rewrite --action grammar notes.txt              # result on stdout
    inkling rewrite --action concise notes.txt -o short.txt
    inkling rewrite --action formal a.txt b.txt             # writes a.formal.txt, b.formal.txt
    inkling rewrite --action custom --instruction "use British spelling" letter.txt
    inkling rewrite --action grammar --resume *.txt         # continue an interrupted batch

The same job code as the window (`desktop_app.rewrite.jobs.run_job_sync`) does the work. Progress lines
go to stderr as the work moves; results go to stdout or to files, each written atomically once
its job has finished, so an interrupted run never leaves a partial output file. Every finished
chunk is kept in the job store as it finishes: `--resume` continues an interrupted batch,
keeping the output files already written and the chunks already done.

Exit status: 0 success; 1 a rewrite failed; 2 bad arguments or an unreadable input file;
3 the model could not be loaded; 130 interrupted (Ctrl+C). Every failure prints one line.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from desktop_app.cli.model_flags import FlagError, add_model_options, spec_from_args
from desktop_app.cli.rewrite_store import BatchStore, reusable_output, run_recorded
from desktop_app.documents.storage import LoadedText, LoadError, StorageError, load_text, save_text
from desktop_app.jobstore.records import StoredState
from desktop_app.rewrite.actions import CLI_ACTION_IDS, get_action
from desktop_app.rewrite.jobs import JobProgress, RewriteJob
from models.base import Cancelled, ModelError, ModelUnavailable, TextModel
from models.spec import ModelSpec

PROG = "inkling rewrite"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_MODEL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
# A progress line at least this often while a stage goes on (new stages print at once).
PROGRESS_EVERY_S = 1.0


class _Failure(Exception):
    """A one-line reason and the exit status that goes with it."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.status = status


def _configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--action", required=True, choices=CLI_ACTION_IDS, help="what to do with each file"
    )
    parser.add_argument("--instruction", metavar="TEXT", help="the instruction for --action custom")
    parser.add_argument("files", nargs="+", metavar="FILE", help="text files to rewrite")
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output file (one input) or existing folder (several inputs); default: stdout for "
        "one input, FILE.<action>.<ext> next to each input for several",
    )
    add_model_options(parser, roles=("rewrite",))
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run: keep finished output files and finished chunks",
    )
    return parser


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the `rewrite` subcommand to `subparsers`; its `func` default is `run`."""
    parser = subparsers.add_parser(
        "rewrite",
        help="rewrite text files with a local or remote model",
        description=__doc__.split("\n\n")[0],
    )
    _configure(parser)
    parser.set_defaults(func=run)
    return parser


def output_path_for(source: Path, action: str, folder: Path | None = None) -> Path:
    """Where a batch run writes the result for `source`: `notes.txt` → `notes.grammar.txt`."""
    name = f"{source.stem}.{action}{source.suffix or '.txt'}"
    return (folder or source.parent) / name


class _ProgressPrinter:
    """Prints a job's progress to stderr: each new stage at once, a running one every second."""

    def __init__(self, label: str, stream: TextIO, quiet: bool) -> None:
        self._label, self._stream, self._quiet = label, stream, quiet
        self._head, self._last = "", 0.0

    def __call__(self, progress: JobProgress) -> None:
        if self._quiet:
            return
        head = progress.stage.split(" — ")[0]
        now = time.monotonic()
        if head != self._head or now - self._last >= PROGRESS_EVERY_S:
            self._head, self._last = head, now
            print(f"{self._label}: {progress.stage}", file=self._stream, flush=True)


def load_inputs(files: list[str]) -> list[tuple[Path, LoadedText]]:
    """Each input file read with its format, or `_Failure` naming the one that cannot be."""
    inputs = []
    for name in files:
        try:
            loaded = load_text(name)
        except LoadError as error:
            raise _Failure(str(error), EXIT_USAGE) from None
        inputs.append((Path(name), loaded))
    return inputs


def output_targets(args: argparse.Namespace, sources: list[Path]) -> list[Path | None]:
    """Output path per input; None means stdout."""
    if len(sources) == 1:
        return [Path(args.output) if args.output else None]
    folder = None
    if args.output:
        folder = Path(args.output)
        if not folder.is_dir():
            raise _Failure("with several files, -o must be an existing folder", EXIT_USAGE)
    targets = [output_path_for(s, args.action, folder) for s in sources]
    if len(set(targets)) != len(targets):
        raise _Failure("two inputs would write the same output file", EXIT_USAGE)
    return targets


def _open(spec: ModelSpec, stderr: TextIO, quiet: bool) -> TextModel:
    from desktop_app.paths import models_dir
    from models.factory import display_name, open_model

    if not quiet:
        print(f"Loading {display_name(spec, role='rewrite')}…", file=stderr, flush=True)
    try:
        return open_model(spec, role="rewrite", models_dir=models_dir())
    except ModelUnavailable as error:
        raise _Failure(str(error), EXIT_MODEL) from None


def run(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run `inkling rewrite` for parsed `args`; returns the exit status."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if args.action == "grammar":  # Harper's fixes, as `inkling proofread --fix`: no model
        from desktop_app.cli.proofread import rewrite_with_harper

        return rewrite_with_harper(args, stdout, stderr)
    current: RewriteJob | None = None
    written: list[Path] = []
    model: TextModel | None = None
    batch: BatchStore | None = None
    try:
        action = get_action(args.action)
        if action.needs_instruction and not (args.instruction or "").strip():
            raise _Failure(f"--action {action.id} needs --instruction TEXT", EXIT_USAGE)
        try:
            spec = spec_from_args(args.rewrite_model, args, "rewrite")
        except FlagError as error:
            raise _Failure(str(error), EXIT_USAGE) from None
        inputs = load_inputs(args.files)
        targets = output_targets(args, [source for source, _ in inputs])
        model = _open(spec, stderr, args.quiet)
        batch = BatchStore(stderr)
        failures = 0
        for (source, loaded), target in zip(inputs, targets, strict=True):
            stored = batch.match(source.absolute(), action.id, args.instruction, loaded.text)
            if args.resume and stored is not None and reusable_output(stored, target):
                written.append(target)
                print(f"{source} → {target} (kept from the interrupted run)", file=stderr)
                continue
            if not args.resume and stored is not None and stored.state == StoredState.INTERRUPTED:
                hint = "an interrupted run is kept; --resume continues it"
                print(f"{source.name}: {hint}", file=stderr)
            current = RewriteJob(action.id, loaded.text, args.instruction)
            printer = _ProgressPrinter(source.name, stderr, args.quiet)
            try:
                result, job_id = run_recorded(
                    batch, current, model, source.absolute(), stored if args.resume else None,
                    stderr, printer,
                )  # fmt: skip
            except Cancelled:
                raise KeyboardInterrupt from None
            except ModelError as error:
                failures += 1
                print(f"{source}: failed: {error}", file=stderr, flush=True)
                continue
            for warning in current.warnings:  # what the guard found: the writer should check it
                print(f"{source.name}: warning: {warning.message}", file=stderr, flush=True)
            seconds = (current.stats.final_ms or 0) / 1000
            if target is None:
                stdout.write(result)
                stdout.flush()
                batch.written(job_id, result)
                batch.current = None
                continue
            try:
                save_text(target, result, "utf-8", loaded.format.newline)
            except StorageError as error:
                failures += 1
                print(f"{source}: failed: {error}", file=stderr, flush=True)
                continue
            batch.written(job_id, result)
            batch.current = None
            written.append(target)
            print(f"{source} → {target} ({seconds:.1f} s)", file=stderr, flush=True)
        if failures:
            if len(inputs) > 1:
                print(f"{PROG}: {failures} of {len(inputs)} files failed", file=stderr)
            return EXIT_FAILED
        return EXIT_OK
    except _Failure as failure:
        print(f"{PROG}: {failure}", file=stderr, flush=True)
        return failure.status
    except KeyboardInterrupt:
        if current is not None:
            current.cancel_event.set()
        if batch is not None and batch.current is not None:
            batch.ended(batch.current, StoredState.INTERRUPTED)  # --resume continues it
        done = f" ({len(written)} finished file(s) kept)" if written else ""
        print(f"{PROG}: cancelled{done}", file=stderr, flush=True)
        return EXIT_INTERRUPTED
    finally:
        if model is not None:
            model.close()
        if batch is not None:
            batch.close()


def main(argv: list[str] | None = None) -> int:
    """Entry point for `python -m desktop_app.cli.rewrite` (the same as `inkling rewrite`)."""
    parser = _configure(argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0]))
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
