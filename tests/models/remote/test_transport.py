"""URL checks for remote endpoints: https always, plain http only for local hosts, no lookups."""

from __future__ import annotations

import pytest

from models.remote.transport import check_url, is_local_host
from tests.netaudit import record_network


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:11434/v1",
        "http://LOCALHOST:1234/v1",
        "http://127.0.0.1:8080/v1",
        "http://127.8.9.10/v1",
        "http://[::1]:8080/v1",
        "http://10.1.2.3:8080/v1",
        "http://172.16.0.5/v1",
        "http://172.31.255.254/v1",
        "http://192.168.1.20:8080/v1",
        "http://169.254.10.10/v1",
        "http://[fe80::1%25eth0]:8080/v1",
        "http://[fd12:3456::1]/v1",
        "http://[::ffff:192.168.0.1]/v1",
        "http://gpu-box.local:8080/v1",
        "http://100.64.1.2:8080/v1",
    ],
)
def test_plain_http_to_local_hosts_is_fine(url: str) -> None:
    verdict = check_url(url)
    assert verdict.ok and verdict.warning == "" and not verdict.encrypted


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com/v1",
        "http://8.8.8.8/v1",
        "http://172.32.0.1/v1",  # just outside 172.16/12
        "http://192.0.2.1/v1",  # documentation range: `is_private` in Python, nobody's LAN
        "http://[2001:db8::1]/v1",
        "http://localhost.example.com/v1",
        "http://0.0.0.0:8080/v1",
    ],
)
def test_plain_http_elsewhere_warns_about_unencrypted_text(url: str) -> None:
    verdict = check_url(url)
    assert verdict.ok
    assert "unencrypted" in verdict.warning.lower() or "not encrypted" in verdict.warning
    assert verdict.host in verdict.warning


@pytest.mark.parametrize("url", ["https://api.openai.com/v1", "https://8.8.8.8/v1", "HTTPS://x.io"])
def test_https_is_always_fine(url: str) -> None:
    verdict = check_url(url)
    assert verdict.ok and verdict.encrypted and verdict.warning == ""


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "base URL"),
        ("ftp://localhost/v1", "http://"),
        ("localhost:8080/v1", "http://"),
        ("http:///v1", "host"),
        ("http://localhost:port/v1", "valid"),
    ],
)
def test_unusable_urls_are_refused_with_a_reason(url: str, words: str) -> None:
    verdict = check_url(url)
    assert not verdict.ok
    assert words in verdict.warning


def test_a_key_in_the_url_is_refused_and_never_echoed() -> None:
    verdict = check_url("https://user:sk-SECRET-123456@api.example.com/v1")
    assert not verdict.ok
    assert "sk-SECRET" not in verdict.warning and "API key" in verdict.warning
    bad_port = check_url("http://user:sk-SECRET-123456@localhost:notaport/v1")
    assert not bad_port.ok and "sk-SECRET" not in bad_port.warning


def test_checking_resolves_nothing() -> None:
    # Names are judged by their spelling: a lookup could leak the host or hang without network.
    with record_network() as net:
        for url in ("http://printer.local/v1", "http://api.example.com/v1", "https://x.io/v1"):
            check_url(url)
        assert is_local_host("localhost")
        assert not is_local_host("example.com")
    assert net.events == []
