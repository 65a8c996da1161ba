"""File → Export as HTML / PDF and File → Print, with Qt's own Markdown renderer.

The text is rendered by `QTextDocument.setMarkdown` (a plain .txt file is Markdown too: its
paragraphs come out as paragraphs). Files are written through `models.atomic.atomic_write`, so a
full disk never leaves half an export; the PDF is drawn into memory first. Rendering a book
takes a moment, but an export is a deliberate, rare act, so it runs here with a busy cursor.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, Qt
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QMessageBox

from models.atomic import atomic_write

log = logging.getLogger(__name__)

PDF_DPI = 300


def rendered(markdown: str, title: str = "") -> QTextDocument:
    """A `QTextDocument` holding `markdown` rendered (headings, emphasis, lists, code)."""
    document = QTextDocument()
    document.setMarkdown(markdown, QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
    if title:
        document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    return document


def html_bytes(markdown: str, title: str = "") -> bytes:
    """A standalone HTML page of `markdown`, UTF-8."""
    return rendered(markdown, title).toHtml().encode("utf-8")


def pdf_bytes(markdown: str, title: str = "") -> bytes:
    """A PDF of `markdown` on A4 with 2 cm margins."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setTitle(title)
    writer.setCreator("Inkling")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(20, 20, 20, 20),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = rendered(markdown, title)
    document.print_(writer)
    del writer  # finishes the PDF
    buffer.close()
    return bytes(data.data())


class Exporter:
    """The window's Export and Print commands."""

    def __init__(self, window) -> None:
        self.window = window

    def _title(self) -> str:
        return Path(self.window.file.display_name).stem

    def _suggested(self, suffix: str) -> str:
        path = self.window.file.path
        return str(path.with_suffix(suffix)) if path else f"Untitled{suffix}"

    def export(self, kind: str, path: str | None = None) -> Path | None:
        """Export as "html" or "pdf" (asking where, unless `path` is given); the path or None."""
        suffix = ".html" if kind == "html" else ".pdf"
        if path is None:
            label = "HTML pages (*.html *.htm)" if kind == "html" else "PDF documents (*.pdf)"
            path, _filter = QFileDialog.getSaveFileName(
                self.window, f"Export as {kind.upper()}", self._suggested(suffix), label
            )
            if not path:
                return None
        target = Path(path)
        text = self.window.editor.toPlainText()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            data = (html_bytes if kind == "html" else pdf_bytes)(text, self._title())
            atomic_write(target, data)
        except OSError as error:
            log.warning("export to %s failed: %s", target, error)
            QMessageBox.warning(
                self.window,
                "Export failed",
                f"{target.name} could not be written: {error.strerror or error}. "
                "Choose another folder, or free some space, and try again.",
            )
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.window.status.showMessage(f"Exported {target.name}", 5000)
        return target

    def print_document(self) -> None:
        """File → Print: the rendered text, through the system's print dialog."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._title())
        dialog = QPrintDialog(printer, self.window)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        rendered(self.window.editor.toPlainText(), self._title()).print_(printer)
        self.window.status.showMessage("Sent to the printer.", 5000)
