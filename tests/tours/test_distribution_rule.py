"""The morning distribution's rule, pure: which association takes what of the hub's stock."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.deliveries.allocation_plan import Candidate
from logistics.network.hours import parse_weekly
from logistics.tours.distribution.rule import (
    MIN_LOAD_KG,
    NO_COLD_STORAGE,
    NOBODY_RECEIVES,
    PAST_DATE,
    VAN_FULL,
    VAN_NOT_REFRIGERATED,
    LotOnHand,
    place_lots,
)
from logistics.tours.distribution.times import morning_of, reception_window

BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = date(2026, 3, 11)  # a Wednesday
AT = datetime(2026, 3, 11, 6, 0, tzinfo=BRUSSELS)
RECEIVED = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)


def assoc(id: int, beneficiaries: int = 100, *, cold=False, received=0.0, days=()) -> Candidate:
    return Candidate(
        kind="association",
        id=id,
        name=f"A{id}",
        beneficiaries=beneficiaries,
        cold_storage=cold,
        reception=(),
        received_this_week_kg=received,
        distribution_days=tuple(days),
    )


def lot(id: int, kg: float, *, cold=False, use_by=None, best_before=None, grace=0) -> LotOnHand:
    return LotOnHand(id, kg, cold, use_by, best_before, grace, RECEIVED + timedelta(minutes=id))


def given_to(placement) -> dict[int, float]:
    totals: dict[int, float] = defaultdict(float)
    for load in placement.loads:
        totals[load.association_id] += load.kg
    return {k: round(v, 1) for k, v in totals.items()}


def place(lots, associations, *, capacity=1000.0, refrigerated=True):
    return place_lots(
        lots, associations, deliver_at=AT, capacity_kg=capacity, refrigerated=refrigerated
    )


def test_the_stock_is_spread_by_beneficiaries_not_all_to_the_neediest():
    placement = place(
        [lot(i, 20, best_before=DAY + timedelta(days=5)) for i in range(1, 11)],
        [assoc(1, 100), assoc(2, 50), assoc(3, 50)],
    )

    totals = given_to(placement)
    assert sum(totals.values()) == 200
    # 100 / 50 / 50 of 200 kg, to the nearest lot of 20 kg
    assert abs(totals[1] - 100) <= 20 and abs(totals[2] - 50) <= 20 and abs(totals[3] - 50) <= 20
    assert placement.left == ()


def test_what_an_association_received_this_week_counts_against_it():
    lots = [lot(i, 20, best_before=DAY + timedelta(days=5)) for i in range(1, 11)]

    placement = place(lots, [assoc(1, 100), assoc(2, 50, received=60), assoc(3, 50)])

    totals = given_to(placement)
    # 260 kg this week in all: 130 / 65 / 65; the second already had 60
    assert abs(totals[1] - 130) <= 20 and abs(totals.get(2, 0) - 5) <= 20
    assert abs(totals[3] - 65) <= 20
    assert totals.get(2, 0) < totals[3]


def test_a_lot_bigger_than_a_share_is_split_exactly_without_crumbs():
    placement = place([lot(1, 301.3)], [assoc(1, 100), assoc(2, 100), assoc(3, 3)])

    kgs = sorted(x.kg for x in placement.loads)
    assert round(sum(kgs), 1) == 301.3
    assert len(kgs) >= 2 and min(kgs) >= MIN_LOAD_KG
    assert all(round(x * 10) == x * 10 for x in kgs)


def test_a_small_lot_goes_whole_to_one_association():
    placement = place([lot(1, 7.5)], [assoc(1), assoc(2)])

    assert [(x.association_id, x.kg) for x in placement.loads] == [(1, 7.5)]


def test_chilled_lots_go_only_to_cold_storage():
    placement = place(
        [lot(1, 40, cold=True, use_by=DAY + timedelta(days=6))],
        [assoc(1, 500), assoc(2, 10, cold=True)],
    )

    assert {x.association_id for x in placement.loads} == {2}


def test_chilled_lots_stay_when_nobody_has_cold_storage_or_the_van_no_cooling():
    chilled = [lot(1, 40, cold=True, use_by=DAY + timedelta(days=6))]

    assert place(chilled, [assoc(1)]).left[0].reason == NO_COLD_STORAGE
    refused = place(chilled, [assoc(1, cold=True)], refrigerated=False)
    assert (refused.loads, refused.left[0].reason) == ((), VAN_NOT_REFRIGERATED)


def test_nothing_is_placed_when_nobody_receives():
    placement = place([lot(1, 10)], [])

    assert placement.loads == () and placement.left[0].reason == NOBODY_RECEIVES


def test_never_past_a_date():
    placement = place(
        [
            lot(1, 10, cold=True, use_by=DAY - timedelta(days=1)),  # past its use-by
            lot(2, 10, cold=True, use_by=DAY),  # its last day: still given
            lot(3, 10, best_before=DAY - timedelta(days=10), grace=30),  # within its grace
            lot(4, 10, best_before=DAY - timedelta(days=2), grace=1),  # past its grace
        ],
        [assoc(1, cold=True)],
    )

    assert {x.lot_id for x in placement.loads} == {2, 3}
    assert {(x.lot_id, x.reason) for x in placement.left} == {(1, PAST_DATE), (4, PAST_DATE)}


def test_shortest_date_first_when_the_van_is_full():
    placement = place(
        [
            lot(1, 30, best_before=DAY + timedelta(days=20)),
            lot(2, 30, cold=True, use_by=DAY + timedelta(days=1)),
            lot(3, 30),  # no date: last
            lot(4, 30, best_before=DAY + timedelta(days=3)),
        ],
        [assoc(1, cold=True)],
        capacity=70,
    )

    assert [(x.lot_id, x.kg) for x in placement.loads] == [(2, 30), (4, 30), (1, 10)]
    assert {(x.lot_id, x.kg, x.reason) for x in placement.left} == {
        (1, 20, VAN_FULL),
        (3, 30, VAN_FULL),
    }


def test_no_crumb_is_cut_to_fill_the_van():
    placement = place(
        [lot(1, 47, best_before=DAY), lot(2, 30, best_before=DAY + timedelta(days=1))],
        [assoc(1)],
        capacity=50,
    )

    assert [(x.lot_id, x.kg) for x in placement.loads] == [(1, 47)]
    assert [(x.lot_id, x.reason) for x in placement.left] == [(2, VAN_FULL)]


def test_short_dated_food_goes_first_to_who_distributes_soonest():
    wednesday, saturday = 2, 5
    placement = place(
        [lot(1, 12, cold=True, use_by=DAY + timedelta(days=1))],
        [
            assoc(1, 500, cold=True, days=[saturday]),  # far the neediest
            assoc(2, 10, cold=True, received=50, days=[wednesday]),  # hands out today
        ],
    )

    assert [x.association_id for x in placement.loads] == [2]


def test_long_dated_food_goes_by_need_whatever_the_distribution_days():
    placement = place(
        [lot(1, 12, best_before=DAY + timedelta(days=30))],
        [assoc(1, 500, days=[5]), assoc(2, 10, received=50, days=[2])],
    )

    assert [x.association_id for x in placement.loads] == [1]


lots_strategy = st.lists(
    st.builds(
        lot,
        id=st.integers(1, 10_000),
        kg=st.integers(1, 4000).map(lambda t: t / 10),
        cold=st.booleans(),
        use_by=st.one_of(st.none(), st.dates(DAY - timedelta(days=3), DAY + timedelta(days=9))),
    ),
    max_size=12,
    unique_by=lambda x: x.lot_id,
)
assocs_strategy = st.lists(
    st.builds(
        assoc,
        id=st.integers(1, 500),
        beneficiaries=st.integers(0, 400),
        cold=st.booleans(),
        received=st.integers(0, 3000).map(lambda t: t / 10),
    ),
    max_size=6,
    unique_by=lambda x: x.id,
)


@settings(max_examples=150, deadline=None)
@given(lots_strategy, assocs_strategy, st.integers(0, 20_000), st.booleans())
def test_every_kilo_is_placed_once_within_the_rules(lots, associations, capacity, cold_van):
    placement = place(lots, associations, capacity=capacity / 10, refrigerated=cold_van)

    by_id = {x.lot_id: x for x in lots}
    cold_places = {a.id for a in associations if a.cold_storage}
    for item in lots:
        loaded = [x.kg for x in placement.loads if x.lot_id == item.lot_id]
        left = [x.kg for x in placement.left if x.lot_id == item.lot_id]
        assert round(sum(loaded) * 10) + round(sum(left) * 10) == round(item.kg * 10)
        assert all(kg >= min(MIN_LOAD_KG, sum(loaded)) for kg in loaded)
    assert round(sum(x.kg for x in placement.loads) * 10) <= capacity
    for load in placement.loads:
        source = by_id[load.lot_id]
        assert source.use_by is None or source.use_by >= DAY
        if source.cold:
            assert cold_van and load.association_id in cold_places


def test_the_morning_windows_are_cut_to_the_van_shift():
    morning = morning_of(DAY, "06:00", "Europe/Brussels")

    def window(hours):
        found = reception_window(hours, morning)
        return found and tuple(f"{t.astimezone(BRUSSELS):%H:%M}" for t in found)

    assert window("mon-sat 08:00-11:00") == ("08:00", "11:00")
    assert window("wed 05:00-07:00") == ("06:00", "07:00")
    assert window("wed 12:00-18:00") == ("12:00", "13:00")
    assert window("wed 14:00-17:00") is None
    assert window("thu 08:00-11:00") is None
    assert window("") == ("06:00", "13:00")  # no hours declared: all morning
    assert parse_weekly("mon-sat 08:00-11:00")  # the hours themselves are well formed
