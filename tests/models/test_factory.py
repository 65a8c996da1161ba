"""open_model turns a spec into a loaded model, or a plain reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.base import ModelUnavailable
from models.factory import display_name, open_model
from models.local.model import LocalModel
from models.spec import ModelSpec


def test_bundled_default_per_role() -> None:
    model = open_model(
        ModelSpec(), role="rewrite", models_dir=Path(os.environ["INKLING_MODELS_DIR"])
    )
    try:
        assert isinstance(model, LocalModel)
        assert model.name == "SmolLM2 135M Instruct"
        assert model.context_tokens == 2048
    finally:
        model.close()


def test_gguf_file_uses_its_stem_as_name(tmp_path: Path) -> None:
    from models.registry import SMOLLM2_ID, bundled_path

    path = bundled_path(SMOLLM2_ID, tmp_path)
    model = open_model(ModelSpec(kind="gguf", path=str(path)), role="inline", models_dir=tmp_path)
    try:
        assert model.name == "SmolLM2-135M-Instruct.Q4_1"
    finally:
        model.close()


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (ModelSpec(kind="gguf"), "No GGUF file chosen"),
        (ModelSpec(kind="gguf", path="/nowhere/x.gguf"), "not found"),
        (ModelSpec(kind="bundled", bundled_id="nope"), "Unknown bundled model"),
        (ModelSpec(kind="remote", model="m"), "No server address"),
        (ModelSpec(kind="remote", base_url="http://127.0.0.1:9/v1"), "No model name"),
    ],
)
def test_plain_reasons(spec: ModelSpec, reason: str, tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=reason):
        open_model(spec, role="inline", models_dir=tmp_path)


def test_display_names() -> None:
    assert display_name(ModelSpec(), role="inline") == "Gemma 3 270M"
    assert display_name(ModelSpec(), role="rewrite") == "SmolLM2 135M Instruct"
    assert display_name(ModelSpec(kind="gguf", path="/m/x.gguf"), role="inline") == "x"
    assert display_name(ModelSpec(kind="remote", model="llama3"), role="inline") == "llama3"
