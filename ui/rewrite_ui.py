"""Rewrite menus, progress and review (placeholder until the rewrite UI lands)."""

from __future__ import annotations


class RewriteUI:
    """Installs the rewrite actions into a MainWindow."""

    def __init__(self, window) -> None:
        self.window = window

    def shutdown(self) -> None:
        """Cancel jobs and wait for the pool."""
