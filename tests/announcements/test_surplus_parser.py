"""The free-text surplus parser: real phrasings, edge cases, and properties on any text."""

from __future__ import annotations

import math
import time
import unicodedata
from collections import Counter
from datetime import time as clock
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import load_settings
from logistics.announcements.parsing.surplus import (
    MAX_CHARS,
    PROBLEM_CODES,
    UNITS,
    CatalogEntry,
    ParsedSurplus,
    ParsedWindow,
    parse_surplus,
)
from tests.announcements.surplus_phrasings import PHRASINGS, Case

CONFIG = Path(__file__).resolve().parents[2] / "config.toml"
SEPARATORS = frozenset(",;:+&/|•·.-–—*") | {"et", "en", "plus"}


@lru_cache(maxsize=1)
def shipped_catalog() -> tuple[CatalogEntry, ...]:
    """The category catalogue of the shipped config.toml, with made-up ids."""
    categories = load_settings(str(CONFIG)).network.categories
    return tuple(
        CatalogEntry(
            id=100 + n,
            key=c.key,
            name_fr=c.name_fr,
            name_nl=c.name_nl,
            synonyms_fr=tuple(c.synonyms_fr),
            synonyms_nl=tuple(c.synonyms_nl),
            cold_chain=c.cold_chain,
            kg_per_crate=c.kg_per_crate,
            kg_per_piece=c.kg_per_piece,
            kg_per_pallet=c.kg_per_pallet,
            kg_per_litre=c.kg_per_litre,
            date_kind=c.date_kind,
            grace_days=c.grace_days,
        )
        for n, c in enumerate(categories)
    )


@pytest.fixture
def catalog() -> tuple[CatalogEntry, ...]:
    return shipped_catalog()


def parse(text: str, **kwargs) -> ParsedSurplus:
    return parse_surplus(text, shipped_catalog(), **kwargs)


def entry(key: str) -> CatalogEntry:
    return next(e for e in shipped_catalog() if e.key == key)


# --- the invariants every result keeps --------------------------------------------------------


def words(text: str) -> list[str]:
    """Runs of ASCII digits, runs of letters with their marks, and single other signs."""
    found: list[str] = []
    previous = None
    for char in text:
        if char.isspace():
            kind = None
        elif char in "0123456789":
            kind = "digit"
        elif (char.isalnum() and char != "_") or unicodedata.category(char).startswith("M"):
            kind = "letter"
        else:
            kind = "sign"
        if kind is not None and kind == previous and kind != "sign":
            found[-1] += char
        elif kind is not None:
            found.append(char)
        previous = kind
    return found


def check_invariants(text: str, result: ParsedSurplus) -> None:
    # nothing lost: every word but separators is in an item, the window or not_understood
    wanted = Counter(w for w in words(text) if w.casefold() not in SEPARATORS)
    pieces = [i.text for i in result.items] + list(result.not_understood)
    if result.window is not None:
        pieces.append(result.window.text)
    have = Counter(w for piece in pieces for w in words(piece))
    assert not wanted - have, f"lost {wanted - have} from {text!r}: {result}"
    # fragments are verbatim, in order
    position = 0
    for fragment in result.not_understood:
        assert fragment and fragment == fragment.strip()
        found = text.find(fragment, position)
        assert found >= 0, (fragment, text)
        position = found + 1
    for item in result.items:
        assert item.text and item.text in text
        assert item.quantity > 0 and math.isfinite(item.quantity)
        assert item.estimated_kg is None or math.isfinite(item.estimated_kg)
        assert item.unit in UNITS
        assert item.cold_chain in ("ambient", "chilled", "frozen")
        assert 0 <= item.score <= 100
    assert len(result.items) <= 30
    assert set(result.problems) <= PROBLEM_CODES.keys()
    assert len(set(result.problems)) == len(result.problems)
    if result.window is not None:
        assert result.window.end > result.window.start
        assert result.window.day_offset in (0, 1)


# --- the phrasing table -----------------------------------------------------------------------


def window_of(result: ParsedSurplus) -> str | None:
    window = result.window
    if window is None:
        return None
    text = f"{window.start:%H:%M}-{window.end:%H:%M}"
    return text + ("+1" if window.day_offset else "")


def test_the_table_is_large_and_bilingual():
    assert len(PHRASINGS) >= 70
    assert len({case.text for case in PHRASINGS}) == len(PHRASINGS)


