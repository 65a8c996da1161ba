"""The File menu's document entries: Save with Encoding, Reopen with Encoding, Recover Unsaved
Text, and the question that picks an encoding to save in."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

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


def encoding_notice(file) -> str:
    """What the notice bar says about how a `DocumentFile` was decoded ("" if all is well)."""
    if file.path is None:
        return ""
    name = file.path.name
    if file.encoding_fallback:
        return (
            f"“{name}” is not valid UTF-8, so it was opened as {file.format.encoding}. If some "
            "characters look wrong, reopen it with the right encoding."
        )
    if file.invalid_bytes:
        n = file.invalid_bytes
        return (
            f"“{name}” is UTF-8 but has {n} byte{'s' if n > 1 else ''} that "
            f"{'are' if n > 1 else 'is'} not, the first on line {file.invalid_first_line}, shown "
            "as �. Saving replaces them with � for good: reopen it with another encoding if "
            "they matter."
        )
    return ""


def ask_encoding(parent: QWidget, current: str = "") -> str | None:
    """Ask which encoding to save in, UTF-8 first (it holds every character); None on Cancel."""
    labels = [label for label, _codec in ENCODINGS]
    label, ok = QInputDialog.getItem(
        parent,
        "Save with Encoding",
        f"Save the text in this encoding (now {current or 'unknown'}):\n"
        "UTF-8 can hold every character.",
        labels,
        0,
        False,
    )
    return dict(ENCODINGS).get(label) if ok else None


def add_document_menus(
    recent: QMenu,
    reopen_with: Callable[[str], None],
    recover: Callable[[], None],
    save_with_encoding: Callable[[], None] | None = None,
) -> QMenu:
    """Insert the entries after File → Open Recent (and Save with Encoding… after Save As…);
    returns the encoding menu."""
    file_menu = recent.parentWidget()
    actions = file_menu.actions()
    if save_with_encoding is not None:
        action = QAction("Save with E&ncoding…", file_menu)
        action.setObjectName("saveWithEncoding")
        action.triggered.connect(lambda _c=False: save_with_encoding())
        save_as = [a for a in actions if a.text().replace("&", "") == "Save As…"]
        after = actions.index(save_as[0]) + 1 if save_as else len(actions)
        file_menu.insertAction(actions[after] if after < len(actions) else None, action)
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
