"""Preferences → Proofreading: the dialect (guessed by default) and the style switch (off)."""

from __future__ import annotations

from desktop_app.settings import Settings
from ui.preferences.proofreading import GUESS, ProofreadingSection


def test_defaults_guess_the_dialect_and_leave_style_advice_off(qtbot):
    prefs = Settings().proofreading
    section = ProofreadingSection(prefs)
    qtbot.addWidget(section)
    assert section.dialect.currentText() == GUESS and not section.style.isChecked()
    assert section.apply(prefs) is False


def test_choices_are_stored(qtbot):
    prefs = Settings().proofreading
    section = ProofreadingSection(prefs)
    qtbot.addWidget(section)
    section.dialect.setCurrentIndex(section.dialect.findData("british"))
    section.style.setChecked(True)
    assert section.apply(prefs) is True
    assert (prefs.dialect, prefs.style) == ("british", True)
    again = ProofreadingSection(prefs)
    qtbot.addWidget(again)
    assert again.dialect.currentData() == "british" and again.style.isChecked()
