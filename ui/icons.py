"""The application icon, built from the PNG sizes in `resources/icons/`."""

from __future__ import annotations

from PySide6.QtGui import QIcon, QPixmap

import resources

ICON_SIZES = (16, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """Inkling's icon at every size we ship."""
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap()
        if pixmap.loadFromData(resources.read_bytes(f"icons/inkling-{size}.png")):
            icon.addPixmap(pixmap)
    return icon
