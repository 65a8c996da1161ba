"""The File menu's document entries: Reopen with Encoding, and Recover Unsaved Text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

ENCODINGS = (
    ("Unicode (UTF-8)", "utf-8"),
    ("Unicode (UTF-16 LE)", "utf-16-le"),
    ("Unicode (UTF-16 BE)", "utf-16-be"),
    ("Western (Windows-1252)", "cp1252"),
    ("Western (ISO 8859-1, Latin-1)", "latin-1"),
    ("Western (ISO 8859-15)", "iso8859-15"),
    ("Central European (Windows-1250)", "cp1250"),
    ("Cyrillic (Windows-1251)", "cp1251"),
    ("Cyrillic (KOI8-R)", "koi8-r"),
    ("Greek (Windows-1253)", "cp1253"),
    ("Japanese (Shift JIS)", "shift_jis"),
    ("Chinese (GB 18030)", "gb18030"),
    ("Korean (EUC-KR)", "euc-kr"),
)


def add_document_menus(
    recent: QMenu, reopen_with: Callable[[str], None], recover: Callable[[], None]
) -> QMenu:
    """Insert the entries after File → Open Recent; returns the encoding menu."""
    file_menu = recent.parentWidget()
    actions = file_menu.actions()
    index = actions.index(recent.menuAction())
    before = actions[index + 1] if index + 1 < len(actions) else None
    menu = QMenu("Reopen with &Encoding", file_menu)
    menu.setObjectName("encodingMenu")
    for label, codec in ENCODINGS:
        action = menu.addAction(label)
        action.setData(codec)
        action.triggered.connect(lambda _c=False, c=codec: reopen_with(c))
    file_menu.insertMenu(before, menu)
    recover_action = QAction("Recover &Unsaved Text…", file_menu)
    recover_action.triggered.connect(lambda _c=False: recover())
    file_menu.insertAction(before, recover_action)
    return menu
