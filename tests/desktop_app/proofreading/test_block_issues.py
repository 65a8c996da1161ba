"""What the editor shows per block: stale results refused, edits followed, F7's order."""

from __future__ import annotations

from desktop_app.proofreading.block_issues import BlockIssues, from_utf16
from desktop_app.proofreading.linter import Issue


def _issue(start: int, end: int, text: str, category: str = "spelling") -> Issue:
    return Issue(start, end, "Spelling", category, "m", ["x"], "SpellCheck", text)


def test_a_result_for_changed_text_is_refused():
    issues = BlockIssues()
    assert not issues.accept(0, "A libary.", [_issue(2, 8, "libary")], "A libary!")
    assert not issues.accept(0, "A libary.", [_issue(2, 8, "libary")], None)
    assert issues.count == 0
    assert issues.accept(0, "A libary.", [_issue(2, 8, "libary")], "A libary.")
    assert issues.count == 1 and issues.valid(0, "A libary.")
    assert issues.valid(0, "changed since") == []


def test_edits_drop_the_edited_blocks_and_move_the_rest():
    issues = BlockIssues()
    for block in range(5):
        issues.accept(block, f"t{block}", [_issue(0, 2, f"t{block}")], f"t{block}")
    issues.shift(1, 2, 3)  # blocks 1-2 became 6 blocks
    assert list(issues.blocks()) == [0, 6, 7] and issues.count == 3
    assert issues.valid(6, "t3") and issues.valid(7, "t4")
    issues.drop_where(lambda issue: issue.text == "t3")
    assert list(issues.blocks()) == [0, 7] and issues.count == 2


def test_next_after_goes_on_and_wraps_round():
    issues = BlockIssues()
    texts = {0: "a bad", 3: "bad bad"}
    issues.accept(0, texts[0], [_issue(2, 5, "bad")], texts[0])
    issues.accept(3, texts[3], [_issue(0, 3, "bad"), _issue(4, 7, "bad")], texts[3])
    assert issues.next_after(0, 2, texts.get) == (3, issues.valid(3, texts[3])[0])
    assert issues.next_after(3, 0, texts.get)[1].start == 4
    assert issues.next_after(3, 4, texts.get)[0] == 0  # wraps to the first
    assert issues.next_after(0, 0, {0: "edited"}.get) is None  # nothing valid is left


def test_utf16_positions_map_back_to_str_indices():
    text = "a😀b"
    assert [from_utf16(text, units) for units in range(5)] == [0, 1, 1, 2, 3]
