"""The proofreader on real text with the real Harper: what is flagged, where, and what is not."""

from __future__ import annotations

from desktop_app.proofreading import DocumentContext, ProofreadSettings, fix_text
from desktop_app.proofreading.linter import doubled_words


def _covering(issues, text, word):
    start = text.index(word)
    return [i for i in issues if i.start <= start and i.end >= start + len(word)]


def test_a_misspelling_is_found_at_its_offsets_and_its_fix_removes_it(proofreader):
    text = "The library was closed, so we went to the libary instead."
    issues = proofreader.lint_paragraph(text)
    found = _covering(issues, text, "libary")
    assert found and found[0].category == "spelling"
    assert text[found[0].start : found[0].end] == "libary" == found[0].text
    assert "library" in found[0].suggestions
    fixed = fix_text(text, proofreader).fixed_text
    assert "libary" not in fixed and "library instead" in fixed
    assert not proofreader.lint_paragraph(fixed)


def test_offsets_are_python_characters_after_accents_and_emoji(proofreader):
    text = "Café crème 😀🎉 and naïve déjà vu, then teh end."
    issues = proofreader.lint_paragraph(text)
    found = _covering(issues, text, "teh")
    assert found and text[found[0].start : found[0].end] == "teh"


def test_clean_text_is_left_unchanged_by_fix(proofreader):
    text = (
        "The committee met on Tuesday to discuss the budget. Everyone agreed that the new "
        "library should open in the spring, and the mayor thanked the volunteers."
    )
    plan = fix_text(text, proofreader)
    assert plan.fixed_text == text and not plan.fixes


def test_a_name_used_three_times_is_not_flagged(proofreader):
    text = (
        "Quorvath opened the door. The guests looked at Quorvath in silence. "
        "Later that night, everyone asked Quorvath about the letter."
    )
    context = DocumentContext.from_text(text)
    assert "Quorvath" in context.names
    assert not _covering(proofreader.lint_paragraph(text, context), text, "Quorvath")


def test_a_word_once_capitalised_at_a_sentence_start_is_no_name(proofreader):
    text = "Recieve the parcel. You will recieve another one tomorrow."
    context = DocumentContext.from_text(text)
    assert "Recieve" not in context.names
    assert _covering(proofreader.lint_paragraph(text, context), text, "Recieve")


def test_the_dialect_is_guessed_from_the_documents_own_spellings(proofreader):
    british = "The colour of the centre was grey, and we organised a travelling show."
    american = "The color of the center was gray, and we organized a traveling show."
    assert DocumentContext.from_text(british).dialect == "british"
    assert DocumentContext.from_text(american).dialect == "american"
    text = "I like the colour of this flavour."
    guessed = proofreader.lint_paragraph(text, DocumentContext.from_text(text))
    assert not guessed
    forced = ProofreadSettings(dialect="american")
    assert _covering(proofreader.lint_paragraph(text, settings=forced), text, "colour")


def test_each_dialect_keeps_its_own_linter_and_its_own_rules(proofreader):
    # A dialect change builds another Linter rather than calling Harper's dialect setter, which
    # holds the GIL while it drops the old linter's caches (the GUI froze when the guess flipped).
    american = ProofreadSettings(dialect="american")
    british = ProofreadSettings(dialect="british")
    british_quiet = ProofreadSettings(dialect="british", rules=(("SpellCheck", False),))

    def flagged(settings, n):  # a new sentence each time, so Harper runs (no cached lints)
        text = f"They liked the colour of the libary {'and ' * n}so much."
        issues = proofreader.lint_paragraph(text, settings=settings)
        return {word for word in ("colour", "libary") if _covering(issues, text, word)}

    assert flagged(american, 0) == {"colour", "libary"}
    assert flagged(british, 0) == {"libary"}
    american_linter = proofreader._linters["american"]
    assert flagged(british_quiet, 1) == set()
    assert flagged(american, 1) == {"colour", "libary"}  # the British rules stay British
    assert flagged(british, 2) == {"libary"}
    assert proofreader._linters["american"] is american_linter
    assert proofreader._linters["british"] is not american_linter


def test_style_advice_is_off_by_default_and_can_be_switched_on(proofreader):
    text = "This is a sentence.  And here is another one -- with a dash."
    assert not proofreader.lint_paragraph(text)
    style = ProofreadSettings(categories=frozenset({"spelling", "grammar", "style"}))
    found = proofreader.lint_paragraph(text, settings=style)
    assert found and {i.category for i in found} == {"style"}


def test_markdown_and_code_are_never_linted_as_prose(proofreader):
    text = (
        "Run `teh_libary --wrold` first, see [the docs](http://exmaple.com/libary) "
        "and **bold** words."
    )
    assert not proofreader.lint_paragraph(text)
    document = "# A short heading\n\n```\nteh libary wrold\n```\n\nA real libary here.\n"
    issues = proofreader.lint_document(document)
    assert [document[i.start : i.end] for i in issues] == ["libary"]
    assert issues[0].start == document.index("libary here")


def test_ignored_words_are_not_flagged_in_that_document(proofreader):
    text = "The zorbleflux was humming."
    issue = _covering(proofreader.lint_paragraph(text), text, "zorbleflux")[0]
    context = DocumentContext(ignored=frozenset({issue.ignore_key}))
    assert not _covering(proofreader.lint_paragraph(text, context), text, "zorbleflux")


def test_doubled_words_are_found_but_had_had_is_english(proofreader):
    line = "a good good word"
    assert [line[raw.start : raw.end] for raw in doubled_words(line)] == ["good good"]
    text = "She had had enough of it, and he said that that was all."
    assert not proofreader.lint_paragraph(text)
    text = "It was a good good idea."
    assert _covering(proofreader.lint_paragraph(text), text, "good good")


def test_only_edited_paragraphs_are_linted_again(proofreader):
    text = "A fresh paragraph about the weather in Lisbon."
    proofreader.lint_paragraph(text)
    hits = proofreader.cache.hits
    proofreader.lint_paragraph(text)
    assert proofreader.cache.hits == hits + 1
    misses = proofreader.cache.misses
    proofreader.lint_paragraph(text + " It rained.")
    assert proofreader.cache.misses == misses + 1


def test_utf16_offsets_for_qt_count_emoji_twice():
    from desktop_app.proofreading.markup import utf16_offset

    text = "é😀 teh"
    assert (
        utf16_offset(text, text.index("teh"))
        == len(text[: text.index("teh")].encode("utf-16-le")) // 2
    )


def test_harper_rules_can_be_switched_off(proofreader):
    text = "The libary is shut."
    off = ProofreadSettings(rules=(("SpellCheck", False),))
    assert not proofreader.lint_paragraph(text, settings=off)
    assert proofreader.lint_paragraph(text)  # and back on with the defaults


def test_a_lower_case_list_item_and_an_identifier_with_digits_are_not_flagged(proofreader):
    item = "a) under this License, provided that you make a good faith effort."
    assert not proofreader.lint_paragraph(item)
    text = "If you use option 4d0, the information must accompany the code."
    assert not _covering(proofreader.lint_paragraph(text), text, "4d0")
    # Neither exception hides a real mistake beside it.
    text = "a) under this Licence the libary goes on, but under option 4d0 teh code stays."
    flagged = {text[i.start : i.end] for i in proofreader.lint_paragraph(text)}
    assert {"libary", "teh"} <= flagged
    capital = proofreader.lint_paragraph("It ended. under the bridge it went.")
    assert any(i.category == "grammar" for i in capital)  # a sentence without its capital
