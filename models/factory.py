"""Open the model a `ModelSpec` names: bundled, a GGUF file, or a remote server."""

from __future__ import annotations

from pathlib import Path

from models.base import ModelUnavailable, TextModel
from models.local.model import LocalModel
from models.registry import BUNDLED, bundled_path, default_for, get
from models.spec import ModelSpec

# Context for GGUF files the writer picks: enough for rewrites of a few paragraphs.
GGUF_CONTEXT_TOKENS = 2048


def local_file(spec: ModelSpec, *, role: str, models_dir: Path) -> tuple[Path, str, int]:
    """For a local spec: (GGUF path, display name, n_ctx). Blocking for a first Gemma assemble."""
    if spec.kind == "bundled":
        entry = get(spec.bundled_id) if spec.bundled_id else default_for(role)
        return bundled_path(entry.id, models_dir), entry.display_name, entry.context_tokens
    if spec.kind == "gguf":
        if not spec.path:
            raise ModelUnavailable("No GGUF file chosen.")
        path = Path(spec.path).expanduser()
        return path, path.stem, GGUF_CONTEXT_TOKENS
    raise ValueError(f"{spec.kind} is not a local model")


def display_name(spec: ModelSpec, *, role: str) -> str:
    """The name to show while the model loads ("Loading Gemma 3 270M…")."""
    if spec.kind == "bundled":
        entry = BUNDLED.get(spec.bundled_id or "") or default_for(role)
        return entry.display_name
    if spec.kind == "gguf":
        return Path(spec.path).stem if spec.path else "GGUF model"
    return spec.model or "remote model"


def open_model(spec: ModelSpec, *, role: str, models_dir: Path) -> TextModel:
    """Load the model `spec` names for `role` ("inline" or "rewrite").

    Blocking (assembling, loading or connecting); the caller runs it off the GUI thread. Raises
    `ModelUnavailable` with a reason fit for the status bar.
    """
    if spec.kind == "remote":
        from models.remote.model import RemoteModel  # lazy: local-only use never imports the client

        if not spec.base_url:
            raise ModelUnavailable("No server address set for the remote model.")
        if not spec.model:
            raise ModelUnavailable("No model name set for the remote server.")
        return RemoteModel(spec.base_url, spec.model, spec.api_key, role)
    path, name, n_ctx = local_file(spec, role=role, models_dir=models_dir)
    return LocalModel(path, n_ctx=n_ctx, name=name)