@pytest.mark.parametrize("case", PHRASINGS, ids=[c.text[:40] for c in PHRASINGS])
def test_phrasing(case: Case, catalog):
    result = parse_surplus(case.text, catalog)
    got = [(i.category_key, i.quantity, i.unit, i.cold_chain) for i in result.items]
    assert got == [(k, pytest.approx(q), u, c) for k, q, u, c in case.items]
    assert window_of(result) == case.window
    assert result.not_understood == case.not_understood
    if case.window is not None:
        assert result.window.source == "text"
    check_invariants(case.text, result)


# --- items ------------------------------------------------------------------------------------


def test_the_first_example_in_full():
    result = parse("20 kg pain, 3 caisses yaourts, 12 kg légumes 18h-19h30")
    bread, dairy, veg = result.items
    assert bread.category_id == entry("pain").id
    assert bread.text == "20 kg pain"
    assert (bread.estimated_kg, bread.cold_chain_stated, bread.score) == (20.0, False, 100.0)
    assert dairy.text == "3 caisses yaourts"
    assert dairy.estimated_kg == 3 * entry("produits-laitiers").kg_per_crate
    assert veg.text == "12 kg légumes"
    assert result.window == ParsedWindow(clock(18), clock(19, 30), 0, "text")
    assert result.window.text == "18h-19h30"
    assert result.not_understood == () and result.problems == ()


def test_estimates_follow_the_catalogue():
    result = parse("10 baguettes, 2 palettes boissons, 3 l jus, 2 l javel, 4 l pain")
    pieces, pallets, litres, *_ = result.items
    assert pieces.estimated_kg == pytest.approx(10 * entry("pain").kg_per_piece)
    assert pallets.estimated_kg == pytest.approx(2 * entry("boissons").kg_per_pallet)
    assert litres.estimated_kg == pytest.approx(3 * entry("boissons").kg_per_litre)
    # pain has no kg per litre: the item stays, its estimate is unknown
    assert result.items[-1].unit == "litre" and result.items[-1].estimated_kg is None
    assert result.not_understood == ("2 l javel",)


def test_cold_chain_stated_or_from_the_category():
    boissons, yaourts, surgeles = parse(
        "2 caisses boissons surgelées, yaourts 3 kg, surgelés 2 kg"
    ).items
    assert (boissons.cold_chain, boissons.cold_chain_stated) == ("frozen", True)
    assert (yaourts.cold_chain, yaourts.cold_chain_stated) == ("chilled", False)
    assert (surgeles.category_key, surgeles.cold_chain_stated) == ("surgeles", False)
    dry = parse("droge voeding 2 kg gekoeld").items[0]
    assert (dry.category_key, dry.cold_chain, dry.cold_chain_stated) == (
        "epicerie-seche",
        "chilled",
        True,
    )


def test_typos_have_a_lower_score():
    item = parse("4 bacs yahourt").items[0]
    assert item.category_key == "produits-laitiers" and 80 <= item.score < 100


@pytest.mark.parametrize(
    ("text", "problem", "fragment"),
    [
        ("0 kg pain", "zero_quantity", "0 kg pain"),
        ("-5 kg pain", "negative_quantity", "-5 kg pain"),
        ("pain −3 kg", "negative_quantity", "pain −3 kg"),
        ("1e9 kg riz", "huge_quantity", "1e9 kg riz"),
        ("20000 kg pain", "huge_quantity", "20000 kg pain"),
        ("30 palettes de conserves", "huge_quantity", "30 palettes de conserves"),
        ("NaN kg pâtes", "invalid_number", "NaN kg pâtes"),
        ("1e999 kg riz", "invalid_number", "1e999 kg riz"),
        ("3 sacs de pain", "unknown_unit", "3 sacs de pain"),
        ("12 kg", "quantity_without_category", "12 kg"),
        ("12 kg javel", "quantity_without_category", "12 kg javel"),
        ("pain", "category_without_quantity", "pain"),
        ("18h-17h 2 kg pain", "window_end_before_start", "18h-17h"),
        ("2 kg pain 18h-19h 20h-21h", "several_windows", "20h-21h"),
    ],
)
def test_problems(text, problem, fragment):
    result = parse(text)
    assert problem in result.problems
    assert fragment in result.not_understood
    check_invariants(text, result)


