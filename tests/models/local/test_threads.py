"""Background generation widens to every core only while no one waits, and only when it pays."""

from __future__ import annotations

from models.gate import RealtimeGate
from models.local.threads import ThreadDial


def dial(gate: RealtimeGate) -> ThreadDial:
    return ThreadDial(object(), 1, 2, gate=gate, quiet_s=0.0)


def test_realtime_work_gets_the_narrow_count_and_stops_widening():
    gate = RealtimeGate()
    threads = dial(gate)
    assert threads.choose(background=False) == 1
    gate.enter_realtime()
    assert all(threads.choose(background=True) == 1 for _ in range(20))
    gate.exit_realtime()
    assert gate.quiet_for() >= 0.0
    chosen = [threads.choose(background=True) for _ in range(20)]
    assert 2 in chosen  # untried: two threads are tried


def test_two_threads_are_kept_only_while_they_measure_faster():
    gate = RealtimeGate()
    threads = dial(gate)
    threads.cost = {1: 0.040, 2: 0.020}  # two threads twice as fast: an idle machine
    chosen = [threads.choose(background=True) for _ in range(1024)]
    assert chosen.count(2) > 0.97 * len(chosen)  # the rest re-measure one thread
    threads.cost = {1: 0.040, 2: 0.200}  # a busy machine: the barrier makes two slower
    chosen = [threads.choose(background=True) for _ in range(4096)]
    assert 0 < chosen.count(2) < 0.02 * len(chosen)  # tried again now and then, rarely
    assert threads.choose(background=True, tokens=32) == 1  # prompt slices follow the winner


def test_the_cost_follows_measurements():
    threads = dial(RealtimeGate())
    threads.current = 2
    threads.observe(1, 0.02)
    threads.observe(32, 5.0)  # a prompt slice is not a token's cost
    assert threads.cost[2] == 0.02


def test_typing_keeps_background_work_narrow_for_a_while():
    gate = RealtimeGate()
    threads = ThreadDial(object(), 1, 2, gate=gate, quiet_s=30.0)
    gate.note_activity()
    assert all(threads.choose(background=True) == 1 for _ in range(20))


def test_a_probe_that_clearly_loses_stops_early():
    threads = dial(RealtimeGate())
    threads.cost = {1: 0.010, 2: 0.200}
    for _ in range(64):  # up to the next probe of two threads
        if threads.choose(background=True) == 2:
            break
    threads.current, threads._settling = 2, False
    threads.observe(1, 0.300)  # the probe's first token: far worse than one thread
    assert threads.choose(background=True) == 1  # the rest of the probe is skipped
