"""Turn remote-endpoint failures into one-line writer messages, and keep API keys out of logs.

Every message names the host (never the full URL, which could carry credentials) and says
what happened in words a writer understands. Server-supplied text is only ever shown after
`SecretRegistry.scrub` has removed any registered key from it, because some servers echo
(part of) the key back in their error bodies.
"""

from __future__ import annotations

import email.utils
import errno
import json
import logging
import math
import socket
import ssl
import threading
import time
import traceback
from collections import Counter
from urllib.parse import urlsplit

import httpx2
import openai

from models.base import ModelError, ModelUnavailable

__all__ = [
    "SECRETS",
    "SecretRegistry",
    "classify",
    "host_label",
    "is_retryable",
    "names_the_model",
    "retry_after_seconds",
    "retry_wait",
]

_REDACTED = "[redacted]"
# Keys shorter than this are placeholders ("no-key", "ollama"), not secrets, and scrubbing them
# would mangle ordinary words in log lines.
_MIN_SECRET_LEN = 8
# Only records from these libraries (and ours) are checked; they are the ones that see requests.
_SCRUBBED_LOGGERS = ("openai", "httpx", "httpcore", "models", "desktop_app")


class SecretRegistry:
    """The API keys in use right now, and a log-record factory that blanks them out.

    Our own code never logs a key, but the HTTP stack logs response headers at DEBUG and
    error bodies can echo the key; the factory scrubs those records at birth, before any
    handler (the app's, pytest's, a user's) can see them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: Counter[str] = Counter()
        self._installed = False

    def add(self, secret: str | None) -> None:
        """Start scrubbing `secret` (reference-counted; pair with `remove`)."""
        if not secret or len(secret) < _MIN_SECRET_LEN:
            return
        with self._lock:
            self._secrets[secret] += 1
            if not self._installed:
                self._install()

    def remove(self, secret: str | None) -> None:
        """Stop scrubbing `secret` once every user of it has gone."""
        if not secret or len(secret) < _MIN_SECRET_LEN:
            return
        with self._lock:
            self._secrets[secret] -= 1
            if self._secrets[secret] <= 0:
                del self._secrets[secret]

    def scrub(self, text: str) -> str:
        """`text` with every registered secret replaced by a marker."""
        for secret in list(self._secrets):
            if secret in text:
                text = text.replace(secret, _REDACTED)
        return text

    def _install(self) -> None:
        # Installed once, never removed: removing could drop a factory someone set after us.
        previous = logging.getLogRecordFactory()

        def factory(*args: object, **kwargs: object) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if self._secrets and record.name.startswith(_SCRUBBED_LOGGERS):
                self._scrub_record(record)
            return record

        logging.setLogRecordFactory(factory)
        self._installed = True

    def _scrub_record(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the handler's problem, not ours
            return
        cleaned = self.scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            cleaned = self.scrub(text)
            if cleaned != text:
                # Handlers format `exc_text` when `exc_info` is gone.
                record.exc_info, record.exc_text = None, cleaned
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)


SECRETS = SecretRegistry()


def host_label(base_url: str) -> str:
    """`host:port` of `base_url` for messages: never the path, query or credentials."""
    try:
        parts = urlsplit(base_url)
        host = parts.hostname or "the server"
        port = parts.port
    except ValueError:
        return "the server"
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}" if port else host


def retry_after_seconds(headers: httpx2.Headers | None, cap: float) -> float | None:
    """Seconds the server asked us to wait (`Retry-After` or `retry-after-ms`), capped."""
    if headers is None:
        return None
    wait: float | None = None
    value = headers.get("retry-after-ms")
    if value:
        wait = _seconds(value, 1000.0)
    value = headers.get("retry-after")
    if wait is None and value:
        wait = _seconds(value, 1.0)
        if wait is None:
            try:  # an HTTP date; a header that is neither is ignored, never raised
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError, OverflowError):
                when = None
            if when is not None:
                wait = when.timestamp() - time.time()
    if wait is None or not math.isfinite(wait):
        return None
    return min(max(wait, 0.0), cap)


def _seconds(value: str, per_second: float) -> float | None:
    try:
        wait = float(value) / per_second
    except ValueError:
        return None
    return wait if math.isfinite(wait) else None


def _server_text(error: openai.APIError, limit: int = 160) -> str:
    """The server's own error message, one line, scrubbed and shortened."""
    body = error.body
    message = ""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            message = str(inner.get("message") or inner.get("detail") or "")
        elif isinstance(inner, str):
            message = inner
        if not message and isinstance(body.get("detail"), str):
            message = body["detail"]
    elif isinstance(body, str):
        message = body
    message = SECRETS.scrub(" ".join(message.split()))
    if len(message) > limit:
        message = message[: limit - 1] + "…"
    return message


def _causes(error: BaseException) -> list[BaseException]:
    """`error` and what caused it, outermost first (the client wraps httpx, which wraps OSError)."""
    chain = [error]
    while chain[-1].__cause__ is not None and len(chain) < 10:
        chain.append(chain[-1].__cause__)
    return chain


