"""Local-only mode, and the default all-local setup, open no network connection at all.

A `sys.addaudithook` (tests/netaudit.py) records every `socket.connect` and `socket.getaddrinfo`
in any thread while the whole app runs: window, model host, inline suggestions, a rewrite and
the Preferences dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app import secrets
from desktop_app.settings import ModelChoice, Settings
from models.base import GenerationRequest
from tests.models.servers import running_fault_server
from tests.netaudit import record_network

LOAD_MS = 60_000
SENTENCE = "It is a truth universally acknowledged, that a single man in possession of a"


def _open_window(qtbot, settings: Settings):
    from ui.main_window import MainWindow

    window = MainWindow(settings)
    window.show()
    qtbot.waitExposed(window)
    window.start_services()
    return window


def _close(window) -> None:
    window.editor.document().setModified(False)
    window.close()
    window.shutdown()
    window.deleteLater()


def _type_and_wait_for_a_model_call(qtbot, window) -> None:
    engine = window.engine
    engine.set_debounce(50)
    before = engine.calls
    qtbot.keyClicks(window.editor, SENTENCE)
    qtbot.waitUntil(lambda: engine.calls > before and engine.idle(), timeout=LOAD_MS)


def _rewrite(window) -> str:
    request = GenerationRequest(
        messages=[{"role": "user", "content": "Fix the spelling: I beleive it."}], max_tokens=8
    )
    return "".join(piece.text for piece in window.models.model("rewrite").stream(request))


def test_default_settings_make_no_connection(qtbot) -> None:
    with record_network() as net:
        window = _open_window(qtbot, Settings())
        try:
            for role in ("inline", "rewrite"):
                qtbot.waitUntil(
                    lambda r=role: window.models.state(r)[0] == "ready", timeout=LOAD_MS
                )
            _type_and_wait_for_a_model_call(qtbot, window)
            assert _rewrite(window).strip()
        finally:
            _close(window)
    assert window.settings.local_only
    assert net.events == []


def test_local_only_with_a_remote_choice_makes_no_connection(qtbot) -> None:
    from ui.preferences.dialog import PreferencesDialog

    with running_fault_server() as server:
        remote = ModelChoice(kind="remote", base_url=server.base_url, remote_model="fake-model")
        settings = Settings(inline=remote, local_only=True)
        secrets.record_api_key(settings, "inline", "sk-local-only", secrets.SESSION)
        window = None
        try:
            with record_network() as net:
                window = _open_window(qtbot, settings)
                qtbot.waitUntil(
                    lambda: window.models.state("rewrite")[0] == "ready", timeout=LOAD_MS
                )
                assert window.models.state("inline")[0] == "off"
                assert window.models.model("inline") is None
                qtbot.keyClicks(window.editor, SENTENCE)
                assert _rewrite(window).strip()
                # The dialog shows the remote choice but cannot reach it; OK applies it (off).
                dialog = PreferencesDialog(window)
                qtbot.waitUntil(lambda d=dialog: d.keychain is not None, timeout=10_000)
                dialog.show()
                section = dialog.sections["inline"]
                assert section.kind() == "remote" and not section.remote_box.isEnabled()
                assert not section.kind_radios["remote"].isEnabled()
                assert not section.test_button.isEnabledTo(dialog)  # no click can reach them
                # The slots themselves refuse in local-only mode (a shortcut or a stray signal
                # could still call them): call them straight, as a click on them would.
                section.url_edit.setText(server.base_url)
                section.model_combo.setEditText("fake-model")
                section.test_connection()
                section.fetch_models()
                assert not section.busy()
                qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
                assert window.models.state("inline")[0] == "off"
                qtbot.keyClicks(window.editor, " good fortune")
                qtbot.waitUntil(window.engine.idle, timeout=LOAD_MS)
            assert net.events == []
            assert server.seen == []

            # Control: the same recording does see the app connect once local-only is off.
            with record_network() as control:
                dialog = PreferencesDialog(window)
                qtbot.waitUntil(lambda d=dialog: d.keychain is not None, timeout=10_000)
                dialog.show()
                qtbot.mouseClick(dialog.local_only, Qt.MouseButton.LeftButton)
                qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
                qtbot.waitUntil(lambda: bool(server.seen), timeout=LOAD_MS)  # the model warms up
            assert ("127.0.0.1", server.port) in [e.target[:2] for e in control.connections]
            assert server.seen[0].authorization == "Bearer sk-local-only"
        finally:
            if window is not None:
                _close(window)