def test_problem_codes_are_documented_and_few():
    assert len(PROBLEM_CODES) <= 12
    assert all(code.isidentifier() and text for code, text in PROBLEM_CODES.items())


def test_at_most_thirty_items():
    text = ", ".join(f"{n} kg pain" for n in range(1, 41))
    result = parse(text)
    assert len(result.items) == 30
    assert result.problems == ("too_many_items",)
    assert result.not_understood[0] == "31 kg pain"
    check_invariants(text, result)


def test_a_long_message_is_cut_and_the_rest_reported():
    text = "20 kg pain, " * 300
    started = time.perf_counter()
    result = parse(text)
    assert time.perf_counter() - started < 2
    assert "text_too_long" in result.problems
    assert len(result.not_understood[-1]) > len(text) - MAX_CHARS - 20
    check_invariants(text, result)


def test_a_long_word_is_not_split():
    text = "pain " + "x" * 5000
    result = parse(text)
    assert result.not_understood == ("pain", "x" * 5000)
    check_invariants(text, result)
    word = "é" * 100_000
    assert parse(word) == ParsedSurplus((), None, (word,), ("text_too_long",))


@pytest.mark.parametrize(
    "unit",
    ["1x", "x1", "2 x ", "-1", "1e", "1,", "1/", "18h-", "de ", "a'", "fruits et ", "é\u0301"],
)
def test_repeated_patterns_up_to_the_limit(unit):
    text = unit * (MAX_CHARS // len(unit) + 5)
    started = time.perf_counter()
    result = parse(text)
    assert time.perf_counter() - started < 2
    check_invariants(text, result)


def test_separators_and_fillers_are_understood():
    result = parse("~20 kg pain ; (3 caisses lait) + 2 bacs légumes et 1 kg riz\n4 kg pâtes")
    assert len(result.items) == 5
    assert result.not_understood == ()
    assert result.items[1].text == "(3 caisses lait)"


def test_a_cold_chain_word_alone_is_reported():
    result = parse("pain 3 caisses, surgelé")
    assert [i.category_key for i in result.items] == ["pain"]
    assert result.not_understood == ("surgelé",)
    assert result.problems == ("category_without_quantity",)


def test_catalogue_is_matched_as_given():
    tiny = (
        CatalogEntry(7, "soupe", "Soupe", "Soep", ("potage",), (), "chilled", None, 0.5, None, 1.0),
    )
    result = parse_surplus("3 l potage, 2 caisses soep, 4 kg pain", tiny)
    litres, crates = result.items
    assert (litres.category_id, litres.estimated_kg) == (7, 3.0)
    assert (crates.unit, crates.estimated_kg) == ("crate", None)
    assert result.not_understood == ("4 kg pain",)
    assert parse_surplus("3 kg pain", ()).not_understood == ("3 kg pain",)


# --- windows ----------------------------------------------------------------------------------

DEFAULT = (clock(19), clock(19, 30))


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("2 kg pain", None, None),
        ("2 kg pain", DEFAULT, ParsedWindow(clock(19), clock(19, 30), 0, "default")),
        ("2 kg pain ce soir", DEFAULT, ParsedWindow(clock(19), clock(19, 30), 0, "text")),
        ("2 kg pain vanavond", None, ParsedWindow(clock(18), clock(20), 0, "text")),
        ("2 kg pain demain", DEFAULT, ParsedWindow(clock(19), clock(19, 30), 1, "text")),
        ("2 kg pain morgen 18u-19u", DEFAULT, ParsedWindow(clock(18), clock(19), 1, "text")),
        # end only: one hour before, or from the default start when that is earlier
        ("2 kg pain avant 21h", DEFAULT, ParsedWindow(clock(19), clock(21), 0, "text")),
        ("2 kg pain voor 19u15", DEFAULT, ParsedWindow(clock(18, 15), clock(19, 15), 0, "text")),
        ("2 kg pain avant 0h30", None, ParsedWindow(clock(0), clock(0, 30), 0, "text")),
        # start only: one hour, never past midnight
        ("2 kg pain vanaf 23u30", None, ParsedWindow(clock(23, 30), clock(23, 59), 0, "text")),
        (
            "2 kg pain à partir de 18h15",
            None,
            ParsedWindow(clock(18, 15), clock(19, 15), 0, "text"),
        ),
        ("2 kg pain 18 heures", None, ParsedWindow(clock(18), clock(19), 0, "text")),
        ("2 kg pain 18-19h", None, ParsedWindow(clock(18), clock(19), 0, "text")),
        ("2 kg pain de 18 à 19h", None, ParsedWindow(clock(18), clock(19), 0, "text")),
        ("2 kg pain 18h30 à 19h", None, ParsedWindow(clock(18, 30), clock(19), 0, "text")),
        ("2 kg pain 18:00 - 19:30", None, ParsedWindow(clock(18), clock(19, 30), 0, "text")),
        # a window that ends before it starts falls back to the default
        ("2 kg pain 19h-18h", DEFAULT, ParsedWindow(clock(19), clock(19, 30), 0, "default")),
        ("2 kg pain 19h-18h", None, None),
    ],
)
def test_windows(text, default, expected):
    result = parse(text, default_window=default)
    assert result.window == expected
    assert [i.category_key for i in result.items] == ["pain"]
    check_invariants(text, result)


