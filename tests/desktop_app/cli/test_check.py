"""`inkling check` end to end, as a subprocess: real bundled models, real files, a real server.

Each case runs `python -m desktop_app check` exactly as a writer (or CI) would and judges only
what it prints and how it exits: 0 with what it used and its timings, or non-zero with exactly one
line on stderr, well within the 15 s promise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_app import paths
from models import registry
from tests.models import servers
from tests.models.servers import FaultServer, LlamaServer, smollm2_gguf

REPO = Path(__file__).resolve().parents[3]
PROMISE_S = 15.0


def run_check(
    *options: str, timeout: float = 60.0, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, float]:
    """Run the check in a fresh interpreter; return the result and its wall time in seconds."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "check", *options],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    return result, time.monotonic() - started


def assert_one_line_failure(result: subprocess.CompletedProcess, *fragments: str) -> str:
    """Non-zero exit, nothing on stdout, exactly one line on stderr naming every fragment."""
    assert result.returncode != 0, result.stdout
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("inkling check: FAILED: ")
    for fragment in fragments:
        assert fragment in line
    return line


@pytest.fixture(scope="module", autouse=True)
def _gemma_assembled() -> None:
    """Join the Gemma chunks before the first check, so no case pays for it against its deadline."""
    registry.bundled_path(registry.GEMMA_ID, paths.models_dir())


@pytest.fixture
def bad_architecture(tmp_path: Path) -> Path:
    """A GGUF whose header is intact but names an architecture llama.cpp does not know."""
    data = bytearray(smollm2_gguf().read_bytes())
    key = data.find(b"general.architecture")
    value = data.find(b"llama", key)
    data[value : value + 5] = b"qqqqq"
    path = tmp_path / "bad-architecture.gguf"
    path.write_bytes(bytes(data))
    return path


def test_bundled_models_make_a_suggestion_and_a_rewrite() -> None:
    result, elapsed = run_check()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith("inkling check: OK")
    assert "models from settings" in out
    assert "Gemma 3 270M" in out and "gemma-3-270m-q4_k_m.gguf" in out
    assert "SmolLM2 135M Instruct" in out and "SmolLM2-135M-Instruct.Q4_1.gguf" in out
    assert out.count("load ") == 2 and out.count("first token ") == 2
    outputs = [line.split("-> ", 1)[1] for line in out.splitlines() if "-> " in line]
    assert len(outputs) == 2 and all(len(text.strip("'\" ")) > 1 for text in outputs)
    licences = out.splitlines()[-1]
    assert licences.startswith("licences ") and "Gemma Terms of Use" in licences
    assert "Apache-2.0" in licences
    assert elapsed < PROMISE_S


def test_settings_choose_the_models(tmp_path: Path) -> None:
    """Both paths on one GGUF file from the settings: one load, shared by the rewrite."""
    gguf = str(smollm2_gguf())
    choice = {"kind": "gguf", "gguf_path": gguf}
    settings = {"inline": choice, "rewrite": {**choice, "max_tokens": 256}}
    (paths.config_dir() / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    result, _elapsed = run_check()
    assert result.returncode == 0, result.stderr
    assert "shared with inline" in result.stdout
    assert result.stdout.count(gguf) == 2
    used = "\n".join(result.stdout.splitlines()[:-1])  # the last line lists every licence
    assert "Gemma" not in used


def test_remote_path_refused_by_local_only_settings() -> None:
    settings = {
        "local_only": True,
        "inline": {"kind": "remote", "base_url": "http://127.0.0.1:9/v1"},
    }
    (paths.config_dir() / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    result, _elapsed = run_check()
    assert_one_line_failure(result, "local-only")


@pytest.mark.parametrize("kind", ["truncated", "bad_architecture", "missing"])
def test_broken_model_file_fails_in_one_line(kind: str, tmp_path: Path, request) -> None:
    if kind == "truncated":
        path = tmp_path / "truncated.gguf"
        path.write_bytes(smollm2_gguf().read_bytes()[:40_000_000])
    elif kind == "bad_architecture":
        path = request.getfixturevalue("bad_architecture")
    else:
        path = tmp_path / "nowhere.gguf"
    result, elapsed = run_check("--rewrite-model", str(path))
    assert_one_line_failure(result, "rewrite model", path.name)
    assert elapsed < PROMISE_S


def test_closed_port_fails_fast_in_one_line() -> None:
    url = f"http://127.0.0.1:{servers.free_port()}/v1"
    result, elapsed = run_check("--remote", url, "--model", "smollm2")
    line = assert_one_line_failure(result, "127.0.0.1")
    assert "refused" in line
    assert elapsed < PROMISE_S


def test_server_that_never_answers_fails_within_the_promise(unreachable_url: str) -> None:
    result, elapsed = run_check("--remote", unreachable_url, "--model", "smollm2")
    assert_one_line_failure(result, "127.0.0.1")
    assert elapsed < PROMISE_S


def test_watchdog_ends_a_check_that_overruns() -> None:
    """Loading takes longer than a tiny deadline: the watchdog names the stage and exits 3."""
    result, elapsed = run_check("--timeout", "0.2")
    line = assert_one_line_failure(result, "timed out after 0.2 s while")
    assert result.returncode == 3, line
    assert elapsed < PROMISE_S


def test_real_server_serves_both_paths(llama_server: LlamaServer) -> None:
    result, elapsed = run_check("--remote", llama_server.base_url, "--model", llama_server.model)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.count(f"smollm2 at {llama_server.base_url}") == 2
    assert "models from command line" in result.stdout
    assert elapsed < PROMISE_S


def test_real_server_unknown_model_is_named(llama_server: LlamaServer) -> None:
    result, _elapsed = run_check("--remote", llama_server.base_url, "--model", "no-such-model")
    assert_one_line_failure(result, "no-such-model", "smollm2")


def test_remote_without_model_name_is_a_usage_error() -> None:
    result, _elapsed = run_check("--remote", "http://127.0.0.1:9/v1")
    assert_one_line_failure(result, "--model")


def test_rejected_key_fails_in_one_line_without_showing_the_key(fault_server: FaultServer) -> None:
    """A server answering 401 echoes the key back; the check's one line must not pass it on."""
    canary = "sk-canary-7f3a9e1b5d"
    fault_server.mode = "401"
    result, elapsed = run_check(
        "--remote",
        fault_server.base_url,
        "--model",
        "fake-model",
        "--api-key-env",
        "INKLING_TEST_KEY",
        env={"INKLING_TEST_KEY": canary},
    )
    line = assert_one_line_failure(result, "127.0.0.1")
    assert canary not in result.stdout + result.stderr
    assert "key" in line.lower()
    assert fault_server.seen and fault_server.seen[0].authorization == f"Bearer {canary}"
    assert elapsed < PROMISE_S
