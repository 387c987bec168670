"""Use-by and best-before dates: read from free text, and refused at announcement when past."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from logistics.announcements.announce import announce, draft_from_text
from logistics.announcements.announce_dates import (
    item_check,
    remove_item,
    set_item_date,
    waiting_item,
)
from logistics.announcements.drafts import Draft, DraftItem
from logistics.announcements.parsing.dates import parse_date
from logistics.errors import InvalidInput
from logistics.people.identity import identify
from logistics.safety.food_dates import PastDate, local_today, out_of_date, refused_date
from storage.models import Category, DonationItem, Store
from tests.announcements.test_guided_flow import MARC
from tests.announcements.test_guided_flow import seeded as seeded  # a fixture
from tests.announcements.test_surplus_parser import check_invariants, parse

TODAY = date(2026, 3, 10)  # the clock fixture's Tuesday


def dates(text: str, today: date = TODAY):
    items = parse(text, today=today).items
    return [(i.category_key, i.use_by, i.best_before, i.lot) for i in items]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 caisses yaourts DLC 05/12", ("produits-laitiers", date(2026, 12, 5), None, None)),
        ("4 kg kip tgt 5/12", ("viande", date(2026, 12, 5), None, None)),
        ("10 kg poulet jusqu'au 5 déc", ("viande", date(2026, 12, 5), None, None)),
        ("6 kg pâtes THT 12/2026", ("epicerie-seche", None, date(2026, 12, 31), None)),
        ("melk 10 liter houdbaar tot 31-12", ("produits-laitiers", None, date(2026, 12, 31), None)),
        (
            "4 kg plats préparés à consommer jusqu'au 6 décembre",
            ("plats-prepares", date(2026, 12, 6), None, None),
        ),
        ("gehakt 5 kg te gebruiken tot 6 december", ("viande", date(2026, 12, 6), None, None)),
        ("riz 10 kg DDM 10/01", ("epicerie-seche", None, date(2027, 1, 10), None)),
        ("5 kg fromage lot A123", ("produits-laitiers", None, None, "A123")),
        ("5 kg kaas lotnummer 4567", ("produits-laitiers", None, None, "4567")),
        # a bare date after a use-by category's item: that category's kind
        ("yaourts 3 caisses 12/03", ("produits-laitiers", date(2026, 3, 12), None, None)),
    ],
)
def test_dates_and_lots_are_read_in_both_languages(text, expected):
    assert dates(text) == [expected]
    assert parse(text, today=TODAY).not_understood == ()


def test_a_date_belongs_to_the_item_of_its_line():
    found = dates("3 caisses yaourts DLC 05/12, 20 kg pain\n2 kg saumon tgt 11/03")
    assert found == [
        ("produits-laitiers", date(2026, 12, 5), None, None),
        ("pain", None, None, None),
        ("poisson", date(2026, 3, 11), None, None),
    ]


def test_a_bare_date_of_an_undated_item_or_a_quantity_is_no_date():
    assert dates("pain 3 kg 05/03") == [("pain", None, None, None)]
    assert parse("pain 3 kg 05/03", today=TODAY).not_understood == ("05/03",)
    assert [(i.quantity, i.unit) for i in parse("yaourts 1/2 kg", today=TODAY).items] == [
        (0.5, "kg")
    ]
    window = parse("3 caisses yaourts 9-10u", today=TODAY).window
    assert (window.start.hour, window.end.hour) == (9, 10)


def test_without_today_dates_are_not_read():
    assert parse("3 caisses yaourts DLC 05/12").items[0].use_by is None


def test_a_date_a_few_days_past_stays_past_and_years_wrap():
    assert parse_date("05/03", TODAY) == date(2026, 3, 5)  # refused, not next year's
    assert parse_date("05/01", TODAY) == date(2027, 1, 5)  # over a month back: next year
    assert parse_date("02/01", date(2026, 12, 31)) == date(2027, 1, 2)
    assert parse_date("30/12", date(2027, 1, 2)) == date(2026, 12, 30)
    assert parse_date("29/02", TODAY) == date(2028, 2, 29)
    assert parse_date("6 décembre", TODAY) == date(2026, 12, 6)
    assert parse_date("31/02", TODAY) is None
    assert parse_date("bientôt", TODAY) is None


def test_the_use_by_day_itself_is_allowed_never_the_day_after():
    assert refused_date(use_by=TODAY, best_before=None, grace_days=0, today=TODAY) is None
    assert refused_date(use_by=date(2026, 3, 9), best_before=None, grace_days=0, today=TODAY) == (
        "use_by",
        date(2026, 3, 9),
    )


def test_best_before_may_be_passed_within_the_grace_only():
    past = date(2026, 3, 1)
    assert refused_date(use_by=None, best_before=past, grace_days=9, today=TODAY) is None
    assert refused_date(use_by=None, best_before=past, grace_days=8, today=TODAY) == (
        "best_before",
        past,
    )
    assert refused_date(use_by=None, best_before=past, grace_days=0, today=TODAY) is not None


def test_today_is_the_antennas_day_across_daylight_saving_and_the_new_year():
    # 29 March 2026: Brussels goes from UTC+1 to UTC+2 at 01:00 UTC
    assert local_today(datetime(2026, 3, 28, 22, 30, tzinfo=UTC), "Europe/Brussels") == date(
        2026, 3, 28
    )
    assert local_today(datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Europe/Brussels") == date(
        2026, 3, 29
    )
    late = datetime(2026, 3, 29, 21, 59, tzinfo=UTC)  # 23:59 summer time
    use_by = date(2026, 3, 29)
    today = local_today(late, "Europe/Brussels")
    assert refused_date(use_by=use_by, best_before=None, grace_days=0, today=today) is None
    next_day = local_today(datetime(2026, 3, 29, 22, 0, tzinfo=UTC), "Europe/Brussels")
    assert refused_date(use_by=use_by, best_before=None, grace_days=0, today=next_day)
    # 31/12 → 02/01: a date written on 31 December for 2 January is next year's, and allowed
    new_year = date(2026, 12, 31)
    day = parse_date("02/01", new_year)
    assert refused_date(use_by=day, best_before=None, grace_days=0, today=new_year) is None
    assert refused_date(use_by=new_year, best_before=None, grace_days=0, today=date(2027, 1, 2))


def item(**values) -> DraftItem:
    base = dict(
        category_id=2,
        category_key="produits-laitiers",
        name_fr="Produits laitiers",
        name_nl="Zuivel",
        text="3 caisses yaourts",
        quantity=3,
        unit="crate",
        cold_chain="chilled",
        estimated_kg=24,
        date_kind="use_by",
    )
    return DraftItem(**(base | values))


def draft(*items: DraftItem) -> Draft:
    return Draft(1, items, None, None, "text", (), (), "", today=TODAY)


def test_the_echo_waits_for_missing_and_past_dates_first_item_first():
    bread = item(category_id=1, category_key="pain", text="pain", date_kind="none")
    dated = item(use_by=date(2026, 3, 12))
    past = item(text="2 kg saumon", use_by=date(2026, 3, 9))
    assert waiting_item(draft(bread, dated), TODAY) is None
    assert waiting_item(draft(bread, item()), TODAY) == 1
    assert waiting_item(draft(bread, past, item()), TODAY) == 1
    refused = out_of_date([bread, past], {}, TODAY)
    assert [(r.index, r.kind, r.day) for r in refused] == [(1, "use_by", date(2026, 3, 9))]


def test_setting_or_removing_a_date_needs_the_items_own_button():
    d = draft(item())
    check = item_check(d.items[0])
    dated = set_item_date(d, index=0, check=check, day=date(2026, 3, 12), today=TODAY)
    assert dated.items[0].use_by == date(2026, 3, 12)
    with pytest.raises(InvalidInput):
        set_item_date(d, index=0, check=check, day=date(2026, 3, 9), today=TODAY)
    with pytest.raises(Exception, match="item"):
        set_item_date(d, index=0, check=check + 1, day=TODAY, today=TODAY)
    removed = remove_item(d, index=0, check=check)
    assert removed.items == () and removed.dropped == ("3 caisses yaourts",)
    assert Draft.from_data(dated.to_data()) == dated


# --- the rule at announcement, against the database -------------------------------------------


async def test_announce_refuses_a_past_use_by_date_and_keeps_nothing(seeded, now):
    marc = await identify(seeded, telegram_id=MARC)
    store = (await seeded.exec(select(Store).where(Store.key == "super-flagey"))).one()
    text = "4 kg poulet DLC 09/03, 3 kg saumon DLC 10/03 lot A1, 6 kg pâtes DDM 01/02, 20 kg pain"
    draft = await draft_from_text(seeded, identity=marc, store_id=store.id, text=text, now=now)
    assert [(i.use_by, i.best_before, i.lot) for i in draft.items] == [
        (date(2026, 3, 9), None, None),
        (date(2026, 3, 10), None, "A1"),  # its last day: allowed
        (None, date(2027, 2, 1), None),  # 37 days past: next year's
        (None, None, None),
    ]
    with pytest.raises(PastDate) as refused:
        await announce(seeded, identity=marc, draft=draft, now=now)
    assert [(r.index, r.kind, r.day) for r in refused.value.items] == [
        (0, "use_by", date(2026, 3, 9))
    ]
    await seeded.rollback()
    assert (await seeded.exec(select(DonationItem))).all() == []
    kept = replace(draft, items=draft.items[1:])
    donation_id = await announce(seeded, identity=marc, draft=kept, now=now)
    stored = (
        await seeded.exec(select(DonationItem).where(DonationItem.donation_id == donation_id))
    ).all()
    assert [(i.use_by, i.best_before, i.lot) for i in stored] == [
        (date(2026, 3, 10), None, "A1"),
        (None, date(2027, 2, 1), None),
        (None, None, None),
    ]


async def test_a_best_before_date_past_its_grace_is_refused(seeded, now):
    marc = await identify(seeded, telegram_id=MARC)
    store = (await seeded.exec(select(Store).where(Store.key == "super-flagey"))).one()
    text = "6 kg pâtes DDM 01/01/2026, 2 caisses conserves THT 01/2026, 3 kg œufs THT 09/03"
    draft = await draft_from_text(seeded, identity=marc, store_id=store.id, text=text, now=now)
    with pytest.raises(PastDate) as refused:
        await announce(seeded, identity=marc, draft=draft, now=now)
    # dry goods: 60 days of grace (68 days past: refused); tins: 365 (allowed); eggs: none
    assert [(r.index, r.grace_days) for r in refused.value.items] == [(0, 60), (2, 0)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            "DLC|tgt|05/12|31-12|12/2026|jusqu'au|5|déc|lot|A1|3 kg|yaourts|pain|kip|,|\n"
            "|18h-19h|9-10u|1/2|houdbaar tot".split("|")
        ),
        max_size=14,
    )
)
def test_dated_text_loses_no_word(parts):
    text = " ".join(parts)
    check_invariants(text, parse(text, today=TODAY))


async def test_the_seed_writes_each_categorys_date_kind_and_grace(seeded):
    rows = (await seeded.exec(select(Category).order_by(Category.key))).all()
    kinds = {c.key: (c.date_kind, c.grace_days) for c in rows}
    assert kinds["produits-laitiers"] == ("use_by", 0)
    assert kinds["viande"] == kinds["poisson"] == kinds["plats-prepares"] == ("use_by", 0)
    assert kinds["pain"] == kinds["fruits-legumes"] == ("none", 0)
    assert kinds["epicerie-seche"] == ("best_before", 60)
    assert kinds["conserves"] == ("best_before", 365)
    assert kinds["oeufs"] == kinds["surgeles"] == ("best_before", 0)


def test_food_safety_settings_have_afscas_defaults():
    from bot.config import load_settings
    from tests.announcements.test_surplus_parser import CONFIG

    rules = load_settings(str(CONFIG)).food_safety.rules()
    assert (rules.use_by_ideal_days, rules.past_date_days) == (3, 31)