def test_numbers_near_times_stay_quantities():
    result = parse("yaourts 3 à 19h, voor 20 kg brood")
    assert [(i.category_key, i.quantity) for i in result.items] == [
        ("produits-laitiers", 3),
        ("pain", 20),
    ]
    assert result.window == ParsedWindow(clock(19), clock(20), 0, "text")


# --- properties -------------------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        "20 kg pain",
        "3 caisses yaourts",
        "brood 15kg",
        "2 bakken melk",
        "groenten 8 kg",
        "12 kg légumes",
        "yahourt",
        "brod",
        "legumes",
        "2,5",
        "1.5",
        "1 500 g",
        "15kg",
        "3x",
        "kg",
        "g",
        "caisses",
        "bak",
        "palette",
        "stuks",
        "l",
        "surgelé",
        "frais",
        "diepvries",
        "sec",
        "jus de fruits",
        "plats préparés",
        "fruits et légumes",
        "18h-19h30",
        "18u",
        "18:00",
        "19u30",
        "avant",
        "voor",
        "vanaf",
        "à partir de",
        "entre",
        "tussen",
        "et",
        "en",
        "de",
        "van",
        "tot",
        "demain",
        "morgen",
        "ce soir",
        "vanavond",
        ",",
        ";",
        "+",
        "\n",
        "-",
        "-5",
        "0",
        "NaN",
        "1e9",
        "99999999",
        "???",
        "(",
        ")",
        "d'",
        "l'eau",
        "kilo's",
        "x",
        "~",
        "env.",
        "une",
        "twee",
        "😀",
        "‏שלום",
        "é",
        "e\u0301",
        "\x00",
    ]
)
SPACING = st.sampled_from(["", " ", "  ", "\t", "\n"])
MESSAGES = st.lists(st.tuples(FRAGMENTS, SPACING), max_size=25).map(
    lambda parts: "".join(f + s for f, s in parts)
)


TRICKY = st.sampled_from(
    [
        *("\u202e", "\u200f", "\u200d", "😀", "👨\u200d👩\u200d👧", "\x00", "\r", "\x85"),
        *("\u2028", "٣", "½", "e\u0301", "\u0301", "ß", "İ", "ﬁ", "Œ", "שלום", "مرحبا"),
        *("h", "u", "kg", "1", "18", "-", ".", ",", "'", " ", "\n", "pain", "surgelé"),
    ]
)


@settings(deadline=None, max_examples=200)
@given(st.text())
def test_any_text_is_parsed_without_loss(text):
    check_invariants(text, parse(text))


@settings(deadline=None, max_examples=100)
@given(st.lists(st.one_of(st.text(max_size=3), TRICKY), max_size=40).map("".join))
def test_control_rtl_and_emoji_are_parsed_without_loss(text):
    check_invariants(text, parse(text, default_window=DEFAULT))


@settings(deadline=None, max_examples=300)
@given(MESSAGES, st.sampled_from([None, DEFAULT]))
def test_realistic_messages_are_parsed_without_loss(text, default):
    result = parse(text, default_window=default)
    check_invariants(text, result)
    if default is not None:
        assert result.window is not None


@settings(deadline=None, max_examples=50)
@given(MESSAGES)
def test_parsing_is_deterministic(text):
    assert parse(text) == parse(text)
    assert parse(text).window == parse(text).window


@settings(deadline=None, max_examples=30)
@given(st.text(min_size=1900, max_size=2600))
def test_long_random_text(text):
    check_invariants(text, parse(text))
