"""ModelHost loads, shares and swaps the real models without blocking the GUI thread."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from desktop_app.model_host import ModelHost
from models.base import GenerationRequest, Priority
from models.local.model import LocalModel
from models.spec import ModelSpec

BUNDLED = ModelSpec(kind="bundled")
LOAD_TIMEOUT_MS = 60_000


@pytest.fixture
def host(qtbot):
    threads_before = set(threading.enumerate())
    host = ModelHost(models_dir=Path(os.environ["INKLING_MODELS_DIR"]))
    yield host
    host.shutdown()
    assert set(threading.enumerate()) <= threads_before


def _continue(model, prompt: str = "The cat sat on the") -> str:
    request = GenerationRequest(prompt=prompt, max_tokens=3, priority=Priority.REALTIME)
    return "".join(piece.text for piece in model.stream(request))


def both_ready(qtbot, host: ModelHost):
    """Wait (as a `with` block) until both paths report "ready", in either order."""
    return qtbot.waitSignals(
        [host.state_changed, host.state_changed],
        timeout=LOAD_TIMEOUT_MS,
        check_params_cbs=[
            lambda r, s, _m: (r, s) == ("inline", "ready"),
            lambda r, s, _m: (r, s) == ("rewrite", "ready"),
        ],
        order="none",
    )


def test_start_loads_both_paths_off_the_gui_thread(qtbot, host: ModelHost) -> None:
    seen: list[tuple[str, str, str]] = []
    host.state_changed.connect(lambda *args: seen.append(args))
    with both_ready(qtbot, host):
        host.start(BUNDLED, BUNDLED)
        # start() returned at once: both paths say they are loading.
        assert host.state("inline") == ("loading", "Loading Gemma 3 270M…")
        assert host.state("rewrite") == ("loading", "Loading SmolLM2 135M Instruct…")
        assert host.model("inline") is None
    assert ("inline", "ready", "Gemma 3 270M") in seen
    assert host.model("inline").name == "Gemma 3 270M"
    assert host.model("rewrite").name == "SmolLM2 135M Instruct"
    assert _continue(host.model("inline")).strip()


def test_same_model_for_both_paths_is_loaded_once(qtbot, host: ModelHost) -> None:
    gemma = ModelSpec(kind="bundled", bundled_id="gemma-3-270m")
    with both_ready(qtbot, host):
        host.start(gemma, ModelSpec(kind="bundled", bundled_id="gemma-3-270m", max_tokens=300))
    assert host.model("inline") is host.model("rewrite")
    llama_threads = [t for t in threading.enumerate() if t.name.startswith("llama:")]
    assert len(llama_threads) == 1
    # Switching one path away keeps the shared model serving the other.
    with qtbot.waitSignal(
        host.state_changed,
        timeout=LOAD_TIMEOUT_MS,
        check_params_cb=lambda r, s, _m: (r, s) == ("rewrite", "ready"),
    ):
        host.configure("rewrite", ModelSpec(kind="bundled", bundled_id="smollm2-135m-instruct"))
    assert host.model("inline").name == "Gemma 3 270M"
    assert _continue(host.model("inline")).strip()


def test_bad_gguf_keeps_the_old_model(qtbot, host: ModelHost, tmp_path: Path) -> None:
    with qtbot.waitSignal(
        host.state_changed,
        timeout=LOAD_TIMEOUT_MS,
        check_params_cb=lambda r, s, _m: (r, s) == ("inline", "ready"),
    ):
        host.start(BUNDLED, None)
    old = host.model("inline")
    assert host.state("rewrite")[0] == "off"
    source = old.path
    cut = tmp_path / "half-downloaded.gguf"
    with source.open("rb") as src:
        cut.write_bytes(src.read(20_000_000))

    with qtbot.waitSignal(host.load_failed, timeout=LOAD_TIMEOUT_MS) as failed:
        host.configure("inline", ModelSpec(kind="gguf", path=str(cut)))
        assert host.state("inline")[0] == "loading"
        assert host.model("inline") is old  # still serving while the new one loads

    role, reason = failed.args
    assert role == "inline" and "truncated" in reason
    assert host.model("inline") is old
    state, message = host.state("inline")
    assert state == "ready" and "truncated" in message
    assert _continue(old).strip()


def test_unavailable_without_a_previous_model(qtbot, host: ModelHost, tmp_path: Path) -> None:
    junk = tmp_path / "notes.gguf"
    junk.write_text("not a model\n" * 20)
    with qtbot.waitSignal(
        host.state_changed,
        timeout=LOAD_TIMEOUT_MS,
        check_params_cb=lambda r, s, _m: (r, s) == ("inline", "unavailable"),
    ) as blocker:
        host.start(ModelSpec(kind="gguf", path=str(junk)), None)
    assert "not a GGUF" in blocker.args[2]
    assert host.model("inline") is None
    assert host.state("inline") == ("unavailable", blocker.args[2])


def test_live_swap_to_a_gguf_file(qtbot, host: ModelHost) -> None:
    with qtbot.waitSignal(
        host.state_changed,
        timeout=LOAD_TIMEOUT_MS,
        check_params_cb=lambda r, s, _m: (r, s) == ("rewrite", "ready"),
    ):
        host.start(None, BUNDLED)
    old = host.model("rewrite")
    with qtbot.waitSignal(
        host.state_changed,
        timeout=LOAD_TIMEOUT_MS,
        check_params_cb=lambda r, s, _m: (r, s) == ("rewrite", "ready"),
    ):
        host.configure("rewrite", ModelSpec(kind="gguf", path=str(old.path)))
    new = host.model("rewrite")
    assert isinstance(new, LocalModel) and new is not old
    assert new.name == "SmolLM2-135M-Instruct.Q4_1"
    # The replaced model is closed (on a worker thread).
    qtbot.waitUntil(
        lambda: not any(t.name == f"llama:{old.name}" for t in threading.enumerate()),
        timeout=10_000,
    )


def test_superseded_load_is_dropped(qtbot, host: ModelHost) -> None:
    host.configure("inline", BUNDLED)
    host.configure("inline", ModelSpec(kind="bundled", bundled_id="smollm2-135m-instruct"))
    with qtbot.waitSignal(
        host.state_changed,
        timeout=LOAD_TIMEOUT_MS,
        check_params_cb=lambda r, s, m: (r, s, m) == ("inline", "ready", "SmolLM2 135M Instruct"),
    ):
        pass
    qtbot.waitUntil(
        lambda: sum(t.name.startswith("llama:") for t in threading.enumerate()) == 1,
        timeout=10_000,
    )
    assert host.model("inline").name == "SmolLM2 135M Instruct"


def test_shutdown_while_loading_leaves_no_threads(qtbot) -> None:
    threads_before = set(threading.enumerate())
    host = ModelHost(models_dir=Path(os.environ["INKLING_MODELS_DIR"]))
    host.start(BUNDLED, BUNDLED)
    host.shutdown()
    assert set(threading.enumerate()) <= threads_before
    assert host.model("inline") is None
    qtbot.wait(50)  # let the queued deliveries arrive after shutdown: they must close, not leak
    assert set(threading.enumerate()) <= threads_before


def test_gui_thread_keeps_ticking_during_a_first_start(qtbot, tmp_path: Path) -> None:
    """A first start joins Gemma's chunks (242 MB) and loads two models: all off the GUI thread."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    host = ModelHost(models_dir=tmp_path)  # empty: Gemma is assembled during this start
    clock = QElapsedTimer()
    lateness: list[int] = []
    last = [0]

    def tick() -> None:
        now = clock.elapsed()
        lateness.append(now - last[0] - 5)
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    try:
        with both_ready(qtbot, host):
            host.start(BUNDLED, BUNDLED)
    finally:
        timer.stop()
        host.shutdown()
    assert len(lateness) > 20
    # A blocked GUI thread would show one gap as long as the assembly or a load (0.5-2 s).
    assert max(lateness) < 450  # wide for a busy machine; the assembly alone is over 1 s
