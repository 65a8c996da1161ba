"""Proofreading as you type: a background thread that owns Harper and lints paragraphs.

`BackgroundChecker(on_result)` starts a plain `threading.Thread` (no Qt) that builds its
`Proofreader` (Harper's `Linter`, ~1 s) on that thread. `check(revision, paragraphs, visible)`
hands it the document: the visible paragraphs are linted first, then the rest, from the end of
the visible range onwards. A newer `check` supersedes the work queued for an older one (the
thread notices between paragraphs); nothing piles up. Results come back through `on_result`
on the checker's thread, one `CheckResult(revision, block_number, text, issues)` per paragraph
whose issues changed (a paragraph found clean the first time is not reported), and
`on_idle(revision, issue_count)` once the whole document is checked. Callbacks run on the
checker's thread, so the receiver must hop to the GUI thread itself (the app's relay) and
should accept a result only if `result.is_current(block_text_now)`: a result for text that has
since changed is stale and must never be painted.

Pass every block in document order, sorted by block number (one per line, as QTextDocument
has them; blank blocks included): fenced code is followed across blocks, and a line that goes
on a sentence from the line before (hard-wrapped text) is not taken for a sentence missing its
capital. Names and the dialect are counted over the whole document, per block, so an edit
recounts one block.

Unchanged paragraphs cost almost nothing: Harper's findings are cached by paragraph text and
settings, and a block whose text, fence state and filtering context (names, dialect, ignore
set, settings, dictionary) are unchanged is skipped without being looked at again. A change of
context (a word becomes a name, the dialect guess flips, a word is ignored) re-filters every
block from the cache, in the background.

Measured here (2026-12-01, 2 shared cores): a 5,000-word Austen slice as 561 line blocks is
fully checked 1.8-2.0 s after `check()`, and again 3 ms after a one-block edit. A 20 MB
document (Austen repeated, 390,502 blocks): the first visible result came 46-67 ms after
`check()`, for the first revision and after edits; counting names and spellings over the whole
document took ~14 s in the background, then linting went on lazily. A 5 ms timer on another
thread was late by at most 13 ms while counting and 42 ms over the first minute (p99 7-14 ms).
Per-block bookkeeping lives in strings and shared tuples: Counters or tuples per block made the
garbage collector stall everything for 0.1-0.7 s at a time.

GIL, measured here (harper-py 0.2.0, 2 shared cores, 2026-12-01): a 5 ms timer on another
Python thread while one `lint()` of 50,000 characters of Austen ran (2.3 s) was late by
p50 0.09 ms, p99 3.0 ms, max 5.7 ms (idle: p50 0.11, p99 0.32, max 2.9 ms); a pure-Python loop
in its place starved the timer to one tick per 5 ms switch interval (p50 5.2 ms late). Harper
releases the GIL while it lints (its stub says so too), so a thread suffices and no child
process is needed. The Python side (masking, filtering) holds the GIL only per paragraph.
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from desktop_app.perf import lower_thread_priority
from desktop_app.proofreading.dictionary import PersonalDictionary
from desktop_app.proofreading.filters import BlockWords, DocumentStats, words_of
from desktop_app.proofreading.linter import (
    DocumentContext,
    Issue,
    Proofreader,
    ProofreadSettings,
)
from desktop_app.proofreading.markup import ProseMasker, block_number, continues_at
from desktop_app.proofreading.numbered import NumberedTexts
from desktop_app.proofreading.prefetch import Prefetcher
from desktop_app.proofreading.typing_watch import TypingWatch

log = logging.getLogger(__name__)

MaskState = tuple[str | None, bool, bool]
START_STATE: MaskState = ProseMasker().state  # the document's first block
# Up to this many blocks, a new document is counted (names, dialect) before anything is linted.
COUNT_FIRST_BLOCKS = 20_000
QUIET_STATE: MaskState = ProseMasker(at_document_start=False).state  # prose, nothing open


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The issues of one paragraph (block) as it was in document `revision`."""

    revision: int
    block_number: int
    text: str
    issues: list[Issue]

    def is_current(self, text_now: str) -> bool:
        """Whether the block still holds the text this result was made for (else: stale)."""
        return text_now == self.text


