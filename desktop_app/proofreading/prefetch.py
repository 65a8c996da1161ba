"""A second Harper that lints ahead into the shared cache, so a long pass uses both cores.

Harper releases the GIL while it lints, and a `harper.Linter` must stay on one thread, so the
prefetcher owns one long-lived thread with its own `Proofreader`, sharing the checker's
thread-safe `ParagraphCache`. `warm()` builds that Linter (~1.2 s) ahead of need, so the first
long pass does not spend its first second building it. `start(blocks, ...)` lints the blocks
from the far end backwards while the checker goes forwards; each paragraph the checker then
reaches is a cache hit. Measured here (2 cores, 5,000 words of Austen cold): one Linter 1.65 s,
two 1.27 s. `cancel()` stops a pass at the next block (a newer revision, a call, the end of
the pass); `close()` ends the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

from desktop_app.perf import lower_thread_priority
from desktop_app.proofreading.cache import ParagraphCache
from desktop_app.proofreading.markup import ProseMasker

log = logging.getLogger(__name__)

MIN_BLOCKS = 200  # fewer than this: one Linter finishes before a second one would start
# More than this (about a megabyte): the pass takes minutes either way, and the second core is
# left to the inline model.
MAX_BLOCKS = 20_000


class Prefetcher:
    """Lints blocks ahead of the checker on a thread of its own."""

    def __init__(self, cache: ParagraphCache, factory: Callable[[], object] | None = None) -> None:
        self._cache = cache
        self._factory = factory
        self._cond = threading.Condition()
        self._job: tuple | None = None
        self._closed = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ready = threading.Event()  # its Linter is built

    def warm(self) -> None:
        """Build the second Linter now, on the prefetcher's thread, before a pass needs it."""
        with self._cond:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(
                    target=self._run, name="proofreading-ahead", daemon=True
                )
                self._thread.start()

    def start(
        self,
        blocks: list[tuple[int, str]],
        states: Mapping[int, tuple],
        done: Mapping[int, str],
        dialect: str,
        rules: tuple[tuple[str, bool], ...],
    ) -> None:
        """Lint the back half of `blocks` (not yet `done`), from the end, into the cache."""
        self.cancel()
        if not MIN_BLOCKS <= len(blocks) <= MAX_BLOCKS:
            return
        stop = self._stop = threading.Event()
        ahead = blocks[len(blocks) // 2 :][::-1]
        with self._cond:
            self._job = (stop, ahead, states, done, dialect, rules)
            self._cond.notify()
        self.warm()

    def cancel(self) -> None:
        """Stop the pass at the next block (the cache keeps what was linted)."""
        self._stop.set()
        with self._cond:
            self._job = None

    def close(self) -> None:
        """End the thread (after the block it is linting)."""
        with self._cond:
            self._closed = True
            self._job = None
            self._cond.notify()
        self._stop.set()

    def _run(self) -> None:
        lower_thread_priority()
        try:
            from desktop_app.proofreading.linter import Proofreader

            proofreader = (self._factory or Proofreader)(cache=self._cache)
        except Exception:  # the checker's own Linter says what is wrong; this is only help
            log.exception("The second proofreader could not start")
            return
        self.ready.set()
        while True:
            with self._cond:
                while self._job is None and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                job, self._job = self._job, None
            stop, ahead, states, done, dialect, rules = job
            for block, text in ahead:
                if stop.is_set():
                    break
                state = states.get(block)
                if state is None or done.get(block) == text or not text.strip():
                    continue
                masked = ProseMasker.resume(state).mask(text)
                proofreader.raw_lints(masked, dialect, rules)
