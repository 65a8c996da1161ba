"""Help → Performance: time to first feedback and to the final result, p50/p95 per action."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.perf import PerfLog, format_ms
from desktop_app.rewrite.actions import get_action

COLUMNS = ("Action", "Count", "First p50", "First p95", "Final p50", "Final p95")
_KEYS = ("first_p50_ms", "first_p95_ms", "final_p50_ms", "final_p95_ms")


def kind_label(kind: str) -> str:
    """A readable name for a PerfLog kind (an action id, or "inline")."""
    if kind == "inline":
        return "Inline suggestions"
    try:
        return get_action(kind).plain_label
    except KeyError:
        return kind


class PerformanceDialog(QDialog):
    """A table built from `PerfLog.summary()`, refreshed each time it is shown."""

    def __init__(self, perf: PerfLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("performanceDialog")
        self.setWindowTitle("Performance")
        self.resize(640, 320)
        self.perf = perf
        note = QLabel(
            "Measured in this session. “First” is the time to the first visible text (for inline "
            "suggestions: from the last keystroke to the suggestion painted); “Final” is the time "
            "to the finished result. Rewrite times include waiting in the queue."
        )
        note.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        refresh = buttons.addButton("Refresh", QDialogButtonBox.ButtonRole.ActionRole)
        refresh.clicked.connect(self.refresh)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the table from the current figures."""
        summary = self.perf.summary()
        self.table.setRowCount(len(summary))
        for row, (kind, figures) in enumerate(summary.items()):
            cells = [kind_label(kind), str(figures["count"])]
            cells += [format_ms(figures[key]) for key in _KEYS]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.refresh()
        super().showEvent(event)
