"""The remote backend against a real OpenAI-compatible server: llama.cpp's own, on 127.0.0.1.

The server (`tests/models/servers.py`) runs the bundled SmolLM2 once per session. Deadlines are
generous here: these tests prove the happy path works, the fault tests prove the deadlines.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from models.base import Cancelled, GenerationRequest, ModelUnavailable, TextModel
from models.remote import connection as remote
from models.remote.connection import list_models
from models.remote.model import Deadlines, RemoteModel
from tests.models.servers import LlamaServer

PATIENT = Deadlines(connect=5, read=30, first_piece=30, retries=0)


@pytest.fixture
def inline(llama_server: LlamaServer) -> Iterator[RemoteModel]:
    model = RemoteModel(llama_server.base_url, llama_server.model, role="inline", timeout=PATIENT)
    yield model
    model.close()


@pytest.fixture
def rewrite(llama_server: LlamaServer) -> Iterator[RemoteModel]:
    model = RemoteModel(llama_server.base_url, llama_server.model, role="rewrite")
    yield model
    model.close()


def rewrite_request(max_tokens: int = 24) -> GenerationRequest:
    return GenerationRequest(
        messages=[
            {"role": "system", "content": "Fix the spelling. Reply with the fixed text only."},
            {"role": "user", "content": "The cat sat on teh mat."},
        ],
        max_tokens=max_tokens,
    )


def test_it_is_a_text_model(inline: RemoteModel) -> None:
    assert isinstance(inline, TextModel)
    assert inline.context_tokens == 4096
    assert inline.count_tokens("") == 0 and inline.count_tokens("abcdefgh") == 2
    assert "smollm2" in inline.name and "127.0.0.1" in inline.name


def test_inline_completion_streams_text_through_v1_completions(inline: RemoteModel) -> None:
    request = GenerationRequest(prompt="The capital of France is", max_tokens=8)
    stream = inline.stream(request)
    pieces = [piece.text for piece in stream]
    assert len(pieces) >= 2 and "".join(pieces).strip()
    timings = stream.timings
    assert timings.first_piece_ms is not None and 0 < timings.first_piece_ms <= timings.total_ms
    assert timings.generated_tokens == len(pieces) <= 8
    assert timings.prompt_tokens == inline.count_tokens(request.prompt or "")
    assert inline._completions_ok is True  # the server offers raw completions, so they are used


def test_rewrite_streams_chat(rewrite: RemoteModel) -> None:
    stream = rewrite.stream(rewrite_request())
    text = "".join(piece.text for piece in stream)
    assert "cat" in text.lower()
    assert stream.timings.first_piece_ms is not None and stream.timings.generated_tokens > 1


def test_a_seed_reaches_the_server_and_makes_sampling_repeatable(rewrite: RemoteModel) -> None:
    def sample(seed: int) -> str:
        request = rewrite_request(max_tokens=16)
        request.messages[-1]["content"] = "Write one sentence about a lighthouse keeper."
        request.temperature, request.seed = 0.9, seed
        return "".join(piece.text for piece in rewrite.stream(request))

    first = sample(21)
    assert first.strip() and sample(21) == first  # the same seed: the same text
    assert any(sample(seed) != first for seed in (22, 23, 24))


def test_stop_sequences_and_token_limit_are_honoured(inline: RemoteModel) -> None:
    request = GenerationRequest(prompt="1, 2, 3, 4, 5,", max_tokens=30, stop=(" 9",))
    text = "".join(piece.text for piece in inline.stream(request))
    assert " 9" not in text and "8" in text


def test_cancel_mid_stream_stops_promptly_and_the_server_keeps_serving(
    rewrite: RemoteModel,
) -> None:
    request = GenerationRequest(
        messages=[{"role": "user", "content": "Write a long story about a lighthouse."}],
        max_tokens=400,
    )
    stream = rewrite.stream(request)
    assert next(stream).text and next(stream).text is not None  # two pieces in
    request.cancel.set()
    started = time.perf_counter()
    with pytest.raises(Cancelled):
        next(stream)
    assert time.perf_counter() - started < 3.0  # the reader polls every 20 ms; wide for load
    assert stream.timings.generated_tokens < 40  # nowhere near the 400 it asked for
    # The server dropped the cancelled generation and answers the next request at once.
    started = time.perf_counter()
    text = "".join(piece.text for piece in rewrite.stream(rewrite_request(8)))
    assert text and time.perf_counter() - started < 10


def test_list_models_names_the_served_model(llama_server: LlamaServer) -> None:
    assert list_models(llama_server.base_url, None, timeout=5) == ["smollm2"]


def test_connection_test_reports_the_round_trip(llama_server: LlamaServer) -> None:
    ok, ms, message = remote.test_connection(llama_server.base_url, "smollm2", timeout=10)
    assert ok, message
    assert 0 < ms < 10_000
    assert f"{ms:.0f} ms" in message and "smollm2" in message


def test_closed_model_refuses_new_work_and_stops_its_thread(llama_server: LlamaServer) -> None:
    model = RemoteModel(llama_server.base_url, "smollm2")
    assert "".join(p.text for p in model.stream(rewrite_request(4)))
    thread = model._thread
    model.close()
    model.close()  # twice is fine
    assert not thread.is_alive()
    with pytest.raises(ModelUnavailable, match="closed"):
        model.stream(rewrite_request(4))


def test_bad_urls_are_refused_before_any_connection() -> None:
    with pytest.raises(ModelUnavailable, match="http://"):
        RemoteModel("ftp://127.0.0.1/v1", "smollm2")
    with pytest.raises(ModelUnavailable, match="model name"):
        RemoteModel("http://127.0.0.1:1/v1", "")


def test_inline_completion_reports_token_probabilities(llama_server: LlamaServer) -> None:
    """The confidence gate needs probabilities: the llama.cpp server gives them as logprobs."""

    from models.base import GenerationRequest, Priority
    from models.remote.model import RemoteModel

    # Patient deadlines: the probabilities are the point here, not the inline deadline.
    model = RemoteModel(llama_server.base_url, llama_server.model, role="inline", timeout=PATIENT)
    try:
        request = GenerationRequest(
            prompt="The capital of France is",
            max_tokens=4,
            want_probs=True,
            priority=Priority.REALTIME,
            cancel=threading.Event(),
        )
        pieces = list(model.stream(request))
        assert pieces
        assert all(p.prob is not None and 0.0 < p.prob <= 1.0 for p in pieces)
    finally:
        model.close()


def test_test_connection_says_whether_the_server_gives_probabilities(llama_server) -> None:
    ok, _ms, message = remote.test_connection(
        llama_server.base_url, llama_server.model, timeout=30.0, inline=True
    )
    assert ok, message
    assert remote.NO_PROBS_NOTE not in message  # llama.cpp's server gives logprobs
