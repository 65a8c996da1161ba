"""API keys for remote models: the OS keychain when one exists, else session-only or the config file.

Each path ("inline", "rewrite") has its own key, so a key meant for one server is never sent to
the other path's server. Where the key lives is `Settings.api_key_storage`: "" (the keychain,
through `keyring`), "session" (this process's memory only) or "file" (the settings file, which
is written mode 0600; only with the writer's explicit consent). Keys read once are cached in
memory, so later look-ups never wait on the keychain. Nothing here ever logs a key.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from desktop_app.settings import Settings

log = logging.getLogger(__name__)

SERVICE = "Inkling"
KEYCHAIN, SESSION, FILE = "", "session", "file"
STORAGES = (KEYCHAIN, SESSION, FILE)
ROLES = ("inline", "rewrite")

_lock = threading.Lock()
# role -> key kept for this session (SESSION storage), or read from the keychain (a cache).
_session: dict[str, str] = {}
_keychain_cache: dict[str, str | None] = {}


class SecretStoreError(RuntimeError):
    """The key could not be stored or read; the message never contains the key."""


def _username(role: str) -> str:
    return f"api-key:{role}"


def keychain_backend():
    """The `keyring` backend when it is a real keychain, else None (fail or null backend)."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null

        backend = keyring.get_keyring()
    except Exception as error:  # a broken keyring install must not stop the editor
        log.warning("No keychain: %s", type(error).__name__)
        return None
    finally:
        global _probed
        _probed = True
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


_probed = False


def keychain_probed() -> bool:
    """True once the keychain was looked for in this process (later looks are cheap)."""
    return _probed


def probe_keychain() -> str:
    """Look for the keychain (the first look may be a D-Bus round trip: call it off the GUI
    thread); return its name, "" when there is none."""
    return keychain_name()


def keychain_available() -> bool:
    """True when keys can go to an OS keychain."""
    return keychain_backend() is not None


def keychain_name() -> str:
    """A short name for the keychain in use ("" when there is none)."""
    backend = keychain_backend()
    return getattr(backend, "name", type(backend).__name__) if backend is not None else ""


def effective_storage(settings: Settings) -> str:
    """Where keys go now: the chosen storage, or "session" when the keychain is missing."""
    storage = settings.api_key_storage if settings.api_key_storage in STORAGES else KEYCHAIN
    if storage == KEYCHAIN and not keychain_available():
        return SESSION
    return storage


def _file_field(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return f"{role}_api_key_in_file"


def get_api_key(settings: Settings, role: str) -> str | None:
    """The key for `role`'s remote server, or None. May read the keychain once (then cached)."""
    field = _file_field(role)
    storage = effective_storage(settings)
    if storage == FILE:
        return getattr(settings, field) or None
    if storage == SESSION:
        with _lock:
            return _session.get(role) or None
    with _lock:
        if role in _keychain_cache:
            return _keychain_cache[role]
    backend = keychain_backend()
    key: str | None = None
    if backend is not None:
        try:
            key = backend.get_password(SERVICE, _username(role)) or None
        except Exception as error:  # locked or unreachable keychain: the path runs keyless
            log.warning(
                "Cannot read the %s API key from the keychain: %s", role, type(error).__name__
            )
            return None
    with _lock:
        _keychain_cache[role] = key
    return key


def write_keychain(role: str, key: str) -> None:
    """Put `key` in the keychain for `role` (empty: delete it). Blocking; any thread.

    Raises `SecretStoreError` naming the keychain's error type, never the key.
    """
    _file_field(role)
    key = key.strip()
    backend = keychain_backend()
    if backend is None:
        raise SecretStoreError("No keychain is available on this system.")
    try:
        if key:
            backend.set_password(SERVICE, _username(role), key)
        else:
            _delete_from_keychain(backend, role)
    except Exception as error:
        raise SecretStoreError(
            f"The keychain refused the {role} API key ({type(error).__name__})."
        ) from None
    with _lock:
        _keychain_cache[role] = key or None


def record_api_key(settings: Settings, role: str, key: str, storage: str) -> None:
    """Note where `role`'s key lives, in memory and `settings` only (the keychain part is done).

    Never blocks. A key must never linger in the file after the writer moved it elsewhere.
    """
    if storage not in STORAGES:
        raise ValueError(f"unknown key storage {storage!r}")
    field = _file_field(role)
    key = key.strip()
    settings.api_key_storage = storage
    setattr(settings, field, key if storage == FILE else "")
    with _lock:
        _session.pop(role, None)
        if storage == SESSION and key:
            _session[role] = key
        if storage == KEYCHAIN:
            _keychain_cache[role] = key or None
        else:
            _keychain_cache.pop(role, None)


def key_known_without_keychain(settings: Settings, role: str) -> bool:
    """True when `get_api_key` answers from memory or the settings (no keychain read)."""
    if effective_storage(settings) != KEYCHAIN:
        return True
    with _lock:
        return role in _keychain_cache


def _delete_from_keychain(backend, role: str) -> None:
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):  # nothing stored: nothing to forget
        backend.delete_password(SERVICE, _username(role))
