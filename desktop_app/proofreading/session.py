"""The editor's proofreading session: Harper's checker on its own thread, results on the GUI thread.

`ProofreadSession(dialect, style)` is the window's one handle on proofreading (QtCore only, no
widgets). `start()` returns at once: a short-lived thread imports the proofreading modules and
builds the `BackgroundChecker`, whose own thread then builds Harper's `Linter` (~1 s); nothing
of that runs on the GUI thread, so the window shows as fast as without proofreading. Requests
made before the checker exists are kept (the newest check, every call) and handed over.

Everything the checker reports comes back through `desktop_app.relay.GuiRelay` as signals on
the GUI thread: `result(CheckResult)`, `idle(revision, issue_count)`, `ready()`, `failed(str)`.
`fix(text, then)` runs Fix Grammar and Spelling (`fix_text`) on the checker's thread, with the
checker's Linter (a Linter must never be used by two threads) and the document's context
(names, dialect) when the checker has counted it; `then(plan)` runs on the GUI thread.
`add_word` writes the personal dictionary on the checker's thread too (an atomic write with
fsync never happens on the GUI thread).
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop_app.perf import lower_thread_priority
from desktop_app.relay import GuiRelay

log = logging.getLogger(__name__)

SWITCH_INTERVAL_S = 0.001


def proofread_settings(dialect: str | None, style: bool) -> Any:
    """The `ProofreadSettings` for the writer's Preferences ("" or None: guess the dialect)."""
    from desktop_app.proofreading.filters import DEFAULT_CATEGORIES, STYLE
    from desktop_app.proofreading.linter import ProofreadSettings, dialect_names

    categories = DEFAULT_CATEGORIES | {STYLE} if style else DEFAULT_CATEGORIES
    chosen = dialect if dialect in dialect_names() else None
    return ProofreadSettings(dialect=chosen, categories=frozenset(categories))


