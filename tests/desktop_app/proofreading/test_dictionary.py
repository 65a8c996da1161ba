"""The personal dictionary: saved under the config dir, and words in it are never flagged."""

from __future__ import annotations

from desktop_app import paths
from desktop_app.proofreading import PersonalDictionary


def test_a_word_added_persists_across_a_new_instance():
    first = PersonalDictionary()
    assert first.path.parent == paths.config_dir()
    assert first.add("Zorbleflux") and not first.add("zorbleflux")
    again = PersonalDictionary()
    assert "zorbleflux" in again and "Zorbleflux" in again.words()
    assert again.remove("ZORBLEFLUX")
    assert "Zorbleflux" not in PersonalDictionary()


def test_a_corrupt_file_gives_an_empty_dictionary(tmp_path):
    path = tmp_path / "dictionary.json"
    path.write_text("{not json", encoding="utf-8")
    dictionary = PersonalDictionary(path)
    assert dictionary.words() == []
    dictionary.add("Quux")
    assert PersonalDictionary(path).words() == ["Quux"]


def test_dictionary_words_are_not_flagged(proofreader):
    text = "The zorbleflux was humming again."
    assert any(i.text == "zorbleflux" for i in proofreader.lint_paragraph(text))
    dictionary = PersonalDictionary()
    dictionary.add("zorbleflux")
    proofreader.dictionary = dictionary
    try:
        assert not any(i.text == "zorbleflux" for i in proofreader.lint_paragraph(text))
    finally:
        proofreader.dictionary = None
