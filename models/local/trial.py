"""Trial-load a GGUF file in a child process, so a file that crashes llama.cpp cannot take the
editor down with it.

A file can pass the header check (`models.local.gguf.check_gguf`) and still crash llama.cpp
inside its loader or its first evaluation (a damaged tensor, an unsupported layout): a segfault
there ends the whole process, unsaved text and all. So a newly chosen file is first loaded, and
one token evaluated, in a spawned child; only when that child comes back alive does the app load
it itself.
"""

from __future__ import annotations

import multiprocessing
import signal
from pathlib import Path

from models.base import ModelUnavailable

TRIAL_TIMEOUT_S = 120.0


def _child(path: str, report) -> None:  # runs in the spawned process
    try:
        import llama_cpp

        llm = llama_cpp.Llama(path, n_ctx=64, n_threads=1, logits_all=False, verbose=False)
        llm.eval(llm.tokenize(b"Hello", add_bos=True)[:4])
        llm.close()
    except Exception as error:  # a clean failure: say why
        report.send(f"{type(error).__name__}: {error}"[:300])
    else:
        report.send("")
    report.close()


def trial_load(path: str | Path, timeout: float = TRIAL_TIMEOUT_S) -> None:
    """Load `path` in a child process and evaluate one token; raise `ModelUnavailable` with a
    plain reason if the child fails, crashes or hangs. Blocking: call off the GUI thread."""
    path = Path(path)
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(str(path), send), daemon=True)
    child.start()
    send.close()
    outcome: str | None = None
    timed_out = False
    try:
        if receive.poll(timeout):
            outcome = receive.recv()
        else:
            timed_out = True
    except EOFError:  # the child died before it could say anything
        outcome = None
    finally:
        child.join(5.0 if outcome is not None else 0.1)
        if child.is_alive():
            child.kill()
            child.join()
        receive.close()
    if outcome == "":
        return
    if outcome:
        raise ModelUnavailable(f"llama.cpp could not load {path.name}: {outcome}")
    if timed_out:
        raise ModelUnavailable(f"{path.name} did not load within {timeout:.0f} s.")
    code = child.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        raise ModelUnavailable(
            f"{path.name} crashed llama.cpp while loading ({name}); it was not loaded, "
            "and the current model keeps serving."
        )
    raise ModelUnavailable(f"Loading {path.name} failed (the trial process exited with {code}).")
