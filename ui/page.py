"""The page as the writer set it up: font and size, line spacing, column width, theme, first page.

`QPlainTextEdit` lays lines out edge to edge and ignores a block's line height, so line spacing
comes from `SpacedLayout`, which moves each line of a block down as its block is measured (only
blocks being painted or scrolled past are measured, so a 20 MB text costs no more).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QPlainTextDocumentLayout

from desktop_app.settings import Appearance

THEMES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))
LINE_SPACINGS = (1.0, 1.15, 1.5, 2.0)
FIRST_PAGE = (
    "Start writing here.\n\n"
    "Pause for a moment and Inkling suggests the next few words in grey: Tab takes them, "
    "Esc sends them away, or just keep typing.\n\n"
    "Select a sentence or a paragraph and open the Rewrite menu (or right-click) to make it "
    "shorter, fix its grammar or change its tone."
)


class SpacedLayout(QPlainTextDocumentLayout):
    """A plain-text layout whose lines are `editor.line_spacing` times their natural height."""

    def __init__(self, document: QTextDocument, editor) -> None:
        super().__init__(document)
        self._editor = editor

    def blockBoundingRect(self, block) -> QRectF:  # noqa: N802 - Qt override
        rect = super().blockBoundingRect(block)
        factor = self._editor.line_spacing
        layout = block.layout()
        count = layout.lineCount() if layout is not None else 0
        if count == 0 or (factor == 1.0 and layout.lineAt(0).position().y() == 0):
            return rect
        last = layout.lineAt(count - 1)
        below = rect.height() - (last.position().y() + last.height())  # the document margin
        y = 0.0
        for index in range(count):
            line = layout.lineAt(index)
            extra = line.height() * (factor - 1.0)
            line.setPosition(QPointF(line.position().x(), y + extra / 2))
            y += line.height() + extra
        return QRectF(rect.x(), rect.y(), rect.width(), y + max(0.0, below))


def spaced_document(editor, document: QTextDocument | None = None) -> QTextDocument:
    """`document` (or a new one) laid out by a `SpacedLayout` for `editor`."""
    document = document or QTextDocument(editor)
    if not isinstance(document.documentLayout(), SpacedLayout):
        document.setDocumentLayout(SpacedLayout(document, editor))
    return document


def _dark_palette() -> QPalette:
    palette = QPalette()
    base, window, text = QColor("#1e1f22"), QColor("#2b2d30"), QColor("#dfe1e5")
    for role, colour in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.ToolTipBase, window),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, QColor("#8b8e94")),
        (QPalette.ColorRole.Highlight, QColor("#2f65ca")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.Link, QColor("#7aa2f7")),
    ):
        palette.setColor(role, colour)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6f737a"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#6f737a"))
    return palette


_palette_set = False  # whether a theme replaced the platform's palette


def apply_theme(theme: str) -> None:
    """Light, dark, or whatever the system uses (and follows it when it changes)."""
    global _palette_set
    app = QApplication.instance()
    if app is None:
        return
    hints = QGuiApplication.styleHints()
    if theme == "dark":
        hints.setColorScheme(Qt.ColorScheme.Dark)
        app.setPalette(_dark_palette())
        _palette_set = True
    elif theme == "light":
        hints.setColorScheme(Qt.ColorScheme.Light)
        app.setPalette(app.style().standardPalette())
        _palette_set = True
    else:
        hints.unsetColorScheme()
        if _palette_set:
            # A palette with no roles set resolves to the platform's, which follows the system.
            app.setPalette(QPalette())
            _palette_set = False


def apply_page(editor, appearance: Appearance) -> None:
    """Give `editor` the page's font, size, spacing and column width (zoom is kept)."""
    editor.base_point_size = max(6, min(72, appearance.font_size))
    editor.column_chars = max(20, min(400, appearance.column_chars))
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    if appearance.font_family:
        font.setFamily(appearance.font_family)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    editor.page_font = font
    spacing = max(1.0, min(3.0, appearance.line_spacing))
    changed = spacing != editor.line_spacing
    editor.line_spacing = spacing
    editor.set_zoom(editor.zoom)  # sets the font and the margins
    if changed:
        document = editor.document()
        document.markContentsDirty(0, document.characterCount())
        editor.viewport().update()


def apply_appearance(window, appearance: Appearance) -> None:
    """The page and the theme, as Preferences chose them."""
    apply_theme(appearance.theme)
    apply_page(window.editor, appearance)


def show_first_page(editor) -> None:
    """An empty document says, quietly, how to begin; the first keystroke makes it go."""
    editor.setPlaceholderText(FIRST_PAGE)
