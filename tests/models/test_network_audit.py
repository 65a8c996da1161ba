"""The socket audit recorder sees real connections, from any thread, and only while recording.

Local-only mode is proven with this recorder elsewhere ("no connection at all"); these tests
show it would notice a connection if one were made.
"""

from __future__ import annotations

import socket
import threading

from models.base import GenerationRequest
from models.remote.connection import list_models
from models.remote.model import Deadlines, RemoteModel
from tests.models.servers import LOOPBACK, FaultServer
from tests.netaudit import record_network


def test_records_a_remote_stream_made_on_the_models_loop_thread(fault_server: FaultServer) -> None:
    model = RemoteModel(fault_server.base_url, "fake-model", timeout=Deadlines(1, 1, retries=0))
    try:
        with record_network() as net:
            text = "".join(p.text for p in model.stream(GenerationRequest(prompt="Hi")))
    finally:
        model.close()
    assert text == "Hello there!"
    assert (LOOPBACK, fault_server.port) in [e.target for e in net.connections]
    # The connection was opened by the model's own event-loop thread, not the test's.
    assert all(e.thread.startswith("inkling-remote") for e in net.connections)


def test_records_a_blocking_client_and_lookups(fault_server: FaultServer) -> None:
    with record_network() as net:
        assert list_models(fault_server.base_url, timeout=1) == ["fake-model"]
        socket.getaddrinfo("localhost", fault_server.port)
    assert (LOOPBACK, fault_server.port) in [e.target for e in net.connections]
    assert ("localhost", fault_server.port) in [e.target for e in net.lookups]


def test_records_only_while_recording_and_nests(fault_server: FaultServer) -> None:
    def connect() -> None:
        with socket.create_connection((LOOPBACK, fault_server.port), timeout=1):
            pass

    connect()  # before: not recorded anywhere
    with record_network() as outer:
        with record_network() as inner:
            worker = threading.Thread(target=connect, name="elsewhere")
            worker.start()
            worker.join()
        connect()
    connect()  # after: not recorded either
    assert [e.thread for e in inner.connections] == ["elsewhere"]
    assert len(outer.connections) == 2
    with record_network() as quiet:
        pass
    assert quiet.events == []
