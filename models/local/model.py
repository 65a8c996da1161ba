"""A GGUF model run in-process by llama-cpp-python, owned by one dedicated thread.

A `Llama` is not thread-safe, so each `LocalModel` starts one owner thread that creates the
`Llama` and runs every generation on it. `stream()` only queues a job (realtime jobs first) and
returns a `GenerationStream` the caller iterates on its own worker thread. Two small hooks on the
`Llama` instance (its `eval` and `sample` methods) give what the public API does not: the number
of prompt tokens actually evaluated (the rest came from llama.cpp's prefix cache), cancellation
and the realtime gate between prompt slices, and the exact probability of each chosen token;
a logits processor (`healing.StepLogits`) keeps a request's text to its `prefix`.

Realtime work never waits for background work: between the background job's tokens (or prompt
slices) the owner thread serves any queued realtime job, then puts the background job's KV cache
and sampler back and carries on exactly where it stopped. Each priority class keeps its own KV
cache (parked as a snapshot while the other runs), so a model shared by both paths keeps both
prefix caches warm.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import queue
import threading
import time
import warnings
from pathlib import Path

from models.base import (
    Cancelled,
    GenerationRequest,
    GenerationStream,
    ModelError,
    ModelUnavailable,
    Priority,
    Timings,
)
from models.gate import GATE
from models.local.gguf import check_gguf
from models.local.healing import StepLogits, Vocabulary
from models.local.runtime import (
    LOAD_LOCK,
    KvSnapshot,
    VocabCounter,
    default_threads,
    ensure_log_sink,
    restore_snapshot,
    take_snapshot,
)
from models.local.stream import END, Interrupted, Job, LocalStream
from models.local.threads import ThreadDial

log = logging.getLogger(__name__)

# Background prompts are evaluated in slices this long so that a realtime request on another
# model (or a cancel) waits for at most one slice (~30-60 ms here), not a whole 1 s prompt.
_BACKGROUND_EVAL_SLICE = 32


class LocalModel:
    """A GGUF model served by llama-cpp-python on its own owner thread (implements TextModel)."""

    def __init__(
        self,
        path: str | Path,
        *,
        n_ctx: int = 2048,
        n_threads: int | None = None,
        name: str | None = None,
    ) -> None:
        """Load the model (blocking, raises `ModelUnavailable`); run it off the GUI thread."""
        self._path = Path(path)
        self._name = name or self._path.stem
        self._n_ctx = n_ctx
        self.n_threads = n_threads or default_threads()
        check_gguf(self._path)  # a plain reason for missing / non-GGUF / truncated files
        self._cond = threading.Condition()
        self._heap: list[tuple[int, int, Job | None]] = []
        self._seq = itertools.count()
        self._closed = False
        self._current: Job | None = None
        self._llm = None
        self._vocabulary: Vocabulary | None = None  # read while loading
        self._free_lock = threading.Lock()
        self._counter = VocabCounter(self._path)
        # The context holds one priority class's tokens at a time (its "lane"); the other
        # class's KV cache is parked, so a model shared by both paths keeps each prefix cache.
        self._lane: Priority | None = None
        self._parked: dict[Priority, KvSnapshot | None] = {}
        self._ready = threading.Event()
        self._load_error: BaseException | None = None
        self.load_seconds = 0.0
        self._thread = threading.Thread(target=self._run, name=f"llama:{self._name}", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._load_error is not None:
            self._thread.join()
            raise self._load_error

    # -- TextModel -------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The name shown to the writer."""
        return self._name

    @property
    def path(self) -> Path:
        """The GGUF file this model was loaded from."""
        return self._path

    @property
    def context_tokens(self) -> int:
        """The context size (prompt plus output) the model was opened with."""
        return self._n_ctx

    heals = True  # honours `GenerationRequest.prefix` (see `healing`)

    def count_tokens(self, text: str) -> int:
        """Exact token count with the model's tokenizer (any thread but the GUI's; see
        `VocabCounter`: never on the `Llama` the owner thread generates with)."""
        if self._closed:
            raise ModelUnavailable(f"{self._name} is closed.")
        return self._counter.count(text)

    def stream(self, request: GenerationRequest) -> GenerationStream:
        """Queue `request` (realtime before background) and return its stream of pieces."""
        if request.prompt is None and not request.messages:
            raise ModelError("Nothing to generate from: give a prompt or messages.")
        job = Job(request, queue.SimpleQueue(), Timings(), time.perf_counter())
        with self._cond:
            if self._closed:
                raise ModelUnavailable(f"{self._name} is closed.")
            heapq.heappush(self._heap, (int(request.priority), next(self._seq), job))
            self._cond.notify()
        return LocalStream(job, self._name)

    def close(self) -> None:
        """Stop the owner thread (cancelling queued and running work) and free the model."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            if self._current is not None:
                self._current.abandoned = True
            heapq.heappush(self._heap, (-1, next(self._seq), None))
            self._cond.notify()
        if threading.current_thread() is not self._thread:
            self._thread.join()

    def __repr__(self) -> str:
        return f"LocalModel({self._name!r}, {str(self._path)!r}, n_ctx={self._n_ctx})"

    # -- owner thread ----------------------------------------------------------------------

    def _load(self) -> None:
        import llama_cpp

        started = time.perf_counter()
        try:
            with LOAD_LOCK:
                ensure_log_sink()
                llm = llama_cpp.Llama(
                    str(self._path),
                    n_ctx=self._n_ctx,
                    n_threads=self.n_threads,
                    n_threads_batch=self.n_threads,
                    logits_all=False,
                    verbose=False,
                )
        except Exception as error:  # llama.cpp reports every load failure as a bare ValueError
            log.warning("loading %s failed: %s", self._path, error)
            raise ModelUnavailable(
                f"{self._name} could not be loaded: llama.cpp rejected {self._path.name} "
                "(the file may be damaged, or a model type this version does not support)."
            ) from None
        self.load_seconds = time.perf_counter() - started
        self._eog = lambda token: bool(llama_cpp.llama_vocab_is_eog(llm._model.vocab, token))
        self._install_hooks(llm)
        self._vocabulary = Vocabulary.of(llm)  # now, not while the writer types (0.3-0.7 s)
        self.threads = ThreadDial(llm, self.n_threads)
        self._llm = llm
        log.info("loaded %s in %.2f s (%d threads)", self._name, self.load_seconds, self.n_threads)

    def _install_hooks(self, llm) -> None:
        """Wrap `llm.eval` and `llm.sample` (instance attributes shadow the methods)."""
        original_eval = llm.eval
        original_sample = llm.sample

        def eval_hook(tokens) -> None:
            job = self._current
            if job is None:
                original_eval(tokens)
                return
            background = job.request.priority != Priority.REALTIME
            if not tokens:  # the whole prompt was cached: nothing to evaluate
                original_eval(tokens)
                return
            step = _BACKGROUND_EVAL_SLICE if background else len(tokens)
            for start in range(0, len(tokens), step):
                if background:
                    self._background_turn(job)
                if job.cancelled() or self._closed:
                    raise Interrupted
                piece = tokens[start : start + step]
                self.threads.apply(background, len(piece))  # both cores only while no one waits
                began = time.perf_counter()
                original_eval(piece)
                self.threads.observe(len(piece), time.perf_counter() - began)
                if not job.sampled:
                    job.eval_count += len(piece)

        def sample_hook(*args, **kwargs) -> int:
            token = original_sample(*args, **kwargs)
            job = self._current
            if job is None:
                return token
            if not job.sampled:
                job.sampled = True
                job.timings.prompt_tokens = int(llm.n_tokens)
                job.timings.evaluated_tokens = job.eval_count
            if not self._eog(token):
                job.timings.generated_tokens += 1
                if job.logits is not None:
                    job.note_token(token, len(llm.detokenize([token])), llm.detokenize)
            return token

        llm.eval = eval_hook
        llm.sample = sample_hook

    def _run(self) -> None:
        try:
            self._load()
        except BaseException as error:
            self._load_error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            while True:
                with self._cond:
                    while not self._heap:
                        self._cond.wait()
                    _priority, _seq, job = heapq.heappop(self._heap)
                    if job is None:
                        break
                    self._current = job
                try:
                    self._serve(job)
                finally:
                    with self._cond:
                        self._current = None
        finally:
            self._shutdown()

    def _shutdown(self) -> None:
        with self._cond:
            leftover = [job for _p, _s, job in self._heap if job is not None]
            self._heap.clear()
        for job in leftover:
            job.out.put(ModelUnavailable(f"{self._name} was closed."))
        with self._free_lock:
            llm, self._llm = self._llm, None
        self._counter.close()
        if llm is not None:
            with LOAD_LOCK:
                llm.close()

    def _serve(self, job: Job) -> None:
        request = job.request
        timings = job.timings
        job.started = True
        begin = time.perf_counter()
        timings.queued_ms = (begin - job.created) * 1000
        if job.cancelled():
            job.out.put(Cancelled("Generation cancelled."))
            return
        realtime = request.priority == Priority.REALTIME
        self._enter_lane(request.priority)
        if realtime:
            GATE.enter_realtime()
        outcome: object = END
        chunks = None
        try:
            from llama_cpp import LogitsProcessorList

            step = self._step_logits(job)
            options = {
                "max_tokens": max(1, request.max_tokens),
                "stop": [stop for stop in request.stop if stop],
                "temperature": request.temperature,
                "repeat_penalty": 1.0,
                "stream": True,
                "logits_processor": LogitsProcessorList([step]) if step else None,
            }
            if request.seed is not None:
                options["seed"] = request.seed
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. "duplicate leading <bos>" chatter
                if request.messages:
                    chunks = self._llm.create_chat_completion(
                        messages=list(request.messages), **options
                    )
                else:
                    chunks = self._llm.create_completion(prompt=request.prompt or "", **options)
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    text = (
                        choice.get("text") if "text" in choice else choice["delta"].get("content")
                    )
                    if text:
                        job.out.put(job.piece(text, time.perf_counter()))
                    if not realtime:
                        self._yield_to_realtime()
                    if job.cancelled() or self._closed:
                        raise Interrupted
        except Interrupted:
            outcome = Cancelled("Generation cancelled.")
        except ValueError as error:
            message = str(error)
            if "exceed context window" in message:
                outcome = ModelError(
                    f"The text is too long for {self._name} (limit {self._n_ctx} tokens)."
                )
            else:
                log.exception("generation failed on %s", self._name)
                outcome = ModelError(f"{self._name} failed: {message[:200]}")
        except Exception as error:
            log.exception("generation failed on %s", self._name)
            outcome = ModelError(f"{self._name} failed: {type(error).__name__}: {error}"[:240])
        finally:
            if chunks is not None:
                with contextlib.suppress(Exception):
                    chunks.close()
            if realtime:
                GATE.exit_realtime()
            timings.total_ms = (time.perf_counter() - job.created) * 1000
        job.out.put(outcome)

    def _step_logits(self, job: Job) -> StepLogits | None:
        """The job's logits processor (prefix, probabilities), or None if it needs neither."""
        if not job.request.want_probs and not job.request.prefix:
            return None
        job.breaks = self._vocabulary.breaks if self._vocabulary is not None else None
        keep = job.keep_logits if job.request.want_probs else None
        return StepLogits(self._vocabulary, job.request.prefix, keep)

    def _enter_lane(self, lane: Priority) -> None:
        """Make the context hold `lane`'s tokens, parking the other lane's KV cache."""
        if self._lane == lane:
            return
        llm = self._llm
        if self._lane is not None:
            self._parked[self._lane] = take_snapshot(llm)
        restore_snapshot(llm, self._parked.pop(lane, None))
        self._lane = lane

    def _background_turn(self, job: Job) -> None:
        """Before each background slice or token: realtime work, here or elsewhere, goes first."""

        def stop_waiting() -> bool:
            return job.cancelled() or self._closed or self._realtime_waiting()

        while True:
            self._yield_to_realtime()
            if GATE.wait_for_background_turn(stop_waiting):
                return
            if job.cancelled() or self._closed:
                raise Interrupted

    def _realtime_waiting(self) -> bool:
        with self._cond:
            return bool(self._heap) and self._heap[0][0] == Priority.REALTIME

    def _yield_to_realtime(self) -> None:
        """From inside a background job: serve queued realtime jobs now, then carry on.

        Called between tokens and between prompt slices, with llama's generator suspended (or
        inside its eval). The background job's context and sampler are put back afterwards, so
        it continues exactly where it stopped.
        """
        if not self._realtime_waiting():
            return
        llm = self._llm
        background, sampler, lane = self._current, llm._sampler, self._lane
        try:
            while True:
                with self._cond:
                    if not self._heap or self._heap[0][0] != Priority.REALTIME:
                        break
                    _priority, _seq, job = heapq.heappop(self._heap)
                    self._current = job
                self._serve(job)
        finally:
            with self._cond:
                self._current = background
            if lane is not None:
                self._enter_lane(lane)
            llm._sampler = sampler
