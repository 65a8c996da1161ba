"""Tests for desktop_app.documents.line_diff: the diff, applied to the old text, gives the new one."""

from __future__ import annotations

import difflib
import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.documents.line_diff import unified_line_diff

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _apply(before: str, diff: str) -> str:
    """Apply a unified diff to `before`, as `patch` would."""
    old = before.splitlines(keepends=True)
    norm = [line if line.endswith("\n") else line + "\n" for line in old]
    out: list[str] = []
    pos = 0
    lines = diff.splitlines(keepends=True)[2:]
    i = 0
    while i < len(lines):
        m = _HUNK.match(lines[i])
        assert m, lines[i]
        start, count = int(m.group(1)), int(m.group(2) or 1)
        first = start - 1 if count else start  # an empty range names the line before it
        out.extend(old[pos:first])
        pos = first
        i += 1
        while i < len(lines) and not lines[i].startswith("@@"):
            tag, body = lines[i][0], lines[i][1:]
            if tag == "\\":  # "\ No newline at end of file" after the line it describes
                if lines[i - 1][0] == "+":
                    out[-1] = out[-1].removesuffix("\n")
            elif tag in " -":
                assert norm[pos] == body, (pos, norm[pos], body)
                if tag == " ":
                    out.append(old[pos])
                pos += 1
            else:
                out.append(body)
            i += 1
    out.extend(old[pos:])
    return "".join(out)


# Few distinct lines make repeats (no unique anchors); a few unique ones make anchors.
lines = st.lists(
    st.sampled_from(["a\n", "b\n", "c\n", "\n", "dd\n", "u1\n", "u2\n", "u3\n", "end"]),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(before=lines, after=lines)
def test_diff_applies_back(before, after):
    a, b = "".join(before), "".join(after)
    diff = unified_line_diff(a, b, context=2)
    assert (diff == "") == (a == b)
    if diff:
        assert diff.startswith("--- before\n+++ after\n")
        assert _apply(a, diff) == b


def test_big_text_with_few_changes_is_fast_and_exact():
    base = [f"line {i} of a long book\n" for i in range(400_000)]
    new = base[:]
    new[200_000] = "EDITED\n"
    new.insert(300_000, "NEW LINE\n")
    del new[5]
    a, b = "".join(base), "".join(new)
    started = time.perf_counter()
    diff = unified_line_diff(a, b)
    elapsed = time.perf_counter() - started
    assert "-line 200000 of a long book\n+EDITED\n" in diff and "+NEW LINE\n" in diff
    assert "@@ -3,7 +3,6 @@" in diff  # real line numbers, not the slice's
    assert _apply(a, diff) == b
    assert elapsed < 2.5, f"{elapsed:.2f}s"  # plain difflib took 3.6 s on 356k lines


def test_total_rewrite_is_fast_and_exact():
    a = "".join(f"old {i}\n" for i in range(30_000))
    b = "".join(f"new {i}\n" for i in range(30_000))
    started = time.perf_counter()
    diff = unified_line_diff(a, b)
    assert time.perf_counter() - started < 1.5
    assert diff.startswith("--- before\n+++ after\n@@ -1,30000 +1,30000 @@\n-old 0\n")
    assert _apply(a, diff) == b


def test_same_hunks_as_difflib_on_small_texts():
    a = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n"
    b = "one\n2\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\n"
    expected = "".join(
        line if line.endswith("\n") else line + "\n"
        for line in difflib.unified_diff(
            a.splitlines(keepends=True), b.splitlines(keepends=True), "before", "after"
        )
    )
    assert unified_line_diff(a, b) == expected


def test_output_can_be_capped():
    a = "".join(f"old {i}\n" for i in range(100))
    b = "".join(f"new {i}\n" for i in range(100))
    capped = unified_line_diff(a, b, max_lines=10)
    assert capped.splitlines()[-1] == "… 191 more lines of differences not shown"
    assert len(capped.splitlines()) == 13
