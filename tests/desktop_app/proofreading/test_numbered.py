"""Block texts read as (number, text) pairs: the same answers as a list of pairs, and a pass
over a big document that leaves the garbage collector nothing new to look at."""

from __future__ import annotations

import gc

import pytest

from desktop_app.proofreading import BackgroundChecker
from desktop_app.proofreading.markup import continues_at
from desktop_app.proofreading.numbered import NumberedTexts

TEXTS = [f"text {n}" + (" and on" if n % 3 else ".") for n in range(10)]


def test_it_reads_like_the_list_of_pairs():
    view, pairs = NumberedTexts(TEXTS), list(enumerate(TEXTS))
    assert list(view) == pairs and len(view) == len(pairs)
    assert [view[i] for i in range(-10, 10)] == [pairs[i] for i in range(-10, 10)]
    for low, high in [(0, 10), (2, 7), (7, 2), (-3, None), (None, 4), (9, 99)]:
        assert list(view[low:high]) == pairs[low:high]
    rest = view[6:] + view[:3] + view[3:6]
    assert list(rest) == pairs[6:] + pairs[:3] + pairs[3:6]
    assert list(rest[len(rest) // 2 :][::-1]) == (pairs[6:] + pairs[:3] + pairs[3:6])[5:][::-1]
    with pytest.raises(IndexError):
        view[10]
    assert list(view[0:0]) == [] and not view[0:0]


def test_the_block_before_is_found_as_in_the_list():
    view, pairs = NumberedTexts(TEXTS), list(enumerate(TEXTS))
    for block in range(10):
        assert continues_at(view, block) == continues_at(pairs, block)
    part = view[5:] + view[:2]
    assert part.text_before(5) is None and part.text_before(0) == TEXTS[9]
    assert part.text_before(1) == TEXTS[0] and part.text_before(3) is None


def test_a_pass_over_a_big_document_makes_no_tracked_object_per_block(proofreader):
    """The young generation holds what the blocks changed made, not a pair per block:
    a list of 400,000 pairs per pass was a 40-60 ms collection on the GUI thread."""
    import queue

    idle: queue.Queue = queue.Queue()
    checker = BackgroundChecker(
        lambda _result: None,
        # Counted as the pass ends, while everything it made is still alive.
        on_idle=lambda revision, _count: idle.put((revision, len(gc.get_objects(0)))),
        proofreader_factory=lambda: proofreader,
    )
    checker.start()
    assert checker.ready.wait(20)
    texts = [f"Line {n % 50} of a long document." for n in range(60_000)]  # cached after 50
    was_enabled = gc.isenabled()
    gc.disable()
    collections: list[int] = []
    noted = lambda phase, _info: collections.append(1) if phase == "start" else None  # noqa: E731
    gc.callbacks.append(noted)
    try:
        checker.check_texts(1, list(texts), range(0, 40))
        assert idle.get(timeout=60)[0] == 1
        texts[30_000] = "One line edited, with a libary."
        gc.collect()  # the young generation is empty: what is in it at the end, pass 2 made
        checker.check_texts(2, list(texts), range(0, 40))
        revision, young = idle.get(timeout=60)
    finally:
        gc.callbacks.remove(noted)
        if was_enabled:
            gc.enable()
        checker.stop()
    assert len(collections) == 1  # ours: else the young generation was emptied meanwhile
    assert revision == 2 and young < 2_000, young
