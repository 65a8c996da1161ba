"""Edit → Preferences: which model serves each path, remote endpoints, API keys, local-only mode.

OK applies the choices live through `MainWindow.apply_model_settings()`: the model host loads the
new model beside the old one, which keeps serving until the new one is ready. A GGUF file is
checked before OK can be pressed (header, completeness, sha256, off the GUI thread); if it then
fails to load anyway, `SwitchWatch` puts the previous choice back in the settings and tells the
writer, while the host keeps the previous model serving.
"""

from __future__ import annotations

import itertools
import logging

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QMessageBox,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
)

from desktop_app import secrets
from desktop_app.preferences.tasks import TaskRelay, run_task
from desktop_app.settings import ModelChoice, settings_path
from ui.preferences.appearance import AppearancePage
from ui.preferences.model_section import ModelSection
from ui.preferences.proofreading import ProofreadingSection
from ui.preferences.shortcuts import ShortcutsPage

log = logging.getLogger(__name__)

ROLES = (("inline", "Inline suggestions"), ("rewrite", "Rewrites"))
_jobs = itertools.count(1)


class SwitchWatch(QObject):
    """Watches one path's switch to a new local model; on a failed load, restores the setting."""

    def __init__(self, window, role: str, previous: ModelChoice, wanted: ModelChoice) -> None:
        super().__init__(window)
        self._window = window
        self.role = role
        self.previous = previous
        self.wanted = wanted
        window.models.load_failed.connect(self._on_failed)
        window.models.state_changed.connect(self._on_state)

    @Slot(str, str, str)
    def _on_state(self, role: str, state: str, _message: str) -> None:
        if role == self.role and state == "ready" and self._window.models.spec(role) is not None:
            spec = self._window.models.spec(role)
            if spec.kind == self.wanted.kind and (spec.path or "") == self.wanted.gguf_path:
                self._finish()

    @Slot(str, str)
    def _on_failed(self, role: str, reason: str) -> None:
        if role != self.role:
            return
        settings = self._window.settings
        if getattr(settings, role) == self.wanted:  # the writer has not chosen again since
            setattr(settings, role, self.previous)
            self._window.persist_settings()
        label = dict(ROLES)[role]
        message = f"{label}: the new model could not be loaded ({reason}); the previous one stays."
        status = self._window.status
        # After the host's own state messages for this failure, which follow this signal.
        QTimer.singleShot(0, status, lambda: status.showMessage(message, 15000))
        self._finish()

    def _finish(self) -> None:
        models = self._window.models
        models.load_failed.disconnect(self._on_failed)
        models.state_changed.disconnect(self._on_state)
        self.deleteLater()


