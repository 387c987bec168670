"""Store managers' own words: typos, everyday food words, spoken times (store_phrasings.py)."""

from __future__ import annotations

import dataclasses

import pytest

from logistics.announcements.parsing.catalog import CategoryMatcher, phrase_norm
from logistics.announcements.parsing.lexicon import EVERYDAY_WORDS
from logistics.announcements.parsing.surplus import parse_surplus
from tests.announcements.phrasings_score import GOAL, TODAY, score, understood
from tests.announcements.store_phrasings import DUTCH, FRENCH, PHRASINGS
from tests.announcements.test_surplus_parser import (
    check_invariants,
    parse,
    shipped_catalog,
    window_of,
)


def test_the_table_is_large_bilingual_and_without_repeats():
    assert len(PHRASINGS) >= 150
    assert min(len(FRENCH), len(DUTCH)) >= 75
    assert len({case.text for case in PHRASINGS}) == len(PHRASINGS)


def test_the_share_fully_understood_reaches_the_goal():
    share, missed = score(PHRASINGS)
    assert share >= GOAL, [case.text for case in missed]


@pytest.mark.parametrize("case", PHRASINGS, ids=[c.text[:40] for c in PHRASINGS])
def test_no_word_is_lost(case):
    check_invariants(case.text, parse(case.text, today=TODAY))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("15kg pian", "pain"),
        ("12 kg broot", "pain"),
        ("3 kg tomattes", "fruits-legumes"),
        ("2 kg fromaje", "produits-laitiers"),
        ("5 kg aardapelen", "fruits-legumes"),
        ("2 kratten kerstomaten", "fruits-legumes"),
        ("1 kg roomboter", "produits-laitiers"),
    ],
)
def test_a_typo_or_a_compound_is_matched_below_full_score(text, key):
    (item,) = parse(text).items
    assert item.category_key == key
    assert item.score < 100


@pytest.mark.parametrize(
    "word",
    "bonjour merci svp aub laat main mais bien rien passage ophalen magasin winkel chauffeur"
    " vandaag avond soir heures uur bedankt groetjes collègue demain morgen vanavond".split(),
)
def test_common_words_are_not_food(word):
    assert CategoryMatcher(shipped_catalog()).match(phrase_norm(word)) is None


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("brood 5 kg tegen 19u", "18:00-19:00"),
        ("brood 5 kg voor 20u", "19:00-20:00"),
        ("brood 5 kg rond 18u", "18:00-19:00"),
        ("pain 5 kg avant 20h", "19:00-20:00"),
        ("pain 5 kg vers 18h", "18:00-19:00"),
        ("pain 5 kg d'ici 19h", "18:00-19:00"),
        ("pain 5 kg 18 h 30", "18:30-19:30"),
        ("pain 5 kg 7h du soir", "19:00-20:00"),
        ("brood 5 kg tegen 7u 's avonds", "18:00-19:00"),
    ],
)
def test_spoken_times(text, window):
    assert window_of(parse(text)) == window


def test_pour_needs_a_marked_hour_and_minutes_need_room():
    assert parse("pain pour 20 personnes").window is None
    result = parse("2 kg pain 18 h 30 kg lait")
    assert window_of(result) == "18:00-19:00"
    assert [(i.category_key, i.quantity) for i in result.items][-1] == ("produits-laitiers", 30)


def _without_synonyms(entry):
    return dataclasses.replace(entry, synonyms_fr=(), synonyms_nl=())


def test_a_database_seeded_before_gets_the_everyday_words():
    """The words live in the code: a catalogue with none of them still reads them."""
    bare = tuple(_without_synonyms(e) for e in shipped_catalog())
    (item,) = parse_surplus("20 kg aardappelen", bare).items
    assert item.category_key == "fruits-legumes"


def test_the_catalogue_keeps_its_own_words():
    """A word the catalogue gives to one category is not taken by the everyday words."""
    taken = next(w for w in EVERYDAY_WORDS["fruits-legumes"] if w == "champignons")
    catalog = tuple(
        dataclasses.replace(e, synonyms_fr=(*e.synonyms_fr, taken)) if e.key == "conserves" else e
        for e in shipped_catalog()
    )
    (item,) = parse_surplus("3 kg champignons", catalog).items
    assert item.category_key == "conserves"


def test_a_network_without_the_shipped_keys_gets_none_of_them():
    catalog = tuple(dataclasses.replace(e, key=f"x-{e.key}") for e in shipped_catalog())
    assert parse_surplus("20 kg aardappelen", catalog).items == ()


def test_the_score_counts_a_missed_case():
    wrong = PHRASINGS[0]._replace(window="06:00-07:00")
    assert not understood(wrong)
    assert understood(PHRASINGS[0])
