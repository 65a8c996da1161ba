"""A confidence gate that learns from the writer in this session.

Copilot's show/hide filter keys on whether the previous suggestion was accepted; here several
ignored suggestions in a row raise the threshold a little, and accepts bring it back toward the
calibrated value (and, after a run of them, a little below). It never moves more than
`RAISE_BOUND` above or `LOWER_BOUND` below the calibrated threshold, so one session can never
turn the gate off or make it silent.
"""

from __future__ import annotations

IGNORED_STREAK = 3  # this many ignored in a row before the threshold moves up
ACCEPTED_STREAK = 3  # this many taken in a row before it moves below the calibrated value
STEP = 0.03
RAISE_BOUND = 0.10
LOWER_BOUND = 0.05


class SessionGate:
    """An offset added to the calibrated threshold, moved by what the writer does."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._ignored = 0
        self._accepted = 0

    def threshold(self, calibrated: float) -> float:
        """The threshold to use now; a calibrated 0 (show everything) stays 0."""
        if calibrated <= 0.0:
            return calibrated
        return min(1.0, max(0.0, calibrated + self.offset))

    def ignored(self) -> None:
        """A shown suggestion went away untaken (typed over, Esc, the cursor moved)."""
        self._accepted = 0
        self._ignored += 1
        if self._ignored >= IGNORED_STREAK:
            self.offset = min(RAISE_BOUND, self.offset + STEP)
            self._ignored = 0

    def accepted(self) -> None:
        """The writer took (part of) a suggestion."""
        self._ignored = 0
        self._accepted += 1
        if self.offset > 0:
            self.offset = max(0.0, self.offset - STEP)
        elif self._accepted >= ACCEPTED_STREAK:
            self.offset = max(-LOWER_BOUND, self.offset - STEP)
            self._accepted = 0

    def reset(self) -> None:
        """Back to the calibrated value (a new document)."""
        self.offset, self._ignored, self._accepted = 0.0, 0, 0