def _caused_by(error: BaseException, *kinds: type[BaseException]) -> bool:
    return any(isinstance(cause, kinds) for cause in _causes(error))


def _os_errno(error: BaseException) -> int | None:
    current: BaseException | None = error
    for _ in range(10):
        if current is None:
            return None
        if isinstance(current, socket.gaierror):
            return -1
        if isinstance(current, OSError) and current.errno is not None:
            return current.errno
        current = current.__cause__ or current.__context__
    return None


def classify(
    error: BaseException,
    *,
    host: str,
    model: str,
    streamed: bool,
    connect_timeout: float,
    read_timeout: float,
) -> ModelError:
    """A `ModelError` (or `ModelUnavailable`) with a one-line message for `error`.

    `streamed` says whether any text had arrived already, which changes what a timeout or a
    dropped connection means to the writer.
    """
    if isinstance(error, ModelError):
        return error
    if isinstance(error, openai.APIStatusError):
        return _classify_status(error, host=host, model=model)
    if isinstance(error, openai.APITimeoutError):
        if _caused_by(error, httpx2.ConnectTimeout, httpx2.PoolTimeout):
            return ModelUnavailable(
                f"{host} did not accept a connection within {connect_timeout:g} s "
                "(host unreachable or down?)."
            )
        if streamed:
            return ModelError(
                f"{host} stopped sending for {read_timeout:g} s in the middle of the answer."
            )
        return ModelError(f"{host} did not answer within {read_timeout:g} s.")
    if isinstance(error, openai.APIConnectionError):
        return _classify_connection(error, host=host, streamed=streamed)
    if isinstance(error, openai.APIError):
        # An error event inside an otherwise good stream (status 200).
        text = _server_text(error) or "no details"
        return ModelError(f"{host} reported an error during the answer: {text}")
    if isinstance(
        error, json.JSONDecodeError | UnicodeDecodeError | openai.APIResponseValidationError
    ):
        return ModelError(
            f"{host} sent a reply that is not valid JSON; is this an OpenAI-compatible server?"
        )
    if isinstance(error, TimeoutError):
        return ModelError(f"{host} did not answer in time.")
    return ModelError(f"Talking to {host} failed ({type(error).__name__}).")


def _classify_status(error: openai.APIStatusError, *, host: str, model: str) -> ModelError:
    status = error.status_code
    detail = _server_text(error)
    suffix = f": {detail}" if detail else "."
    if status in (401, 403):
        return ModelUnavailable(
            f"{host} rejected the API key ({status}). Check the key in Preferences."
        )
    if status == 404:
        return ModelUnavailable(
            f"{host} does not know the model '{model}' (404). Check the model name and the "
            "base URL (it usually ends in /v1)."
        )
    if status == 429:
        return ModelError(f"{host} is rate-limiting requests (429); try again later.")
    if status >= 500:
        return ModelError(f"{host} had an internal error ({status}){suffix}")
    return ModelError(f"{host} refused the request ({status}){suffix}")


def _classify_connection(
    error: openai.APIConnectionError, *, host: str, streamed: bool
) -> ModelError:
    cause = _causes(error)[-1]
    code = _os_errno(cause)
    if _caused_by(error, httpx2.RemoteProtocolError, httpx2.ReadError) or streamed:
        if streamed:
            return ModelError(f"The connection to {host} dropped in the middle of the answer.")
        return ModelError(f"{host} closed the connection without answering.")
    if code == errno.ECONNREFUSED:
        return ModelUnavailable(f"{host} refused the connection: is the server running?")
    if code == -1:
        return ModelUnavailable(f"Cannot find the host {host}: check the base URL.")
    if code in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN):
        return ModelUnavailable(f"{host} is unreachable from this computer.")
    if code == errno.ECONNRESET:
        return ModelError(f"{host} reset the connection.")
    if _caused_by(error, ssl.SSLError):
        return ModelUnavailable(f"{host}: the secure connection failed (certificate not trusted?).")
    return ModelUnavailable(f"Could not connect to {host}.")


def is_retryable(exc: BaseException) -> bool:
    """True for failures worth another try: 429, 5xx, and failing to connect."""
    if isinstance(exc, openai.APITimeoutError):
        # A connect timeout may be a blip; a read timeout already cost the whole read deadline.
        return _caused_by(exc, httpx2.ConnectTimeout, httpx2.PoolTimeout)
    if isinstance(exc, openai.APIConnectionError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def retry_wait(exc: BaseException, attempt: int, backoff: float, cap: float) -> float:
    """Seconds to wait before retry number `attempt + 1`: the server's wish, else backoff."""
    headers = exc.response.headers if isinstance(exc, openai.APIStatusError) else None
    wait = retry_after_seconds(headers, cap)
    if wait is None:
        wait = min(backoff * (2**attempt), cap)
    return wait


def names_the_model(exc: openai.APIStatusError) -> bool:
    """True when a 404 says the model is unknown (so chat would not help), not the endpoint."""
    return exc.code == "model_not_found" or "model" in str(exc.message).lower()