class ProofreadSession(QObject):
    """Owns the background checker; relays its findings to the GUI thread as signals."""

    ready = Signal()
    result = Signal(object)  # CheckResult
    idle = Signal(int, int)  # revision, issues in the whole document
    failed = Signal(str)  # a one-line reason (the checker could not start, or a job failed)
    dictionary_changed = Signal(str)  # a word was added to the personal dictionary

    def __init__(
        self,
        dialect: str | None = None,
        style: bool = False,
        parent: QObject | None = None,
        dictionary=None,
        proofreader_factory: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self._relay = GuiRelay(self)
        self._lock = threading.Lock()
        self._options = (dialect, style)
        self._factory = proofreader_factory
        self.dictionary = dictionary  # a PersonalDictionary; made at start when None
        self._checker = None
        self._pending_check: tuple | None = None
        self._pending_calls: list[tuple[Callable, Callable]] = []
        self._pending_ignores: list[str] = []
        self._stopped = False
        self._boot: threading.Thread | None = None
        self.is_ready = False
        self.error = ""

    # ----------------------------------------------------------------- life cycle
    def start(self) -> None:
        """Build the checker and Harper's Linter off the GUI thread."""
        # The checker's Python work (masking, counting, filtering) shares the GIL with the GUI
        # thread: hand it back within 1 ms, not CPython's 5 (measured, 20 MB while typing:
        # heartbeat p99 72 -> 14 ms).
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        if self._boot is None:
            self._boot = threading.Thread(target=self._start, name="proofread-start", daemon=True)
            self._boot.start()

    def _start(self) -> None:
        lower_thread_priority()
        try:
            from desktop_app.proofreading.checker import BackgroundChecker
            from desktop_app.proofreading.dictionary import PersonalDictionary

            dictionary = self.dictionary or PersonalDictionary()
            checker = BackgroundChecker(
                lambda result: self._relay.post(self.result.emit, result),
                settings=proofread_settings(*self._options),
                dictionary=dictionary,
                on_ready=lambda: self._relay.post(self._on_ready),
                on_idle=lambda revision, count: self._relay.post(self.idle.emit, revision, count),
                on_error=lambda error: self._relay.post(self._on_error, _reason(error)),
                proofreader_factory=self._factory,
            )
        except Exception as error:  # harper missing from the installation, say
            log.exception("Proofreading could not start")
            self._relay.post(self._on_error, _reason(error))
            return
        with self._lock:
            if self._stopped:
                return
            self.dictionary = dictionary
            self._checker = checker
            for key in self._pending_ignores:
                checker.ignore(key)
            for job, done in self._pending_calls:
                checker.call(job, done)
            if self._pending_check is not None:
                checker.check_texts(*self._pending_check)
            self._pending_calls, self._pending_ignores, self._pending_check = [], [], None
            checker.start()

    def _on_ready(self) -> None:
        self.is_ready = True
        self.ready.emit()

    def _on_error(self, reason: str) -> None:
        if not self.is_ready:
            self.error = reason  # never started: nothing will be checked
        self.failed.emit(reason)

    @property
    def both_ready(self) -> bool:
        """The second Harper, which lints ahead in long passes, is built too."""
        checker = self._checker
        return checker is not None and checker.both_ready

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the checker (after the paragraph it is linting)."""
        with self._lock:
            self._stopped = True
            checker, self._checker = self._checker, None
        if checker is not None:
            checker.stop(timeout)

    # ----------------------------------------------------------------- requests
    def check(self, revision: int, texts: list[str], visible: range) -> None:
        """Check the document at `revision`: every block's text (a copy), the visible blocks first."""
        with self._lock:
            if self._checker is None:
                self._pending_check = (revision, texts, visible)
                return
            checker = self._checker
        checker.check_texts(revision, texts, visible)

    def configure(self, dialect: str | None, style: bool) -> None:
        """New Preferences (dialect, style advice); they apply from the next check."""
        with self._lock:
            self._options = (dialect, style)
            checker = self._checker
        if checker is not None:
            checker.set_settings(proofread_settings(dialect, style))

    def ignore(self, key: str) -> None:
        """Ignore an issue (`Issue.ignore_key`) in this document; applies from the next check."""
        with self._lock:
            if self._checker is None:
                self._pending_ignores.append(key)
                return
            checker = self._checker
        checker.ignore(key)

    def forget_ignored(self) -> None:
        """A new document: nothing is ignored in it yet."""
        with self._lock:
            self._pending_ignores.clear()
            checker = self._checker
        if checker is not None:
            for key in checker.ignored:
                checker.unignore(key)

    def note_typing(self) -> None:
        """The writer typed: a long background pass waits until they pause (see `typing_watch`)."""
        checker = self._checker
        if checker is not None:
            checker.typing.note()

    def forget(self, blocks: list[int] | None = None) -> None:
        """Report these blocks' findings again at the next check, even if unchanged (None: all).

        The window drops an edited block's findings at once; if its text then comes back as
        it was (a typo undone), the checker, which skips unchanged text, must still say so.
        """

        def job(_proofreader) -> None:
            done = self._checker._done_key if self._checker is not None else {}
            if blocks is None:
                done.clear()
            for block in blocks or ():
                done.pop(block, None)

        self._call(job, lambda _none: None)

    def _call(self, job: Callable[[Any], object], then: Callable[[object], None]) -> None:
        def done(value: object) -> None:
            self._relay.post(then, value)

        with self._lock:
            if self._checker is None:
                self._pending_calls.append((job, done))
                return
            checker = self._checker
        checker.call(job, done)

    def add_word(self, word: str) -> None:
        """Add Dictionary: saved on the checker's thread; then `dictionary_changed(word)`."""

        def add(_proofreader) -> str:
            assert self.dictionary is not None
            self.dictionary.add(word)
            return word

        self._call(add, lambda added: self.dictionary_changed.emit(added))

    def fix(self, text: str, then: Callable[[Any], None], whole_text: str | None = None) -> None:
        """Fix Grammar and Spelling on `text`; `then(FixPlan)` on the GUI thread.

        The names and dialect come from the checker's count of the document; `whole_text`
        stands in when it has not counted one (checking off).
        """
        options = self._options

        def job(proofreader) -> object:
            from desktop_app.proofreading.fixes import fix_text
            from desktop_app.proofreading.linter import DocumentContext

            settings = proofread_settings(*options)
            checker = self._checker
            context = checker.document_context() if checker is not None else None
            if context is None and whole_text:
                context = DocumentContext.from_text(whole_text, settings)
            return fix_text(text, proofreader, settings, context)

        self._call(job, then)


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