@dataclass
class _Request:
    revision: int
    paragraphs: Sequence[tuple[int, str]]  # (block_number, text), a list or `NumberedTexts`
    visible: range


class BackgroundChecker:
    """Lints a document's paragraphs on its own thread and reports per-paragraph issues."""

    def __init__(
        self,
        on_result: Callable[[CheckResult], None],
        settings: ProofreadSettings | None = None,
        dictionary: PersonalDictionary | None = None,
        on_ready: Callable[[], None] | None = None,
        on_idle: Callable[[int, int], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        proofreader_factory: Callable[[], Proofreader] | None = None,
    ) -> None:
        self._on_result = on_result
        self._on_ready = on_ready
        self._on_idle = on_idle
        self._on_error = on_error
        self._settings = settings or ProofreadSettings()
        self._dictionary = dictionary
        self._factory = proofreader_factory or (lambda: Proofreader(dictionary=self._dictionary))
        self._cond = threading.Condition()
        self._pending: _Request | None = None
        self._calls: list[tuple[Callable[[Proofreader], object], Callable[[object], None]]] = []
        self._stopping = False
        self._ignored: set[str] = set()
        self._thread: threading.Thread | None = None
        self.typing = TypingWatch()  # long passes wait while the writer types
        self.ready = threading.Event()
        self.proofreader: Proofreader | None = None
        self._ahead: Prefetcher | None = None  # the second Harper, once the first is built
        # Per block, in flat dicts of strings and tuples (which the garbage collector stops
        # tracking, so a 400,000-block document costs no long collections): the text counted
        # in the document totals, its evidence, the mask state before it, what was last done
        # (text, state, context key) and the issues last delivered (non-empty only).
        self._counted: dict[int, str] = {}
        self._words: dict[int, BlockWords] = {}
        self._state: dict[int, MaskState] = {}
        self._done_text: dict[int, str] = {}
        self._done_state: dict[int, MaskState] = {}
        self._done_key: dict[int, int] = {}
        self._issues: dict[int, list[Issue]] = {}
        self._totals = DocumentStats()
        self._stats_version = 0
        self._context_cache: tuple[tuple, DocumentContext, int] | None = None

    # ------------------------------------------------------------------ called from any thread

    def start(self) -> None:
        """Start the thread; it builds Harper's linter, then calls `on_ready`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="proofreading", daemon=True)
            self._thread.start()

    def check(
        self, revision: int, paragraphs: Iterable[tuple[int, str]], visible: range = range(0)
    ) -> None:
        """Lint the document at `revision`: (block_number, text) for every block, in order."""
        request = _Request(revision, list(paragraphs), visible)
        with self._cond:
            self._pending = request  # supersedes any older request not yet finished
            self._cond.notify()

    def check_texts(self, revision: int, texts: list[str], visible: range = range(0)) -> None:
        """`check` with block texts (number = index), read as pairs without making them: a
        400,000-block document costs the caller only the list (pass a copy)."""
        with self._cond:
            self._pending = _Request(revision, NumberedTexts(texts), visible)
            self._cond.notify()

    def document_context(self) -> DocumentContext | None:
        """The last counted document's context (names, dialect, ignored); in a `call` job only."""
        with self._cond:
            settings, ignored = self._settings, frozenset(self._ignored)
        return self._context(settings, ignored)[0] if self._counted else None

    def set_settings(self, settings: ProofreadSettings) -> None:
        """New Preferences; they apply from the next `check`."""
        with self._cond:
            self._settings = settings

    def ignore(self, key: str) -> None:
        """Ignore an issue in this document (`Issue.ignore_key`); applies from the next check."""
        with self._cond:
            self._ignored.add(key)

    def unignore(self, key: str) -> None:
        """Stop ignoring `key` in this document."""
        with self._cond:
            self._ignored.discard(key)

    @property
    def ignored(self) -> frozenset[str]:
        """The document's ignore set (for saving it with the document, if wanted)."""
        with self._cond:
            return frozenset(self._ignored)

    def call(self, job: Callable[[Proofreader], object], done: Callable[[object], None]) -> None:
        """Run `job(proofreader)` on the checker's thread (e.g. `fix_text`), then `done(result)`.

        Harper's linter is not thread-safe; this is how other work shares the checker's one.
        Calls run before the next paragraph is linted.
        """
        with self._cond:
            self._calls.append((job, done))
            self._cond.notify()

    # Both Harpers are built: a long pass has two cores from its start.
    both_ready = property(lambda self: self._ahead is not None and self._ahead.ready.is_set())

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (after the paragraph it is linting) and wait for it."""
        with self._cond:
            self._stopping = True
            self._pending = None
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._ahead is not None:  # the second Harper's thread ends with this one
            self._ahead.close()

    # ------------------------------------------------------------------ the checker's thread
    def _run(self) -> None:
        lower_thread_priority()
        try:
            self.proofreader = self._factory()
        except Exception as error:  # Harper missing or broken: report once, check nothing
            log.exception("The proofreader could not start")
            self._report_error(error)
            return
        self._ahead = Prefetcher(self.proofreader.cache)
        self.ready.set()
        if self._on_ready:
            self._on_ready()
        self._ahead.warm()  # the second Linter, built now, so a long first pass has its help
        while True:
            with self._cond:
                while not (self._pending or self._calls or self._stopping):
                    self._cond.wait()
                if self._stopping:
                    return
                calls, self._calls = self._calls, []
                request, self._pending = self._pending, None
            self._run_calls(calls)
            if request is not None:
                try:
                    self._process(request)
                    with self._cond:
                        # Left for a `call`, not for a newer revision: carry on afterwards
                        # (blocks already done are skipped).
                        if self._calls and self._pending is None and not self._stopping:
                            self._pending = request
                except Exception as error:
                    log.exception("Proofreading revision %s failed", request.revision)
                    self._report_error(error)

    def _report_error(self, error: BaseException) -> None:
        if self._on_error:
            self._on_error(error)

    def _run_calls(self, calls) -> None:
        assert self.proofreader is not None
        for job, done in calls:
            try:
                result = job(self.proofreader)
            except Exception as error:
                log.exception("A proofreading call failed")
                self._report_error(error)
                continue
            done(result)

    def _superseded(self) -> bool:
        """A newer revision, a waiting `call` or `stop`: leave the current pass."""
        with self._cond:
            return self._pending is not None or bool(self._calls) or self._stopping

    def _context(
        self, settings: ProofreadSettings, ignored: frozenset[str]
    ) -> tuple[DocumentContext, int]:
        """The filtering context and its key; recomputed only when something it uses changed."""
        version = self._dictionary.version if self._dictionary is not None else 0
        inputs = (self._stats_version, settings, ignored, version)
        if self._context_cache is None or self._context_cache[0] != inputs:
            context = DocumentContext.from_stats(self._totals, settings, ignored)
            self._context_cache = (inputs, context, hash((context, settings, version)))
        return self._context_cache[1], self._context_cache[2]

    def _go_on(self, patient: bool) -> bool:
        """At a checkpoint of a pass: False if superseded; a `patient` pass (not one the
        writer waits for) first waits while they type."""
        if patient:
            return self.typing.wait(self._cond, self._superseded)
        return not self._superseded()

    def _refresh(self, paragraphs: list[tuple[int, str]], patient: bool = False) -> bool:
        """Mask states and document counts for every block; False if superseded meanwhile.

        Counts are kept per block, so a pass cut short by a newer revision is not wasted.
        """
        state: MaskState = START_STATE
        for index, (block, text) in enumerate(paragraphs):
            if index % 128 == 0 and not self._go_on(patient):
                return False
            self._state[block] = state
            if self._counted.get(block) != text:
                quiet = state is QUIET_STATE and "`" not in text and "](" not in text
                prose = text if quiet else ProseMasker.resume(state).mask(text)
                old = self._words.get(block)
                if old is not None:
                    self._totals.add_words(old, -1)
                words = words_of(prose)
                self._totals.add_words(words)
                self._words[block], self._counted[block] = words, text
                self._stats_version += 1
            masker = ProseMasker.resume(state)
            masker.advance(text)
            state = masker.state
        if len(self._counted) != len(paragraphs):
            present = {block for block, _ in paragraphs}
            for block in [b for b in self._counted if b not in present]:
                self._totals.add_words(self._words.pop(block), -1)
                tables = (self._counted, self._state, self._issues)
                for table in (*tables, self._done_text, self._done_state, self._done_key):
                    table.pop(block, None)
            self._stats_version += 1
        return True

    def _lint(
        self,
        request: _Request,
        blocks: list[tuple[int, str]],
        settings: ProofreadSettings,
        context: DocumentContext,
        key: int,
        patient: bool = False,
    ) -> bool:
        """Lint the `blocks` changed since last done, deliver what changed; False if superseded."""
        proofreader = self.proofreader
        assert proofreader is not None
        paragraphs = request.paragraphs
        for index, (block, text) in enumerate(blocks):
            if index % 256 == 0 and not self._go_on(patient):
                return False
            state = self._state.get(block, START_STATE if block == 0 else QUIET_STATE)
            continues = continues_at(paragraphs, block)
            block_key = key + continues  # what this block's result depends on, with `state`
            if (
                self._done_key.get(block) == block_key
                and self._done_state.get(block) is state
                and self._done_text.get(block) == text
            ):
                continue
            if self._superseded():  # before each lint: a pause's request waits for none
                return False
            masked = ProseMasker.resume(state).mask(text)
            issues = proofreader.lint_paragraph(text, context, settings, masked, continues)
            self._done_text[block] = text
            self._done_state[block] = state
            self._done_key[block] = block_key
            before = self._issues.get(block, [])
            if issues:
                self._issues[block] = issues
            else:
                self._issues.pop(block, None)
            # Clean paragraphs never reported before need no message; anything else does.
            if issues != before or (issues and before):
                self._on_result(CheckResult(request.revision, block, text, issues))
        return True

    def _process(self, request: _Request) -> None:
        with self._cond:
            settings, ignored = self._settings, frozenset(self._ignored)
        paragraphs, visible = request.paragraphs, request.visible
        low = bisect.bisect_left(paragraphs, visible.start, key=block_number)
        high = bisect.bisect_left(paragraphs, visible.stop, key=block_number)
        shown = paragraphs[low:high] if visible else paragraphs[0:0]
        # The visible blocks first, with what is known (counts and fence states from the last
        # pass); the whole-document pass below corrects them if an edit above changed those.
        # A new document of ordinary size is counted first, so its names never flash up.
        first_count = not self._counted and len(paragraphs) <= COUNT_FIRST_BLOCKS
        if first_count and not self._refresh(paragraphs):
            return
        context, key = self._context(settings, ignored)
        if not self._lint(request, shown, settings, context, key):
            return
        if not self._refresh(paragraphs, patient=True):
            return
        context, key = self._context(settings, ignored)
        rest = shown + paragraphs[high:] + paragraphs[:low] if visible else paragraphs
        dialect = settings.dialect or context.dialect  # a second Harper lints from the end
        self._ahead.start(rest, self._state, self._done_text, dialect, settings.rules)
        finished = self._lint(request, rest, settings, context, key, patient=True)
        self._ahead.cancel()
        if not finished:
            return
        if self._on_idle:
            self._on_idle(request.revision, sum(len(found) for found in self._issues.values()))
