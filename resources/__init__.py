"""Icons, stylesheets and prompt templates, read through `importlib.resources`.

`importlib.resources.files` works the same from a source tree, an installed wheel and a
PyInstaller bundle, so nothing here builds paths from `__file__`.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def resource(name: str) -> Traversable:
    """The resource `name` (a path relative to this package, like "icons/inkling-64.png")."""
    return files(__name__).joinpath(name)


def read_text(name: str) -> str:
    """The text of resource `name`, decoded as UTF-8."""
    return resource(name).read_text(encoding="utf-8")


def read_bytes(name: str) -> bytes:
    """The bytes of resource `name`."""
    return resource(name).read_bytes()
