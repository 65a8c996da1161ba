"""Help → About: what Inkling is, and each bundled model's name, licence and notice."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from models import registry

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
        intro = QLabel(ABOUT)
        intro.setWordWrap(True)
        models = QLabel(
            "<p><b>Bundled models</b></p><ul>"
            + "".join(
                f"<li>{e['name']} — {e['licence']} (<a href='{e['licence_url']}'>terms</a>)</li>"
                for e in registry.about_entries()
            )
            + "</ul>"
        )
        models.setOpenExternalLinks(True)
        self.notices = QPlainTextEdit(registry.about_text())
        self.notices.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(models)
        layout.addWidget(self.notices, 1)
        layout.addWidget(buttons)
