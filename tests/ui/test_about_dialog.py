"""Help → About: a version number, the licences rendered as text, and no error on a bad file."""

from __future__ import annotations

import importlib.metadata

from PySide6.QtWidgets import QLabel

from models import registry
from ui.about_dialog import AboutDialog


def _open(qtbot) -> AboutDialog:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # The notices are read off the GUI thread: wait for them to arrive.
    qtbot.waitUntil(lambda: "Reading the licences" not in dialog.notices.toPlainText())
    return dialog


def test_about_shows_the_version_and_readable_licences(qtbot):
    dialog = _open(qtbot)
    version = importlib.metadata.version("inkling")
    intro = dialog.findChild(QLabel, "aboutIntro")
    assert version in intro.text()
    shown = dialog.notices.toPlainText()
    for entry in registry.about_entries():
        assert entry["name"] in shown
    # Rendered, not raw: no Markdown heading marks or code backticks are left in the text.
    assert "# NOTICE" not in shown and "`" not in shown
    assert "NOTICE" in shown


def test_a_missing_or_undecodable_licence_file_does_not_raise(qtbot, tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "NOTICE.md").write_bytes(b"# Notice\n\nCaf\xe9 au lait \xff\xfe.\n")  # not UTF-8
    # GEMMA_TERMS.html is missing.
    monkeypatch.setattr(registry.resources, "files", lambda _package: tmp_path)
    dialog = _open(qtbot)
    shown = dialog.notices.toPlainText()
    assert "au lait" in shown
    assert registry.BUNDLED[registry.GEMMA_ID].display_name in shown
