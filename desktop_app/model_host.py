"""The models the app uses, loaded and swapped without ever blocking the GUI thread.

`ModelHost` owns the model of each path ("inline" and "rewrite"). Loads run on plain worker
threads; their results come back to the GUI thread through a queued signal. A new choice
(`configure`) loads beside the old model, which keeps serving until the new one is ready; a load
that fails keeps the old model and reports why. Two paths that use the same local file share one
loaded model. Old models are closed on a worker thread too (closing waits for the token in
flight).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_app.perf import lower_thread_priority
from desktop_app.relay import GuiRelay
from models.base import ModelError, TextModel
from models.spec import ModelSpec

log = logging.getLogger(__name__)

ROLES = ("inline", "rewrite")
LOADING, READY, UNAVAILABLE, OFF = "loading", "ready", "unavailable", "off"

Opener = Callable[..., TextModel]


@dataclass
class _Shared:
    """One loaded model and the roles using it."""

    model: TextModel
    roles: set[str] = field(default_factory=set)


@dataclass
class _Load:
    """A load in flight for one key, and the (role, ticket) pairs waiting for it."""

    key: tuple
    waiting: list[tuple[str, int]] = field(default_factory=list)


def _share_key(spec: ModelSpec, role: str) -> tuple:
    """Specs with equal keys load the same weights and may share one model."""
    if spec.kind == "bundled":
        from models.registry import default_for

        return ("bundled", spec.bundled_id or default_for(role).id)
    if spec.kind == "gguf":
        return ("gguf", str(Path(spec.path or "").expanduser().resolve()))
    # A remote model keeps per-path deadlines and retries: never shared.
    return ("remote", role, spec.base_url, spec.model, spec.api_key)


class ModelHost(QObject):
    """Loads, serves and swaps the inline and rewrite models (QtCore only, no widgets)."""

    # (role, state, message): state is "loading", "ready", "unavailable" or "off".
    state_changed = Signal(str, str, str)
    # (role, reason): a load failed (the previous model, if any, keeps serving).
    load_failed = Signal(str, str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        models_dir: Path | None = None,
        opener: Opener | None = None,
    ) -> None:
        super().__init__(parent)
        if models_dir is None:
            from desktop_app.paths import models_dir as default_models_dir

            models_dir = default_models_dir()
        if opener is None:
            from models.factory import open_model as opener
        self._models_dir = Path(models_dir)
        self._open = opener
        self._specs: dict[str, ModelSpec | None] = dict.fromkeys(ROLES)
        self._states: dict[str, tuple[str, str]] = dict.fromkeys(ROLES, (OFF, "No model"))
        # model() is also called from worker threads (the suggestion engine's): guard the maps.
        self._lock = threading.RLock()
        self._serving: dict[str, tuple | None] = dict.fromkeys(ROLES)  # role -> key
        self._shared: dict[tuple, _Shared] = {}
        self._loads: dict[tuple, _Load] = {}
        self._tickets = itertools.count(1)
        self._ticket: dict[str, int] = dict.fromkeys(ROLES, 0)
        self._threads: list[threading.Thread] = []
        # Models loaded by a worker but not yet claimed on the GUI thread (closed at shutdown).
        self._unclaimed_lock = threading.Lock()
        self._unclaimed: list[TextModel] = []
        self._shut = False
        self._relay = GuiRelay(self)

    # -- public API ------------------------------------------------------------------------

    def start(self, inline_spec: ModelSpec | None, rewrite_spec: ModelSpec | None) -> None:
        """Load both paths' models in the background (None turns a path off)."""
        self.configure("inline", inline_spec)
        self.configure("rewrite", rewrite_spec)

    def configure(self, role: str, spec: ModelSpec | None) -> None:
        """Switch `role` to `spec`; the current model serves until the new one is ready."""
        self._check_role(role)
        if self._shut:
            return
        ticket = next(self._tickets)
        self._ticket[role] = ticket
        self._specs[role] = spec
        if spec is None:
            self._release(role)
            self._set_state(role, OFF, "Off")
            return
        key = _share_key(spec, role)
        if self._serving[role] == key:
            self._set_state(role, READY, self._shared[key].model.name)
            return
        if key in self._shared:  # the other path already has it loaded
            self._assign(role, key)
            return
        from models.factory import display_name

        self._set_state(role, LOADING, f"Loading {display_name(spec, role=role)}…")
        load = self._loads.get(key)
        if load is None:
            load = self._loads[key] = _Load(key)
            self._spawn(key, spec, role)
        load.waiting.append((role, ticket))

    def model(self, role: str) -> TextModel | None:
        """The model serving `role` now, or None (loading, unavailable or off). Any thread."""
        self._check_role(role)
        with self._lock:
            key = self._serving[role]
            return self._shared[key].model if key is not None else None

    def state(self, role: str) -> tuple[str, str]:
        """(state, message) of `role`, as last sent by `state_changed`."""
        self._check_role(role)
        return self._states[role]

    def spec(self, role: str) -> ModelSpec | None:
        """The spec last asked for `role` (it may still be loading)."""
        self._check_role(role)
        return self._specs[role]

    def shutdown(self) -> None:
        """Close every model and wait for all loading and closing threads to end."""
        if self._shut:
            return
        self._shut = True
        for thread in list(self._threads):
            thread.join()
        self._threads.clear()
        with self._lock:
            models = [shared.model for shared in self._shared.values()]
            self._shared.clear()
            self._serving = dict.fromkeys(ROLES)
        with self._unclaimed_lock:
            models += self._unclaimed
            self._unclaimed.clear()
        for model in models:
            self._close_quietly(model)
        for role in ROLES:
            self._states[role] = (OFF, "Closed")

    # -- loading ---------------------------------------------------------------------------

    def _spawn(self, key: tuple, spec: ModelSpec, role: str) -> None:
        relay = self._relay

        def work() -> None:
            lower_thread_priority()
            model: TextModel | None = None
            error = ""
            try:
                model = self._open(spec, role=role, models_dir=self._models_dir)
            except ModelError as failure:
                error = str(failure)
            except Exception as failure:  # a bug must not leave the path "loading" forever
                log.exception("loading %s failed", spec.describe())
                error = f"Could not load the model: {type(failure).__name__}: {failure}"
            if model is not None:
                with self._unclaimed_lock:
                    self._unclaimed.append(model)
            if not relay.post(self._on_delivered, (key, model, error)) and model is not None:
                self._close_quietly(model)  # the host was deleted without shutdown(): no leak

        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=work, name=f"model-load:{role}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _on_delivered(self, result: tuple) -> None:
        key, model, error = result
        load = self._loads.pop(key, None)
        if model is not None:
            with self._unclaimed_lock:
                if model not in self._unclaimed:
                    return  # shutdown already closed it
                self._unclaimed.remove(model)
        if self._shut:
            if model is not None:
                self._close_quietly(model)
            return
        waiting = [(r, t) for r, t in (load.waiting if load else []) if self._ticket[r] == t]
        if model is None:
            for role, _ticket in waiting:
                self._report_failure(role, error)
            return
        if not waiting:  # every path moved on while it loaded
            self._close_later(model)
            return
        with self._lock:
            self._shared[key] = _Shared(model)
        for role, _ticket in waiting:
            self._assign(role, key)

    def _assign(self, role: str, key: tuple) -> None:
        with self._lock:
            shared = self._shared[key]
            if self._serving[role] != key:
                self._release(role)
                shared.roles.add(role)
                self._serving[role] = key
        self._set_state(role, READY, shared.model.name)

    def _release(self, role: str) -> None:
        with self._lock:
            key = self._serving[role]
            self._serving[role] = None
            if key is None:
                return
            shared = self._shared[key]
            shared.roles.discard(role)
            if shared.roles:
                return
            del self._shared[key]
        self._close_later(shared.model)

    def _report_failure(self, role: str, reason: str) -> None:
        self.load_failed.emit(role, reason)
        self._set_state(role, UNAVAILABLE, reason)
        current = self.model(role)
        if current is not None:
            self._set_state(role, READY, f"{current.name} (kept; the new model failed: {reason})")

    # -- helpers ---------------------------------------------------------------------------

    def _close_later(self, model: TextModel) -> None:
        # Closing waits for the token in flight: never on the GUI thread.
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(
            target=self._close_quietly, args=(model,), name="model-close", daemon=True
        )
        self._threads.append(thread)
        thread.start()

    @staticmethod
    def _close_quietly(model: TextModel) -> None:
        try:
            model.close()
        except Exception:
            log.exception("closing %s failed", model)

    def _set_state(self, role: str, state: str, message: str) -> None:
        self._states[role] = (state, message)
        self.state_changed.emit(role, state, message)

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
