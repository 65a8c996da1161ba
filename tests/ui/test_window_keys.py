"""Start-up never waits on the keychain: a remote path's API key is read on a worker thread."""

from __future__ import annotations

import threading
import time

import keyring
import pytest

from desktop_app import secrets
from desktop_app.settings import ModelChoice, Settings
from tests.conftest import forget_keys_in_memory
from tests.desktop_app.test_secrets import MemoryKeyring
from ui.main_window import MainWindow

KEY = "sk-test-slow-keychain-42"


class SlowKeyring(MemoryKeyring):
    """A keychain that keeps the caller waiting until the test lets it answer."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return super().get_password(service, username)


@pytest.mark.timeout(120)
def test_a_slow_keychain_does_not_hold_up_the_window(qtbot):
    backend = SlowKeyring()
    keyring.set_keyring(backend)
    forget_keys_in_memory()
    backend.store[(secrets.SERVICE, secrets._username("rewrite"))] = KEY
    remote = ModelChoice(kind="remote", base_url="http://127.0.0.1:9/v1", remote_model="m")
    win = MainWindow(Settings(rewrite=remote, local_only=False))
    win.show()
    try:
        started = time.perf_counter()
        win.start_services()
        assert time.perf_counter() - started < 2.0  # the keychain is still blocked here
        assert win.models.spec("rewrite") is None
        backend.release.set()
        qtbot.waitUntil(lambda: win.models.spec("rewrite") is not None, timeout=30_000)
        assert win.models.spec("rewrite").api_key == KEY
    finally:
        backend.release.set()
        win.close()
        win.shutdown()
        win.deleteLater()
