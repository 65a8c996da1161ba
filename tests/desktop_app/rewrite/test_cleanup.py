"""Cleanup: chat chatter around an answer is stripped; clean text is left exactly alone."""

from __future__ import annotations

import pytest

from desktop_app.rewrite.cleanup import clean_output, clean_partial, trim_repetition

ORIGINAL = "the team have been working on the onboarding flow for three week."
ANSWER = "The team has been working on the onboarding flow for three weeks."

# Replies in the shapes small chat models really produce (several seen from SmolLM2 here).
CHATTER = [
    "Here's the corrected text:\n<text>\n{a}\n",
    "The text is:\n<text>\n{a}\n",
    "<text>\n{a}\n</text>",
    "Sure! Here's a more concise version:\n\n{a}",
    "Certainly! Here is the rewritten paragraph:\n{a}",
    "**Corrected version:**\n\n{a}",
    "Here is the summary: {a}",
    '"{a}"',
    "\u201c{a}\u201d",
    "```\n{a}\n```",
    "Here you go:\n```text\n{a}\n```",
    "{a}\n\nNote: I corrected the verb agreement and the plural.",
    "{a}\n\nExplanation:\n- 'have' became 'has'\n- 'week' became 'weeks'",
    "{a}\n\nI made the following changes:\n1. Fixed the verb.\n2. Fixed the plural.",
    "{a}\n\nIn this revised version, the verb agrees with the subject.",
    "Sure!\n\n{a}\n\nLet me know if you need anything else.",
    'Rewritten text:\n\n"{a}"\n\nI hope this helps!',
    "{a}\n\n(Note: 'week' should be plural.)",
    "{a}\n\nI will be happy to help with the rest of the text.",
]


@pytest.mark.parametrize("template", CHATTER)
def test_chatter_is_stripped(template):
    assert clean_output(template.format(a=ANSWER), ORIGINAL) == ANSWER


@pytest.mark.parametrize(
    "text",
    [
        ANSWER,
        "Here is my plan: we leave at six and arrive by noon.",
        "Sure, I can come on Friday. Note that I will be late.",
        "The plan: leave early.\n\nThe result: we arrived first.",
        '"Stop," she said. "Not yet."',
        "I made the cake myself.\n\nI hope this helps the party.",
        "Notes from the meeting.\n\nNote: the office closes on Monday.",
        "Use <b>bold</b> sparingly.",
    ],
)
def test_clean_text_is_left_alone(text):
    # As the original, and as a reply to it (a rewrite that changed nothing).
    assert clean_output(text, text) == text


def test_leading_and_trailing_whitespace_come_from_the_original():
    assert clean_output(f"Here's the corrected text:\n{ANSWER}\n\n", f"  {ORIGINAL}\n") == (
        f"  {ANSWER}\n"
    )
    assert clean_output(f"  {ANSWER}  ", ORIGINAL) == ANSWER


def test_a_reply_of_only_chatter_or_markup_is_empty():
    assert clean_output("<text>\n<p>\n<i>\n<em>\n<em>\n", ORIGINAL) == ""
    assert clean_output("Sure!", ORIGINAL) == ""
    assert clean_output("   ", ORIGINAL) == ""


def test_a_looping_reply_keeps_one_copy():
    loop = "I'm so glad you're here. I'm glad.\n\nI'm glad.\n\nI'm glad.\n\nI'm gl"
    assert clean_output(loop, ORIGINAL) == "I'm so glad you're here. I'm glad."
    # A long sentence said a second time is already a loop.
    long = "The product is designed to make a positive difference."
    assert trim_repetition(f"{ANSWER}\n\n{long}\n\n{long}\n\nThe product is", ORIGINAL) == (
        f"{ANSWER}\n\n{long}"
    )
    # A refrain the original itself repeats is not a loop.
    song = "La la la, we sing.\nLa la la, we sing.\nLa la la, we sing."
    assert trim_repetition(song, song) == song


def test_partial_output_holds_back_a_possible_preamble_but_streams_plain_text():
    assert clean_partial("Here's the", ORIGINAL) == ""
    assert clean_partial("Sure! Here is a", ORIGINAL) == ""
    assert clean_partial("<text", ORIGINAL) == ""
    assert clean_partial("<text>The team has been", ORIGINAL) == "The team has been"
    assert clean_partial("Here's the corrected text:\n<text>\nThe team has", ORIGINAL) == (
        "The team has"
    )
    assert clean_partial("The team has been working", ORIGINAL) == "The team has been working"
    assert clean_partial("the team have been", ORIGINAL) == "the team have been"
    assert clean_partial('"The team has been', ORIGINAL) == "The team has been"
    # A new line that may become a closing note waits; one that cannot is shown.
    assert clean_partial(f"{ANSWER}\n\nNot", ORIGINAL) == ANSWER
    assert clean_partial(f"{ANSWER}\n\nNote: I", ORIGINAL) == ANSWER
    assert clean_partial(f"{ANSWER}\n\nWe also", ORIGINAL) == f"{ANSWER}\n\nWe also"


def test_answer_followed_by_an_echoed_opening_tag_is_kept():
    original = (
        "We should probably consider starting the meeting somewhat earlier than we usually do."
    )
    reply = "I think it's best to start the meeting a little earlier than usual.\n<text>"
    assert clean_output(reply, original) == (
        "I think it's best to start the meeting a little earlier than usual."
    )


