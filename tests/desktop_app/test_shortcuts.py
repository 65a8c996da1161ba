"""The shortcut catalogue and its rules (no Qt): no AltGr default, clashes and chords refused."""

from __future__ import annotations

from desktop_app.rewrite.actions import ACTIONS
from desktop_app.shortcuts import BY_ID, COMMANDS, RESERVED, conflict, is_altgr, shortcut_for


def test_no_default_is_altgr_reserved_or_doubled():
    defaults = [c.default for c in COMMANDS if c.default]
    assert not any(is_altgr(key) for key in defaults)
    assert not set(defaults) & set(RESERVED)
    assert len(defaults) == len(set(defaults))
    for action in ACTIONS:  # every rewrite action is a command with the catalogue's key
        assert BY_ID[f"rewrite_{action.id}"].default == action.shortcut


def test_conflicts_are_refused_with_a_reason():
    bindings = {"file_save": ["Ctrl+S"], "rewrite_summarize": ["Ctrl+Shift+M"]}
    assert "Save" in conflict("rewrite_summarize", "Ctrl+S", bindings)
    assert "AltGr" in conflict("rewrite_summarize", "Ctrl+Alt+S", bindings)
    assert "AltGr" in conflict("rewrite_summarize", "Alt+Ctrl+C", bindings)
    assert "editor" in conflict("rewrite_summarize", "Tab", bindings)
    assert conflict("rewrite_summarize", "Ctrl+Shift+M", bindings) == ""  # its own key
    assert conflict("rewrite_summarize", "Ctrl+Shift+Y", bindings) == ""
    assert conflict("rewrite_summarize", "", bindings) == ""  # no shortcut is always allowed
    # A chord whose first key is another command's key would make that key wait: refused.
    assert "Save" in conflict("rewrite_summarize", "Ctrl+S, M", bindings)


def test_overrides():
    assert shortcut_for("file_save", {}) is None
    assert shortcut_for("file_save", {"file_save": " Ctrl+Shift+Y "}) == "Ctrl+Shift+Y"
    assert shortcut_for("file_save", {"file_save": ""}) == ""
