"""The inline suggestion engine: debounce, one generation in flight, confidence gate, cache.

No widgets here. The editor side hands in what it knows through `SuggestionContext` (a
snapshot of the text near the cursor, never the whole document) and paints what
`suggestion_changed` says. Every request carries the document revision and cursor position it
was made for; a result for anything else is dropped, never painted.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.inline_prompt import (
    WINDOW_MAX_CHARS,
    InlinePrompt,
    build_prompt,
    choose_anchor,
    is_finished,
    reaches_next_word,
    repeats_after,
    shape_suggestion,
    should_suggest,
)
from models.base import Cancelled, GenerationRequest, ModelError, Priority, TextModel

log = logging.getLogger(__name__)

DEBOUNCE_MS = 40  # tuned with `inkling bench typing` (see the README's figures)
MIN_FIRST_PROB = 0.30  # show only when the model is this sure of the first token
MAX_TOKENS = 10
CACHE_SIZE = 64
STOP = ("\n",)


@dataclass(frozen=True)
class SuggestionContext:
    """The text around the cursor at one revision."""

    revision: int
    cursor: int
    before_start: int  # document position of before[0]
    before: str  # text before the cursor (at least WINDOW_MAX_CHARS when the document has it)
    after_on_line: str


@dataclass
class _Job:
    id: int
    revision: int
    cursor: int
    prompt: InlinePrompt
    after_on_line: str
    prefetch: bool
    requested_at: float
    cancel: threading.Event = field(default_factory=threading.Event)


class SuggestionEngine(QObject):
    """Decides when to ask the inline model, asks it off the GUI thread, and says what to show."""

    #: (revision, text): show `text` after the cursor for that revision ("" hides it).
    suggestion_changed = Signal(int, str)
    #: (state, message): "idle" | "thinking" | "shown" | "off" | "unavailable" | "loading".
    state_changed = Signal(str, str)
    #: (latency ms from the last edit to the first text, shown): one per shown suggestion.
    shown = Signal(float)
    _job_update = Signal(object, str, bool, object)  # job, text so far, done, error/timings

    def __init__(
        self,
        model_provider: Callable[[], TextModel | None],
        context_provider: Callable[[], SuggestionContext],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._model_provider = model_provider
        self._context_provider = context_provider
        self.enabled = True
        self.min_first_prob = MIN_FIRST_PROB
        self.max_tokens = MAX_TOKENS
        self.temperature = 0.0
        self._anchor: int | None = None
        self._revision = -1
        self._edit_time = time.perf_counter()
        self._current: tuple[int, str, str] | None = None  # revision, cache key, text shown
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._next_id = 0
        self._active: _Job | None = None
        self.calls = 0  # model calls started (the benchmark reports calls per pause)
        self.shown_prompts: list[str] | None = None  # the benchmark records prompts shown
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_pause)
        self._job_update.connect(self._on_job_update)
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="inline-suggestions", daemon=True)
        self._thread.start()

    # ----------------------------------------------------------------- inputs from the editor
    def set_enabled(self, enabled: bool) -> None:
        """Turn suggestions on or off."""
        self.enabled = enabled
        if not enabled:
            self.dismiss()
            self.state_changed.emit("off", "Suggestions off")
        else:
            self.state_changed.emit("idle", "Suggestions on")

    def set_debounce(self, msecs: int) -> None:
        """Change how long a pause must last before asking the model."""
        self._timer.setInterval(msecs)

    @property
    def debounce_ms(self) -> int:
        """How long a pause must last before asking the model."""
        return self._timer.interval()

    def idle(self) -> bool:
        """True when nothing is waiting or generating."""
        return self._active is None and not self._timer.isActive()

    def warm(self) -> None:
        """Evaluate the text before the cursor now (a document opened, a model got ready), so
        the writer's first suggestion finds the prompt in llama.cpp's cache."""
        if not self.enabled or self._model_provider() is None:
            return
        context = self._context_provider()
        self._revision = context.revision
        if not should_suggest(context.before, context.after_on_line):
            return
        self._anchor = choose_anchor(
            context.before_start, context.before, self._anchor, context.cursor
        )
        self._start(context, build_prompt(self._anchor, context.before_start, context.before), True)

    def note_edit(self, revision: int) -> None:
        """The document changed: forget what is shown, and ask again after a short pause."""
        self._revision = revision
        self._edit_time = time.perf_counter()
        self._cancel_active()
        self._current = None
        if self.enabled:
            self._timer.start()

    def note_typed_through(self, revision: int, rest: str) -> None:
        """The writer typed the suggestion's next characters; `rest` stays shown, no request."""
        self._revision = revision
        self._timer.stop()
        if self._current is not None and rest:
            self._current = (revision, self._current[1], rest)
        elif not rest:
            self._current = None
            self._edit_time = time.perf_counter()
            if self.enabled:
                self._timer.start()

    def note_accepted(self, revision: int, rest: str) -> None:
        """The writer took the suggestion (or its first word): look for what follows at once."""
        self._revision = revision
        self._timer.stop()
        if rest and self._current is not None:
            self._current = (revision, self._current[1], rest)
            return
        self._current = None
        self._edit_time = time.perf_counter()
        if self.enabled:
            self._on_pause()

    def dismiss(self) -> None:
        """Drop what is shown or coming (Esc, a click, a cursor move)."""
        self._timer.stop()
        self._cancel_active()
        if self._current is not None:
            self._current = None
        self.suggestion_changed.emit(self._revision, "")

    def shutdown(self) -> None:
        """Stop the worker thread."""
        self._timer.stop()
        self._cancel_active()
        self._queue.put(None)
        self._thread.join(timeout=5)

    # ----------------------------------------------------------------- deciding
    def _on_pause(self) -> None:
        if not self.enabled:
            return
        context = self._context_provider()
        if context.revision != self._revision:
            self._revision = context.revision
        if not should_suggest(context.before, context.after_on_line):
            self.state_changed.emit("idle", "")
            return
        self._anchor = choose_anchor(
            context.before_start, context.before, self._anchor, context.cursor
        )
        prompt = build_prompt(self._anchor, context.before_start, context.before)
        cached = self._cache.get(prompt.key)
        if cached is not None:
            self._cache.move_to_end(prompt.key)
            if not repeats_after(cached, context.after_on_line):
                self._show(context.revision, prompt.key, cached)
                self._prefetch(context, prompt, cached)
            return
        active = self._active
        if active is not None and active.prefetch and active.prompt.key == prompt.key:
            # The prefetch already asks exactly this: let it show instead of asking again.
            active.prefetch = False
            active.revision, active.cursor = context.revision, context.cursor
            active.after_on_line = context.after_on_line
            self.state_changed.emit("thinking", "Thinking…")
            return
        if self._model_provider() is None:
            return
        self._start(context, prompt, prefetch=False)

    def _start(self, context: SuggestionContext, prompt: InlinePrompt, prefetch: bool) -> None:
        self._next_id += 1
        job = _Job(
            id=self._next_id,
            revision=context.revision,
            cursor=context.cursor,
            prompt=prompt,
            after_on_line=context.after_on_line,
            prefetch=prefetch,
            requested_at=time.perf_counter(),
        )
        self._cancel_active()
        self._active = job
        self.calls += 1
        if not prefetch:
            self.state_changed.emit("thinking", "Thinking…")
        self._queue.put(job)

    def _prefetch(self, context: SuggestionContext, prompt: InlinePrompt, shown: str) -> None:
        """Ask now for what would follow `shown` once accepted (as llama.vim does)."""
        after = prompt.key + shown
        if after in self._cache or self._model_provider() is None:
            return
        ahead = SuggestionContext(
            revision=context.revision,
            cursor=context.cursor + len(shown),
            before_start=self._anchor if self._anchor is not None else context.before_start,
            before=after,
            after_on_line=context.after_on_line,
        )
        if should_suggest(ahead.before, ahead.after_on_line):
            anchor = self._anchor if self._anchor is not None else context.before_start
            self._start(ahead, build_prompt(anchor, anchor, after), prefetch=True)

    def _cancel_active(self) -> None:
        if self._active is not None:
            self._active.cancel.set()
            self._active = None

    def _show(self, revision: int, key: str, text: str) -> None:
        self._current = (revision, key, text)
        if self.shown_prompts is not None:
            self.shown_prompts.append(key.rstrip(" \t"))
        latency = (time.perf_counter() - self._edit_time) * 1000
        self.suggestion_changed.emit(revision, text)
        self.shown.emit(latency)
        self.state_changed.emit("shown", f"Shown in {latency:.0f} ms")

    # ----------------------------------------------------------------- results (GUI thread)
    def _on_job_update(self, job: _Job, text: str, done: bool, extra: object) -> None:
        if isinstance(extra, ModelError):
            if job is self._active:
                self._active = None
                self.state_changed.emit("unavailable", str(extra))
            return
        if job.prefetch:
            if done and text:
                self._remember(job.prompt.key, text)
            if done and job is self._active:
                self._active = None
            return
        stale = job.revision != self._revision or job.cancel.is_set()
        if stale:
            return  # a result for an older revision is never painted
        fresh = text and not repeats_after(text, job.after_on_line)
        if fresh and self._current is None:
            self._show(job.revision, job.prompt.key, text)
        elif fresh and self._current[2] != text:
            self._current = (job.revision, job.prompt.key, text)  # grows as tokens stream in
            self.suggestion_changed.emit(job.revision, text)
        if done:
            if job is self._active:
                self._active = None
            if self._current is not None and self._current[1] == job.prompt.key:
                shown = self._current[2]
                self._remember(job.prompt.key, shown)
                context = SuggestionContext(
                    job.revision, job.cursor, job.prompt.anchor, job.prompt.key, job.after_on_line
                )
                self._prefetch(context, job.prompt, shown)
            elif self._current is None:
                self.state_changed.emit("idle", "No confident suggestion")

    def _remember(self, key: str, text: str) -> None:
        self._cache[key] = text
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    # ----------------------------------------------------------------- the worker thread
    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if job.cancel.is_set():
                continue
            model = self._model_provider()
            if model is None:
                continue
            try:
                self._generate(model, job)
            except Cancelled:
                continue  # a newer keystroke took over: nothing to report
            except ModelError as error:
                self._job_update.emit(job, "", True, error)
            except Exception as error:  # noqa: BLE001 - the worker must survive any failure
                log.exception("Inline generation failed")
                self._job_update.emit(job, "", True, ModelError(f"Suggestion failed: {error}"))

    def _generate(self, model: TextModel, job: _Job) -> None:
        request = GenerationRequest(
            prompt=job.prompt.prompt,
            max_tokens=self.max_tokens,
            stop=STOP,
            temperature=self.temperature,
            cancel=job.cancel,
            priority=Priority.REALTIME,
            want_probs=True,
        )
        stream = model.stream(request)
        raw = ""
        shown = ""
        joint = 1.0
        gated = False
        try:
            for piece in stream:
                if job.cancel.is_set():
                    return
                raw += piece.text
                if piece.prob is not None:
                    joint *= piece.prob
                if not gated:
                    if not reaches_next_word(job.prompt, raw):
                        continue  # still finishing the writer's word: judge with what follows
                    if joint < self.min_first_prob:
                        self._job_update.emit(job, "", True, None)  # not confident: show nothing
                        return
                    gated = True
                shaped = shape_suggestion(job.prompt, raw)
                if shaped is None:
                    if raw.strip():
                        break  # glued onto a finished word, or a line break: nothing useful
                    continue
                if shaped != shown:
                    shown = shaped
                    self._job_update.emit(job, shown, False, None)
                if is_finished(shaped):
                    break
        finally:
            stream.close()
        if not gated and raw.strip() and joint >= self.min_first_prob:
            # The whole answer finished the writer's word ("Hertfordsh" + "ire."): show it.
            shown = shape_suggestion(job.prompt, raw) or ""
        if not job.cancel.is_set():
            self._job_update.emit(job, shown, True, getattr(stream, "timings", None))


__all__ = ["SuggestionContext", "SuggestionEngine", "WINDOW_MAX_CHARS"]
