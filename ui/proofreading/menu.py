"""The context menu on an underlined issue: Harper's suggestions, the message, Ignore, Add.

The entries go at the top of the editor's context menu (the rewrite actions stay below). A
suggestion replaces the issue's text as one undo step, and only if the text is still what
the issue was found in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QMenu

from desktop_app.proofreading.linter import Issue
from desktop_app.proofreading.markup import utf16_offset

MAX_SUGGESTIONS = 7
MAX_MESSAGE_CHARS = 90


def issue_at(editor, issues, text_of, pos: QPoint) -> tuple[int, Issue] | None:
    """(block number, issue) under viewport position `pos`, if an underline is there."""
    cursor = editor.cursorForPosition(pos)
    block = cursor.block()
    number = block.blockNumber()
    text = text_of(number)
    if text is None:
        return None
    at = cursor.position() - block.position()
    for issue in issues.valid(number, text):
        if utf16_offset(text, issue.start) <= at <= utf16_offset(text, issue.end):
            return number, issue
    return None


def _short(message: str) -> str:
    line = " ".join(message.replace("`", "").split())
    return line if len(line) <= MAX_MESSAGE_CHARS else line[: MAX_MESSAGE_CHARS - 1] + "…"


def add_issue_entries(
    menu: QMenu,
    issue: Issue,
    replace: Callable[[str], None],
    ignore: Callable[[], None],
    add_word: Callable[[], None] | None,
) -> list[QAction]:
    """Put the issue's entries before the menu's first action; returns them (in order)."""
    first = menu.actions()[0] if menu.actions() else None
    entries: list[QAction] = []

    def entry(text: str, slot: Callable[[], None] | None, name: str) -> QAction:
        action = QAction(text, menu)
        action.setObjectName(name)
        if slot is None:
            action.setEnabled(False)
        else:
            action.triggered.connect(lambda _c=False: slot())
        menu.insertAction(first, action)
        entries.append(action)
        return action

    for suggestion in issue.suggestions[:MAX_SUGGESTIONS]:
        shown = suggestion.strip() or "(remove)"
        action = entry(shown.replace("&", "&&"), lambda s=suggestion: replace(s), "issueSuggestion")
        bold = QFont(action.font())
        bold.setBold(True)
        action.setFont(bold)
    if not issue.suggestions:
        entry("No suggestions", None, "issueNoSuggestion")
    message = entry(_short(issue.message).replace("&", "&&"), None, "issueMessage")
    message.setToolTip(issue.message)
    entry("&Ignore", ignore, "issueIgnore")
    if add_word is not None:
        entry("&Add to Dictionary", add_word, "issueAddToDictionary")
    separator = QAction(menu)
    separator.setSeparator(True)
    menu.insertAction(first, separator)
    return entries
