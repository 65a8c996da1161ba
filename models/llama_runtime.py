"""Process-wide llama.cpp plumbing: thread count, quiet logs, safe loads, KV-cache snapshots."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import threading
from dataclasses import dataclass

import numpy as np

# llama-cpp-python swaps the process's stdout/stderr file descriptors while it loads a model with
# verbose=False; two loads at once can leave them pointing at /dev/null for good. Serialise loads.
LOAD_LOCK = threading.Lock()


def physical_cores() -> int:
    """Physical CPU cores this process may use (hyper-threads do not speed up llama.cpp)."""
    try:
        allowed = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        allowed = os.cpu_count() or 1
    cores: set[tuple[str, str]] = set()
    try:
        physical = core = ""
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            for line in info:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "physical id":
                    physical = value.strip()
                elif key == "core id":
                    core = value.strip()
                    cores.add((physical, core))
    except OSError:
        pass
    return max(1, min(allowed, len(cores) or allowed))


def default_threads() -> int:
    """Threads for llama.cpp: the physical cores but one, so the GUI and the OS keep a core.

    Measured on this 2-vCPU machine (Gemma 3 270M, warm call extending a cached ~400-token
    prompt, 12 tokens, greedy). Quiet machine: 1 thread 143 ms (first token 15 ms), 2 threads
    130 ms (13 ms); cold ~150-token prompt 279 vs 149 ms. With other work on the cores (load
    ~3): 1 thread 242 ms (first token 54 ms), 2 threads 1,687 ms (176 ms); cold 400-token prompt
    1.6 s vs 4.4 s. llama.cpp's threads wait for each other at every step, so one descheduled
    thread stalls them all: 2 threads win 10% when idle and lose 3-7x under any contention.
    """
    return max(1, physical_cores() - 1)


def install_log_sink() -> None:
    """Send llama.cpp's own log lines to Python logging (DEBUG) instead of the terminal."""
    import llama_cpp

    llama_log = logging.getLogger("llama_cpp")

    @llama_cpp.llama_log_callback
    def _sink(level: int, text: bytes, _user: ctypes.c_void_p) -> None:
        with contextlib.suppress(Exception):  # never raise into C
            llama_log.debug("%s", text.decode("utf-8", errors="replace").rstrip())

    llama_cpp.llama_log_set(_sink, ctypes.c_void_p(0))
    _SINK.append(_sink)  # keep the callback alive as long as the process


_SINK: list = []


def ensure_log_sink() -> None:
    """Install the log sink once (call with LOAD_LOCK held, before creating a Llama)."""
    if not _SINK:
        install_log_sink()


@dataclass
class KvSnapshot:
    """A copy of one Llama context's evaluated tokens and KV cache (a few MB; ~4 ms to take)."""

    data: ctypes.Array
    size: int
    input_ids: np.ndarray
    n_tokens: int


def take_snapshot(llm) -> KvSnapshot | None:
    """Copy `llm`'s context state, or None when there is nothing (or it cannot be copied).

    `Llama.save_state()` is not used: it also copies its (n_batch x n_vocab) scores array, which
    is 512 MB for Gemma's 262k vocabulary.
    """
    import llama_cpp

    if llm.n_tokens <= 0:
        return None
    ctx = llm._ctx.ctx
    capacity = int(llama_cpp.llama_state_get_size(ctx))
    data = (ctypes.c_uint8 * capacity)()
    size = int(llama_cpp.llama_state_get_data(ctx, data, capacity))
    if size <= 0 or size > capacity:
        return None
    n_tokens = int(llm.n_tokens)
    return KvSnapshot(data, size, llm.input_ids[:n_tokens].copy(), n_tokens)


def restore_snapshot(llm, snapshot: KvSnapshot | None) -> None:
    """Put back a snapshot taken by `take_snapshot`, or clear the context for None."""
    import llama_cpp

    if snapshot is not None:
        done = llama_cpp.llama_state_set_data(llm._ctx.ctx, snapshot.data, snapshot.size)
        if int(done) == snapshot.size:
            llm.input_ids[: snapshot.n_tokens] = snapshot.input_ids
            llm.n_tokens = snapshot.n_tokens
            llm._requires_eval = True  # sample only after a fresh decode
            return
    llm.reset()
