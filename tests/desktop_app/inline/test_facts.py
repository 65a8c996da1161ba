"""Fact safety: numbers, dates and names new to the document are flagged, known ones are not."""

from __future__ import annotations

import pytest

from desktop_app.inline.document_model import DocumentModel
from desktop_app.inline.facts import fact_free_prefix, introduces_new_fact

DOCUMENT = (
    "The Great Fire of London began on 2 September 1666 in a bakery on Pudding Lane.\n"
    "Samuel Pepys wrote about it in his diary. The flames spread quickly.\n"
    "About 13,200 houses burned. I think the wind was to blame.\n"
)


@pytest.fixture(scope="module")
def model():
    return DocumentModel(DOCUMENT)


@pytest.mark.parametrize(
    ("before", "suggestion"),
    [
        ("The fire ", "began on 29th May 1666"),  # a new day of the month
        ("It began on", " 2 September 1843"),  # a new year after known words
        ("a bakery on ", "Pudding Lane in 1887"),
        ("in ", "the early 1840s"),
        ("It began in 18", "43 and"),  # the word being typed, checked whole
        ("About ", "2,500 houses"),
        ("and ", "Christopher Wren rebuilt it"),  # a new name mid-sentence
        ("It burned. ", "Wren rebuilt it"),  # a new name opening a sentence
        ("It burned ", "on Monday morning"),  # a new day name
    ],
)
def test_something_new_is_flagged(model, before, suggestion):
    reason = introduces_new_fact(suggestion, model, before=before)
    assert reason and "not in the document" in reason


@pytest.mark.parametrize(
    ("before", "suggestion"),
    [
        ("It began in 16", "66 and"),  # continues a year the document has
        ("About ", "13,200 houses"),
        ("About ", "13200 houses"),  # same digits
        ("Samuel ", "Pepys wrote"),
        ("in ", "London's streets"),  # a possessive of a known name
        ("It burned on ", "2 September"),
        ("and ", "Mr. Pepys said"),  # a title is no fact
    ],
)
def test_what_the_document_has_is_fine(model, before, suggestion):
    assert introduces_new_fact(suggestion, model, before=before) is None


@pytest.mark.parametrize(
    ("before", "suggestion"),
    [
        ("and ", "the houses burned"),
        ("It burned. ", "The wind rose."),
        ("It burned. ", "Flames rose higher."),  # the document has "flames"
        ("It burned. ", "However, it spread"),
        ("It burned. ", "I was there."),
        ('"', "May I see it?"),  # "May" opening a sentence is a verb
        ("", "Then it rained."),  # the document's first words
    ],
)
def test_ordinary_words_are_not_flagged(model, before, suggestion):
    assert introduces_new_fact(suggestion, model, before=before) is None


def test_only_the_first_words_are_checked(model):
    late = "and then it burned and burned for days until 1843"
    assert introduces_new_fact(late, model, before="It ") is None
    assert introduces_new_fact(late, model, before="It ", words=12) is not None


def test_an_edit_that_adds_a_fact_makes_it_known():
    model = DocumentModel("The fire began.\n")
    assert introduces_new_fact(" in 1666", model, before="It began") is not None
    model.update_paragraph(1, "", "It was 1666.")
    assert introduces_new_fact(" in 1666", model, before="It began") is None


def test_a_suggestion_is_cut_before_its_new_fact(model):
    assert fact_free_prefix("began on 29th May 1666", model, before="The fire ") == "began on"
    assert fact_free_prefix("43 and", model, before="It began in 18") == ""  # its first word
    assert fact_free_prefix("the flames spread", model, before="and ") == "the flames spread"
    cut = fact_free_prefix(" 2 September 1843, and", model, before="It began on")
    assert cut == " 2 September"
