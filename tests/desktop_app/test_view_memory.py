"""Each file's place (cursor, scroll, zoom): most recent first, bounded, robust to bad entries."""

from __future__ import annotations

from pathlib import Path

from desktop_app.view_memory import MAX_FILE_VIEWS, FileView, recall, remember


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
