"""File → Export as HTML / PDF and File → Print, rendered with Qt's own Markdown support."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrintDialog

TEXT = "# A Title\n\nSome *emphasis* and **strength**.\n\n- one\n- two\n"


def test_export_html_renders_the_markdown(qtbot, window, tmp_path):
    window.editor.setPlainText(TEXT)
    out = window.surface.exporter.export("html", str(tmp_path / "story.html"))
    html = out.read_text(encoding="utf-8")
    assert "<h1" in html and "A Title" in html
    assert "# A Title" not in html and "*emphasis*" not in html  # rendered, not raw
    assert "font-style:italic" in html and "<li" in html


def test_export_pdf_writes_a_pdf(qtbot, window, tmp_path):
    window.editor.setPlainText(TEXT * 40)
    out = window.surface.exporter.export("pdf", str(tmp_path / "story.pdf"))
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"%%EOF" in data[-64:]
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 2  # it ran onto pages


def test_export_to_a_folder_that_cannot_be_written_says_so(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from tests.ui.conftest import answer_next_box

    window.editor.setPlainText(TEXT)
    seen: list[str] = []
    answer_next_box(QMessageBox.StandardButton.Ok, seen)
    assert window.surface.exporter.export("html", str(tmp_path / "missing" / "x.html")) is None
    assert seen and "x.html" in seen[0]


def test_print_sends_the_rendered_text_to_the_printer(qtbot, window, tmp_path, monkeypatch):
    out = tmp_path / "printed.pdf"

    def accept(dialog) -> int:  # the writer picks a printer: here, a PDF file
        dialog.printer().setOutputFileName(str(out))
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    window.editor.setPlainText(TEXT)
    window.surface.print_action.trigger()
    assert out.read_bytes().startswith(b"%PDF")
