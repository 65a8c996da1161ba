"""The model flags every command shares: `--inline-model` / `--rewrite-model` and the remote ones.

`add_model_options` declares them; `spec_from_args` turns one path's choice into a `ModelSpec`:
`bundled` (the path's default), a bundled model id, a GGUF file, or `remote` with `--base-url`,
`--model` and optionally `--api-key-env`. A choice that cannot work raises `FlagError` with a
one-line reason, which each command reports its own way (a usage exit, a check failure).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from models.spec import ModelSpec


class FlagError(ValueError):
    """The model flags do not describe a usable model."""


def add_model_options(
    parser: argparse.ArgumentParser, roles: Sequence[str] = ("inline", "rewrite")
) -> None:
    """Declare `--<role>-model` for each role, and the remote flags."""
    for role in roles:
        parser.add_argument(
            f"--{role}-model",
            default="bundled",
            metavar="bundled|ID|PATH|remote",
            help=f"the {role} model: bundled (default), a bundled model id, a GGUF file, or remote",
        )
    parser.add_argument("--base-url", help="remote: the OpenAI-compatible server's /v1 URL")
    parser.add_argument("--model", help="remote: the server's model name")
    parser.add_argument(
        "--api-key-env", metavar="VAR", help="remote: environment variable holding the API key"
    )


def spec_from_args(choice: str, args: argparse.Namespace, role: str) -> ModelSpec:
    """The ModelSpec that `--<role>-model CHOICE` and the remote flags describe."""
    if choice == "bundled":
        return ModelSpec(kind="bundled")
    if choice == "remote":
        if not args.base_url or not args.model:
            raise FlagError(f"--{role}-model remote needs --base-url and --model")
        key = None
        if args.api_key_env:
            key = os.environ.get(args.api_key_env)
            if not key:
                raise FlagError(f"environment variable {args.api_key_env} is not set")
        return ModelSpec(kind="remote", base_url=args.base_url, model=args.model, api_key=key)
    from models.registry import BUNDLED

    if choice in BUNDLED:
        return ModelSpec(kind="bundled", bundled_id=choice)
    return ModelSpec(kind="gguf", path=choice)
