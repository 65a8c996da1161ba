"""The background checker: visible paragraphs first, stale results recognisable, one Linter."""

from __future__ import annotations

import queue

import pytest

from desktop_app.proofreading import BackgroundChecker, fix_text

TIMEOUT = 20


@pytest.fixture
def checker(proofreader):
    results: queue.Queue = queue.Queue()
    idle: queue.Queue = queue.Queue()
    checker = BackgroundChecker(
        results.put,
        on_idle=lambda revision, count: idle.put((revision, count)),
        proofreader_factory=lambda: proofreader,
    )
    checker.results, checker.idle = results, idle
    checker.start()
    assert checker.ready.wait(TIMEOUT)
    yield checker
    checker.stop()


def _drain(q: queue.Queue) -> list:
    out = []
    while not q.empty():
        out.append(q.get_nowait())
    return out


def test_visible_paragraphs_come_first_and_clean_ones_are_not_reported(checker):
    blocks = [(n, f"Paragraph {n} has a libary in it.") for n in range(40)]
    blocks[5] = (5, "This one is clean.")
    checker.check(1, blocks, visible=range(30, 33))
    assert checker.idle.get(timeout=TIMEOUT) == (1, 39)
    results = _drain(checker.results)
    assert [r.block_number for r in results[:3]] == [30, 31, 32]
    assert 5 not in {r.block_number for r in results}
    assert all(r.revision == 1 and r.issues for r in results)


def test_a_stale_result_is_recognisable(checker):
    checker.check(1, [(0, "The libary is shut.")], visible=range(0, 1))
    checker.idle.get(timeout=TIMEOUT)
    (result,) = _drain(checker.results)
    assert result.is_current("The libary is shut.")
    assert not result.is_current("The library is shut.")  # the writer fixed it meanwhile
    checker.check(2, [(0, "The library is shut.")], visible=range(0, 1))
    checker.idle.get(timeout=TIMEOUT)
    (cleared,) = _drain(checker.results)
    assert cleared.revision == 2 and cleared.issues == []


def test_a_newer_revision_supersedes_queued_work(checker):
    old = [(n, f"Old text {n} with a libary.") for n in range(200)]
    new = [(n, f"New text {n} is fine.") for n in range(3)]
    checker.check(1, old, visible=range(0, 3))
    checker.check(2, new, visible=range(0, 3))
    revisions = []
    while True:
        revision, _ = checker.idle.get(timeout=TIMEOUT)
        revisions.append(revision)
        if revision == 2:
            break
    assert revisions[-1] == 2 and len(revisions) <= 2
    assert sum(r.revision == 1 for r in _drain(checker.results)) < 200


def test_names_count_across_paragraphs(checker):
    blocks = [
        (0, "Quorvath opened the door."),
        (1, "The guests looked at Quorvath."),
        (2, "Everyone asked Quorvath about the libary."),
    ]
    checker.check(1, blocks, visible=range(0, 3))
    checker.idle.get(timeout=TIMEOUT)
    latest = {r.block_number: r.issues for r in _drain(checker.results)}  # the last one wins
    assert [i.text for issues in latest.values() for i in issues] == ["libary"]


def test_fixes_run_on_the_checkers_thread(checker):
    done: queue.Queue = queue.Queue()
    checker.call(lambda p: fix_text("The libary.", p), done.put)
    assert done.get(timeout=TIMEOUT).fixed_text == "The library."


def test_hard_wrapped_lines_are_not_sentences_missing_capitals(checker):
    blocks = [
        (0, "It is a truth universally acknowledged, that a single man in possession"),
        (1, "of a good fortune, must be in want of a wife."),
        (2, ""),
        (3, "and this line really starts a sentence in lower case."),
    ]
    checker.check(1, blocks, visible=range(0, 4))
    checker.idle.get(timeout=TIMEOUT)
    latest = {r.block_number: r.issues for r in _drain(checker.results)}
    assert not latest.get(1)
    assert "and" in [i.text for i in latest.get(3, [])]  # a real lower-case start


def test_a_call_does_not_wait_for_a_long_pass(checker):
    blocks = [(n, f"Line {n} of a long document about the libary.") for n in range(800)]
    checker.check(1, blocks, visible=range(0, 10))
    done: queue.Queue = queue.Queue()
    checker.call(lambda p: fix_text("The libary.", p), done.put)
    assert done.get(timeout=TIMEOUT).fixed_text == "The library."
    assert checker.idle.get(timeout=60) == (1, 800)  # and the pass still finishes


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_whole_document_pass_waits_while_the_writer_types_but_the_visible_blocks_do_not(
    checker,
):
    from desktop_app.proofreading.typing_watch import TypingWatch

    clock = _Clock()
    checker.typing = TypingWatch(clock=clock, quiet_s=0.3)
    checker.typing.note()  # the writer is typing
    blocks = [(n, f"Paragraph {n} has a libary in it.") for n in range(600)]
    checker.check(1, blocks, visible=range(0, 5))
    assert checker.typing.waited.wait(TIMEOUT)  # the long pass is holding back
    early = {r.block_number for r in _drain(checker.results)}
    assert set(range(5)) <= early  # the visible blocks were not held back
    assert checker.idle.empty() and len(early) < 600
    clock.now = 1.0  # the writer paused
    assert checker.idle.get(timeout=TIMEOUT) == (1, 600)
    assert early | {r.block_number for r in _drain(checker.results)} == set(range(600))
