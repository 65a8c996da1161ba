"""Shared fixtures: every test gets its own config and data folders, never the writer's."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _shared_models_dir(tmp_path_factory):
    """Assemble bundled models once per test session, not once per test."""
    path = tmp_path_factory.mktemp("inkling-models")
    os.environ["INKLING_MODELS_DIR"] = str(path)
    yield path


def forget_keys_in_memory() -> None:
    """Drop the API keys `desktop_app.secrets` keeps in memory, as a restart of the app does."""
    from desktop_app import secrets

    with secrets._lock:
        secrets._session.clear()
        secrets._keychain_cache.clear()


@pytest.fixture(autouse=True)
def _no_keychain():
    """Never touch the writer's real keychain; start each test without remembered keys."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    forget_keys_in_memory()
    yield
    keyring.set_keyring(previous)
    forget_keys_in_memory()


@pytest.fixture(scope="session", autouse=True)
def _collect_on_the_gui_thread(qapp):
    """The app's garbage-collection regime (`desktop_app.garbage`) for the whole test session."""
    from desktop_app.garbage import GuiThreadCollector

    collector = GuiThreadCollector()
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def _qt_objects_die_here(_collect_on_the_gui_thread):
    """Delete what a test's windows left to `deleteLater` in its own teardown, then run the
    collection that is due, on this (the GUI) thread.

    Otherwise a closed window is destroyed inside the next test's first event-loop turn, among
    that test's own threads, and a crash there would be blamed on the wrong test.
    """
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    _collect_on_the_gui_thread.tick()


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    base = tmp_path_factory.mktemp("inkling-home")
    monkeypatch.setenv("INKLING_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("INKLING_DATA_DIR", str(base / "data"))
    yield base


# The loopback servers (the real llama.cpp server once per session, the misbehaving one per
# test) are fixtures for every module that names them: one real server for the whole session.
from tests.models.servers import (  # noqa: E402, F401
    fault_server,
    llama_server,
    refused_url,
    unreachable_url,
)
