"""`inkling check`: load the configured models, make one suggestion and one rewrite, time them.

A quick end-to-end proof that an installation works (the packaged app runs it in CI): the inline
model continues a fixed sentence, the rewrite model shortens another through the real rewrite job
code, and the command prints what it used and how long each step took. Any failure (missing or
corrupt model, server down, unknown model, a hang) ends the process non-zero with one line on
stderr, within the deadline: a watchdog thread exits the process itself if a load or a request
hangs in native code where no Python exception can reach it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

# Default overall deadline in seconds. The promise is "fails within 15 s"; interpreter start-up
# and imports come before `run()` starts the clock, so the watchdog fires a little earlier.
DEFAULT_DEADLINE_S = 14.0
# The prose the inline model continues, and the sentence the rewrite model shortens.
INLINE_PROMPT = (
    "The lighthouse keeper climbed the spiral stairs every evening. As the sun sank below the "
    "horizon, he lit the lamp and watched the"
)
INLINE_MAX_TOKENS = 8
REWRITE_TEXT = (
    "In my personal opinion, I really think that we should probably try to start the meeting "
    "a little bit earlier than usual."
)
REWRITE_ACTION = "concise"
PROOFREAD_TEXT = "She recieved the letter yesterday."  # one known misspelling
# The app drops inline suggestions that take longer than this to start (remote inline deadline).
INLINE_DEADLINE_MS = 1500.0
# A full licence text is thousands of characters; less means the About box would show only the
# one-line notice because the licence file is missing from the installation.
MIN_LICENCE_CHARS = 2000
EXIT_FAILED = 1
EXIT_TIMED_OUT = 3


class CheckFailed(Exception):
    """One step failed; `str(error)` is the one-line reason."""


@dataclass
class Step:
    """What one path used and how long it took (milliseconds)."""

    role: str
    used: str = ""
    load_ms: float | None = None
    first_ms: float | None = None
    total_ms: float | None = None
    output: str = ""
    note: str = ""


class Watchdog:
    """Ends the process with a one-line reason if the check overruns its deadline."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.stage = "starting"
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="check-watchdog", daemon=True)

    def start(self) -> None:
        """Start the clock."""
        self._thread.start()

    def stop(self) -> None:
        """The check finished (either way) in time."""
        self._done.set()

    def _watch(self) -> None:
        if self._done.wait(self.seconds):
            return
        # The main thread may be stuck inside llama.cpp or a socket call: no exception can reach
        # it, so print the reason from here and leave without running any cleanup.
        _fail_line(f"timed out after {self.seconds:g} s while {self.stage}")
        os._exit(EXIT_TIMED_OUT)


def add_parser(subparsers) -> None:
    """Register `inkling check`."""
    from desktop_app.cli.model_flags import add_model_options

    parser = subparsers.add_parser(
        "check",
        help="load the models, make one suggestion and one rewrite, print timings",
        description=(
            "Load the configured models (or the ones given here), produce one inline suggestion "
            "and one short rewrite, and print what was used with the timings. Exits 0 when both "
            "work, non-zero with a one-line reason otherwise."
        ),
    )
    add_model_options(parser)
    parser.add_argument(
        "--remote",
        metavar="BASE_URL",
        help="use the OpenAI-compatible server at BASE_URL for both paths (needs --model)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_DEADLINE_S,
        help=f"give up after this many seconds (default {DEFAULT_DEADLINE_S:g})",
    )
    parser.add_argument("--verbose", action="store_true", help="log details to stderr")
    # None means "not given": the settings file decides.
    parser.set_defaults(inline_model=None, rewrite_model=None)


# The terminal's stderr, duplicated at start: llama-cpp-python points file descriptor 2 at
# /dev/null while it loads a model, which is exactly when the watchdog may have to speak.
_stderr_fd: int | None = None


def _fail_line(reason: str) -> None:
    line = " ".join(str(reason).split()) or "unknown error"
    data = f"inkling check: FAILED: {line}\n".encode(errors="replace")
    if _stderr_fd is None:
        sys.stderr.buffer.write(data)
        sys.stderr.flush()
    else:
        os.write(_stderr_fd, data)


def _quiet(verbose: bool) -> None:
    """Keep library log lines and warnings off the terminal: a failure prints exactly one line."""
    root = logging.getLogger()
    if verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
        return
    root.addHandler(logging.NullHandler())  # stops logging's last-resort stderr handler
    warnings.simplefilter("ignore")


