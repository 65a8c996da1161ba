"""Tests for desktop_app.documents.file_watch: outside changes are noticed, our own saves are not."""

from __future__ import annotations

import os

import pytest

from desktop_app.documents.file_watch import FileWatcher
from desktop_app.documents.storage import load_text, save_text


@pytest.fixture
def watched(qtbot, tmp_path):
    path = tmp_path / "notes.md"
    stamp = save_text(path, "# Notes\n")
    watcher = FileWatcher()
    watcher.watch(path, stamp)
    yield watcher, path
    watcher.unwatch()


def _append(path, text: str) -> None:
    """Edit in place, the way a plain `echo >>` or an old editor would."""
    with open(path, "a") as f:
        f.write(text)


def _outside_replace(path, text: str) -> None:
    """Save the way many editors and sync tools do: write a temp file, rename it over."""
    tmp = path.with_name(path.name + ".sync-tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def test_outside_modification_detected(qtbot, watched):
    watcher, path = watched
    with qtbot.waitSignal(watcher.changed_on_disk, timeout=3000) as sig:
        _append(path, "appended by another program\n")
    assert sig.args == [str(path), "modified"]
    assert watcher.check_now() == "modified"


def test_deletion_detected(qtbot, watched):
    watcher, path = watched
    with qtbot.waitSignal(watcher.changed_on_disk, timeout=3000) as sig:
        path.unlink()
    assert sig.args == [str(path), "deleted"]
    assert watcher.check_now() == "deleted"
    # Coming back (a sync tool restoring it) is news again.
    with qtbot.waitSignal(watcher.changed_on_disk, timeout=3000) as sig:
        path.write_text("restored\n")
    assert sig.args == [str(path), "modified"]


def test_own_save_not_reported_and_watch_survives_it(qtbot, watched):
    watcher, path = watched
    with qtbot.assertNotEmitted(watcher.changed_on_disk, wait=600):
        stamp = save_text(path, "# Notes\nmine\n")
        watcher.saved(stamp)
    assert watcher.check_now() is None
    # Our save replaced the inode; the watcher must still see the next outside edit.
    with qtbot.waitSignal(watcher.changed_on_disk, timeout=3000) as sig:
        _append(path, "theirs\n")
    assert sig.args[1] == "modified"


def test_save_from_a_worker_is_held_until_saved(qtbot, watched):
    watcher, path = watched
    watcher.begin_save()
    with qtbot.assertNotEmitted(watcher.changed_on_disk, wait=600):
        stamp = save_text(path, "# Notes\nwritten by a worker\n")
        qtbot.wait(300)  # the file event arrives before we learn the new stamp
        watcher.saved(stamp)
    assert watcher.check_now() is None


def test_rearmed_after_outside_atomic_replace(qtbot, watched):
    watcher, path = watched
    with qtbot.waitSignal(watcher.changed_on_disk, timeout=3000) as sig:
        _outside_replace(path, "replaced by a sync tool\n")
    assert sig.args[1] == "modified"
    assert str(path) in watcher._watcher.files()
    # After a reload the writer sees their text; a further in-place edit is caught again.
    watcher.saved(load_text(path).stamp)
    with qtbot.waitSignal(watcher.changed_on_disk, timeout=3000):
        _append(path, "and edited in place\n")
    assert watcher.check_now() == "modified"


def test_same_change_reported_once(qtbot, watched, tmp_path):
    watcher, path = watched
    with qtbot.waitSignal(watcher.changed_on_disk, timeout=3000):
        _append(path, "x\n")
    # Unrelated activity in the folder must not repeat the question for the same change.
    with qtbot.assertNotEmitted(watcher.changed_on_disk, wait=500):
        (tmp_path / "other.txt").write_text("unrelated")
    # "Keep mine" accepts the disk state: the check before saving is then quiet.
    watcher.accept_disk_state()
    assert watcher.check_now() is None


def test_check_now_and_unwatch(qtbot, tmp_path):
    path = tmp_path / "a.txt"
    stamp = save_text(path, "a")
    watcher = FileWatcher()
    assert watcher.check_now() is None
    watcher.watch(path, stamp)
    assert watcher.check_now() is None
    path.write_text("b, longer")
    assert watcher.check_now() == "modified"
    watcher.unwatch()
    assert watcher.check_now() is None
    with qtbot.assertNotEmitted(watcher.changed_on_disk, wait=300):
        path.unlink()
