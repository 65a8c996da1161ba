"""A `TextModel` served by any OpenAI-compatible endpoint (llama.cpp server, Ollama, LM Studio, OpenAI).

Each `RemoteModel` owns one private asyncio event loop in a daemon thread, and one
`openai.AsyncOpenAI` client on it. `stream()` schedules the request there and hands back a
blocking, queue-backed iterator for the caller's worker thread. Deadlines and retries are ours,
not the client's (it runs with `max_retries=0`), so that inline suggestions can be dropped
quietly after a short deadline while rewrites get patient retries that honour `Retry-After`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import weakref
from typing import Any

import httpx2
import openai

from models.base import (
    Cancelled,
    GenerationRequest,
    GenerationStream,
    ModelError,
    ModelUnavailable,
)
from models.remote.errors import (
    SECRETS,
    classify,
    host_label,
    is_retryable,
    names_the_model,
    retry_wait,
)
from models.remote.stream import POLL_S, Deadlines, RemoteStream, Role
from models.remote.transport import check_url

__all__ = ["NO_KEY", "Deadlines", "RemoteModel"]

log = logging.getLogger(__name__)

# Sent when the writer gave no key: servers that ignore keys accept anything, and an explicit
# value stops the client from picking up OPENAI_API_KEY and sending it to some other server.
NO_KEY = "no-key"
# Chat fallback for raw continuation prompts on servers without /v1/completions.
_CONTINUE_SYSTEM = (
    "Continue the user's text from exactly where it stops. Reply with the continuation only."
)


class RemoteModel:
    """A model behind an OpenAI-compatible HTTP API, streamed through the official client."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        role: Role = "rewrite",
        *,
        timeout: Deadlines | None = None,
        name: str | None = None,
        context_tokens: int = 4096,
    ) -> None:
        verdict = check_url(base_url)
        if not verdict.ok:
            raise ModelUnavailable(verdict.warning)
        if not model:
            raise ModelUnavailable("Choose a model name for the remote server.")
        self._base_url = base_url.strip().rstrip("/")
        self._host = host_label(self._base_url)
        self._model = model
        self._role: Role = role
        self._deadlines = timeout or Deadlines.for_role(role)
        self._name = name or f"{model} @ {self._host}"
        self._context_tokens = context_tokens
        self._api_key = api_key or None
        # None: not tried yet; True: it works; False: this server only speaks chat.
        self._completions_ok: bool | None = None
        self._logprobs_ok: bool | None = None  # does the server give completion logprobs?
        self._futures: weakref.WeakSet[Any] = weakref.WeakSet()
        self._closed = False
        SECRETS.add(self._api_key)
        self._loop = asyncio.new_event_loop()
        # The thread's target must not reference `self`, or the model could never be collected.
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"inkling-remote-{role}", daemon=True
        )
        self._thread.start()
        try:
            self._client = asyncio.run_coroutine_threadsafe(
                _make_client(self._base_url, self._api_key, self._deadlines), self._loop
            ).result()
        except Exception:
            self._loop.call_soon_threadsafe(self._loop.stop)
            SECRETS.remove(self._api_key)
            raise ModelUnavailable(f"Cannot set up a client for {self._host}.") from None
        self._finalizer = weakref.finalize(
            self, _shutdown, self._loop, self._thread, self._client, self._api_key
        )

    def __repr__(self) -> str:
        # Never the key, never the full URL.
        return f"RemoteModel(host={self._host!r}, model={self._model!r}, role={self._role!r})"

    @property
    def name(self) -> str:
        """What to show the writer: the model and where it runs."""
        return self._name

    @property
    def model(self) -> str:
        """The model name sent to the server."""
        return self._model

    @property
    def host(self) -> str:
        """`host:port` of the endpoint (safe to show and log)."""
        return self._host

    @property
    def context_tokens(self) -> int:
        """How many tokens of prompt plus output the model takes (configured, not asked)."""
        return self._context_tokens

    heals = False  # an OpenAI-compatible API cannot keep a generation to a prefix

    def count_tokens(self, text: str) -> int:
        """A rough estimate (about four characters a token): remote tokenizers are unknown."""
        return math.ceil(len(text) / 4) if text else 0

    def stream(self, request: GenerationRequest) -> GenerationStream:
        """Start generating on the loop thread; iterate the result on a worker thread."""
        if self._closed:
            raise ModelUnavailable(f"The connection to {self._host} is closed.")
        text = request.prompt if request.prompt is not None else _messages_text(request.messages)
        result = RemoteStream(request, self.count_tokens(text))
        future = asyncio.run_coroutine_threadsafe(self._generate(request, result), self._loop)
        result.attach(future)
        self._futures.add(future)
        return result

    def close(self) -> None:
        """Cancel what is in flight, close the connections and stop the loop thread."""
        if self._closed:
            return
        self._closed = True
        for future in list(self._futures):
            future.cancel()
        self._finalizer()

    # -- on the loop thread ------------------------------------------------------------------
    async def _generate(self, request: GenerationRequest, out: RemoteStream) -> None:
        task = asyncio.current_task()
        assert task is not None
        watcher = asyncio.get_running_loop().create_task(_watch_cancel(request.cancel, task))
        try:
            usage = await self._with_retries(request, out)
        except asyncio.CancelledError:
            # A reader still waiting (the model was closed under it) must hear that the text
            # was cut short, not see a normal end.
            if request.cancel.is_set() or not self._closed:
                out.put_end(Cancelled("Generation cancelled."))
            else:
                out.put_end(Cancelled(f"The connection to {self._host} was closed."))
            raise
        except Exception as exc:  # every failure becomes one clean ModelError for the caller
            error = self._describe(exc, streamed=out.pieces > 0)
            level = logging.DEBUG if self._role == "inline" else logging.INFO
            log.log(level, "Remote %s generation failed: %s", self._role, error)
            out.put_end(error)
        else:
            out.put_end(None, usage)
        finally:
            watcher.cancel()

    def _describe(self, exc: BaseException, *, streamed: bool) -> Exception:
        d = self._deadlines
        if isinstance(exc, TimeoutError) and d.first_piece is not None and not streamed:
            return ModelError(f"{self._host} did not start answering within {d.first_piece:g} s.")
        return classify(
            exc,
            host=self._host,
            model=self._model,
            streamed=streamed,
            connect_timeout=d.connect,
            read_timeout=d.read,
        )

    async def _with_retries(self, request: GenerationRequest, out: RemoteStream) -> int | None:
        d = self._deadlines
        loop = asyncio.get_running_loop()
        deadline = loop.time() + d.first_piece if d.first_piece is not None else None
        attempt = 0
        while True:
            try:
                return await self._attempt(request, out, deadline)
            except Exception as exc:
                # Never retry once text has reached the writer: a second answer would not
                # continue the first.
                if out.pieces or attempt >= d.retries or not is_retryable(exc):
                    raise
                wait = retry_wait(exc, attempt, d.backoff, d.retry_after_cap)
                attempt += 1
                log.info(
                    "Retrying %s in %.2f s (%s; retry %d of %d)",
                    self._host,
                    wait,
                    type(exc).__name__,
                    attempt,
                    d.retries,
                )
                await asyncio.sleep(wait)

    async def _attempt(
        self, request: GenerationRequest, out: RemoteStream, deadline: float | None
    ) -> int | None:
        async with asyncio.timeout_at(deadline) as scope:
            chunks, raw_completion = await self._open(request)
            usage: int | None = None
            try:
                async for chunk in chunks:
                    for choice in chunk.choices or ():
                        text = getattr(choice, "text", None)
                        if text is None and getattr(choice, "delta", None) is not None:
                            text = choice.delta.content
                        if text:
                            if out.pieces == 0:
                                scope.reschedule(None)  # the deadline is to the first piece only
                            out.put_piece(text, _piece_prob(choice))
                    if getattr(chunk, "usage", None) is not None:
                        usage = chunk.usage.completion_tokens
            finally:
                # Closes the HTTP response on cancel or error, so the server stops generating.
                await chunks.close()
            if raw_completion and out.pieces:
                self._completions_ok = True
            return usage

    async def _open(self, request: GenerationRequest) -> tuple[Any, bool]:
        """The open response stream, and whether it is a raw completion (not chat)."""
        common: dict[str, Any] = {
            "model": self._model,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.stop:
            common["stop"] = list(request.stop)
        if request.seed is not None:
            common["seed"] = request.seed
        if request.messages is not None:
            chat = await self._client.chat.completions.create(messages=request.messages, **common)
            return chat, False
        prompt = request.prompt or ""
        if self._completions_ok is not False:
            try:
                if request.want_probs and self._logprobs_ok is not False:
                    # Token probabilities feed the inline confidence gate; a server that
                    # refuses the field is asked again without it (and not asked for it again).
                    try:
                        chunks = await self._client.completions.create(
                            prompt=prompt, logprobs=1, **common
                        )
                        self._logprobs_ok = True
                        return chunks, True
                    except openai.BadRequestError:
                        self._logprobs_ok = False
                return await self._client.completions.create(prompt=prompt, **common), True
            except openai.APIStatusError as exc:
                if exc.status_code not in (404, 405, 501) or names_the_model(exc):
                    raise
                first_error = exc
            # The server may only speak chat (OpenAI itself, for recent models): remember it
            # if chat works, else the 404 meant the model, and the first error says so.
            try:
                chunks = await self._chat_for_prompt(prompt, common)
            except openai.APIStatusError as exc:
                if exc.status_code == 404:
                    raise first_error from None
                raise
            self._completions_ok = False
            return chunks, False
        return await self._chat_for_prompt(prompt, common), False

    async def _chat_for_prompt(self, prompt: str, common: dict[str, Any]) -> Any:
        messages = [
            {"role": "system", "content": _CONTINUE_SYSTEM},
            {"role": "user", "content": prompt},
        ]
        return await self._client.chat.completions.create(messages=messages, **common)


def _piece_prob(choice: Any) -> float | None:
    """The probability of a completion chunk's tokens, from `logprobs` when the server sent them."""
    logprobs = getattr(choice, "logprobs", None)
    values = [v for v in (getattr(logprobs, "token_logprobs", None) or ()) if v is not None]
    return math.exp(sum(values)) if values else None


async def _make_client(base_url: str, api_key: str | None, d: Deadlines) -> openai.AsyncOpenAI:
    """The client, built on the loop thread that will use it."""
    client = openai.AsyncOpenAI(
        base_url=base_url,
        api_key=api_key or NO_KEY,
        max_retries=0,  # our own retries, with our own caps
        timeout=httpx2.Timeout(connect=d.connect, read=d.read, write=d.read, pool=d.connect),
    )
    # Never forward the writer's OpenAI organisation/project ids to some other server.
    client.organization = None
    client.project = None
    return client


async def _watch_cancel(cancel: threading.Event, task: asyncio.Task[Any]) -> None:
    """Cancel `task` as soon as the request's cancel event is set (from any thread)."""
    while not cancel.is_set():
        await asyncio.sleep(POLL_S)
    task.cancel()


async def _drain(client: openai.AsyncOpenAI) -> None:
    """Cancel what is left on the loop, finalise stream generators, close the connections."""
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_asyncgens()
    await client.close()


def _shutdown(
    loop: asyncio.AbstractEventLoop,
    thread: threading.Thread,
    client: openai.AsyncOpenAI,
    api_key: str | None,
) -> None:
    try:
        if loop.is_running():
            asyncio.run_coroutine_threadsafe(_drain(client), loop).result(timeout=2.0)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=2.0)
        if not loop.is_running():
            loop.close()
    except Exception:  # shutting down: nothing useful to do with a failure here
        log.debug("Remote model shutdown was not clean", exc_info=True)
    finally:
        SECRETS.remove(api_key)


def _messages_text(messages: list[dict[str, str]] | None) -> str:
    return "\n".join(str(m.get("content", "")) for m in messages or ())