def _specs(args: argparse.Namespace):
    """(inline spec, rewrite spec, where they came from) for the options or the settings file."""
    from desktop_app.cli.model_flags import FlagError, spec_from_args

    if args.remote:
        args.base_url = args.base_url or args.remote
        args.inline_model = args.inline_model or "remote"
        args.rewrite_model = args.rewrite_model or "remote"
    if args.inline_model is None and args.rewrite_model is None:
        from desktop_app.settings import load_settings, settings_path

        settings = load_settings()
        specs = [_settings_spec(settings, role, args) for role in ("inline", "rewrite")]
        if settings.local_only:
            for role, spec in zip(("inline", "rewrite"), specs, strict=True):
                if spec.kind == "remote":
                    raise CheckFailed(
                        f"the {role} path is set to a remote server but local-only mode is on "
                        f"({settings_path()})"
                    )
        return specs[0], specs[1], f"settings ({settings_path()})"
    try:
        inline = spec_from_args(args.inline_model or "bundled", args, "inline")
        rewrite = spec_from_args(args.rewrite_model or "bundled", args, "rewrite")
    except FlagError as error:
        raise CheckFailed(str(error)) from None
    return inline, rewrite, "command line"


def _settings_spec(settings, role: str, args: argparse.Namespace):
    """The spec the settings give `role`, with its API key (never printed)."""
    from desktop_app import secrets
    from desktop_app.settings import spec_for

    choice = getattr(settings, role)
    if choice.kind != "remote":
        return spec_for(choice)
    if args.api_key_env:
        return spec_for(choice, os.environ.get(args.api_key_env) or None)
    # Where the Preferences dialog keeps the key: the keychain, the session, or the file.
    return spec_for(choice, None if settings.local_only else secrets.get_api_key(settings, role))


def _open(spec, role: str, deadline: float, dog: Watchdog):
    """Open the model for `role`; returns (model, one-line description, load ms)."""
    from desktop_app.paths import models_dir
    from models.base import ModelError

    started = time.perf_counter()
    try:
        if spec.kind == "remote":
            model, used = _open_remote(spec, role, deadline, dog)
        else:
            from models.factory import local_file
            from models.local.model import LocalModel

            dog.stage = f"preparing the {role} model"
            path, name, n_ctx = local_file(spec, role=role, models_dir=models_dir())
            dog.stage = f"loading the {role} model {Path(path).name}"
            model = LocalModel(path, n_ctx=n_ctx, name=name)
            used = f"{name} ({path}, {model.n_threads} threads)"
    except ModelError as error:
        raise CheckFailed(f"{role} model: {error}") from None
    except OSError as error:
        raise CheckFailed(f"{role} model: {error.strerror or error}") from None
    return model, used, (time.perf_counter() - started) * 1000


def _open_remote(spec, role: str, deadline: float, dog: Watchdog):
    from models.base import ModelError
    from models.remote.connection import list_models
    from models.remote.model import Deadlines, RemoteModel

    if not spec.base_url or not spec.model:
        raise ModelError("a remote model needs a base URL and a model name")
    dog.stage = f"asking {spec.base_url} for its models"
    left = max(1.0, deadline - time.monotonic())
    try:
        offered = list_models(spec.base_url, spec.api_key, timeout=min(5.0, left))
    except ModelError as error:
        # Some servers have no model list; the generation below then says what is wrong.
        if "404" not in str(error) and "not found" not in str(error).lower():
            raise
        offered = []
    if offered and spec.model not in offered:
        shown = ", ".join(offered[:8]) + (", …" if len(offered) > 8 else "")
        raise ModelError(f"the server does not offer model {spec.model!r} (it offers {shown})")
    # The check's own deadline bounds everything; no retries, so a dead server fails at once.
    left = max(1.0, deadline - time.monotonic())
    timeout = replace(
        Deadlines.for_role(role),
        connect=min(5.0, left),
        read=left,
        first_piece=left,
        retries=0,
    )
    model = RemoteModel(spec.base_url, spec.model, spec.api_key, role=role, timeout=timeout)
    return model, f"{spec.model} at {spec.base_url}"


def _suggest(model, step: Step, dog: Watchdog) -> None:
    """One inline suggestion: a raw continuation of the fixed prompt, as the editor asks it."""
    from desktop_app.inline.engine import MIN_FIRST_PROB
    from desktop_app.inline.prompt import build_prompt, evaluate, inline_request
    from models.base import ModelError

    dog.stage = "making an inline suggestion"
    prompt = build_prompt(0, 0, INLINE_PROMPT)
    request = inline_request(prompt.prompt, INLINE_MAX_TOKENS)
    started = time.perf_counter()
    raw = ""
    pieces = []
    try:
        stream = model.stream(request)
        try:
            for piece in stream:
                if step.first_ms is None:
                    step.first_ms = (time.perf_counter() - started) * 1000
                raw += piece.text
                pieces.append(piece)
        finally:
            stream.close()
    except ModelError as error:
        raise CheckFailed(f"inline suggestion: {error}") from None
    step.total_ms = (time.perf_counter() - started) * 1000
    if not raw.strip():
        raise CheckFailed(f"inline suggestion: {model.name} produced no text")
    verdict, shaped = evaluate(prompt, pieces, MIN_FIRST_PROB, final=True)
    step.output = shaped if verdict in ("show", "done") else raw
    if verdict not in ("show", "done"):
        step.note = "the editor would not show this one (below its confidence gate)"
    if step.first_ms is not None and step.first_ms > INLINE_DEADLINE_MS:
        step.note = f"first token slower than the {INLINE_DEADLINE_MS:g} ms inline deadline"


