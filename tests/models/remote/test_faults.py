"""The remote fault matrix: every failure gives a clear one-line message within its deadline.

Runs against a misbehaving loopback server of our own (`tests/models/servers.py`) for faults a
real server will not produce; no HTTP mocks. Deadlines are shrunk so the matrix stays fast.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Iterator

import pytest

from models.base import Cancelled, GenerationRequest, ModelError, ModelUnavailable
from models.remote import connection as remote
from models.remote.connection import list_models
from models.remote.model import Deadlines, RemoteModel
from tests.models.servers import FAULT_MODEL, FaultServer
from tests.netaudit import record_network

# Fixtures shared with the other remote tests (tests/models/conftest.py belongs to no one).

CANARY = "sk-CANARY-1234567890"
FAST = Deadlines(connect=0.5, read=0.5, retries=0, backoff=0.05)


def chat(text: str = "Fix: teh cat", max_tokens: int = 16) -> GenerationRequest:
    return GenerationRequest(messages=[{"role": "user", "content": text}], max_tokens=max_tokens)


def run(model: RemoteModel, request: GenerationRequest) -> tuple[list[str], float]:
    """Consume a stream; return the pieces and the seconds it took (raises what it raises)."""
    started = time.perf_counter()
    pieces = [piece.text for piece in model.stream(request)]
    return pieces, time.perf_counter() - started


def consume(
    model: RemoteModel, request: GenerationRequest
) -> tuple[list[str], ModelError | None, float]:
    """Consume a stream to its end or its error: the pieces, the error, the seconds taken."""
    started = time.perf_counter()
    pieces: list[str] = []
    error: ModelError | None = None
    try:
        for piece in model.stream(request):
            pieces.append(piece.text)
    except ModelError as exc:
        error = exc
    return pieces, error, time.perf_counter() - started


@pytest.fixture
def make_model() -> Iterator:
    made: list[RemoteModel] = []

    def make(url: str, **kwargs: object) -> RemoteModel:
        kwargs.setdefault("timeout", FAST)
        model = RemoteModel(
            url, kwargs.pop("model", FAULT_MODEL), kwargs.pop("key", CANARY), **kwargs
        )
        made.append(model)
        return model

    yield make
    for model in made:
        model.close()


# (mode, error class, words the message must contain, text streamed before the failure)
FAULTS = [
    ("401", ModelUnavailable, "rejected the API key (401)", []),
    ("404", ModelUnavailable, f"does not know the model '{FAULT_MODEL}' (404)", []),
    ("429", ModelError, "rate-limiting requests (429)", []),
    ("500", ModelError, "internal error (500)", []),
    ("malformed", ModelError, "not valid JSON", []),
    ("midstream_error", ModelError, "error during the answer: model crashed", ["Hello", " there"]),
    ("drop", ModelError, "dropped in the middle of the answer", ["Hello", " there"]),
    ("hang", ModelError, "did not answer within 0.5 s", []),
    ("drip", ModelError, "stopped sending for 0.5 s in the middle", ["Hello"]),
]


@pytest.mark.parametrize(("mode", "error", "words", "streamed"), FAULTS, ids=[f[0] for f in FAULTS])
@pytest.mark.parametrize("kind", ["inline", "rewrite"])
def test_server_faults_give_a_clear_message_within_the_deadline(
    fault_server: FaultServer, make_model, mode, error, words, streamed, kind
) -> None:
    fault_server.mode = mode
    model = make_model(fault_server.base_url, role=kind)
    request = GenerationRequest(prompt="The cat") if kind == "inline" else chat()
    pieces, caught, elapsed = consume(model, request)
    assert type(caught) is error
    message = str(caught)
    assert words in message
    assert fault_server.base_url.split("//")[1].split("/")[0] in message  # names the host
    assert "\n" not in message and len(message) < 200
    # What had already arrived reached the caller before the failure: nothing is lost.
    assert pieces == streamed
    assert elapsed < 0.5 + 5.0  # its deadline, with slack for a loaded machine (no hang)
    assert len(fault_server.seen) == 1  # retries are off here


def test_refused_connection(refused_url: str, make_model) -> None:
    model = make_model(refused_url)
    with pytest.raises(ModelUnavailable, match=r"refused the connection: is the server running\?"):
        run(model, chat())


def test_unreachable_host_times_out_on_connect(unreachable_url: str, make_model) -> None:
    model = make_model(unreachable_url)
    started = time.perf_counter()
    with pytest.raises(ModelUnavailable, match=r"did not accept a connection within 0.5 s"):
        run(model, chat())
    assert 0.4 < time.perf_counter() - started < 6.0  # the deadline fired, not the 30 s read


def test_inline_misses_its_first_piece_deadline_quietly_and_is_never_retried(
    fault_server: FaultServer, make_model
) -> None:
    fault_server.mode = "hang"
    inline = Deadlines(connect=0.3, read=30.0, first_piece=0.3, retries=0)  # read: far off
    model = make_model(fault_server.base_url, role="inline", timeout=inline)
    started = time.perf_counter()
    with pytest.raises(ModelError, match=r"did not start answering within 0.3 s"):
        run(model, GenerationRequest(prompt="The cat"))
    assert time.perf_counter() - started < 5.0  # wide: a loaded machine is slow, not wrong
    assert len(fault_server.seen) == 1
    assert Deadlines.for_role("inline").retries == 0


def test_inline_deadline_is_to_the_first_piece_only(fault_server: FaultServer, make_model) -> None:
    # A slow but steady stream is fine once it has started: gaps longer than the first-piece
    # deadline pass, well inside the read deadline (a gap equal to it failed CI once).
    fault_server.mode, fault_server.drip_interval = "drip", 0.5
    inline = Deadlines(connect=0.3, read=2.0, first_piece=0.3, retries=0)
    model = make_model(fault_server.base_url, role="inline", timeout=inline)
    pieces, elapsed = run(model, GenerationRequest(prompt="The cat"))
    assert "".join(pieces) == "Hello there slowly!"
    assert elapsed > 0.5


# -- retries ----------------------------------------------------------------------------------


def test_rewrite_retries_429_honouring_retry_after(fault_server: FaultServer, make_model) -> None:
    fault_server.script = ["429", "429"]
    fault_server.retry_after = "0.3"
    model = make_model(fault_server.base_url, timeout=Deadlines(connect=0.5, read=0.5))
    pieces, elapsed = run(model, chat())
    assert "".join(pieces) == "Hello there!"
    assert [s.mode for s in fault_server.seen] == ["429", "429", "ok"]
    assert elapsed >= 0.6  # two waits of Retry-After: 0.3


def test_retry_after_is_capped(fault_server: FaultServer, make_model) -> None:
    fault_server.script = ["429"]
    fault_server.retry_after = "3600"
    deadlines = Deadlines(connect=0.5, read=0.5, retry_after_cap=0.2)
    model = make_model(fault_server.base_url, timeout=deadlines)
    pieces, elapsed = run(model, chat())
    assert pieces and 0.2 <= elapsed < 6.0


def test_at_most_two_retries_then_the_reason(fault_server: FaultServer, make_model) -> None:
    fault_server.mode = "500"
    model = make_model(
        fault_server.base_url, timeout=Deadlines(connect=0.5, read=0.5, backoff=0.05)
    )
    with pytest.raises(ModelError, match=r"internal error \(500\)"):
        run(model, chat())
    assert len(fault_server.seen) == 3


def test_connection_errors_are_retried(refused_url: str, make_model) -> None:
    model = make_model(refused_url, timeout=Deadlines(connect=0.5, read=0.5, backoff=0.05))
    port = int(refused_url.rsplit(":", 1)[1].split("/")[0])
    with record_network() as net, pytest.raises(ModelUnavailable, match="refused"):
        run(model, chat())
    # Nothing answers on a closed port, so count the connection attempts instead.
    assert [e.target for e in net.connections] == [("127.0.0.1", port)] * 3


@pytest.mark.parametrize("mode", ["drop", "midstream_error", "drip"])
def test_never_retried_after_the_first_piece(fault_server: FaultServer, make_model, mode) -> None:
    fault_server.mode = mode
    model = make_model(
        fault_server.base_url, timeout=Deadlines(connect=0.5, read=0.5, backoff=0.05)
    )
    with pytest.raises(ModelError):
        run(model, chat())
    assert len(fault_server.seen) == 1


@pytest.mark.parametrize("mode", ["401", "404", "hang"])
def test_hopeless_faults_are_not_retried(fault_server: FaultServer, make_model, mode) -> None:
    fault_server.mode = mode
    model = make_model(
        fault_server.base_url, timeout=Deadlines(connect=0.5, read=0.5, backoff=0.05)
    )
    with pytest.raises(ModelError):
        run(model, chat())
    assert len(fault_server.seen) == 1


# -- endpoints and helpers ----------------------------------------------------------------------


def test_chat_only_servers_get_raw_prompts_through_chat_and_it_is_remembered(
    fault_server: FaultServer, make_model
) -> None:
    fault_server.mode = "chat_only"
    model = make_model(fault_server.base_url, role="inline", timeout=Deadlines(1, 1, 1, 0))
    for _ in range(2):
        pieces, _elapsed = run(model, GenerationRequest(prompt="The cat"))
        assert "".join(pieces) == "Hello there!"
    paths = [s.path for s in fault_server.seen]
    assert paths == ["/v1/completions", "/v1/chat/completions", "/v1/chat/completions"]


def test_cancel_closes_the_stream_promptly(fault_server: FaultServer, make_model) -> None:
    fault_server.mode, fault_server.drip_interval = "drip", 0.3
    model = make_model(fault_server.base_url, timeout=Deadlines(connect=1, read=5))
    request = chat()
    stream = model.stream(request)
    assert next(stream).text == "Hello"
    request.cancel.set()
    started = time.perf_counter()
    with pytest.raises(Cancelled, match="cancelled"):
        next(stream)
    assert time.perf_counter() - started < 3.0  # the reader polls every 20 ms
    # The server notices the closed connection at its next write.
    assert fault_server.disconnected.wait(2.0)


def test_closing_the_stream_closes_the_connection(fault_server: FaultServer, make_model) -> None:
    fault_server.mode, fault_server.drip_interval = "drip", 0.3
    model = make_model(fault_server.base_url, timeout=Deadlines(connect=1, read=5))
    stream = model.stream(chat())
    assert next(stream).text == "Hello"
    stream.close()
    assert list(stream) == []  # the reader closed it itself: nothing more, and no error
    assert fault_server.disconnected.wait(2.0)
    assert stream.timings.generated_tokens == 1 and stream.timings.total_ms > 0


def test_closing_the_model_under_a_reader_says_the_text_was_cut(
    fault_server: FaultServer, make_model
) -> None:
    fault_server.mode = "hang"
    model = make_model(fault_server.base_url, timeout=Deadlines(connect=1, read=30))
    stream = model.stream(chat())
    closer = threading.Timer(0.1, model.close)
    closer.start()
    started = time.perf_counter()
    with pytest.raises(Cancelled, match="closed"):
        next(stream)
    assert time.perf_counter() - started < 5.0  # wide: a loaded machine is slow, not wrong
    closer.join()


def test_streams_run_side_by_side(fault_server: FaultServer, make_model) -> None:
    # One loop thread per model, many streams per loop: none waits for another to finish.
    fault_server.mode, fault_server.drip_interval = "drip", 1.0
    one = make_model(fault_server.base_url, timeout=Deadlines(connect=1, read=5))
    two = make_model(fault_server.base_url, role="inline", timeout=Deadlines(1, 5, 5, 0))
    started = time.perf_counter()
    streams = [one.stream(chat()), one.stream(chat()), two.stream(GenerationRequest(prompt="x"))]
    texts = ["".join(piece.text for piece in stream) for stream in streams]
    assert texts == ["Hello there slowly!"] * 3
    # About one stream's time (3 drips, 3 s), not three streams' (9 s): wide for a busy machine.
    assert time.perf_counter() - started < 6.5


def test_list_models_and_its_faults(fault_server: FaultServer) -> None:
    assert list_models(fault_server.base_url, CANARY, timeout=0.5) == [FAULT_MODEL]
    fault_server.mode = "401"
    with pytest.raises(ModelUnavailable, match=r"rejected the API key \(401\)"):
        list_models(fault_server.base_url, CANARY, timeout=0.5)
    fault_server.mode = "malformed"
    with pytest.raises(ModelError, match="not valid JSON"):
        list_models(fault_server.base_url, CANARY, timeout=0.5)


def test_connection_test_reports_the_exact_error(fault_server: FaultServer, refused_url) -> None:
    fault_server.mode = "404"
    ok, _ms, message = remote.test_connection(fault_server.base_url, "nope", CANARY, timeout=1)
    assert not ok and "does not know the model 'nope' (404)" in message
    ok, _ms, message = remote.test_connection(refused_url, "nope", timeout=1)
    assert not ok and "refused" in message
    ok, ms, message = remote.test_connection("ftp://x", "nope")
    assert not ok and "http://" in message


# -- the canary key -----------------------------------------------------------------------------


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.formatter_ = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.formatter_.format(record))
        self.texts.append(repr(record.__dict__))


def test_the_api_key_never_leaks_across_the_fault_matrix(
    fault_server: FaultServer, refused_url: str, unreachable_url: str, make_model
) -> None:
    handler = _Everything()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    texts: list[str] = []
    try:
        for mode, *_ in FAULTS:
            fault_server.mode = mode
            for kind in ("inline", "rewrite"):
                model = make_model(fault_server.base_url, role=kind)
                texts.append(repr(model))
                request = GenerationRequest(prompt="x") if kind == "inline" else chat()
                with pytest.raises(ModelError) as caught:
                    run(model, request)
                texts += [str(caught.value), repr(caught.value)]
                texts.append("".join(traceback.format_exception(caught.value)))
        for url in (refused_url, unreachable_url):
            with pytest.raises(ModelError) as caught:
                run(make_model(url), chat())
            texts += [str(caught.value), "".join(traceback.format_exception(caught.value))]
        fault_server.mode = "401"
        with pytest.raises(ModelError) as caught:
            list_models(fault_server.base_url, CANARY, timeout=0.5)
        texts.append("".join(traceback.format_exception(caught.value)))
        texts.append(remote.test_connection(fault_server.base_url, "m", CANARY, timeout=0.5)[2])
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)

    # The test can fail: the key did reach the server, which echoed it back in body and header,
    # and the HTTP stack logged those headers at DEBUG.
    assert any(s.authorization == f"Bearer {CANARY}" for s in fault_server.seen)
    assert any("receive_response_headers" in t and "[redacted]" in t for t in handler.texts)
    assert len(handler.texts) > 50
    # Also the key's tail, in case something masked only its prefix.
    leaks = [t for t in texts + handler.texts if CANARY in t or CANARY[-10:] in t]
    assert leaks == []


def test_cancel_from_another_thread_while_the_reader_waits(
    fault_server: FaultServer, make_model
) -> None:
    """The reader is blocked between two chunks (the server drips one every 2 s) when another
    thread cancels: it must come back at once with Cancelled, not at the next chunk."""
    fault_server.mode, fault_server.drip_interval = "drip", 4.0
    model = make_model(fault_server.base_url, role="rewrite", timeout=Deadlines())
    request = chat()
    stream = model.stream(request)
    assert next(stream).text
    threading.Timer(0.05, request.cancel.set).start()
    started = time.perf_counter()
    with pytest.raises(Cancelled):
        for _piece in stream:
            pass
    assert time.perf_counter() - started < 3.0  # before the next chunk (4 s), wide for load
    # The server notices the closed stream at its next write (one drip later).
    assert fault_server.disconnected.wait(12.0)
