"""`inkling bench typing|rewrite|open|gate`: benchmarks (all but `gate` drive the real window)."""

from __future__ import annotations

import argparse
import importlib

BENCHES = {
    "typing": "desktop_app.bench.typing",
    "rewrite": "desktop_app.bench.rewrite",
    "open": "desktop_app.bench.open_file",
    "gate": "desktop_app.bench.gate",
}


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """The model choices every benchmark accepts (bundled, a GGUF path, or remote)."""
    parser.add_argument("--inline-model", default="bundled", help="bundled, a GGUF path, or remote")
    parser.add_argument(
        "--rewrite-model", default="bundled", help="bundled, a GGUF path, or remote"
    )
    parser.add_argument("--base-url", help="remote endpoint, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--model", help="remote model name")
    parser.add_argument("--api-key-env", help="environment variable holding the API key")


def add_parser(subparsers) -> None:
    """Register `inkling bench …`."""
    parser = subparsers.add_parser("bench", help="measure speed in the real window, offscreen")
    benches = parser.add_subparsers(dest="bench", required=True)
    for module in BENCHES.values():
        try:
            importlib.import_module(module).add_parser(benches)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise


def run(args: argparse.Namespace) -> int:
    """Run the chosen benchmark."""
    return int(importlib.import_module(BENCHES[args.bench]).run(args) or 0)


def spec_from_args(choice: str, args: argparse.Namespace, role: str):
    """The ModelSpec that `--inline-model` / `--rewrite-model` and the remote flags describe."""
    import os

    from models.spec import ModelSpec

    if choice == "bundled":
        return ModelSpec(kind="bundled")
    if choice == "remote":
        key = os.environ.get(args.api_key_env) if args.api_key_env else None
        if not args.base_url or not args.model:
            raise SystemExit(f"--{role}-model remote needs --base-url and --model")
        return ModelSpec(kind="remote", base_url=args.base_url, model=args.model, api_key=key)
    return ModelSpec(kind="gguf", path=choice)
