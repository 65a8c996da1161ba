"""Preferences with real widget interactions: round trip, live switching, bad GGUF, remote, canary."""

from __future__ import annotations

import hashlib
import logging
import threading
import traceback
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import secrets
from desktop_app.bench.common import Heartbeat
from desktop_app.preferences.tasks import wait_for_tasks
from desktop_app.settings import load_settings, settings_path
from models.base import GenerationRequest
from tests.conftest import forget_keys_in_memory
from tests.desktop_app.test_secrets import MemoryKeyring
from tests.models import servers
from tests.models.servers import FaultServer, LlamaServer, smollm2_gguf
from ui.preferences.dialog import PreferencesDialog

llama_server = servers.llama_server  # the session fixture, shared with the remote tests
fault_server = servers.fault_server
refused_url = servers.refused_url

LOAD_MS = 60_000
CHECK_MS = 20_000
CANARY = "sk-CANARY-5f1e0c2b9a7d4e3f8a6b"


@pytest.fixture(autouse=True)
def _tasks_drained():
    """Background checks (keychain, GGUF, network) finish before the next test (the root
    conftest keeps every test away from the real keychain)."""
    yield
    assert wait_for_tasks(30_000)


def open_dialog(qtbot, window) -> PreferencesDialog:
    """A Preferences dialog once it has looked for the keychain (in the background)."""
    dlg = PreferencesDialog(window)
    qtbot.waitUntil(lambda: dlg.keychain is not None, timeout=10_000)
    return dlg


@pytest.fixture
def dialog(qtbot, window):
    dlg = open_dialog(qtbot, window)
    dlg.show()
    qtbot.waitExposed(dlg)
    yield dlg
    dlg.close()


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def show_tab(qtbot, dlg: PreferencesDialog, role: str) -> None:
    bar = dlg.tabs.tabBar()
    index = list(dlg.sections).index(role)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert dlg.tabs.currentIndex() == index


