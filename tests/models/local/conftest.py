"""The real bundled Gemma, loaded once per test module that names it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models import registry
from models.local.model import LocalModel


@pytest.fixture(scope="module")
def gemma():
    path = registry.bundled_path(registry.GEMMA_ID, Path(os.environ["INKLING_MODELS_DIR"]))
    model = LocalModel(path, n_ctx=2048, name="Gemma 3 270M")
    yield model
    model.close()
