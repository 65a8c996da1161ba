"""Settings: round trip, defaults, corrupt and wrongly typed files."""

from __future__ import annotations

import json
import logging
import os
import stat
import threading

from desktop_app.settings import Settings, load_settings, save_settings, settings_path


def test_defaults_when_missing():
    assert not settings_path().exists()
    assert load_settings() == Settings()


def test_round_trip_every_field():
    settings = Settings(window_geometry="AAEC", zoom=3, inline_enabled=False, local_only=False)
    settings.add_recent_file("/tmp/a.txt")
    settings.add_recent_file("/tmp/b.txt")
    settings.add_recent_file("/tmp/a.txt")
    settings.inline.kind = "gguf"
    settings.inline.gguf_path = "/models/x.gguf"
    settings.rewrite.temperature = 0.7
    settings.add_recent_instruction("Make it rhyme")
    save_settings(settings)
    loaded = load_settings()
    assert loaded == settings
    assert loaded.recent_files == ["/tmp/a.txt", "/tmp/b.txt"]


def test_written_atomically_and_private():
    save_settings(Settings(zoom=2))
    folder = settings_path().parent
    assert [p.name for p in folder.iterdir()] == ["settings.json"]
    assert stat.S_IMODE(os.stat(settings_path()).st_mode) == 0o600


def test_corrupt_file_is_logged_and_defaults_used(caplog):
    settings_path().write_text("{ not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_settings() == Settings()
    assert "corrupt" in caplog.text


def test_wrong_types_fall_back_per_field():
    data = {"zoom": "big", "recent_files": [1, 2], "inline_enabled": False, "inline": [], "x": 1}
    settings_path().write_text(json.dumps(data), encoding="utf-8")
    loaded = load_settings()
    assert loaded.zoom == 0
    assert loaded.recent_files == []
    assert loaded.inline_enabled is False
    assert loaded.inline == Settings().inline


def test_unreadable_file_uses_defaults(caplog):
    settings_path().mkdir()  # a folder where the file should be: reading fails
    with caplog.at_level(logging.WARNING):
        assert load_settings() == Settings()


def test_recent_files_are_capped():
    settings = Settings()
    for i in range(30):
        settings.add_recent_file(f"/tmp/{i}.txt")
    assert len(settings.recent_files) == 10
    assert settings.recent_files[0] == "/tmp/29.txt"


def test_recent_instructions_are_deduplicated_newest_first():
    settings = Settings()
    for instruction in ("use British spelling", "be brief", "Use  british spelling"):
        settings.add_recent_instruction(instruction)
    recent = settings.recent_instructions
    assert recent == ["Use british spelling", "be brief"]
    settings.add_recent_instruction("   ")
    assert settings.recent_instructions == recent
    many = [f"instruction {i}" for i in range(10)]
    settings.recent_instructions = list(many)
    settings.add_recent_instruction("new")
    assert settings.recent_instructions == ["new", *many[:9]]


def test_the_writer_writes_off_the_calling_thread_and_keeps_the_newest(monkeypatch):
    from desktop_app import settings as module

    threads: list[threading.Thread] = []
    real = module._write

    def watched(data, path):
        threads.append(threading.current_thread())
        real(data, path)

    monkeypatch.setattr(module, "_write", watched)
    writer = module.SettingsWriter()
    values = Settings()
    for zoom in range(1, 21):
        values.zoom = zoom
        writer.save(values)
    assert writer.flush(10.0)
    assert load_settings().zoom == 20  # the newest values win
    assert threads and threading.main_thread() not in threads
    assert len(threads) <= 20


def test_the_window_never_writes_settings_on_the_gui_thread(qtbot, monkeypatch):
    from desktop_app import settings as module
    from ui.main_window import MainWindow

    threads: list[threading.Thread] = []
    real = module._write
    monkeypatch.setattr(
        module,
        "_write",
        lambda data, path: (threads.append(threading.current_thread()), real(data, path)),
    )
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.set_inline_enabled(False)
    window.persist_window()
    assert window.settings_writer.flush(10.0)
    assert threads and threading.main_thread() not in threads
    assert load_settings().inline_enabled is False
