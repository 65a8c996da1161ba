"""Every keyboard shortcut the writer can change: its default, and the rules a new one must pass.

Keys are Qt's portable text ("Ctrl+Shift+C"). A command with a `standard` key uses the
platform's own binding (Ctrl+S, Cmd+S…) until the writer chooses another. No default uses
Ctrl+Alt+letter: that is AltGr on Windows and on many European layouts, where it types ś, ć, ł…
Nothing here imports Qt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.rewrite.actions import ACTIONS


@dataclass(frozen=True)
class Command:
    """One command that can have a shortcut."""

    id: str  # the QAction's object name, and the key in `Settings.shortcuts`
    label: str  # as Preferences lists it
    default: str = ""  # portable key text ("" for none, or see `standard`)
    standard: str = ""  # a QKeySequence.StandardKey name: the platform's binding is the default


COMMANDS: tuple[Command, ...] = (
    Command("file_new", "New", standard="New"),
    Command("file_open", "Open…", standard="Open"),
    Command("file_save", "Save", standard="Save"),
    Command("file_save_as", "Save As…", standard="SaveAs"),
    Command("file_export_html", "Export as HTML…"),
    Command("file_export_pdf", "Export as PDF…"),
    Command("file_print", "Print…", standard="Print"),
    Command("file_quit", "Quit", standard="Quit"),
    Command("edit_undo", "Undo", standard="Undo"),
    Command("edit_redo", "Redo", standard="Redo"),
    Command("edit_cut", "Cut", standard="Cut"),
    Command("edit_copy", "Copy", standard="Copy"),
    Command("edit_paste", "Paste", standard="Paste"),
    Command("edit_select_all", "Select All", standard="SelectAll"),
    Command("edit_find", "Find…", standard="Find"),
    Command("edit_find_next", "Find Next", standard="FindNext"),
    Command("edit_replace", "Replace…", standard="Replace"),
    Command("edit_preferences", "Preferences…", standard="Preferences"),
    Command("view_zoom_in", "Zoom In", standard="ZoomIn"),
    Command("view_zoom_out", "Zoom Out", standard="ZoomOut"),
    Command("view_zoom_reset", "Reset Zoom", "Ctrl+0"),
    Command("view_full_screen", "Full Screen", standard="FullScreen"),
    Command("view_focus_mode", "Focus Mode", "Ctrl+Shift+D"),
    Command("view_inline", "Inline Suggestions", "Ctrl+Shift+Space"),
    # Copilot's and Zed's keys for a suggestion's alternatives, and for asking now.
    Command("inline_next", "Next Suggestion", "Alt+]"),
    Command("inline_previous", "Previous Suggestion", "Alt+["),
    Command("inline_now", "Suggest Now", "Alt+\\"),
    Command("view_check_spelling", "Check Spelling and Grammar"),  # ui.proofreading
    Command("edit_next_issue", "Next Spelling or Grammar Issue", "F7"),
    # Rewrites (from their catalogue): Ctrl+Shift+letter, clear of the platform's Ctrl+Shift+S/Z/G
    # (Save As, Redo, Find Previous) and of the input methods' Ctrl+Shift+U and Ctrl+Shift+E.
    *(Command(f"rewrite_{a.id}", a.plain_label, a.shortcut) for a in ACTIONS),
)
BY_ID: dict[str, Command] = {command.id: command for command in COMMANDS}

#: Keys the editor itself uses for suggestions; no command may take them.
RESERVED = {
    "Tab": "takes a suggestion",
    "Ctrl+Right": "takes one word of a suggestion",
    "Esc": "drops a suggestion",
}

_ALTGR = re.compile(r"^(?:Ctrl\+Alt|Alt\+Ctrl)\+(?:Shift\+)?(.)$")


def normalize(key: str) -> str:
    """`key` without surrounding spaces; "" stays "" (no shortcut)."""
    return ", ".join(part.strip() for part in key.split(",") if part.strip())


def shortcut_for(command_id: str, overrides: Mapping[str, str]) -> str | None:
    """The writer's key for a command, or None when the default applies."""
    if command_id in overrides:
        return normalize(overrides[command_id])
    return None


def is_altgr(key: str) -> bool:
    """True for Ctrl+Alt+<one character>: AltGr types that character's neighbour on many layouts."""
    first = normalize(key).split(", ")[0]
    return bool(_ALTGR.match(first))


def _clashes(a: str, b: str) -> bool:
    """Two key sequences clash when equal, or when one is the start of the other (a chord)."""
    pa, pb = a.split(", "), b.split(", ")
    shorter = min(len(pa), len(pb))
    return pa[:shorter] == pb[:shorter]


def conflict(command_id: str, key: str, bindings: Mapping[str, list[str]]) -> str:
    """Why `key` cannot be given to `command_id` ("" when it can).

    `bindings` maps every command id to the keys it has now (several for a standard key).
    """
    key = normalize(key)
    if not key:
        return ""
    if key.split(", ")[0] in RESERVED:
        return f"{key} is kept for the editor: it {RESERVED[key.split(', ')[0]]}."
    if is_altgr(key):
        return (
            f"{key} is AltGr on Windows and many keyboard layouts (it types letters such as "
            "ś or ć); choose Ctrl+Shift+… instead."
        )
    for other, keys in bindings.items():
        if other == command_id:
            continue
        for taken in keys:
            if taken and _clashes(key, normalize(taken)):
                label = BY_ID[other].label if other in BY_ID else other
                return f"{key} is already the shortcut of “{label}”."
    return ""
