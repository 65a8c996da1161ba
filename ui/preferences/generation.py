"""A path's generation options in words a writer uses: length and creativity.

The model's own terms (max_tokens, temperature) appear only in the details line below them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QLabel, QSpinBox

LENGTH_LABELS = {"inline": "Length of suggestions:", "rewrite": "Longest rewrite, per passage:"}
LENGTH_TIPS = {
    "inline": "How far ahead a suggestion may reach. Shorter suggestions come sooner.",
    "rewrite": "An upper limit: a rewrite is never longer than this, and usually as long as "
    "the text it rewrites.",
}
CREATIVITY_TIP = (
    "Off: always the most likely words (steady, faithful). Higher: more varied wording, "
    "and more chance of wandering from your text."
)


def generation_options(section) -> QFormLayout:
    """Make `section.max_tokens`, `.temperature` and `.details`; return their form."""
    section.max_tokens = QSpinBox()
    section.max_tokens.setRange(1, 4096)
    section.max_tokens.setToolTip(LENGTH_TIPS.get(section.role, ""))
    section.temperature = QDoubleSpinBox()
    section.temperature.setRange(0.0, 2.0)
    section.temperature.setSingleStep(0.1)
    section.temperature.setDecimals(2)
    section.temperature.setSpecialValueText("Off")
    section.temperature.setToolTip(CREATIVITY_TIP)
    section.details = QLabel()
    section.details.setObjectName("generationDetails")
    section.details.setEnabled(False)  # drawn dimmed: it is for the curious

    def update(*_args) -> None:
        section.details.setText(
            f"Details: max_tokens {section.max_tokens.value()} (a token is about ¾ of a word), "
            f"temperature {section.temperature.value():.2f}"
        )

    section.max_tokens.valueChanged.connect(update)
    section.temperature.valueChanged.connect(update)
    update()
    form = QFormLayout()
    form.addRow(LENGTH_LABELS.get(section.role, "Length:"), section.max_tokens)
    form.addRow("Creativity:", section.temperature)
    form.addRow(section.details)
    return form
