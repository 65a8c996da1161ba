"""The rewrite guard, on constructed outputs: each kind of harm is caught, faithful rewrites pass."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.rewrite.actions import ACTIONS
from desktop_app.rewrite.guard import LENGTH_BOUNDS, GuardWarning, check, verdict
from desktop_app.rewrite.guard import facts as guard_facts
from desktop_app.rewrite.guard import text as guard_text

FIRE = (
    "The Great Fire of London began in a bakery on Pudding Lane in the early hours of Sunday, "
    "2 September 1666. The baker, Thomas Farriner, later swore that he had put out his oven "
    "before going to bed. A strong east wind drove the flames west across the City, where timber "
    "houses stood close together and the warehouses along the Thames were full of oil, tallow and "
    "coal. The Lord Mayor, Sir Thomas Bloodworth, did not order houses to be pulled down in time, "
    "and the fire spread faster than people could flee. It burned for four days. Samuel Pepys "
    "buried his parmesan cheese in his garden to save it. Only six deaths were recorded, though "
    "the true toll was almost certainly higher. When the wind dropped on Wednesday, the fire had "
    "destroyed more than thirteen thousand homes, eighty-seven parish churches and St Paul's "
    "Cathedral."
)
# Number words as digits, clauses reordered, a contraction: faithful, so no warnings.
FORMAL = (
    "The Great Fire of London started in a bakery on Pudding Lane in the early hours of Sunday, "
    "2 September 1666. Thomas Farriner, the baker, later swore that he had extinguished his oven "
    "before he went to bed. Driven by a strong east wind, the flames spread west across the City, "
    "where timber houses stood close together and the warehouses along the Thames were filled "
    "with oil, tallow and coal. The Lord Mayor, Sir Thomas Bloodworth, didn't order houses to be "
    "pulled down in time, and the fire spread faster than people could flee. It burned for 4 "
    "days. To save it, Samuel Pepys buried his parmesan cheese in his garden. Only 6 deaths were "
    "recorded, though the true toll was almost certainly higher. By the time the wind dropped on "
    "Wednesday, the fire had destroyed more than 13,000 homes, 87 parish churches and St Paul's "
    "Cathedral."
)
FRIENDLY = (
    "So, the Great Fire of London kicked off in a bakery on Pudding Lane in the small hours of "
    "Sunday, 2 September 1666. The baker, Thomas Farriner, swore afterwards that he'd put his "
    "oven out before heading to bed. A strong east wind pushed the flames west across the City, "
    "where the timber houses were packed close together and the warehouses by the Thames were "
    "stuffed with oil, tallow and coal. The Lord Mayor, Sir Thomas Bloodworth, didn't get houses "
    "pulled down in time, and the fire spread faster than folks could run. It burned for four "
    "whole days! Samuel Pepys even buried his parmesan cheese in his garden to keep it safe. Only "
    "six deaths were recorded, though the real toll was almost certainly higher. By the time the "
    "wind dropped on Wednesday, the fire had wiped out more than thirteen thousand homes, "
    "eighty-seven parish churches and St Paul's Cathedral."
)
CONCISE = (
    "The Great Fire of London started in a Pudding Lane bakery early on Sunday, 2 September 1666. "
    "The baker, Thomas Farriner, swore he had put out his oven. An east wind drove the flames west "
    "across the City, whose close timber houses and Thames warehouses full of oil, tallow and coal "
    "fed them. The Lord Mayor, Sir Thomas Bloodworth, did not order houses pulled down in time, "
    "so the fire outran people. It burned for four days. Samuel Pepys buried his parmesan in his "
    "garden. Only six deaths were recorded; the true toll was surely higher. When the wind "
    "dropped on Wednesday, 13,000 homes, 87 parish churches and St Paul's Cathedral were gone."
)
SUMMARY = (
    "In September 1666 the Great Fire of London spread from a Pudding Lane bakery across the City "
    "for four days, destroying more than 13,000 homes, 87 churches and St Paul's Cathedral."
)
CONTINUATION = (
    "Within a week, Christopher Wren had drawn up plans for a new city of brick and stone, with "
    "wide avenues and piazzas. Most of them were never built, but his new St Paul's rose over "
    "the rubble."
)
PLAIN_CONTINUATION = (  # new text, and no fact the text before does not have
    "Smoke hung over the river for weeks. Families camped in the fields outside the walls, "
    "waiting for the embers to cool before they went back to look for what was left."
)
GRAMMAR_SOURCE = (
    "the team have been working on the onboarding flow for three week. They dont know yet when "
    "it will be finish, but they hopes to ship it before the end of march."
)
GRAMMAR_FIXED = (
    "The team has been working on the onboarding flow for three weeks. They don't know yet when "
    "it will be finished, but they hope to ship it before the end of March."
)


def codes(warnings: list[GuardWarning]) -> set[str]:
    return {w.code for w in warnings}


def sentences_of(text: str) -> list[str]:
    return list(guard_text.sentences(text))


@pytest.mark.parametrize(
    ("action", "output"),
    [
        ("formal", FORMAL),
        ("friendly", FRIENDLY),
        ("concise", CONCISE),
        ("summarize", SUMMARY),
        ("custom", FRIENDLY),
        ("grammar", FIRE),
        ("continue", PLAIN_CONTINUATION),
    ],
)
def test_faithful_rewrites_of_the_fire_pass(action, output):
    warnings = check(action, FIRE, output)
    assert warnings == []
    assert verdict(warnings) == "ok"


def test_a_grammar_fix_with_contractions_and_capitals_passes():
    assert check("grammar", GRAMMAR_SOURCE, GRAMMAR_FIXED) == []


def test_spelled_out_numbers_and_digits_are_the_same_number_both_ways():
    source = "We counted 87 churches, 13,000 homes and 4 wells."
    words = "We counted eighty-seven churches, thirteen thousand homes and four wells."
    assert check("formal", source, words) == []
    assert check("formal", words, source) == []
    assert check("formal", "About two hundred and fifty came.", "About 250 came.") == []


def test_reordered_clauses_and_contractions_pass():
    source = "We did not leave, because it was raining. I cannot say when we will go."
    output = "Because it was raining, we didn't leave. I can't say when we'll go."
    assert check("friendly", source, output) == []
    assert check("formal", output, source) == []


def test_a_dropped_sentence_is_rejected_and_counted():
    kept = [s for s in sentences_of(FORMAL) if "4 days" not in s and "Pepys" not in s]
    warnings = check("formal", FIRE, " ".join(kept))
    dropped = [w for w in warnings if w.code == "dropped"]
    assert dropped and dropped[0].message == "2 sentences dropped"
    assert dropped[0].severity == "reject"
    assert "four days" in dropped[0].detail
    assert verdict(warnings) == "reject"


def test_concise_may_merge_sentences_but_not_lose_one():
    source = "The rain started at noon. It did not stop until dark. The match was called off."
    merged = "The rain started at noon and did not stop until dark, so the match was called off."
    assert "dropped" not in codes(check("concise", source, merged))
    lost = "The rain did not stop from noon until dark."
    assert "dropped" in codes(check("concise", source, lost))


def test_a_new_number_is_rejected():
    output = FORMAL.replace("87 parish churches", "87 parish churches, 400 shops")
    warnings = check("formal", FIRE, output)
    new = [w for w in warnings if w.code == "number_new"]
    assert new and "400" in new[0].message and new[0].severity == "reject"


def test_a_changed_number_names_both():
    source = FIRE.replace("eighty-seven", "87")
    output = FORMAL.replace("87 parish", "400 parish")
    changed = [w for w in check("formal", source, output) if w.code == "number_changed"]
    assert changed and "87" in changed[0].message and "400" in changed[0].message
    assert changed[0].message.index("87") < changed[0].message.index("400")
    # Spelled out in the source: both forms are named.
    spelled = [w for w in check("formal", FIRE, output) if w.code == "number_changed"]
    assert spelled and "eighty-seven" in spelled[0].message and "87" in spelled[0].message


def test_a_summary_may_leave_numbers_out_but_not_change_them():
    assert check("summarize", FIRE, SUMMARY) == []
    wrong = SUMMARY.replace("13,000 homes", "over 400 homes")
    changed = [w for w in check("summarize", FIRE, wrong) if w.code == "number_changed"]
    assert changed and "400" in changed[0].message and "13,000" in changed[0].message


def test_a_lost_number_and_name_are_reported():
    output = FORMAL.replace("It burned for 4 days. ", "").replace("Samuel Pepys", "a diarist")
    found = codes(check("formal", FIRE, output))
    assert {"number_missing", "name_missing"} <= found


def test_a_new_date_and_name_are_reported():
    output = FORMAL.replace("on Wednesday", "on Thursday").replace("Samuel Pepys", "John Evelyn")
    found = codes(check("formal", FIRE, output))
    assert "date_changed" in found and "name_new" in found


@pytest.mark.parametrize(
    "looping",
    [
        "A strong east wind drove the flames west across the City, where timber houses were a "
        "mixture of coal and wood that was a mixture of coal and wood that was a mixture of coal",
        "It burned for four days. It burned for four days. It burned for four days.",
    ],
)
def test_a_repetition_loop_is_rejected(looping):
    warnings = check("formal", FIRE, looping, final=False)
    assert "loop" in codes(warnings) and verdict(warnings) == "reject"


def test_a_refrain_the_source_repeats_is_not_a_loop():
    song = "La la la, we sing all night. La la la, we sing all night. La la la, we sing all night."
    assert check("grammar", song, song) == []


def test_a_cut_off_result_is_rejected_only_when_final():
    cut = FORMAL[: FORMAL.index("87 parish") + len("87 parish")]
    assert "cut_off" in codes(check("formal", FIRE, cut))
    assert "cut_off" not in codes(check("formal", FIRE, cut, final=False))
    # A source that itself stops mid-sentence may be rewritten the same way.
    assert "cut_off" not in codes(check("grammar", "and then we wen", "and then we went"))


@pytest.mark.parametrize(
    "output",
    [
        f"<p>{FORMAL}</p>",
        f"<text>{FORMAL}</text>",
        f"```\n{FORMAL}\n```",
        f"Rewritten text: {FORMAL}",
        f"{FORMAL}<|im_end|>",
    ],
)
def test_markup_the_source_lacks_is_rejected(output):
    warnings = check("formal", FIRE, output)
    assert "markup" in codes(warnings) and verdict(warnings) == "reject"


def test_markup_the_source_has_is_fine():
    source = "Use <b>bold</b> sparingly, and never in a heading."
    assert check("formal", source, "Use <b>bold</b> sparingly, and never in a heading.") == []


@pytest.mark.parametrize(
    ("output", "code"),
    [
        (f"Here is the rewritten text: {FORMAL}", "chatter"),
        (f"Sure! {FORMAL}", "chatter"),
        (f"{FORMAL} I hope this helps!", "chatter"),
        (f"{FORMAL}\n\nLet me know if you would like any other changes.", "chatter"),
        (f"{FORMAL} The text is in a formal tone, with a mix of formal words.", "commentary"),
        (f"{FORMAL} The original text was reworded to make it more formal.", "commentary"),
        ("I'm sorry, but I can't help with that request.", "refusal"),
        ("As an AI language model, I cannot rewrite historical events.", "refusal"),
    ],
)
def test_chatter_and_refusals_are_rejected(output, code):
    warnings = check("formal", FIRE, output)
    assert code in codes(warnings) and verdict(warnings) == "reject"


def test_a_grammar_fix_that_leaves_words_out_is_rejected():
    # As the bundled model did: "…thirteen thousand homes, and St. Paul's Cathedral."
    output = FIRE.replace("eighty-seven parish churches and St Paul's", "and St. Paul's")
    warnings = check("grammar", FIRE, output)
    lost = [w for w in warnings if w.code == "words_lost"]
    assert lost and "parish" in lost[0].message and "churches" in lost[0].message
    # Misspellings corrected, even into small words, are not words left out.
    assert (
        check("grammar", "Its becuase thier libary is shut.", "It's because their library is shut.")
        == []
    )


def test_an_apology_the_writer_asked_for_is_not_a_refusal():
    source = "Apologies for the late reply; the report is attached."
    output = "I'm sorry for the late reply! The report is attached."
    assert "refusal" not in codes(check("friendly", source, output))


def test_a_restated_continuation_is_rejected():
    restated = (
        "The Great Fire of London began in a bakery on Pudding Lane in the early hours of a "
        "Sunday in 1666. It burned for four days and destroyed thirteen thousand homes."
    )
    warnings = check("continue", FIRE, restated)
    assert "restated" in codes(warnings) and verdict(warnings) == "reject"
    assert "no_new_text" in codes(check("continue", FIRE, "It burned for four days."))


def test_a_continuation_may_bring_new_names_and_numbers_with_a_warning_to_check_them():
    warnings = check("continue", FIRE, CONTINUATION + " It took 35 years.")
    assert codes(warnings) == {"new_fact"} and verdict(warnings) == "warn"  # offered, flagged
    assert "Christopher Wren" in warnings[0].message and "35" in warnings[0].message
    # A name or number the text before already has is no news.
    again = " By then the bakery in Pudding Lane had been rebuilt, as it had stood in 1666."
    assert check("continue", FIRE, PLAIN_CONTINUATION + again) == []


def test_an_acronym_in_brackets_is_a_name_a_summary_must_not_bring_in():
    source = "The fire was fought by the trained bands of the city, under the Lord Mayor."
    warnings = check("summarize", source, "The trained bands (TB) fought the fire.")
    assert codes(warnings) == {"name_new"} and "TB" in warnings[0].message


@pytest.mark.parametrize(
    ("action", "source", "output"),
    [
        ("formal", FIRE, FORMAL.replace("didn't order", "ordered")),
        (
            "concise",
            "People do not judge speed by how hard the system works; they judge it by how soon "
            "they see a response.",
            "People judge speed by how hard the system works.",
        ),
        ("grammar", "The results was always clear.", "The results were never clear."),
    ],
)
def test_a_negation_flip_is_rejected(action, source, output):
    warnings = check(action, source, output)
    assert "negation" in codes(warnings) and verdict(warnings) == "reject"


def test_a_negation_said_with_a_prefix_is_not_a_flip():
    source = "It was not possible to leave. She was not happy about it."
    output = "Leaving was impossible. She was unhappy about it."
    assert check("formal", source, output) == []
    assert check("formal", output, source) == []


def test_a_negation_that_moves_into_a_merged_sentence_is_not_a_flip():
    source = "The shop was closed. Nobody could buy bread. The baker was ill."
    output = "Because the baker was ill, the shop was closed and nobody could buy bread."
    assert "negation" not in codes(check("concise", source, output))


def test_a_different_language_is_rejected():
    french = (
        "Le grand incendie de Londres a commencé dans une boulangerie de Pudding Lane aux "
        "premières heures du dimanche 2 septembre 1666. Le boulanger, Thomas Farriner, a juré "
        "plus tard qu'il avait éteint son four avant d'aller se coucher, mais le vent a poussé "
        "les flammes vers la ville."
    )
    source = " ".join(sentences_of(FIRE)[:3])
    warnings = check("formal", source, french)
    language = [w for w in warnings if w.code == "language"]
    assert language and "French" in language[0].message and language[0].severity == "reject"
    assert [w.code for w in check("grammar", french, french)] == []


@pytest.mark.parametrize(
    ("action", "output", "severity"),
    [
        ("grammar", FIRE + " " + FORMAL, "reject"),  # twice as long
        ("concise", FIRE, "warn"),  # not shorter at all
        ("summarize", FIRE, "reject"),  # a "summary" as long as the text
        ("formal", FORMAL + " " + FORMAL + " " + FRIENDLY, "reject"),
    ],
)
def test_a_length_outside_the_actions_bounds_is_flagged(action, output, severity):
    length = [w for w in check(action, FIRE, output) if w.code == "length"]
    assert length and length[0].severity == severity


def test_an_empty_result_is_rejected_but_an_empty_stream_is_not_yet():
    assert verdict(check("formal", FIRE, "  ")) == "reject"
    assert check("formal", FIRE, "", final=False) == []


def test_every_catalogue_action_is_known_and_unknown_ones_raise():
    assert {a.id for a in ACTIONS} == {*LENGTH_BOUNDS, "continue"}
    with pytest.raises(KeyError):
        check("translate", FIRE, FIRE)


def test_verdict_takes_the_worst_severity():
    warn = GuardWarning("name_new", "a name is new: Evelyn", "warn")
    reject = GuardWarning("dropped", "1 sentence dropped", "reject")
    assert verdict([]) == "ok"
    assert verdict([warn]) == "warn"
    assert verdict([warn, reject]) == "reject"


def test_the_guard_costs_under_five_ms_per_paragraph():
    # A 150-word paragraph and its rewrite, every cache cold. The fastest of 20 runs is the cost
    # without the other programs on a shared machine (2 ms here; the budget is 5 ms).
    assert 130 <= len(guard_text.words(FIRE)) <= 170
    timings = []
    for _ in range(20):
        guard_facts.clear_caches()
        start = time.perf_counter()
        check("formal", FIRE, FORMAL)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.005


_VOCABULARY = (
    "the fire London 87 eighty-seven not never don't Here is Sure! <p> I'm sorry "
    "Pepys Sunday thirteen thousand a one wind, city. houses; burned? and"
)
_WORDS = st.sampled_from(_VOCABULARY.split())
_PROSE = st.lists(_WORDS, max_size=60).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    text=st.one_of(_PROSE, st.text(max_size=300)),
    action=st.sampled_from(["grammar", "formal", "friendly", "custom"]),
)
def test_an_output_identical_to_its_source_always_passes(text, action):
    assert check(action, text, text) == []


def test_a_short_label_line_the_source_lacks_is_the_models_own_remark():
    source = "The report is due on Friday. Sarah has not started the finance part."
    output = "more concisely:\n\nThe report is due Friday; Sarah has not started the finance part."
    assert "chatter" in [w.code for w in check("concise", source, output)]
    assert verdict(check("concise", source, output)) == "reject"
    titled = "Budget:\n\nThe report is due on Friday. Sarah has not started the finance part."
    assert "chatter" not in [w.code for w in check("grammar", titled, titled)]


def test_the_model_talking_about_its_tone_is_commentary():
    source = "You can use it too, but we suggest you think carefully first."
    output = (
        "You can use it too, but we suggest you think carefully first. This is a friendly tone, "
        "but it's not a friendly response."
    )
    assert verdict(check("friendly", source, output)) == "reject"
    assert "commentary" in [w.code for w in check("friendly", source, output)]
