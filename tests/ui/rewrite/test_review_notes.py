"""The review panel's notes: warnings beside the diff, an honest "Ready", and the drafts bar."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.rewrite.actions import ApplyMode
from desktop_app.rewrite.guard import GuardWarning
from ui.rewrite.review_notes import MAX_DRAFTS, Drafts
from ui.rewrite.review_panel import ReviewPanel

ORIGINAL = "The fire destroyed 87 churches. It burned for four days."
DROPPED = GuardWarning("dropped", "1 sentence dropped", "reject", "It burned for four days.")
CHANGED = GuardWarning("number_changed", "a number changed: 87 → 400", "reject")


def _panel(qtbot) -> ReviewPanel:
    panel = ReviewPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.begin(3, "Rewrite More Concisely", ORIGINAL, ApplyMode.REPLACE)
    return panel


def test_warnings_are_shown_beside_the_diff_and_ready_is_never_plain(qtbot):
    panel = _panel(qtbot)
    assert not panel.warnings_view.isVisible()
    panel.show_result(
        ORIGINAL, "The fire destroyed 400 churches.", target_edited=False,
        warnings=[DROPPED, CHANGED],
    )  # fmt: skip
    assert panel.warnings_view.isVisible()
    assert panel.warnings_view.lines() == ["1 sentence dropped", "a number changed: 87 → 400"]
    assert panel.warnings_view.item(0).toolTip() == "It burned for four days."
    message = panel.message.text()
    assert "2 warnings" in message and not message.startswith("Ready.")
    assert panel.replace_button.isEnabled()  # the writer may still choose it, warned
    # Edited while running: the edit notice keeps the count too.
    panel.show_target_edited(True)
    assert "2 warnings" in panel.message.text()


def test_a_clean_result_is_plainly_ready_and_shows_no_warnings(qtbot):
    panel = _panel(qtbot)
    panel.show_result(ORIGINAL, "The fire destroyed 87 churches in four days.", target_edited=False)
    assert panel.message.text().startswith("Ready.")
    assert not panel.warnings_view.isVisible()


def test_a_job_that_kept_everything_offers_nothing_to_replace(qtbot):
    panel = _panel(qtbot)
    kept = GuardWarning("kept_original", "Paragraph 1 kept as it was: 1 sentence dropped", "warn")
    panel.show_result(
        ORIGINAL, ORIGINAL, target_edited=False, warnings=[kept], kept_everything=True
    )
    assert "Nothing to replace" in panel.message.text()
    assert not panel.replace_button.isEnabled() and not panel.copy_button.isEnabled()
    assert panel.retry_button.isEnabled()
    assert panel.warnings_view.lines() == [kept.message]
    panel.begin(4, "Rewrite More Concisely", ORIGINAL, ApplyMode.REPLACE)
    assert not panel.warnings_view.isVisible()  # a new job starts without the old notes


def test_drafts_bar_steps_between_drafts(qtbot):
    panel = _panel(qtbot)
    assert not panel.drafts.isVisible()
    panel.add_draft(3, 5)  # job 5 is Try Again's draft after job 3
    panel.begin(5, "Rewrite More Concisely", ORIGINAL, ApplyMode.REPLACE)
    assert panel.drafts.isVisible() and panel.drafts.label.text() == "Draft 2 of 2"
    assert not panel.drafts.next_button.isEnabled()
    with qtbot.waitSignal(panel.draft_requested) as shown:
        qtbot.mouseClick(panel.drafts.previous_button, Qt.MouseButton.LeftButton)
    assert shown.args == [3]


def test_at_most_three_drafts_are_kept_per_text():
    drafts = Drafts()
    drafts.add(1, 2)
    drafts.add(2, 3)
    assert drafts.of(1) == drafts.of(3) == [1, 2, 3]
    drafts.add(1, 4)  # Try Again on an earlier draft still joins the same text's drafts
    assert drafts.of(4) == [2, 3, 4] and len(drafts.of(4)) == MAX_DRAFTS
    assert drafts.of(1) == [1]  # the oldest fell out
    assert drafts.of(9) == [9]
