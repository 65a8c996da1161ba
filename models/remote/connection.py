"""Talking to a server before using it: list its models, and test one with a single token."""

from __future__ import annotations

import time
from dataclasses import replace

import httpx2
import openai

from models.base import GenerationRequest, ModelUnavailable
from models.remote.errors import SECRETS, classify, host_label
from models.remote.model import NO_KEY, RemoteModel
from models.remote.stream import Deadlines
from models.remote.transport import check_url


def list_models(base_url: str, api_key: str | None = None, timeout: float = 10.0) -> list[str]:
    """The model names the server lists at `GET /v1/models` (blocking: call off the GUI thread)."""
    verdict = check_url(base_url)
    if not verdict.ok:
        raise ModelUnavailable(verdict.warning)
    host = host_label(base_url)
    SECRETS.add(api_key)
    error: Exception | None = None
    try:
        with openai.OpenAI(
            base_url=base_url.strip().rstrip("/"),
            api_key=api_key or NO_KEY,
            max_retries=0,
            timeout=httpx2.Timeout(timeout, connect=min(timeout, 5.0)),
        ) as client:
            client.organization = client.project = None
            return sorted(model.id for model in client.models.list())
    except Exception as exc:
        error = classify(
            exc,
            host=host,
            model="",
            streamed=False,
            connect_timeout=min(timeout, 5.0),
            read_timeout=timeout,
        )
    finally:
        SECRETS.remove(api_key)
    raise error


NO_PROBS_NOTE = (
    "It gives no token probabilities, so Inkling's confidence gate cannot judge its "
    "suggestions: they are shown only where your document agrees with them."
)


def test_connection(
    base_url: str,
    model: str,
    api_key: str | None = None,
    timeout: float = 10.0,
    *,
    inline: bool = False,
) -> tuple[bool, float, str]:
    """Ask `model` for one token; return (ok, round-trip ms, one-line message). Blocking.

    With `inline`, it is asked as the inline path asks (a completion with probabilities), and
    the message says whether the server gives the probabilities the confidence gate needs.
    """
    try:
        remote = RemoteModel(
            base_url,
            model,
            api_key,
            role="inline" if inline else "rewrite",
            timeout=replace(Deadlines(), connect=min(timeout, 5.0), read=timeout, retries=0),
        )
    except ModelUnavailable as exc:
        return False, 0.0, str(exc)
    started = time.perf_counter()
    probs: list[float | None] = []
    try:
        if inline:
            request = GenerationRequest(
                prompt="The cat sat on the", max_tokens=2, want_probs=True, stop=("\n",)
            )
        else:
            request = GenerationRequest(messages=[{"role": "user", "content": "Hi"}], max_tokens=1)
        for piece in remote.stream(request):
            probs.append(piece.prob)
    except Exception as exc:
        return False, (time.perf_counter() - started) * 1000.0, str(exc)
    finally:
        remote.close()
    elapsed = (time.perf_counter() - started) * 1000.0
    message = f"Connected to {remote.host}: '{model}' answered in {elapsed:.0f} ms."
    if inline and not any(p is not None for p in probs):
        message += " ⚠ " + NO_PROBS_NOTE
    return True, elapsed, message


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