class PreferencesDialog(QDialog):
    """Model choices per path, remote endpoint, API key storage, local-only mode."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setWindowTitle("Preferences")
        self.resize(640, 520)
        self._main = window
        settings = window.settings
        self._relay = TaskRelay()
        self._relay.finished.connect(self._on_task)
        self._key_reads: dict[int, str] = {}  # job -> role whose key is being read
        self._probe_job: int | None = None
        self._store_job: tuple[int, dict[str, str], str] | None = None  # job, keys, storage
        # Made first: the pages report their state while they are built.
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        self.local_only = QCheckBox(
            "Local-only mode: never send text to a server (every remote choice is off)"
        )
        self.local_only.setChecked(settings.local_only)
        self.tabs = QTabWidget()
        self.sections: dict[str, ModelSection] = {}
        for role, label in ROLES:
            section = ModelSection(role, getattr(settings, role), "", self)
            section.validity_changed.connect(self._update_ok)
            self.sections[role] = section
            self.tabs.addTab(section, label)
        self.page = AppearancePage(settings.appearance, self)
        self.shortcuts = ShortcutsPage(settings.shortcuts, self)
        self.tabs.addTab(self.page, "Page")
        self.tabs.addTab(self.shortcuts, "Shortcuts")
        self.proofreading = ProofreadingSection(settings.proofreading, self)
        self.tabs.addTab(self.proofreading, "Proofreading")

        self.keys_box = QGroupBox("API keys")
        self._keys_layout = QVBoxLayout(self.keys_box)
        self.keychain: str | None = None  # None until the keychain was looked for
        self.keys_note = QLabel("Looking for a system keychain…")
        self.keys_note.setWordWrap(True)
        self._keys_layout.addWidget(self.keys_note)
        self.session_radio = QRadioButton("For this session only (forgotten when Inkling quits)")
        self.file_radio = QRadioButton(
            f"In the settings file, unencrypted but readable only by you ({settings_path()})"
        )
        self._storage_group = QButtonGroup(self)
        # The first look for a keychain may be a D-Bus round trip: never on the GUI thread.
        if secrets.keychain_probed():
            self._keychain_found(secrets.keychain_name())
        else:
            self._probe_job = next(_jobs)
            run_task(self._relay, self._probe_job, secrets.probe_keychain)

        layout = QVBoxLayout(self)
        layout.addWidget(self.local_only)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.keys_box)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.local_only.toggled.connect(self._on_local_only)
        self._on_local_only(settings.local_only)

    def _keychain_found(self, name: str) -> None:
        """Finish the keys part once the keychain was looked for; then read remote paths' keys."""
        settings = self._main.settings
        self.keychain = name
        if name:
            self.keys_note.setText(f"API keys are kept in your system keychain ({name}).")
        else:
            self.keys_note.setText(
                "No system keychain is available, so Inkling cannot store API keys securely. "
                "Keep them:"
            )
            for radio in (self.session_radio, self.file_radio):
                self._storage_group.addButton(radio)
                self._keys_layout.addWidget(radio)
            stored = secrets.effective_storage(settings)
            (self.file_radio if stored == secrets.FILE else self.session_radio).setChecked(True)
        for role, section in self.sections.items():
            # Only a remote path's key is read: a local setup never asks the keychain. A
            # keychain may block (locked, a prompt): it is read in the background.
            if getattr(settings, role).kind != "remote":
                continue
            if secrets.key_known_without_keychain(settings, role):
                section.set_initial_key(secrets.get_api_key(settings, role) or "")
                continue
            section.begin_key_read()
            job = next(_jobs)
            self._key_reads[job] = role
            run_task(self._relay, job, lambda r=role: secrets.get_api_key(settings, r))
        self._update_ok()

    @property
    def ok_button(self):
        """The OK button (enabled only when every page can be applied)."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    @Slot(bool)
    def _on_local_only(self, local_only: bool) -> None:
        for section in self.sections.values():
            section.set_local_only(local_only)
        self.keys_box.setEnabled(not local_only)
        self._update_ok()

    @Slot()
    def _update_ok(self) -> None:
        problems = [
            f"{label}: {self.sections[role].problem()}"
            for role, label in ROLES
            if role in self.sections and self.sections[role].problem()
        ]
        if getattr(self, "keychain", "") is None:
            problems.append("Looking for a system keychain…")
        self.problem_label.setText("\n".join(problems))
        self.problem_label.setVisible(bool(problems))
        self.ok_button.setEnabled(not problems)

    def key_storage(self) -> str:
        """Where API keys go: the keychain if there is one, else the writer's choice."""
        if self.keychain:
            return secrets.KEYCHAIN
        return secrets.FILE if self.file_radio.isChecked() else secrets.SESSION

    def accept(self) -> None:
        """Store the keys, apply the model choices live and close."""
        if not self.ok_button.isEnabled() or self._store_job is not None:
            return
        settings = self._main.settings
        storage = self.key_storage()
        moved = storage != secrets.effective_storage(settings)
        keys = {
            role: section.api_key()
            for role, section in self.sections.items()
            if section.key_changed() or moved
        }
        # A key moved out of the keychain is removed from it, as a key moved in is written.
        leaving = storage != secrets.KEYCHAIN and moved and secrets.keychain_available()
        if not keys or (storage != secrets.KEYCHAIN and not leaving):
            self._apply(keys, storage)
            return
        # The keychain may block (a locked keyring, an unlock prompt): never on the GUI thread.
        job = next(_jobs)
        self._store_job = (job, keys, storage)
        self.buttons.setEnabled(False)
        self.problem_label.setText("Storing the API keys in the keychain…")
        self.problem_label.setVisible(True)

        def store() -> None:
            for role, key in keys.items():
                secrets.write_keychain(role, key if storage == secrets.KEYCHAIN else "")

        run_task(self._relay, job, store)

    @Slot(int, object, object)
    def _on_task(self, job: int, result: object, error: object) -> None:
        if job == self._probe_job:
            self._keychain_found(result if isinstance(result, str) else "")
            return
        if job in self._key_reads:
            self.sections[self._key_reads.pop(job)].set_initial_key(result or "")
            return
        if self._store_job is None or self._store_job[0] != job:
            return
        _job, keys, storage = self._store_job
        self._store_job = None
        self.buttons.setEnabled(True)
        self._update_ok()
        if error is not None:
            QMessageBox.warning(self, "API key not stored", str(error))
            return
        self._apply(keys, storage)

    def _apply(self, keys: dict[str, str], storage: str) -> None:
        window = self._main
        settings = window.settings
        for role, key in keys.items():
            secrets.record_api_key(settings, role, key, storage)
        settings.local_only = self.local_only.isChecked()
        for role, section in self.sections.items():
            previous = getattr(settings, role)
            wanted = section.choice()
            setattr(settings, role, wanted)
            changed_file = wanted.kind == "gguf" and (
                previous.kind != "gguf" or previous.gguf_path != wanted.gguf_path
            )
            if changed_file and window.models is not None:
                SwitchWatch(window, role, previous, wanted)
        self.page.apply(window)
        self.shortcuts.apply(window)
        if self.proofreading.apply(settings.proofreading) and window.proofreading is not None:
            window.proofreading.apply_settings()
        window.apply_model_settings()
        super().accept()
