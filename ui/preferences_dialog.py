"""Edit → Preferences: which model serves each path, remote endpoints, API keys, local-only mode.

OK applies the choices live through `MainWindow.apply_model_settings()`: the model host loads the
new model beside the old one, which keeps serving until the new one is ready. A GGUF file is
checked before OK can be pressed (header, completeness, sha256, off the GUI thread); if it then
fails to load anyway, `SwitchWatch` puts the previous choice back in the settings and tells the
writer, while the host keeps the previous model serving.
"""

from __future__ import annotations

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
from desktop_app.settings import ModelChoice, settings_path
from ui.model_section import ModelSection

log = logging.getLogger(__name__)

ROLES = (("inline", "Inline suggestions"), ("rewrite", "Rewrites"))


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
            self._window._persist()
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

        self.local_only = QCheckBox(
            "Local-only mode: never send text to a server (every remote choice is off)"
        )
        self.local_only.setChecked(settings.local_only)
        self.tabs = QTabWidget()
        self.sections: dict[str, ModelSection] = {}
        for role, label in ROLES:
            choice = getattr(settings, role)
            # Only a remote path's key is read: a local setup never asks the keychain.
            key = secrets.get_api_key(settings, role) if choice.kind == "remote" else ""
            section = ModelSection(role, choice, key or "", self)
            section.validity_changed.connect(self._update_ok)
            self.sections[role] = section
            self.tabs.addTab(section, label)

        self.keys_box = QGroupBox("API keys")
        keys_layout = QVBoxLayout(self.keys_box)
        self.keychain = secrets.keychain_name()
        self.session_radio = QRadioButton("For this session only (forgotten when Inkling quits)")
        self.file_radio = QRadioButton(
            f"In the settings file, unencrypted but readable only by you ({settings_path()})"
        )
        self._storage_group = QButtonGroup(self)
        if self.keychain:
            self.keys_note = QLabel(f"API keys are kept in your system keychain ({self.keychain}).")
            keys_layout.addWidget(self.keys_note)
        else:
            self.keys_note = QLabel(
                "No system keychain is available, so Inkling cannot store API keys securely. "
                "Keep them:"
            )
            self.keys_note.setWordWrap(True)
            keys_layout.addWidget(self.keys_note)
            for radio in (self.session_radio, self.file_radio):
                self._storage_group.addButton(radio)
                keys_layout.addWidget(radio)
            stored = secrets.effective_storage(settings)
            (self.file_radio if stored == secrets.FILE else self.session_radio).setChecked(True)

        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.local_only)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.keys_box)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.local_only.toggled.connect(self._on_local_only)
        self._on_local_only(settings.local_only)

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
        if not self.ok_button.isEnabled():
            return
        window = self._main
        settings = window.settings
        storage = self.key_storage()
        moved = storage != secrets.effective_storage(settings)
        for role, section in self.sections.items():
            if not (section.key_changed() or moved):
                continue
            try:
                secrets.set_api_key(settings, role, section.api_key(), storage)
            except secrets.SecretStoreError as error:
                QMessageBox.warning(self, "API key not stored", str(error))
                return
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
        window.apply_model_settings()
        super().accept()
