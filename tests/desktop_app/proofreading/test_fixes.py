"""Fix Grammar and Spelling: clear suggestions only, every sentence kept, Markdown untouched."""

from __future__ import annotations

import re

import pytest

from desktop_app.proofreading import Fix, apply_fixes, fix_text

_SENTENCE = re.compile(r"[.!?]+(?=\s|$)")


def test_clear_fixes_are_applied_and_every_sentence_survives(proofreader):
    text = (
        "We went to the the library yesterday. I dont know why it was closed. "
        "The staff will recieve the books tomorow."
    )
    plan = fix_text(text, proofreader)
    fixed = plan.fixed_text
    assert len(_SENTENCE.findall(fixed)) == len(_SENTENCE.findall(text))
    for wrong in ("the the", "dont", "recieve", "tomorow"):
        assert wrong not in fixed
    for fix in plan.fixes:
        assert text[fix.start : fix.end] == fix.old and fix.reason


def test_the_writer_can_untick_a_fix(proofreader):
    text = "The libary is near the the station."
    plan = fix_text(text, proofreader)
    assert len(plan.fixes) == 2
    only_second = plan.apply([1])
    assert "libary" in only_second and "the the" not in only_second
    assert plan.apply([]) == text


def test_unclear_suggestions_are_left_open(proofreader):
    text = "She gave a speach that nobody heard."  # speech? speak? peach?
    plan = fix_text(text, proofreader)
    issue = [i for i in plan.open if i.text == "speach"]
    if not issue:  # Harper found one clear answer after all: it must then be a fix
        assert any(f.old == "speach" for f in plan.fixes)
    else:
        assert len(issue[0].suggestions) > 1 and plan.fixed_text == text


def test_markdown_and_code_are_never_touched(proofreader):
    text = (
        "# Notes\n\nUse `teh_libary` and see [docs](http://exmaple.com/libary).\n\n"
        "```\nteh libary tomorow\n```\n\nThe libary opens tomorow.\n"
    )
    fixed = fix_text(text, proofreader).fixed_text
    assert "`teh_libary`" in fixed and "http://exmaple.com/libary" in fixed
    assert "```\nteh libary tomorow\n```" in fixed
    assert fixed.endswith("The library opens tomorrow.\n")


def test_applying_fixes_to_changed_text_fails_loudly():
    fix = Fix(4, 10, "libary", "library", "spelling")
    assert apply_fixes("The libary.", [fix]) == "The library."
    with pytest.raises(ValueError):
        apply_fixes("The library.", [fix])
