"""ModelSpec: plain, comparable data that never shows its API key."""

from __future__ import annotations

import pytest

from models.spec import ModelSpec

CANARY = "sk-canary-4f1e9b"


def test_repr_and_describe_hide_the_key() -> None:
    spec = ModelSpec(kind="remote", base_url="http://127.0.0.1:8080/v1", model="m", api_key=CANARY)
    assert CANARY not in repr(spec)
    assert CANARY not in str(spec)
    assert CANARY not in spec.describe()
    assert CANARY not in str(spec.to_dict())
    assert spec.to_dict(include_key=True)["api_key"] == CANARY


def test_describe() -> None:
    assert ModelSpec().describe() == "Bundled: default"
    assert ModelSpec(bundled_id="gemma-3-270m").describe() == "Bundled: Gemma 3 270M"
    assert (
        ModelSpec(kind="gguf", path="/m/tiny.Q4_0.gguf").describe() == "GGUF file: tiny.Q4_0.gguf"
    )
    remote = ModelSpec(kind="remote", base_url="http://localhost:11434/v1", model="llama3")
    assert remote.describe() == "Remote: llama3 at http://localhost:11434/v1"


def test_round_trip_and_equality() -> None:
    spec = ModelSpec(kind="gguf", path="/m/x.gguf", max_tokens=200, temperature=0.3)
    assert spec == ModelSpec(kind="gguf", path="/m/x.gguf", max_tokens=200, temperature=0.3)
    assert spec.same_model(ModelSpec(kind="gguf", path="/m/x.gguf"))
    assert not spec.same_model(ModelSpec(kind="gguf", path="/m/y.gguf"))
    twin = ModelSpec(**{k: v for k, v in spec.to_dict(include_key=True).items()})
    assert len({spec, twin}) == 1


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown model kind"):
        ModelSpec(kind="cloud")  # type: ignore[arg-type]
