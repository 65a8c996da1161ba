"""A GGUF is trial-loaded in a child process: a file that crashes llama.cpp crashes only the child."""

from __future__ import annotations

import pytest

from models.base import ModelUnavailable
from models.local import trial
from tests.models.local import crash_child
from tests.models.servers import smollm2_gguf


def test_the_bundled_model_passes_the_trial() -> None:
    trial.trial_load(smollm2_gguf())


def test_a_file_llama_cpp_rejects_gives_its_reason(tmp_path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)
    with pytest.raises(ModelUnavailable, match="broken.gguf"):
        trial.trial_load(bad)


def test_a_crash_in_the_child_is_reported_and_we_survive(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(trial, "_child", crash_child.crash)
    with pytest.raises(ModelUnavailable, match="crashed llama.cpp.*SIGSEGV"):
        trial.trial_load(tmp_path / "x.gguf")


def test_a_hang_is_stopped_at_the_timeout(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(trial, "_child", crash_child.hang)
    with pytest.raises(ModelUnavailable, match="did not load within"):
        trial.trial_load(tmp_path / "x.gguf", timeout=3.0)
