"""The prefetcher lints ahead into the shared cache with a Linter of its own, and stops."""

from __future__ import annotations

import time

from desktop_app.proofreading.cache import ParagraphCache
from desktop_app.proofreading.checker import QUIET_STATE
from desktop_app.proofreading.linter import ProofreadSettings
from desktop_app.proofreading.prefetch import MIN_BLOCKS, Prefetcher


def test_the_back_half_is_linted_into_the_cache_the_same_as_harper_finds_it(proofreader):
    cache = ParagraphCache()
    blocks = [(n, f"Line {n} has a libary and a tomorow.") for n in range(MIN_BLOCKS)]
    states = {n: QUIET_STATE for n, _ in blocks}
    ahead = Prefetcher(cache)
    ahead.start(blocks, states, {}, "american", ())
    fingerprint = ProofreadSettings().fingerprint("american")
    last = blocks[-1][1]
    deadline = time.monotonic() + 20
    while cache.get(last, fingerprint) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    ahead.cancel()
    found = cache.get(last, fingerprint)
    assert found is not None
    assert found == proofreader.raw_lints(last, "american")  # what the checker would find
    assert cache.get(blocks[0][1], fingerprint) is None  # the front half is the checker's


def test_few_blocks_are_left_to_the_checker():
    cache = ParagraphCache()
    ahead = Prefetcher(cache)
    ahead.start([(0, "A libary.")], {0: QUIET_STATE}, {}, "american", ())
    assert ahead._thread is None and len(cache) == 0


def test_a_warmed_prefetcher_is_ready_before_its_first_pass_and_closes():
    cache = ParagraphCache()
    ahead = Prefetcher(cache)
    ahead.warm()
    assert ahead.ready.wait(30)  # its Linter was built with no pass asked for
    assert len(cache) == 0
    blocks = [(n, f"Line {n} has a libary.") for n in range(MIN_BLOCKS)]
    ahead.start(blocks, {n: QUIET_STATE for n, _ in blocks}, {}, "american", ())
    fingerprint = ProofreadSettings().fingerprint("american")
    deadline = time.monotonic() + 20
    while cache.get(blocks[-1][1], fingerprint) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.get(blocks[-1][1], fingerprint) is not None  # the same thread lints the pass
    ahead.close()
    ahead._thread.join(10)
    assert not ahead._thread.is_alive()