def _rewrite(model, step: Step, dog: Watchdog) -> None:
    """One short rewrite through the real job code (prompt template, chunking, cleanup)."""
    from desktop_app.rewrite.jobs import RewriteJob, run_job_sync
    from models.base import ModelError

    dog.stage = f"rewriting a sentence ({REWRITE_ACTION})"
    job = RewriteJob(REWRITE_ACTION, REWRITE_TEXT)
    try:
        step.output = run_job_sync(job, model).strip()
    except ModelError as error:
        raise CheckFailed(f"rewrite: {error}") from None
    step.first_ms = job.stats.first_token_ms
    step.total_ms = job.stats.final_ms
    if len(step.output) > len(REWRITE_TEXT):
        # Not a failure (the path works), but worth a look: chatter the cleanup let through.
        step.note = "longer than the original: the model may have added chatter"


def _proofread(dog: Watchdog) -> str:
    """Harper, offline: build the linter and flag a known misspelling; one summary line."""
    from desktop_app.perf import format_ms

    dog.stage = "proofreading a sentence with Harper"
    started = time.perf_counter()
    try:
        from desktop_app.proofreading import Proofreader

        proofreader = Proofreader()
        built = time.perf_counter()
        issues = proofreader.lint_paragraph(PROOFREAD_TEXT)
    except Exception as error:  # harper missing from the installation, say
        raise CheckFailed(f"proofreading: {type(error).__name__}: {error}") from None
    linted = time.perf_counter()
    if not any(i.text == "recieved" and "received" in i.suggestions for i in issues):
        raise CheckFailed("proofreading: Harper did not flag the misspelling 'recieved'")
    build_ms, lint_ms = (built - started) * 1000, (linted - built) * 1000
    return f"Harper: linter {format_ms(build_ms)}, 'recieved' flagged in {format_ms(lint_ms)}"


def _licences(dog: Watchdog) -> str:
    """Check that Help → About can show each bundled model's full licence; one summary line."""
    from models.registry import about_entries

    dog.stage = "reading the model licences"
    parts = []
    for entry in about_entries():
        chars = len(entry["notice"])
        if chars < MIN_LICENCE_CHARS:
            raise CheckFailed(
                f"the licence text of {entry['name']} is missing ({chars} characters); "
                "reinstall Inkling"
            )
        parts.append(f"{entry['name']} {entry['licence']} ({chars:,} chars)")
    return ", ".join(parts)


def _report(steps: list[Step], source: str, licences: str, started: float, proofread="") -> None:
    from desktop_app.perf import format_ms

    print(f"inkling check: OK ({(time.perf_counter() - started):.1f} s; models from {source})")
    for step in steps:
        print(f"{step.role:8} {step.used}")
        timing = f"load {format_ms(step.load_ms)}, first token {format_ms(step.first_ms)}"
        print(f"{'':8} {timing}, total {format_ms(step.total_ms)}")
        print(f"{'':8} -> {step.output!r}" + (f"  ({step.note})" if step.note else ""))
    print(f"proofread {proofread}")
    print(f"licences {licences}")
    sys.stdout.flush()


def _check(args: argparse.Namespace, dog: Watchdog, started: float) -> list[Step]:
    deadline = time.monotonic() + args.timeout
    inline_spec, rewrite_spec, source = _specs(args)
    args.source = source
    opened: list = []
    try:
        inline = Step("inline")
        model, inline.used, inline.load_ms = _open(inline_spec, "inline", deadline, dog)
        opened.append(model)
        _suggest(model, inline, dog)
        rewrite = Step("rewrite")
        if rewrite_spec.kind != "remote" and rewrite_spec.same_model(inline_spec):
            rewrite.used, rewrite.load_ms = f"{inline.used} (shared with inline)", 0.0
        else:
            model, rewrite.used, rewrite.load_ms = _open(rewrite_spec, "rewrite", deadline, dog)
            opened.append(model)
        _rewrite(model, rewrite, dog)
        args.licences = _licences(dog)
        args.proofread = _proofread(dog)
        return [inline, rewrite]
    finally:
        dog.stage = "closing the models"
        for model in opened:
            model.close()


def run(args: argparse.Namespace) -> int:
    """Run the check; 0 when a suggestion and a rewrite both worked, else non-zero."""
    global _stderr_fd
    started = time.perf_counter()
    _quiet(args.verbose)
    sys.stderr.flush()
    _stderr_fd = os.dup(2)
    dog = Watchdog(args.timeout)
    dog.start()
    try:
        steps = _check(args, dog, started)
    except CheckFailed as error:
        dog.stop()
        _fail_line(str(error))
        return EXIT_FAILED
    except Exception as error:  # a bug must still end in one line, not a traceback
        dog.stop()
        logging.getLogger(__name__).debug("check failed", exc_info=True)
        _fail_line(f"{type(error).__name__}: {error}")
        return EXIT_FAILED
    dog.stop()
    _report(steps, args.source, args.licences, started, args.proofread)
    return 0
