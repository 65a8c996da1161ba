"""Preferences → Shortcuts, and putting the writer's keys on the window's actions.

Every command of `desktop_app.shortcuts.COMMANDS` is listed with its key; a new key that clashes
with another command, with the editor's own keys, or with AltGr is refused with the reason.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.shortcuts import BY_ID, COMMANDS, Command, conflict, shortcut_for


def default_keys(command: Command) -> list[str]:
    """The command's keys when the writer has chosen none (the platform's, for a standard one)."""
    if command.standard:
        standard = getattr(QKeySequence.StandardKey, command.standard, None)
        if standard is None:
            return []
        return [k.toString() for k in QKeySequence.keyBindings(standard) if not k.isEmpty()]
    return [command.default] if command.default else []


def keys_for(command: Command, overrides: dict[str, str]) -> list[str]:
    """The keys `command` has with the writer's `overrides`."""
    chosen = shortcut_for(command.id, overrides)
    if chosen is None:
        return default_keys(command)
    return [chosen] if chosen else []


def window_actions(window) -> dict[str, QAction]:
    """Command id -> the window's action (named by its label the first time it is looked up)."""
    by_label = {c.label: c.id for c in COMMANDS}
    found: dict[str, QAction] = {}
    for action in window.findChildren(QAction):
        if action.parent() is not window:
            continue  # a context menu's own actions, a dock's toggle…
        name = action.objectName()
        if not name:
            name = by_label.get(action.text().replace("&", ""), "")
            if name and name not in found:
                action.setObjectName(name)
        if name in BY_ID and name not in found:
            found[name] = action
    return found


def apply_shortcuts(window) -> None:
    """Give every action of the window its key (the writer's choice, else the default)."""
    overrides = window.settings.shortcuts
    for command_id, action in window_actions(window).items():
        keys = keys_for(BY_ID[command_id], overrides)
        action.setShortcuts([QKeySequence(k) for k in keys])


class ShortcutsPage(QWidget):
    """A table of commands and keys: click a key field and press the new key."""

    def __init__(self, overrides: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys = {c.id: keys_for(c, overrides) for c in COMMANDS}
        self._chosen = dict(overrides)
        self.table = QTableWidget(len(COMMANDS), 2)
        self.table.setHorizontalHeaderLabels(["Command", "Shortcut"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.edits: dict[str, QKeySequenceEdit] = {}
        for row, command in enumerate(COMMANDS):
            item = QTableWidgetItem(command.label)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, item)
            edit = QKeySequenceEdit()
            edit.setObjectName(f"shortcut_{command.id}")
            edit.setMaximumSequenceLength(1)
            edit.setClearButtonEnabled(True)
            edit.setKeySequence(QKeySequence(", ".join(self._keys[command.id][:1])))
            edit.editingFinished.connect(lambda c=command.id: self._changed(c))
            # Recording a key starts by clearing the field; only a field still empty once the
            # event is over was cleared by the writer (its clear button).
            edit.keySequenceChanged.connect(
                lambda seq, c=command.id: (
                    seq.isEmpty() and QTimer.singleShot(0, lambda: self._cleared(c))
                )
            )
            self.edits[command.id] = edit
            self.table.setCellWidget(row, 1, edit)
        self.table.resizeColumnToContents(0)
        self.message = QLabel()
        self.message.setObjectName("shortcutMessage")
        self.message.setWordWrap(True)
        reset = QPushButton("Restore Defaults")
        reset.clicked.connect(self.restore_defaults)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(reset)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def _cleared(self, command_id: str) -> None:
        if self.edits[command_id].keySequence().isEmpty():
            self._changed(command_id)

    def _changed(self, command_id: str) -> None:
        edit = self.edits[command_id]
        key = edit.keySequence().toString()
        if [key] == self._keys[command_id][:1] or (not key and not self._keys[command_id]):
            return
        reason = conflict(command_id, key, self._keys)
        if reason:
            self.message.setText(f"Not changed: {reason}")
            edit.blockSignals(True)
            edit.setKeySequence(QKeySequence(", ".join(self._keys[command_id][:1])))
            edit.blockSignals(False)
            return
        self._keys[command_id] = [key] if key else []
        self._chosen[command_id] = key
        label = BY_ID[command_id].label
        self.message.setText(f"“{label}”: {key}" if key else f"“{label}” has no shortcut now.")

    def restore_defaults(self) -> None:
        """Every command back to its default key."""
        self._chosen.clear()
        for command in COMMANDS:
            self._keys[command.id] = default_keys(command)
            edit = self.edits[command.id]
            edit.blockSignals(True)
            edit.setKeySequence(QKeySequence(", ".join(self._keys[command.id][:1])))
            edit.blockSignals(False)
        self.message.setText("All shortcuts are back to their defaults.")

    def overrides(self) -> dict[str, str]:
        """The keys the writer chose, by command id (only those that differ from the default)."""
        return {
            cid: key
            for cid, key in self._chosen.items()
            if cid in BY_ID and ([key] if key else []) != default_keys(BY_ID[cid])
        }

    def apply(self, window) -> None:
        """Store the keys and put them on the window's actions."""
        window.settings.shortcuts = self.overrides()
        apply_shortcuts(window)
