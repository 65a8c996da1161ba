"""Each file's place (cursor, scroll, zoom): most recent first, bounded, robust to bad entries."""

from __future__ import annotations

from pathlib import Path

from desktop_app.view_memory import (
    MAX_FILE_VIEWS,
    FileView,
    recall,
    recall_inline,
    remember,
    remember_inline,
)


def test_remember_and_recall(tmp_path: Path):
    views: list[dict] = []
    views = remember(views, FileView(str(tmp_path / "a.txt"), 120, 7, 2))
    views = remember(views, FileView(str(tmp_path / "b.txt"), 5, 0, 0))
    views = remember(views, FileView(str(tmp_path / "a.txt"), 130, 8, 3))
    assert [Path(v["path"]).name for v in views] == ["a.txt", "b.txt"]
    assert recall(views, tmp_path / "a.txt") == FileView(str(tmp_path / "a.txt"), 130, 8, 3)
    assert recall(views, tmp_path / "c.txt") is None


def test_the_list_is_bounded_and_bad_entries_are_ignored(tmp_path: Path):
    views: list = ["junk", {"path": str(tmp_path / "x"), "cursor": "many"}]
    assert recall(views, tmp_path / "x") is None
    for n in range(MAX_FILE_VIEWS + 10):
        views = remember(views, FileView(str(tmp_path / f"{n}.txt"), n, 0, 0))
    assert len(views) == MAX_FILE_VIEWS
    assert recall(views, tmp_path / "0.txt") is None  # the oldest went first


def test_the_inline_choice_is_per_file_and_outlives_the_place(tmp_path: Path):
    draft, notes = tmp_path / "draft.md", tmp_path / "notes.md"
    views = remember_inline([], draft, False)  # chosen before any place was kept
    views = remember(views, FileView(str(notes), 3, 0, 0))
    assert recall_inline(views, draft) is False
    assert recall_inline(views, notes) is None  # never chosen: the default applies
    views = remember(views, FileView(str(draft), 40, 2, 1))  # its place moves on
    assert recall_inline(views, draft) is False
    assert recall(views, draft) == FileView(str(draft), 40, 2, 1)
    views = remember_inline(views, draft, True)
    assert recall_inline(views, draft) is True and recall(views, draft).cursor == 40
    assert recall_inline([{"path": str(draft.absolute()), "inline": "no"}], draft) is None
