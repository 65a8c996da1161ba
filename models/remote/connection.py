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


def test_connection(
    base_url: str, model: str, api_key: str | None = None, timeout: float = 10.0
) -> tuple[bool, float, str]:
    """Ask `model` for one token; return (ok, round-trip ms, one-line message). Blocking."""
    try:
        remote = RemoteModel(
            base_url,
            model,
            api_key,
            role="rewrite",
            timeout=replace(Deadlines(), connect=min(timeout, 5.0), read=timeout, retries=0),
        )
    except ModelUnavailable as exc:
        return False, 0.0, str(exc)
    started = time.perf_counter()
    try:
        request = GenerationRequest(messages=[{"role": "user", "content": "Hi"}], max_tokens=1)
        for _piece in remote.stream(request):
            pass
    except Exception as exc:
        return False, (time.perf_counter() - started) * 1000.0, str(exc)
    finally:
        remote.close()
    elapsed = (time.perf_counter() - started) * 1000.0
    return True, elapsed, f"Connected to {remote.host}: '{model}' answered in {elapsed:.0f} ms."


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