def test_an_echo_of_our_instruction_and_the_restart_after_it_are_cut():
    original = (
        "We should probably consider starting the meeting somewhat earlier than we usually do."
    )
    reply = (
        "I think it's best to start the meeting a little earlier than usual. Rewrite the text "
        "with the whole rewritten text only: In my personal opinion, I think it's best to start "
        "the meeting a little earlier than usual."
    )
    assert clean_output(reply, original) == (
        "I think it's best to start the meeting a little earlier than usual."
    )
    leading = "Reply with the whole rewritten text only. We should start the meeting earlier."
    assert clean_output(leading, original) == "We should start the meeting earlier."


def test_the_writers_own_instruction_like_words_stay():
    original = "Rewrite the text before Friday, said the editor, and keep it short."
    assert clean_output(original, original) == original


# Real paragraphs that begin the way closing remarks do: they are the writer's, and must survive.
PARTY = (
    "Dear all,\n\nThe summer party is on Saturday 14 June at the boathouse. Food starts at six."
    "\n\nFeel free to bring a partner or a friend; there will be plenty to eat.\n\nLet me know by "
    "Friday whether you can come, so I can tell the caterers."
)
PARTY_FRIENDLY = (
    "Hi everyone,\n\nOur summer party is on Saturday 14 June at the boathouse, and the food starts "
    "at six!\n\nFeel free to bring a partner or a friend - there'll be loads to eat.\n\nLet me "
    "know by Friday if you can make it, so I can tell the caterers."
)
# The friendly rewrite says "Feel free" and "Let me know" where the original did not.
INVITATION = (
    "The summer party is on Saturday 14 June at the boathouse.\n\nYou are welcome to bring a "
    "partner or a friend.\n\nPlease ask me if you have questions about the menu."
)
INVITATION_FRIENDLY = (
    "Our summer party is on Saturday 14 June at the boathouse!\n\nFeel free to bring a partner "
    "or a friend.\n\nLet me know if you have any questions about the menu."
)
STORY = (
    "The parcel came on a Tuesday, wrapped in brown paper and tied with string.\n\n"
    "Note the date on the letter, Inspector: it was written a week before she died.\n\n"
    "Let me know what you think, she wrote at the bottom of the card, and I will send the rest.\n\n"
    "Feel free to take the boat out, the old man had said, but bring it back before the tide.\n\n"
    "I changed my mind about the house the moment I saw the garden.\n\n"
    "Note the changes to the will: the original version left everything to the church."
)
STORY_REWRITTEN = (
    "The parcel arrived on a Tuesday, wrapped in brown paper and tied with string.\n\n"
    "Note the date on the letter, Inspector; it was written one week before her death.\n\n"
    "Let me know what you think, she had written at the foot of the card, and I will send the "
    "rest.\n\n"
    "Feel free to take the boat out, the old man had told him, but bring it back before the "
    "tide.\n\n"
    "I changed my mind about the house as soon as I saw the garden.\n\n"
    "Note how the will was changed: in its first version, everything went to the church."
)


@pytest.mark.parametrize(
    ("reply", "original"),
    [
        (PARTY_FRIENDLY, PARTY),
        (PARTY, PARTY),
        (INVITATION_FRIENDLY, INVITATION),
        (STORY, STORY),
        (STORY_REWRITTEN, STORY),
    ],
)
def test_paragraphs_that_begin_like_a_closing_remark_are_kept(reply, original):
    assert clean_output(reply, original) == reply
    assert clean_partial(reply, original) == reply
    # And in a chunk of any two neighbouring paragraphs.
    replies, originals = reply.split("\n\n"), original.split("\n\n")
    for index in range(1, len(replies)):
        pair = "\n\n".join(replies[index - 1 : index + 1])
        assert clean_output(pair, "\n\n".join(originals[index - 1 : index + 1])) == pair


def test_real_chatter_after_such_paragraphs_still_goes():
    reply = f"{STORY_REWRITTEN}\n\nNote: I corrected the tense in the second paragraph."
    assert clean_output(reply, STORY) == STORY_REWRITTEN
    reply = f"{PARTY_FRIENDLY}\n\nLet me know if you would like any other changes to the tone!"
    assert clean_output(reply, PARTY) == PARTY_FRIENDLY
    reply = f"{PARTY_FRIENDLY}\n\nI changed the greeting:\n- 'Dear all' became 'Hi everyone'"
    assert clean_output(reply, PARTY) == PARTY_FRIENDLY


def test_a_remark_that_continues_with_a_real_paragraph_is_not_cut():
    # If anything after the remark is the writer's text, nothing is cut: the guard flags the
    # remark instead, and no paragraph is lost.
    reply = f"{ANSWER}\n\nNote: I corrected the verb.\n\nThe launch is planned for May."
    original = f"{ORIGINAL}\n\nThe launch is planned for May."
    assert "The launch is planned for May." in clean_output(reply, original)


def test_an_echo_of_the_task_as_a_label_line_goes_and_the_writers_own_stays():
    original = "The report is due on friday."
    for label in ("more concisely:", "Rewrite this text more concisely:", "More formal:"):
        assert clean_output(f"{label}\n\nThe report is due on Friday.", original) == (
            "The report is due on Friday."
        )
    mine = "More formal: the report is due."
    assert clean_output(mine, mine) == mine
