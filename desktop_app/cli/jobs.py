"""`inkling jobs`: list the rewrite jobs kept in the job store, or discard one.

    inkling jobs                    # id, action, state, chunks, age and file of every stored job
    inkling jobs --discard 3f2a9c1d # remove one job (any unique start of its id will do)

Exit status: 0 success; 1 the job is running in another live Inkling; 2 bad arguments, or an id
that matches no job or more than one. Every failure prints one line.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from desktop_app.jobstore.records import JobSummary, StoredState
from desktop_app.jobstore.store import JobStore

PROG = "inkling jobs"
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
SHORT_ID = 8  # characters of the id shown; enough to be unique among a writer's jobs
MIN_PREFIX = 4  # a shorter --discard id is too easy to mistype into the wrong job


def _configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--discard", metavar="ID", help="remove the stored job ID (its id or a unique start of it)"
    )
    return parser


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the `jobs` subcommand to `subparsers`; its `func` default is `run`."""
    parser = subparsers.add_parser(
        "jobs",
        help="list or discard stored rewrite jobs",
        description=__doc__.split("\n\n")[0],
    )
    _configure(parser)
    parser.set_defaults(func=run)
    return parser


def plain_age(seconds: float) -> str:
    """How long ago, in words: "just now", "5 minutes ago", "yesterday", "3 weeks ago"."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    if seconds < 86400:
        hours = int(seconds // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = int(seconds // 86400)
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    return f"{days // 30} months ago"


def _chunks(job: JobSummary) -> str:
    return "-" if job.chunk_count is None else f"{job.chunks_done}/{job.chunk_count}"


def _file(job: JobSummary) -> str:
    return job.path if job.path is not None else "(unsaved document)"


def format_jobs(jobs: list[JobSummary], now: float | None = None) -> str:
    """The table `inkling jobs` prints: a header, then one line per job, newest first."""
    now = time.time() if now is None else now
    rows = [("ID", "ACTION", "STATE", "CHUNKS", "AGE", "FILE")]
    for job in jobs:
        state = job.state.value
        if job.state == StoredState.FINISHED and not job.seen:
            state += " (unseen)"
        age = plain_age(now - job.created)
        rows.append((job.id[:SHORT_ID], job.action, state, _chunks(job), age, _file(job)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


def _discard(store: JobStore, given: str, stdout: TextIO, stderr: TextIO) -> int:
    prefix = given.strip().lower()
    if len(prefix) < MIN_PREFIX:
        print(f"{PROG}: give at least {MIN_PREFIX} characters of the job id", file=stderr)
        return EXIT_USAGE
    matches = store.match_ids(prefix)
    if not matches:
        print(f"{PROG}: no stored job has the id {given}", file=stderr)
        return EXIT_USAGE
    if len(matches) > 1:
        print(f"{PROG}: {given} matches {len(matches)} jobs; give more of the id", file=stderr)
        return EXIT_USAGE
    job = store.get(matches[0])
    if job is None:  # discarded by someone else in between
        print(f"{PROG}: no stored job has the id {given}", file=stderr)
        return EXIT_USAGE
    if store.running_elsewhere(job.id):
        busy = f"job {job.id[:SHORT_ID]} is running in another Inkling; cancel it there"
        print(f"{PROG}: {busy}", file=stderr)
        return EXIT_REFUSED
    store.discard(job.id)
    name = Path(job.path).name if job.path else "unsaved document"
    print(f"discarded {job.id[:SHORT_ID]} ({job.action}, {name})", file=stdout)
    return EXIT_OK


def run(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run `inkling jobs` for parsed `args`; returns the exit status."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    store = JobStore.open()
    try:
        if store.recovered_from:
            print(f"{PROG}: {store.recovered_from}", file=stderr)
        # Jobs whose process is gone are shown as what they are (the app does the same at start).
        store.mark_running_as_interrupted()
        if args.discard is not None:
            return _discard(store, args.discard, stdout, stderr)
        jobs = store.list()
        if not jobs:
            print("No stored jobs.", file=stdout)
            return EXIT_OK
        stdout.write(format_jobs(jobs))
        return EXIT_OK
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    """Entry point for `python -m desktop_app.cli.jobs` (the same as `inkling jobs`)."""
    parser = _configure(argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0]))
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
