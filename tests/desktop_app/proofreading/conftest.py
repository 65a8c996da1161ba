"""One real Harper linter for all proofreading tests: building it takes about a second."""

from __future__ import annotations

import pytest

from desktop_app.proofreading import Proofreader


@pytest.fixture(scope="session")
def proofreader() -> Proofreader:
    """The shared `Proofreader` (real Harper). Tests must leave its dictionary as None."""
    return Proofreader()
