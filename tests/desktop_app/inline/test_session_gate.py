"""The session's gate moves with what the writer does, and never far."""

from __future__ import annotations

from desktop_app.inline.session_gate import LOWER_BOUND, RAISE_BOUND, SessionGate

CALIBRATED = 0.33


def test_ignored_in_a_row_raise_the_threshold_and_accepts_bring_it_back():
    gate = SessionGate()
    for _ in range(2):
        gate.ignored()
    assert gate.threshold(CALIBRATED) == CALIBRATED  # two are not yet "several"
    gate.ignored()
    raised = gate.threshold(CALIBRATED)
    assert raised > CALIBRATED
    gate.accepted()
    assert CALIBRATED <= gate.threshold(CALIBRATED) < raised


def test_it_is_bounded_both_ways():
    gate = SessionGate()
    for _ in range(100):
        gate.ignored()
    assert gate.threshold(CALIBRATED) <= CALIBRATED + RAISE_BOUND + 1e-9
    for _ in range(100):
        gate.accepted()
    assert gate.threshold(CALIBRATED) >= CALIBRATED - LOWER_BOUND - 1e-9


def test_show_everything_stays_show_everything():
    gate = SessionGate()
    for _ in range(9):
        gate.ignored()
    assert gate.threshold(0.0) == 0.0
