"""Error classification details: a server's Retry-After is honoured when it parses, ignored when not."""

from __future__ import annotations

import httpx2
import pytest

from models.remote.errors import retry_after_seconds


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "120"}, 30.0),  # capped
        ({"retry-after": "-4"}, 0.0),
    ],
)
def test_a_retry_after_that_parses_is_honoured(headers, expected) -> None:
    assert retry_after_seconds(httpx2.Headers(headers), cap=30.0) == pytest.approx(expected)


@pytest.mark.parametrize(
    "value", ["soon", "Mon, 99 Foo 2026", " ", "nan", "inf", "1e999", "Tue, 01 Dec"]
)
def test_a_retry_after_that_does_not_parse_is_ignored(value) -> None:
    # It used to raise ValueError from inside the error path, hiding the real error.
    assert retry_after_seconds(httpx2.Headers({"retry-after": value}), cap=30.0) is None
    assert retry_after_seconds(httpx2.Headers({"retry-after-ms": value}), cap=30.0) is None
