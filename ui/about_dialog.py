"""Help → About: what Inkling is, its version, and each bundled model's name, licence and notice.

The notices are Markdown (and plain licence texts, which read as Markdown paragraphs): they are
rendered by `QTextBrowser.setMarkdown`, not shown as raw markup. A notice that cannot be read
leaves a sentence saying so, never an error.
"""

from __future__ import annotations

import importlib.metadata
import logging

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.relay import Background
from models import registry

log = logging.getLogger(__name__)


def app_version() -> str:
    """Inkling's version as installed ("development version" when run from a bare checkout)."""
    try:
        return importlib.metadata.version("inkling")
    except importlib.metadata.PackageNotFoundError:
        return "development version"


def notices_markdown() -> str:
    """Every bundled model's licence and notice as one Markdown text."""
    try:
        entries = registry.about_entries()
    except Exception:  # a broken package must not keep About from opening
        log.exception("reading the bundled models' notices failed")
        return "The bundled models' notices could not be read; see the log file."
    parts = []
    for entry in entries:
        notice = entry["notice"].strip() or "_The notice file is missing from this installation._"
        parts.append(
            f"## {entry['name']}\n\n{entry['licence']} — [{entry['licence_url']}]"
            f"({entry['licence_url']})\n\n{notice}"
        )
    return "\n\n---\n\n".join(parts)


ABOUT = (
    "<h2>Inkling</h2><p>A writing assistant that suggests the next few words as you type and "
    "rewrites on request, with models that run on this computer.</p>"
)


class AboutDialog(QDialog):
    """Shows the app's description and the bundled models' licences and notices."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Inkling")
        self.resize(640, 520)
        self.version = app_version()
        intro = QLabel(ABOUT.replace("</h2>", f" <small>{self.version}</small></h2>", 1))
        intro.setObjectName("aboutIntro")
        intro.setWordWrap(True)
        models = QLabel("<p><b>Bundled models</b> and their licences:</p>")
        self.notices = QTextBrowser()
        self.notices.setObjectName("aboutNotices")
        self.notices.setOpenExternalLinks(True)
        self.notices.setPlainText("Reading the licences…")
        # The notices are files: read off the GUI thread, shown when they arrive.
        self._background = Background(self)
        self._background.run(notices_markdown, self._show_notices)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(models)
        layout.addWidget(self.notices, 1)
        layout.addWidget(buttons)

    def _show_notices(self, markdown: object) -> None:
        if isinstance(markdown, str):
            self.notices.setMarkdown(markdown)
        else:
            self.notices.setPlainText("The bundled models' notices could not be read.")
