"""The inline suggestion engine: one generation in flight, confidence gate, cache, prefetch.

No widgets here. The editor side hands in what it knows through `SuggestionContext` (a
snapshot of the text near the cursor, never the whole document) and paints what
`suggestion_changed` says. Every result carries the document revision it was made for; a
result for any other revision is dropped, never painted.

Keystrokes inside one word share one model prompt (see `inline_prompt`); a model that heals
is also kept to the half word typed (`healing_prefix`). A generation, in flight or finished,
answers each keystroke it still fits (even one kept to less of the word: `Job.serves`,
`PieceCache.fitting`); a keystroke it does not fit cancels it and asks anew.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.inline.alternatives import TOP_K, WHY_PREFIX, candidates, why_quiet
from desktop_app.inline.backoff import Backoff
from desktop_app.inline.document_aware import DocumentAware, quiet_here
from desktop_app.inline.generation import Job as _Job
from desktop_app.inline.generation import PieceCache, run_jobs
from desktop_app.inline.prompt import (
    WINDOW_MAX_CHARS,
    InlinePrompt,
    SuggestionContext,
    build_prompt,
    choose_anchor,
    healing_prefix,
    inline_request,
    repeats_after,
    should_suggest,
)
from desktop_app.relay import GuiRelay
from models.base import ModelError, Piece, TextModel

# Measured with `inkling bench typing`: asking at once costs only CPU (a newer keystroke cancels
# within one token, and the prefix cache makes each call ~20-30 ms), while any debounce adds
# straight to the writer's wait (40 ms made p50 61 ms against 27 ms at 0).
DEBOUNCE_MS = 0
# Joint probability of the tokens up to the first one of the next word. Chosen with
# `inkling bench gate --chars 5000` on stretches the typing benchmark does not type (Pride and
# Prejudice from offset 300000, the GFDL-1.3 text), in the replay writer's view, for the
# targets of precision 50% at coverage 30%: 0.40 gives 51% at 23% on Austen and 53% at 35% on
# the GFDL (0.33: 44% at 32%, 46% at 43%; 0.45: 58% at 18%, 56% at 31%). No threshold meets
# both targets on Austen, so precision comes first: a wrong suggestion costs the writer more
# than a missing one. The margin over the runner-up token, the entropy, a logistic fit of those,
# a longer window and agreement with SmolLM2 each did no better than this one number.
MIN_FIRST_PROB = 0.40
MAX_TOKENS = 10
CACHE_SIZE = 128


class SuggestionEngine(QObject):
    """Decides when to ask the inline model, asks it off the GUI thread, and says what to show."""

    #: (revision, text): show `text` after the cursor for that revision ("" hides it).
    suggestion_changed = Signal(int, str)
    #: (state, message): "idle" | "thinking" | "shown" | "off" | "unavailable".
    state_changed = Signal(str, str)
    #: (ms from the last edit to the first text shown): one per shown suggestion.
    shown = Signal(float)

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
        self.calls = 0  # model calls started (the benchmark reports calls per pause)
        self.shown_prompts: list | None = None  # the benchmark records (prompt, prefix) shown
        self._anchor: int | None = None
        self._revision = -1
        self._edit_time = time.perf_counter()
        self._current: tuple[int, str] | None = None  # revision, text shown
        self._cache = PieceCache(CACHE_SIZE)  # by `_key`
        self._next_id = 0
        self._active: _Job | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_pause)
        self._relay = GuiRelay(self)  # worker thread -> GUI thread: (job, finished, error)
        self._backoff = Backoff()  # a failing model is not asked again at every word
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self.judge = DocumentAware()  # the document's words, fact safety, the session's gate
        self._state = ""  # the last state announced, so none outlives what it reports
        self._forced = False  # Alt+\: the writer asked here, gate or not
        self._choices: tuple[tuple[int, str], list[str], int] | None = None  # Alt+] / Alt+[
        self.state_changed.connect(lambda state, _message: setattr(self, "_state", state))
        self._thread = threading.Thread(
            target=run_jobs,
            args=(self._queue, model_provider, self._request_for, self._report),
            name="inline-suggestions",
            daemon=True,
        )
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
        if should_suggest(context.before, context.after_on_line):
            self._start(context, self._prompt_for(context), prefetch=True)

    def note_edit(self, revision: int) -> None:
        """The document changed: what is shown is gone; decide again after a short pause."""
        self._revision = revision
        self._edit_time = time.perf_counter()
        if self._current is not None:
            self.judge.session.ignored()  # typed over it
        self._current, self._forced, self._choices = None, False, None
        if self.enabled:
            self._timer.start()

    def note_typed_through(self, revision: int, rest: str, typed: str = "") -> None:
        """The writer typed the suggestion's next characters; `rest` stays shown.

        Inside a word nothing more is asked. At a word boundary the rest is checked again like
        any suggestion (from the cache when it can be): the gate judged the word that was just
        finished, not the one that now comes first. It stays shown meanwhile, so nothing
        flickers.
        """
        self._revision = revision
        self._timer.stop()
        if not rest:
            self.note_edit(revision)
            return
        self._current = (revision, rest)
        if typed.isspace() and self.enabled:
            self._edit_time = time.perf_counter()
            self._timer.start()

    def note_accepted(self, revision: int, rest: str) -> None:
        """The writer took the suggestion (or its first word): look for what follows at once."""
        self._revision = revision
        self._timer.stop()
        self.judge.session.accepted()
        self._forced, self._choices = False, None
        if rest:
            self._current = (revision, rest)
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
            self.judge.session.ignored()
        self._current, self._forced, self._choices = None, False, None
        self.suggestion_changed.emit(self._revision, "")
        self._settle()

    def ask_now(self) -> None:
        """Alt+\\: suggest here, gate or not (facts are still checked), else say why not."""
        why = why_quiet(self._context_provider(), self.enabled, self._model_provider() is not None)
        if why:
            self.state_changed.emit("idle", WHY_PREFIX + why)
            return
        self._forced, self._current, self._edit_time = True, None, time.perf_counter()
        self._on_pause()

    def cycle(self, step: int) -> None:
        """Alt+] (1) / Alt+[ (-1): another of up to 3 candidates made for this place ("2/3")."""
        if self._current is None:
            self.ask_now()
            return
        revision, shown = self._current
        if self._choices is None or self._choices[0] != self._current:
            prompt = self._prompt_for(self._context_provider())
            active, key = self._active, self._key(prompt)
            same = active is not None and active.key == key
            pieces = self._cache.get(key) or (list(active.pieces) if same else [])
            found = candidates(prompt, pieces, shown, self.judge.feed.model)
            self._choices = (self._current, found or [shown], 0)
        self._cancel_active()  # what streams in must not replace the writer's choice
        _key, found, index = self._choices
        index = (index + step) % len(found)
        self._current = (revision, found[index])
        self._choices = (self._current, found, index)
        self.suggestion_changed.emit(revision, found[index])
        self.state_changed.emit("shown", f"{index + 1}/{len(found)}")

    def shutdown(self) -> None:
        """Stop the worker thread."""
        self._timer.stop()
        self._cancel_active()
        self._queue.put(None)
        self._thread.join(timeout=5)
        self.judge.close()

    # ----------------------------------------------------------------- deciding (GUI thread)
    def _prompt_for(self, context: SuggestionContext) -> InlinePrompt:
        self._anchor = choose_anchor(
            context.before_start, context.before, self._anchor, context.cursor
        )
        return build_prompt(self._anchor, context.before_start, context.before)

    def _key(self, prompt: InlinePrompt) -> tuple[str, str]:
        """What a generation for `prompt` is asked with: the model prompt and its prefix."""
        heals = getattr(self._model_provider(), "heals", False)
        return prompt.prompt, healing_prefix(prompt) if heals else ""

    def _settle(self) -> None:
        """The status field never outlives what it reports: a suggestion, or a request."""
        waiting = self._active is not None and not self._active.prefetch
        stale = self._current is None if self._state == "shown" else not waiting
        if self._state in ("shown", "thinking") and stale:
            self.state_changed.emit("idle", "")

    def _on_pause(self) -> None:
        self._decide()
        self._settle()

    def _decide(self) -> None:
        if not self.enabled:
            return
        context = self._context_provider()
        self._revision = context.revision
        if not should_suggest(context.before, context.after_on_line) or quiet_here(
            context.before_start, context.before
        ):
            self._cancel_active()
            self.state_changed.emit("idle", "")
            return
        prompt = self._prompt_for(context)
        key = self._key(prompt)
        cached = self._cache.get(key)
        if cached is not None:
            self._offer(context.revision, prompt, context.after_on_line, cached, final=True)
            return
        fitting = self._cache.fitting(prompt, key[1])
        after = context.after_on_line
        if fitting and self._offer(context.revision, prompt, after, fitting, True) != "stop":
            return
        active = self._active
        if active is not None and (active.key == key or active.serves(prompt, key[1])):
            # The generation in flight was asked with this very prompt: keep it, judged
            # against what the writer has typed now.
            active.prefetch = False
            active.revision, active.prompt = context.revision, prompt
            active.after_on_line = context.after_on_line
            self._offer(context.revision, prompt, context.after_on_line, list(active.pieces))
            if self._current is None:  # else "shown" stays: it is what the writer sees
                self.state_changed.emit("thinking", "Thinking…")
            return
        if self._model_provider() is None:
            return
        waiting = self._backoff.waiting()
        if waiting:
            self.state_changed.emit("unavailable", waiting)
            return
        self._start(context, prompt, prefetch=False)

    def _offer(
        self,
        revision: int,
        prompt: InlinePrompt,
        after_on_line: str,
        pieces: list[Piece],
        final: bool = False,
    ) -> str:
        """Show what `pieces` give for `prompt`, if anything; return the verdict."""
        gate = 0.0 if self._forced else self.min_first_prob
        verdict, text = self.judge.evaluate(prompt, pieces, gate, final)
        if verdict == "stop" and self._current is not None:
            self._current = None  # a suggestion kept from before no longer passes: take it away
            self.suggestion_changed.emit(revision, "")
        if verdict in ("show", "done") and not repeats_after(text, after_on_line):
            if self._current is None:
                self._show(revision, prompt, text)
            elif self._current[1] != text:
                self._current = (revision, text)  # grows in place as tokens stream in
                self.suggestion_changed.emit(revision, text)
        if verdict == "done" and self._current is not None:
            self._prefetch(prompt, self._current[1])
        return verdict

    def _start(self, context: SuggestionContext, prompt: InlinePrompt, prefetch: bool) -> None:
        self._cancel_active()
        self._next_id += 1
        job = _Job(self._next_id, context.revision, prompt, context.after_on_line, prefetch)
        job.prefix = self._key(prompt)[1]
        self._active = job
        self.calls += 1
        if not prefetch:
            self.state_changed.emit("thinking", "Thinking…")
        self._queue.put(job)

    def _prefetch(self, prompt: InlinePrompt, shown: str) -> None:
        """Ask now for what would follow `shown` once accepted (as llama.vim does)."""
        if self._active is not None or self._model_provider() is None:
            return
        text = prompt.key + shown
        ahead = build_prompt(prompt.anchor, prompt.anchor, text)
        if self._key(ahead) in self._cache or not should_suggest(text, ""):
            return
        context = SuggestionContext(
            self._revision, prompt.anchor + len(text), prompt.anchor, text, ""
        )
        self._start(context, ahead, prefetch=True)

    def _cancel_active(self) -> None:
        if self._active is not None:
            self._active.cancel.set()
            self._active = None

    def _show(self, revision: int, prompt: InlinePrompt, text: str) -> None:
        self._current = (revision, text)
        latency = (time.perf_counter() - self._edit_time) * 1000
        if self.shown_prompts is not None:
            self.shown_prompts.append((prompt, self._key(prompt)[1]))
        self.suggestion_changed.emit(revision, text)
        self.shown.emit(latency)
        self.state_changed.emit("shown", f"Shown in {latency:.0f} ms")

    # ----------------------------------------------------------------- results (GUI thread)
    def _on_job_update(self, job: _Job, finished: bool, error: object) -> None:
        if finished and job is self._active:
            self._active = None
        if isinstance(error, ModelError):
            if not job.cancel.is_set():
                self.state_changed.emit("unavailable", self._backoff.failed(error))
            return
        if finished and not job.cancel.is_set():
            self._backoff.succeeded()
        pieces = list(job.pieces)
        if finished and not job.cancel.is_set():
            self._cache.remember(job.key, pieces)
        if job.prefetch or job.cancel.is_set() or job.revision != self._revision:
            return  # a result for an older revision is never painted
        verdict = self._offer(job.revision, job.prompt, job.after_on_line, pieces, final=finished)
        if verdict in ("stop", "done") and not finished:
            job.cancel.set()  # enough: nothing more will change what is shown
            if job is self._active:
                self._active = None
            self._cache.remember(job.key, pieces)
        if (finished or verdict == "stop") and self._current is None:
            if job.prefix != self._key(job.prompt)[1]:  # made for less of the word: ask anew
                self._decide()
                self._settle()
                return
            why = WHY_PREFIX + "the model has nothing here" if self._forced else ""
            self.state_changed.emit("idle", why or "No confident suggestion")
        self._settle()

    def _request_for(self, job: _Job):  # on the worker thread
        request = inline_request(
            job.prompt.prompt, self.max_tokens, self.temperature, job.cancel, job.prefix
        )
        request.top_k = TOP_K  # the alternatives, from the same logits
        return request

    def _report(self, job: _Job, finished: bool, error: object) -> None:  # worker thread
        self._relay.post(self._on_job_update, job, finished, error)


__all__ = ["SuggestionContext", "SuggestionEngine", "WINDOW_MAX_CHARS"]
