"""Process-wide llama.cpp plumbing: thread count, quiet logs, safe loads, KV-cache snapshots."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

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

    Measured on this 2-vCPU machine with Gemma 3 270M (a warm call extending a cached 364-token
    prompt by a few words, 12 tokens, greedy; medians of 8-10 runs):
      idle machine:       1 thread: first token 24 ms, 12 tokens 171 ms, cold 366-token prompt
                          + 12 tokens 892 ms;  2 threads: 20 ms, 157 ms, 585 ms.
      other work running: 1 thread: 54-64 ms, 242-367 ms, 1.6 s;
      (load average 3-5)  2 threads: 128-176 ms, 1.7-2.4 s, 4.4-7.8 s.
    llama.cpp's threads meet at a barrier after every step, so one thread the OS puts aside
    stalls them all: 2 threads win 8% (warm) when the machine is idle and lose 3-7x as soon as
    anything else wants a core, which on a writer's laptop (browser, GUI) is the usual case.
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


class VocabCounter:
    """Counts tokens with a vocabulary-only copy of a model, loaded on first use.

    A `Llama` is not thread-safe, tokenize included, and its owner thread may be generating when
    a rewrite job plans its chunks: counting on a second, weightless copy (~0.1 s to load, a few
    MB) with its own lock never touches the generating one.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._vocab = None
        self._closed = False

    def count(self, text: str) -> int:
        """Tokens in `text` (no BOS; special tokens parsed as the chat template would)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the token counter is closed")
            if self._vocab is None:
                import llama_cpp

                with LOAD_LOCK:
                    ensure_log_sink()
                    self._vocab = llama_cpp.Llama(str(self._path), vocab_only=True, verbose=False)
            return len(self._vocab.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def close(self) -> None:
        """Free the copy (idempotent)."""
        with self._lock:
            self._closed = True
            vocab, self._vocab = self._vocab, None
        if vocab is not None:
            with LOAD_LOCK:
                vocab.close()
