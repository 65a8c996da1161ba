"""One path's page in Preferences: bundled model, a GGUF file, or a remote server, plus options.

Every blocking step (reading and hashing a GGUF file, listing a server's models, testing a
connection) runs in `desktop_app.preferences.tasks`; answers carry a job id and a stale one is dropped.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.preferences.tasks import TaskRelay, run_task
from desktop_app.settings import ModelChoice
from models.registry import BUNDLED
from models.remote.transport import check_url
from ui.preferences.generation import generation_options

PRESETS = (
    ("Ollama", "http://localhost:11434/v1"),
    ("LM Studio", "http://localhost:1234/v1"),
    ("llama.cpp server", "http://localhost:8080/v1"),
    ("OpenAI", "https://api.openai.com/v1"),
)
KINDS = ("bundled", "gguf", "remote")
_jobs = itertools.count(1)


def _check_gguf_file(path: str):
    """Header, completeness, sha256 and a trial load of a GGUF file (blocking: runs in the pool)."""
    from models.local.gguf import check_gguf, inspect_gguf
    from models.local.trial import trial_load

    info = inspect_gguf(path)
    check_gguf(path)
    trial_load(path)  # a file that crashes llama.cpp must crash a child, not the editor
    return info


def _connection():
    """`models.remote.connection`, imported on the worker that uses it: openai and httpx take
    a noticeable time to import, which must not freeze the dialog on the first click."""
    from models.remote import connection

    return connection


def _fail_text(error: BaseException | None, secret: str) -> str:
    """An error as one line, with the key masked even if some layer let it through."""
    text = str(error) or type(error).__name__
    return text.replace(secret, "•••") if secret else text


class ModelSection(QWidget):
    """Chooses the model and generation options for one path ("inline" or "rewrite")."""

    #: Something that decides whether OK may be pressed changed.
    validity_changed = Signal()

    def __init__(self, role: str, choice: ModelChoice, api_key: str, parent=None) -> None:
        super().__init__(parent)
        self.role = role
        self._initial = choice
        self._initial_key = api_key
        self._key_pending = False  # the key is being read from the keychain
        self._local_only = False
        self._relay = TaskRelay()
        self._relay.finished.connect(self._on_task)
        self._pending: dict[str, int] = {}  # what ("gguf", "models", "test") -> latest job id
        self._contexts: dict[int, str] = {}  # job id -> the path or URL it was asked for
        self._gguf_result: tuple[str, object] | None = None  # (path, GgufInfo | error text)

        self.kind_group = QButtonGroup(self)
        self.kind_radios: dict[str, QRadioButton] = {}
        kinds = QHBoxLayout()
        for kind, label in zip(KINDS, ("Bundled model", "GGUF file", "Remote server"), strict=True):
            radio = QRadioButton(label)
            self.kind_group.addButton(radio)
            self.kind_radios[kind] = radio
            kinds.addWidget(radio)
        kinds.addStretch(1)

        # Bundled
        self.bundled_box = QWidget()
        self.bundled_combo = QComboBox()
        for entry in BUNDLED.values():
            self.bundled_combo.addItem(entry.display_name, entry.id)
        form = QFormLayout(self.bundled_box)
        form.addRow("Model:", self.bundled_combo)

        # GGUF file
        self.gguf_box = QWidget()
        self.gguf_edit = QLineEdit()
        self.gguf_edit.setPlaceholderText("/path/to/model.gguf")
        self.gguf_browse = QPushButton("Choose…")
        self.gguf_info = QLabel()
        self.gguf_info.setWordWrap(True)
        self.gguf_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.gguf_edit, 1)
        row.addWidget(self.gguf_browse)
        form = QFormLayout(self.gguf_box)
        form.addRow("File:", row)
        form.addRow(self.gguf_info)

        # Remote
        self.remote_box = QWidget()
        self.preset_combo = QComboBox()
        self.preset_combo.addItem("Presets…", "")
        for name, url in PRESETS:
            self.preset_combo.addItem(name, url)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("http://localhost:8080/v1")
        self.url_warning = QLabel()
        self.url_warning.setWordWrap(True)
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.lineEdit().setPlaceholderText("model name")
        self.fetch_button = QPushButton("Fetch models")
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("not needed for most local servers")
        self.test_button = QPushButton("Test connection")
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url_edit, 1)
        url_row.addWidget(self.preset_combo)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_combo, 1)
        model_row.addWidget(self.fetch_button)
        form = QFormLayout(self.remote_box)
        form.addRow("Base URL:", url_row)
        form.addRow(self.url_warning)
        form.addRow("Model:", model_row)
        form.addRow("API key:", self.key_edit)
        form.addRow(self.test_button, self.test_result)
        self.local_only_note = QLabel(
            "Local-only mode is on: remote servers are off, and this path stays off until "
            "you choose a local model."
        )
        self.local_only_note.setWordWrap(True)

        options = generation_options(self)  # length and creativity, in a writer's words

        layout = QVBoxLayout(self)
        layout.addLayout(kinds)
        for box in (self.bundled_box, self.gguf_box, self.remote_box):
            layout.addWidget(box)
        layout.addWidget(self.local_only_note)
        layout.addLayout(options)
        layout.addStretch(1)

        self._load(choice, api_key)
        self.kind_group.buttonToggled.connect(self._on_kind)
        self.gguf_browse.clicked.connect(self._browse)
        self.gguf_edit.editingFinished.connect(self._gguf_edited)
        self.preset_combo.activated.connect(self._on_preset)
        self.url_edit.textChanged.connect(self._on_url)
        self.model_combo.editTextChanged.connect(lambda _t: self.validity_changed.emit())
        self.fetch_button.clicked.connect(self.fetch_models)
        self.test_button.clicked.connect(self.test_connection)
        self._on_kind()
        self._on_url()
        if choice.kind == "gguf" and choice.gguf_path:
            self.check_gguf(choice.gguf_path)

    # -- state -----------------------------------------------------------------------------

    def _load(self, choice: ModelChoice, api_key: str) -> None:
        kind = choice.kind if choice.kind in KINDS else "bundled"
        self.kind_radios[kind].setChecked(True)
        index = self.bundled_combo.findData(choice.bundled_id)
        self.bundled_combo.setCurrentIndex(max(index, 0))
        self.gguf_edit.setText(choice.gguf_path)
        self.url_edit.setText(choice.base_url)
        self.model_combo.setEditText(choice.remote_model)
        self.key_edit.setText(api_key)
        self.max_tokens.setValue(choice.max_tokens)
        self.temperature.setValue(choice.temperature)

    def kind(self) -> str:
        """The chosen kind: "bundled", "gguf" or "remote"."""
        for kind, radio in self.kind_radios.items():
            if radio.isChecked():
                return kind
        return "bundled"

    def choice(self) -> ModelChoice:
        """The settings this page describes (fields of the other kinds are kept as they were)."""
        return replace(
            self._initial,
            kind=self.kind(),
            bundled_id=self.bundled_combo.currentData() or "",
            gguf_path=self.gguf_edit.text().strip(),
            base_url=self.url_edit.text().strip(),
            remote_model=self.model_combo.currentText().strip(),
            max_tokens=self.max_tokens.value(),
            temperature=round(self.temperature.value(), 2),
        )

    def api_key(self) -> str:
        """The API key typed for this path ("" for none)."""
        return self.key_edit.text().strip()

    def key_changed(self) -> bool:
        """True when the writer changed the API key."""
        return self.api_key() != self._initial_key.strip()

    def begin_key_read(self) -> None:
        """The key is being read from the keychain in the background: wait for it."""
        self._key_pending = True
        self.key_edit.setEnabled(False)
        self.key_edit.setPlaceholderText("reading the keychain…")
        self.validity_changed.emit()

    def set_initial_key(self, key: str) -> None:
        """The key as stored (read from the keychain in the background)."""
        self._initial_key = key
        self._key_pending = False
        self.key_edit.setText(key)
        self.key_edit.setEnabled(True)
        self.key_edit.setPlaceholderText("not needed for most local servers")
        self.validity_changed.emit()

    def problem(self) -> str:
        """Why this page cannot be applied yet ("" when it can)."""
        if self._key_pending:
            return "Reading the API key from the keychain…"
        kind = self.kind()
        if kind == "gguf":
            path = self.gguf_edit.text().strip()
            if not path:
                return "Choose a GGUF file."
            if self._gguf_result is None or self._gguf_result[0] != path:
                return "Checking the GGUF file…"
            if isinstance(self._gguf_result[1], str):
                return self._gguf_result[1]
        if kind == "remote" and not self._local_only:
            verdict = check_url(self.url_edit.text())
            if not verdict.ok:
                return verdict.warning
            if not self.model_combo.currentText().strip():
                return "Choose the server's model name."
        return ""

    def busy(self) -> bool:
        """True while a check for this page runs."""
        return bool(self._pending)

    def set_local_only(self, local_only: bool) -> None:
        """Disable every remote control in local-only mode."""
        self._local_only = local_only
        self.kind_radios["remote"].setEnabled(not local_only)
        self._on_kind()

    # -- reactions -------------------------------------------------------------------------

    @Slot()
    def _on_kind(self, *_args) -> None:
        kind = self.kind()
        self.bundled_box.setVisible(kind == "bundled")
        self.gguf_box.setVisible(kind == "gguf")
        self.remote_box.setVisible(kind == "remote")
        self.remote_box.setEnabled(not self._local_only)
        self.local_only_note.setVisible(kind == "remote" and self._local_only)
        if kind == "gguf" and self._gguf_result is None and self.gguf_edit.text().strip():
            self.check_gguf(self.gguf_edit.text().strip())
        self.validity_changed.emit()

    @Slot()
    def _browse(self) -> None:
        start = self.gguf_edit.text().strip() or str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose a GGUF model", start, "GGUF models (*.gguf);;All files (*)"
        )
        if path:
            self.gguf_edit.setText(path)
            self.check_gguf(path)

    @Slot()
    def _gguf_edited(self) -> None:
        path = self.gguf_edit.text().strip()
        if path and (self._gguf_result is None or self._gguf_result[0] != path):
            self.check_gguf(path)

    def check_gguf(self, path: str) -> None:
        """Read, check and hash `path` in the background; show what it is or why it won't do."""
        self._gguf_result = None
        self.gguf_info.setText(f"Checking {Path(path).name}…")
        self._start("gguf", lambda: _check_gguf_file(path), path)
        self.validity_changed.emit()

    @Slot(int)
    def _on_preset(self, index: int) -> None:
        url = self.preset_combo.itemData(index)
        if url:
            self.url_edit.setText(url)

    @Slot()
    def _on_url(self, *_args) -> None:
        text = self.url_edit.text().strip()
        verdict = check_url(text)
        warning = verdict.warning if text else ""
        # The preset list names the server when the URL is one of them (no activated signal).
        self.preset_combo.setCurrentIndex(max(self.preset_combo.findData(text), 0))
        self.url_warning.setText(f"⚠ {warning}" if warning else "")
        self.url_warning.setVisible(bool(warning))
        self.validity_changed.emit()

    @Slot()
    def fetch_models(self) -> None:
        """Fill the model names from the server's `GET /v1/models` (in the background)."""
        if self._local_only:
            return
        url, key = self.url_edit.text().strip(), self.api_key()
        self.test_result.setText("Asking the server for its models…")
        self._start("models", lambda: _connection().list_models(url, key or None), url)

    @Slot()
    def test_connection(self) -> None:
        """Ask the server for one token (in the background) and show the time or the error."""
        if self._local_only:
            return
        url, key = self.url_edit.text().strip(), self.api_key()
        model = self.model_combo.currentText().strip()
        if not model:
            self.test_result.setText("✗ Choose the server's model name first (or Fetch models).")
            return
        self.test_button.setEnabled(False)
        self.test_result.setText("Testing…")
        inline = self.role == "inline"
        self._start(
            "test",
            lambda: _connection().test_connection(url, model, key or None, inline=inline),
            url,
        )

    def _start(self, what: str, fn, context: str) -> None:
        job = next(_jobs)
        self._pending[what] = job
        self._contexts[job] = context
        run_task(self._relay, job, fn)

    @Slot(int, object, object)
    def _on_task(self, job: int, result: object, error: object) -> None:
        what = next((w for w, j in self._pending.items() if j == job), None)
        context = self._contexts.pop(job, "")
        if what is None:
            return  # a newer request replaced this one
        del self._pending[what]
        key = self.api_key()
        if what == "gguf":
            if error is None:
                info = result
                self._gguf_result = (context, info)
                self.gguf_info.setText(
                    f"✓ {info.name}\nQuantization {info.quantization} · "
                    f"{info.size / 1e6:.1f} MB · {Path(context).name}\nsha256 {info.sha256}"
                )
            else:
                text = _fail_text(error, key)
                self._gguf_result = (context, f"This file cannot be used: {text}")
                self.gguf_info.setText(f"✗ {text}\nThe current model stays in use.")
        elif what == "models":
            if error is None:
                current = self.model_combo.currentText()
                self.model_combo.clear()
                self.model_combo.addItems(result)
                self.model_combo.setEditText(current or (result[0] if result else ""))
                self.test_result.setText(f"The server lists {len(result)} model(s).")
            else:
                self.test_result.setText(f"✗ {_fail_text(error, key)}")
        elif what == "test":
            self.test_button.setEnabled(True)
            if error is not None:
                self.test_result.setText(f"✗ {_fail_text(error, key)}")
            else:
                ok, _ms, message = result
                self.test_result.setText(("✓ " if ok else "✗ ") + _fail_text(message, key))
        self.validity_changed.emit()
