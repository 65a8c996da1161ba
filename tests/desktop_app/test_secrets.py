"""API keys go to the keychain when one exists, else to memory or (with consent) the 0600 file."""

from __future__ import annotations

import os
import stat

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringLocked, PasswordDeleteError

from desktop_app import secrets
from desktop_app.model_config import specs_for_settings
from desktop_app.settings import ModelChoice, Settings, load_settings, save_settings, settings_path
from tests.conftest import forget_keys_in_memory

KEY = "sk-test-0123456789"


def _store_key(settings: Settings, role: str, key: str, storage: str) -> None:
    """As Preferences → OK does: the keychain part (on a worker there), then the settings part."""
    if storage == secrets.KEYCHAIN or secrets.keychain_available():
        secrets.write_keychain(role, key if storage == secrets.KEYCHAIN else "")
    secrets.record_api_key(settings, role, key, storage)


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps its passwords in a dict (no OS keychain here)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}
        self.locked = False
        self.reads = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.reads += 1
        if self.locked:
            raise KeyringLocked("locked")
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.locked:
            raise KeyringLocked("locked")
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError("none")
        del self.store[(service, username)]


@pytest.fixture(autouse=True)
def _fresh_keys():
    previous = keyring.get_keyring()
    forget_keys_in_memory()
    yield
    keyring.set_keyring(previous)
    forget_keys_in_memory()


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def _remote_settings(**kwargs) -> Settings:
    remote = ModelChoice(kind="remote", base_url="http://127.0.0.1:9/v1", remote_model="m")
    return Settings(rewrite=remote, local_only=False, **kwargs)


def test_fail_backend_is_no_keychain() -> None:
    keyring.set_keyring(fail.Keyring())
    assert not secrets.keychain_available()
    settings = Settings()
    assert secrets.effective_storage(settings) == secrets.SESSION
    with pytest.raises(secrets.SecretStoreError, match="No keychain"):
        _store_key(settings, "rewrite", KEY, secrets.KEYCHAIN)


def test_keychain_round_trip_and_nothing_in_the_file(memory_keyring: MemoryKeyring) -> None:
    settings = _remote_settings()
    assert secrets.keychain_available()
    _store_key(settings, "rewrite", KEY, secrets.KEYCHAIN)
    save_settings(settings)
    assert memory_keyring.store == {(secrets.SERVICE, "api-key:rewrite"): KEY}
    assert KEY not in settings_path().read_text()
    forget_keys_in_memory()  # a new run: the key comes back from the keychain
    assert secrets.get_api_key(load_settings(), "rewrite") == KEY
    assert secrets.get_api_key(load_settings(), "inline") is None
    _inline, rewrite = specs_for_settings(load_settings())
    assert rewrite.api_key == KEY and KEY not in repr(rewrite)
    _store_key(settings, "rewrite", "", secrets.KEYCHAIN)  # empty: forget
    assert memory_keyring.store == {}


def test_session_storage_never_reaches_disk() -> None:
    keyring.set_keyring(fail.Keyring())
    settings = _remote_settings()
    _store_key(settings, "rewrite", KEY, secrets.SESSION)
    save_settings(settings)
    assert KEY not in settings_path().read_text()
    assert secrets.get_api_key(settings, "rewrite") == KEY
    forget_keys_in_memory()  # the session ends
    assert secrets.get_api_key(load_settings(), "rewrite") is None


def test_file_storage_is_private_and_moves_out_of_the_keychain(
    memory_keyring: MemoryKeyring,
) -> None:
    settings = _remote_settings()
    _store_key(settings, "rewrite", KEY, secrets.KEYCHAIN)
    _store_key(settings, "rewrite", KEY, secrets.FILE)
    save_settings(settings)
    assert memory_keyring.store == {}  # moved, not copied
    assert stat.S_IMODE(os.stat(settings_path()).st_mode) == 0o600
    loaded = load_settings()
    assert loaded.api_key_storage == "file"
    assert secrets.get_api_key(loaded, "rewrite") == KEY
    # Back to the keychain: the file copy is gone.
    _store_key(settings, "rewrite", KEY, secrets.KEYCHAIN)
    save_settings(settings)
    assert KEY not in settings_path().read_text()


def test_locked_keychain_error_names_no_key(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.locked = True
    with pytest.raises(secrets.SecretStoreError) as caught:
        _store_key(Settings(), "inline", KEY, secrets.KEYCHAIN)
    assert "KeyringLocked" in str(caught.value)
    assert KEY not in str(caught.value) and caught.value.__cause__ is None
    assert secrets.get_api_key(Settings(), "inline") is None


def test_local_only_never_asks_the_keychain(memory_keyring: MemoryKeyring) -> None:
    settings = _remote_settings()
    settings.local_only = True
    assert specs_for_settings(settings)[1] is None
    assert memory_keyring.reads == 0
    settings.local_only = False
    assert specs_for_settings(settings)[1].kind == "remote"
    assert memory_keyring.reads == 1