def type_into(qtbot, widget, text: str) -> None:
    """Replace a field's text the way a writer does: select all, then type."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def choose_gguf(qtbot, dlg: PreferencesDialog, role: str, path: Path) -> None:
    section = dlg.sections[role]
    show_tab(qtbot, dlg, role)
    click(qtbot, section.kind_radios["gguf"])
    type_into(qtbot, section.gguf_edit, str(path))
    qtbot.keyClick(section.gguf_edit, Qt.Key.Key_Return)  # editingFinished starts the check
    qtbot.waitUntil(lambda: not section.busy(), timeout=CHECK_MS)


def start_models(qtbot, window) -> None:
    window.start_services()
    for role in ("inline", "rewrite"):
        qtbot.waitUntil(lambda r=role: window.models.state(r)[0] == "ready", timeout=LOAD_MS)


def choose_remote(qtbot, dlg: PreferencesDialog, role: str, url: str, model: str, key: str):
    section = dlg.sections[role]
    if dlg.local_only.isChecked():
        click(qtbot, dlg.local_only)
    show_tab(qtbot, dlg, role)
    click(qtbot, section.kind_radios["remote"])
    type_into(qtbot, section.url_edit, url)
    type_into(qtbot, section.model_combo.lineEdit(), model)
    type_into(qtbot, section.key_edit, key)
    return section


def run_test_connection(qtbot, section) -> str:
    click(qtbot, section.test_button)
    qtbot.waitUntil(lambda: not section.busy(), timeout=CHECK_MS)
    return section.test_result.text()


def test_round_trip_through_the_widgets(qtbot, window, dialog) -> None:
    inline = dialog.sections["inline"]
    assert dialog.local_only.isChecked()  # the default
    assert not inline.kind_radios["remote"].isEnabled()
    qtbot.keyClick(inline.bundled_combo, Qt.Key.Key_Down)  # Gemma -> SmolLM2
    type_into(qtbot, inline.max_tokens, "20")
    type_into(qtbot, inline.temperature, "0.3")

    rewrite = choose_remote(qtbot, dialog, "rewrite", "", "llama3", "sk-round-trip")
    rewrite.preset_combo.setFocus()
    for _ in range(3):  # Ollama, LM Studio, llama.cpp server
        qtbot.keyClick(rewrite.preset_combo, Qt.Key.Key_Down)
    assert rewrite.url_edit.text() == "http://localhost:8080/v1"
    assert dialog.ok_button.isEnabled(), dialog.problem_label.text()
    click(qtbot, dialog.file_radio)  # no keychain here: the writer consents to the file
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()

    assert window.settings_writer.flush()
    saved = load_settings()
    assert saved == window.settings
    assert not saved.local_only
    assert (saved.inline.kind, saved.inline.bundled_id) == ("bundled", "smollm2-135m-instruct")
    assert (saved.inline.max_tokens, saved.inline.temperature) == (20, 0.3)
    assert (saved.rewrite.kind, saved.rewrite.base_url, saved.rewrite.remote_model) == (
        "remote",
        "http://localhost:8080/v1",
        "llama3",
    )
    assert saved.api_key_storage == "file"
    assert secrets.get_api_key(saved, "rewrite") == "sk-round-trip"
    assert oct(settings_path().stat().st_mode & 0o777) == "0o600"
    # Opened again, the dialog shows what was saved.
    again = open_dialog(qtbot, window)
    assert again.sections["rewrite"].api_key() == "sk-round-trip"
    assert again.sections["inline"].choice() == saved.inline
    assert again.file_radio.isChecked()
    again.close()


def test_keys_go_to_the_keychain_in_the_background(qtbot, window) -> None:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    dialog = open_dialog(qtbot, window)
    dialog.show()
    assert "system keychain" in dialog.keys_note.text()
    url = "http://localhost:8080/v1"
    choose_remote(qtbot, dialog, "rewrite", url, "llama3", "sk-in-keychain")
    click(qtbot, dialog.ok_button)
    assert dialog.problem_label.text() == "Storing the API keys in the keychain…"
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert backend.store == {(secrets.SERVICE, "api-key:rewrite"): "sk-in-keychain"}
    assert window.settings_writer.flush()
    assert "sk-in-keychain" not in settings_path().read_text()
    assert load_settings().api_key_storage == ""
    forget_keys_in_memory()  # as after a restart: the key must come from the keychain
    reads = backend.reads
    again = open_dialog(qtbot, window)
    assert not again.ok_button.isEnabled()  # until the key has been read
    qtbot.waitUntil(lambda: again.sections["rewrite"].api_key() == "sk-in-keychain")
    assert backend.reads == reads + 1 and again.ok_button.isEnabled()
    again.close()


def test_plain_http_to_a_far_host_warns(qtbot, dialog) -> None:
    section = choose_remote(qtbot, dialog, "inline", "http://example.com/v1", "m", "")
    assert "not encrypted" in section.url_warning.text()
    type_into(qtbot, section.url_edit, "http://192.168.1.20:8080/v1")
    assert section.url_warning.text() == ""


def test_live_switch_to_a_gguf_file_keeps_typing(qtbot, window) -> None:
    start_models(qtbot, window)
    gguf = smollm2_gguf()
    dialog = open_dialog(qtbot, window)
    dialog.show()
    choose_gguf(qtbot, dialog, "inline", gguf)
    info = dialog.sections["inline"].gguf_info.text()
    assert info.startswith("✓") and "Q4_1" in info
    assert hashlib.sha256(gguf.read_bytes()).hexdigest() in info
    beat = Heartbeat(5, window)
    beat.start()
    click(qtbot, dialog.ok_button)
    qtbot.keyClicks(window.editor, "It is a truth universally")
    qtbot.waitUntil(lambda: window.models.state("inline") == ("ready", gguf.stem), timeout=LOAD_MS)
    qtbot.keyClicks(window.editor, " acknowledged")
    beat.stop()
    assert window.editor.toPlainText() == "It is a truth universally acknowledged"
    assert window.models.model("inline").name == gguf.stem
    # The GUI thread kept ticking while the new model loaded beside the old one.
    assert max(beat.lateness_ms) < 600, max(beat.lateness_ms)  # wide for a busy machine
    assert window.settings_writer.flush()
    assert load_settings().inline.gguf_path == str(gguf)


def test_bad_gguf_is_rejected_and_the_old_model_keeps_serving(qtbot, window, tmp_path) -> None:
    start_models(qtbot, window)
    serving = window.models.model("inline")
    truncated = tmp_path / "truncated.gguf"
    with smollm2_gguf().open("rb") as source:
        truncated.write_bytes(source.read(5_000_000))
    dialog = open_dialog(qtbot, window)
    dialog.show()
    choose_gguf(qtbot, dialog, "inline", truncated)
    assert "truncated" in dialog.sections["inline"].gguf_info.text()
    assert not dialog.ok_button.isEnabled()
    assert "truncated" in dialog.problem_label.text()

    # A file that passes the check but is gone when the host loads it: the host keeps the old
    # model, and the settings go back to it.
    vanishing = tmp_path / "vanishing.gguf"
    vanishing.symlink_to(smollm2_gguf())
    choose_gguf(qtbot, dialog, "inline", vanishing)
    assert dialog.ok_button.isEnabled(), dialog.problem_label.text()
    vanishing.unlink()
    with qtbot.waitSignal(window.models.load_failed, timeout=LOAD_MS):
        click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: window.models.state("inline")[0] == "ready", timeout=LOAD_MS)
    assert window.models.model("inline") is serving
    assert window.settings.inline.kind == "bundled"
    assert window.settings_writer.flush()
    assert load_settings().inline.kind == "bundled"
    qtbot.waitUntil(lambda: "could not be loaded" in window.status.currentMessage())
    request = GenerationRequest(prompt="The cat sat on the", max_tokens=2)
    assert "".join(p.text for p in window.models.model("inline").stream(request))


def test_remote_happy_path_through_the_dialog(qtbot, window, llama_server: LlamaServer) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.show()
    section = choose_remote(qtbot, dialog, "rewrite", llama_server.base_url, "", "")
    click(qtbot, section.fetch_button)
    qtbot.waitUntil(lambda: not section.busy(), timeout=CHECK_MS)
    assert section.model_combo.findText("smollm2") >= 0
    assert section.model_combo.currentText() == "smollm2"
    result = run_test_connection(qtbot, section)
    assert result.startswith("✓") and " ms" in result, result
    window.start_services()
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: window.models.state("rewrite")[0] == "ready", timeout=LOAD_MS)
    model = window.models.model("rewrite")
    assert model.name.startswith("smollm2 @ 127.0.0.1")
    request = GenerationRequest(messages=[{"role": "user", "content": "Say hi."}], max_tokens=4)
    assert "".join(piece.text for piece in model.stream(request)).strip()


FAULTS = ("401", "500", "malformed", "midstream_error", "drop")


def test_canary_key_never_leaks(
    qtbot, window, caplog, refused_url: str, fault_server: FaultServer
) -> None:
    caplog.set_level(logging.DEBUG)
    dialog = open_dialog(qtbot, window)
    dialog.show()
    section = choose_remote(qtbot, dialog, "rewrite", refused_url, "fake-model", CANARY)
    errors: list[BaseException] = []
    section._relay.finished.connect(lambda _job, _res, err: err is not None and errors.append(err))
    shown: list[str] = [run_test_connection(qtbot, section)]
    click(qtbot, section.fetch_button)
    qtbot.waitUntil(lambda: not section.busy(), timeout=CHECK_MS)
    shown.append(section.test_result.text())
    assert all(text.startswith("✗") for text in shown), shown

    type_into(qtbot, section.url_edit, fault_server.base_url)
    for mode in FAULTS:
        fault_server.mode = mode
        shown.append(run_test_connection(qtbot, section))
        assert shown[-1].startswith("✗"), (mode, shown[-1])
    fault_server.mode = "401"
    click(qtbot, section.fetch_button)
    qtbot.waitUntil(lambda: not section.busy(), timeout=CHECK_MS)
    shown.append(section.test_result.text())
    # The key really went to the server (so the test could catch a leak) ...
    assert {s.authorization for s in fault_server.seen} == {f"Bearer {CANARY}"}
    click(qtbot, dialog.ok_button)  # session storage: no keychain, no consent to the file
    assert secrets.get_api_key(window.settings, "rewrite") == CANARY
    # ... yet it is in no message shown, no log record, no exception, nor the settings file.
    boxes = [w.text() for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    texts = shown + boxes + [window.status.currentMessage(), section.gguf_info.text()]
    texts += [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    texts += [repr(e) + "".join(traceback.format_exception(e)) for e in errors]
    assert window.settings_writer.flush()
    texts.append(settings_path().read_text())
    assert len(caplog.records) > 0 and len(errors) == 2  # the two Fetch models failures
    leaks = [text for text in texts if CANARY in text or CANARY[3:] in text]
    assert leaks == []


def test_the_first_keychain_probe_is_never_on_the_gui_thread(qtbot, window, monkeypatch) -> None:
    # The first keyring.get_keyring() can be a D-Bus round trip (or an unlock prompt).
    import keyring
    from keyring.backends import fail

    release = threading.Event()
    on_gui: list[bool] = []

    def slow_probe():  # like keyring's: the first call is slow, later ones are cached
        if not on_gui:
            on_gui.append(threading.current_thread() is threading.main_thread())
            if not on_gui[0]:
                release.wait(10)
        return fail.Keyring()

    monkeypatch.setattr(secrets, "_probed", False)
    monkeypatch.setattr(keyring, "get_keyring", slow_probe)
    dlg = PreferencesDialog(window)  # returns while the probe still runs
    assert dlg.keychain is None and not dlg.ok_button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: dlg.keychain is not None, timeout=10_000)
    assert on_gui == [False]
    assert dlg.ok_button.isEnabled(), dlg.problem_label.text()
    dlg.close()


def test_fetch_and_test_import_the_remote_client_off_the_gui_thread(qtbot, dialog) -> None:
    # openai + httpx take a noticeable time to import: never on a click's GUI thread.
    import importlib.abc
    import sys

    seen: list[bool] = []

    class Watch(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "models.remote.connection":
                seen.append(threading.current_thread() is threading.main_thread())
            return None

    import models.remote

    # Forget it was imported, so the click has to import it again (and we can see where).
    sys.modules.pop("models.remote.connection", None)
    if hasattr(models.remote, "connection"):
        delattr(models.remote, "connection")
    sys.meta_path.insert(0, Watch())
    try:
        section = choose_remote(qtbot, dialog, "rewrite", "http://127.0.0.1:9/v1", "m", "")
        click(qtbot, section.fetch_button)
        qtbot.waitUntil(lambda: not section.busy(), timeout=CHECK_MS)
    finally:
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, Watch)]
    assert seen == [False]
