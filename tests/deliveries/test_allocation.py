"""Where a pickup goes: the allocation rule, then its database side."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlmodel import select

from logistics.deliveries.allocation import (
    HUB_FALLBACK,
    NO_COLD_STORAGE_OPEN,
    NOBODY_OPEN,
    NOTHING_TO_DELIVER,
    Candidate,
    Plan,
    Stop,
    allocate,
    apply_plan,
    candidates_for,
    is_open,
    plan_delivery,
    week_start_of,
)
from logistics.errors import InvalidInput, NotAllowed, NotFound
from logistics.network.hours import parse_weekly
from storage.models import (
    Antenna,
    Association,
    AuditLog,
    Category,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Member,
    Receipt,
    Store,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
TUESDAY_10 = datetime(2026, 3, 10, 10, 0, tzinfo=BRUSSELS)


def assoc(
    id: int,
    beneficiaries: int = 100,
    *,
    cold: bool = False,
    hours: str = "",
    received: float = 0.0,
) -> Candidate:
    return Candidate(
        kind="association",
        id=id,
        name=f"Association {id}",
        beneficiaries=beneficiaries,
        cold_storage=cold,
        reception=tuple(parse_weekly(hours)),
        received_this_week_kg=received,
    )


def hub(id: int, *, cold: bool = False, hours: str = "", received: float = 0.0) -> Candidate:
    return Candidate(
        kind="hub",
        id=id,
        name=f"Hub {id}",
        beneficiaries=0,
        cold_storage=cold,
        reception=tuple(parse_weekly(hours)),
        received_this_week_kg=received,
    )


def plan(candidates, *, ambient=0.0, cold=0.0, at=TUESDAY_10, **kwargs) -> Plan:
    return allocate(
        ambient_kg=ambient, cold_kg=cold, deliver_at=at, candidates=candidates, **kwargs
    )


def where(result: Plan) -> list[tuple[str, int, float, bool]]:
    return [(s.kind, s.id, s.kg, s.chilled) for s in result.stops]


# --- The rule -----------------------------------------------------------------------------


def test_weighted_by_beneficiaries():
    result = plan([assoc(1, 100), assoc(2, 300)], ambient=100)
    assert where(result) == [("association", 2, 75.0, False), ("association", 1, 25.0, False)]
    assert result.reasons == ()


def test_the_two_in_greatest_need_share_the_pickup():
    result = plan([assoc(1, 50), assoc(2, 30), assoc(3, 20)], ambient=100)
    assert where(result) == [("association", 1, 62.5, False), ("association", 2, 37.5, False)]
    result = plan([assoc(1, 50), assoc(2, 30), assoc(3, 20)], ambient=100, max_stops=3)
    assert [s.kg for s in result.stops] == [50.0, 30.0, 20.0]


def test_chilled_only_where_there_is_cold_storage():
    result = plan([assoc(1, 500), assoc(2, 100, cold=True)], cold=30)
    assert where(result) == [("association", 2, 30.0, True)]


def test_chilled_with_nowhere_cold_open_is_left_to_the_coordinator():
    result = plan(
        [assoc(1, 500), assoc(2, 100, cold=True, hours="mon 09:00-12:00")], ambient=40, cold=30
    )
    assert where(result) == [("association", 1, 40.0, False)]
    assert result.reasons == (NO_COLD_STORAGE_OPEN,)


def test_the_chilled_place_takes_ambient_food_within_two_stops():
    # 1 takes the chilled part, so 2 (now in greatest need) gets the ambient part; 3 waits.
    result = plan([assoc(1, cold=True), assoc(2), assoc(3)], ambient=60, cold=40)
    assert where(result) == [("association", 2, 60.0, False), ("association", 1, 40.0, True)]


def test_closed_places_are_left_out():
    monday_only = assoc(1, 500, hours="mon 09:00-12:00")
    result = plan([monday_only, assoc(2, 100)], ambient=50)
    assert where(result) == [("association", 2, 50.0, False)]


def test_open_from_opening_time_until_closing_time_excluded():
    assert is_open(assoc(1, hours="tue 10:00-12:00"), TUESDAY_10)
    assert not is_open(assoc(1, hours="tue 08:00-10:00"), TUESDAY_10)
    assert not is_open(assoc(1, hours="mon,wed-sun 00:00-23:59"), TUESDAY_10)
    assert is_open(assoc(1, hours=""), TUESDAY_10)


def test_what_was_received_this_week_moves_the_choice():
    equal = [assoc(1, 100), assoc(2, 100)]
    assert where(plan(equal, ambient=15)) == [("association", 1, 15.0, False)]
    corrected = [assoc(1, 100, received=80), assoc(2, 100, received=20)]
    assert where(plan(corrected, ambient=15)) == [("association", 2, 15.0, False)]
    # The big one has had far more than its share: the small one comes first.
    fed = [assoc(1, 300, received=400), assoc(2, 100, received=0)]
    assert where(plan(fed, ambient=15)) == [("association", 2, 15.0, False)]


def test_same_state_same_plan_and_ties_go_to_the_lower_id():
    places = [assoc(id, 100, received=10) for id in (7, 3, 5)]
    first = plan(places, ambient=100, cold=0)
    for seed in range(5):
        shuffled = places[:]
        random.Random(seed).shuffle(shuffled)
        assert plan(shuffled, ambient=100) == first
    assert where(first) == [("association", 3, 50.0, False), ("association", 5, 50.0, False)]
    assert where(plan(places, ambient=12)) == [("association", 3, 12.0, False)]


def test_split_is_proportional_and_rounded_to_a_tenth():
    result = plan([assoc(1, 1), assoc(2, 2)], ambient=100)
    assert where(result) == [("association", 2, 66.7, False), ("association", 1, 33.3, False)]
    assert sum(s.kg for s in result.stops) == pytest.approx(100)


def test_a_small_stop_is_merged_into_the_bigger_one():
    result = plan([assoc(1, 900), assoc(2, 100)], ambient=60)  # 54 + 6: 6 is under 10
    assert where(result) == [("association", 1, 60.0, False)]
    result = plan([assoc(1, 900), assoc(2, 100)], ambient=100)  # 90 + 10 stays
    assert where(result) == [("association", 1, 90.0, False), ("association", 2, 10.0, False)]


def test_a_small_chilled_stop_is_never_merged_into_a_place_without_cold():
    result = plan([assoc(1, 900), assoc(2, 100, cold=True)], ambient=100, cold=5)
    stops = {(s.kind, s.id): s for s in result.stops}
    assert stops["association", 2].chilled
    assert stops["association", 2].kg >= 5
    assert not stops["association", 1].chilled


def test_small_totals_go_to_one_stop():
    assert where(plan([assoc(1), assoc(2)], ambient=20)) == [("association", 1, 20.0, False)]
    assert where(plan([assoc(1), assoc(2, cold=True)], ambient=12, cold=6)) == [
        ("association", 2, 18.0, True)
    ]
    assert len(plan([assoc(1), assoc(2)], ambient=20.1).stops) == 2


def test_a_hub_takes_what_no_association_can():
    closed = assoc(1, hours="sat 10:00-12:00")
    result = plan([closed, hub(1), hub(2, cold=True)], ambient=50)
    assert where(result) == [("hub", 1, 50.0, False)]
    assert result.reasons == (HUB_FALLBACK,)

    result = plan([assoc(1), hub(1), hub(2, cold=True)], ambient=50, cold=30)
    assert where(result) == [("association", 1, 50.0, False), ("hub", 2, 30.0, True)]
    assert result.reasons == (HUB_FALLBACK,)


def test_the_least_filled_hub_takes_it_and_takes_both_parts():
    result = plan([hub(1, cold=True, received=90), hub(2, cold=True, received=10)], ambient=50)
    assert where(result) == [("hub", 2, 50.0, False)]
    result = plan([hub(1, received=0), hub(2, cold=True, received=10)], ambient=50, cold=30)
    assert where(result) == [("hub", 2, 80.0, True)]


def test_nothing_open_gives_no_stop_and_a_reason():
    closed = [assoc(1, hours="sat 10:00-12:00"), hub(1, cold=True, hours="sun 08:00-09:00")]
    result = plan(closed, ambient=50, cold=10)
    assert result == Plan(stops=(), reasons=(NOBODY_OPEN,))
    assert plan([], ambient=50) == Plan(stops=(), reasons=(NOBODY_OPEN,))


def test_nothing_to_deliver():
    assert plan([assoc(1)], ambient=0, cold=0).reasons == (NOTHING_TO_DELIVER,)


def test_refuses_nonsense():
    with pytest.raises(ValueError):
        plan([assoc(1)], ambient=-1)
    with pytest.raises(ValueError):
        plan([assoc(1)], ambient=float("nan"))
    with pytest.raises(ValueError):
        plan([assoc(1)], ambient=10, at=TUESDAY_10.replace(tzinfo=None))
    with pytest.raises(ValueError):
        plan([assoc(1)], ambient=10, max_stops=0)


HOURS = ("", "mon-fri 09:00-12:00", "tue 10:00-10:30; sat 10:00-12:00", "wed-sun 14:00-20:00")


@st.composite
def candidate_lists(draw) -> list[Candidate]:
    places = []
    for id in draw(st.lists(st.integers(1, 40), max_size=6, unique=True)):
        places.append(
            assoc(
                id,
                draw(st.integers(0, 500)),
                cold=draw(st.booleans()),
                hours=draw(st.sampled_from(HOURS)),
                received=draw(st.floats(0, 500)),
            )
        )
    for id in draw(st.lists(st.integers(1, 5), max_size=2, unique=True)):
        places.append(
            hub(id, cold=draw(st.booleans()), hours=draw(st.sampled_from(HOURS)), received=0)
        )
    return places


@settings(max_examples=300, deadline=None)
@given(
    places=candidate_lists(),
    ambient=st.floats(0, 1000),
    cold=st.one_of(st.just(0.0), st.floats(0, 300)),
    at=st.datetimes(
        min_value=datetime(2026, 3, 9),
        max_value=datetime(2026, 3, 15, 23, 59),
        timezones=st.just(BRUSSELS),
    ),
    max_stops=st.integers(1, 3),
    min_stop_kg=st.sampled_from((0.0, 5.0, 10.0, 25.0)),
)
def test_plans_keep_the_weight_the_cold_chain_and_the_hours(
    places, ambient, cold, at, max_stops, min_stop_kg
):
    result = allocate(
        ambient_kg=ambient,
        cold_kg=cold,
        deliver_at=at,
        candidates=places,
        max_stops=max_stops,
        min_stop_kg=min_stop_kg,
    )
    by_key = {(c.kind, c.id): c for c in places}
    open_places = [c for c in places if is_open(c, at)]
    cold_placed = cold > 0 and any(c.cold_storage for c in open_places)
    ambient_placed = ambient > 0 and bool(open_places)

    expected = (ambient if ambient_placed else 0) + (cold if cold_placed else 0)
    assert abs(sum(s.kg for s in result.stops) - expected) <= 0.1 + 1e-9
    assert len(result.stops) <= max_stops
    assert len({(s.kind, s.id) for s in result.stops}) == len(result.stops)
    for stop in result.stops:
        place = by_key[stop.kind, stop.id]
        assert is_open(place, at)
        assert stop.kg > 0 and round(stop.kg * 10) == pytest.approx(stop.kg * 10)
        if stop.chilled:
            assert place.cold_storage
    if cold_placed:
        assert sum(s.kg for s in result.stops if s.chilled) >= cold - 0.05 - 1e-9
    if cold > 0.05 and not cold_placed:
        assert (NO_COLD_STORAGE_OPEN if open_places else NOBODY_OPEN) in result.reasons
        assert not any(s.chilled for s in result.stops)
    assert result == allocate(
        ambient_kg=ambient,
        cold_kg=cold,
        deliver_at=at,
        candidates=places[::-1],
        max_stops=max_stops,
        min_stop_kg=min_stop_kg,
    )


# --- The database side --------------------------------------------------------------------


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A Brussels wall-clock time in March 2026, as aware UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=BRUSSELS).astimezone(UTC)


@pytest.fixture
async def antenna(session_factory, now):
    """An antenna with two associations, an inactive one, a hub, and this week's deliveries.

    Received since Monday 9 March 00:00 (Brussels): big 50 kg (delivered) + 4 kg (Monday
    00:30), small 30 kg (planned), hub 20 kg. Not counted: last week's, a cancelled
    donation's, another antenna's.
    """
    async with session_factory() as session:
        here, there = Antenna(key="here", name="Here"), Antenna(key="there", name="There")
        session.add_all([here, there])
        await session.flush()
        store = Store(key="store", antenna_id=here.id, name="Store")
        other_store = Store(key="other-store", antenna_id=there.id, name="Other store")
        bread = Category(key="bread", name_fr="Pain", name_nl="Brood")
        yoghurt = Category(key="yoghurt", name_fr="Yaourt", name_nl="Yoghurt", cold_chain="chilled")
        coordinator = Member(name="Coordinator", created_at=now)
        small = Association(
            key="small",
            antenna_id=here.id,
            name="Small",
            beneficiaries=100,
            cold_storage=True,
            reception_hours="mon-sat 08:00-21:00",
        )
        big = Association(key="big", antenna_id=here.id, name="Big", beneficiaries=300)
        gone = Association(
            key="gone", antenna_id=here.id, name="Gone", beneficiaries=900, active=False
        )
        elsewhere = Association(
            key="elsewhere", antenna_id=there.id, name="Elsewhere", beneficiaries=50
        )
        room = Hub(key="room", antenna_id=here.id, name="Room", cold_storage=True)
        session.add_all(
            [store, other_store, bread, yoghurt, coordinator, small, big, gone, elsewhere, room]
        )
        await session.flush()

        def donation(store_id, antenna_id, window_end, status="delivered") -> Donation:
            return Donation(
                antenna_id=antenna_id,
                store_id=store_id,
                status=status,
                window_start=window_end - timedelta(hours=1),
                window_end=window_end,
                created_at=now,
                updated_at=now,
            )

        monday = donation(store.id, here.id, local(9, 19))
        sunday = donation(store.id, here.id, local(8, 19))
        cancelled = donation(store.id, here.id, local(9, 19), status="cancelled")
        planned = donation(store.id, here.id, local(12, 19), status="claimed")
        there_monday = donation(other_store.id, there.id, local(9, 19))
        session.add_all([monday, sunday, cancelled, planned, there_monday])
        await session.flush()
        session.add_all(
            [
                Delivery(
                    donation_id=monday.id,
                    association_id=big.id,
                    planned_kg=40,
                    delivered_kg=50,
                    delivered_at=local(9, 20),
                ),
                Delivery(donation_id=monday.id, hub_id=room.id, planned_kg=20),
                # Delivered on Sunday 23:30 then on Monday 00:30: only the second is this week.
                Delivery(
                    donation_id=sunday.id,
                    association_id=big.id,
                    delivered_kg=70,
                    delivered_at=local(8, 23, 30),
                ),
                Delivery(
                    donation_id=sunday.id,
                    association_id=big.id,
                    delivered_kg=4,
                    delivered_at=local(9, 0, 30),
                ),
                Delivery(donation_id=cancelled.id, association_id=small.id, planned_kg=100),
                Delivery(donation_id=planned.id, association_id=small.id, planned_kg=30),
                Delivery(donation_id=there_monday.id, association_id=elsewhere.id, planned_kg=9),
            ]
        )
        await session.commit()
        return {
            "antenna": here.id,
            "store": store.id,
            "bread": bread.id,
            "yoghurt": yoghurt.id,
            "coordinator": coordinator.id,
            "small": small.id,
            "big": big.id,
            "gone": gone.id,
            "elsewhere": elsewhere.id,
            "room": room.id,
        }


@contextmanager
def counting_statements(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


async def test_candidates_with_what_each_received_this_week(session_factory, engine, antenna, now):
    week_start = week_start_of(now, "Europe/Brussels")
    assert week_start == datetime(2026, 3, 9, tzinfo=BRUSSELS)
    async with session_factory() as session:
        await session.exec(select(Antenna.id))  # the connection is open before counting
        with counting_statements(engine) as statements:
            places = await candidates_for(
                session, antenna_id=antenna["antenna"], week_start=week_start, now=now
            )
    assert 1 <= len(statements) <= 3
    received = {(c.kind, c.id): c.received_this_week_kg for c in places}
    assert received == {
        ("association", antenna["small"]): pytest.approx(30),
        ("association", antenna["big"]): pytest.approx(54),
        ("hub", antenna["room"]): pytest.approx(20),
    }
    small = next(c for c in places if c.kind == "association" and c.id == antenna["small"])
    assert small.cold_storage and small.beneficiaries == 100
    assert small.reception == tuple(parse_weekly("mon-sat 08:00-21:00"))


async def test_query_count_does_not_grow_with_the_network(session_factory, engine, antenna, now):
    async with session_factory() as session:
        session.add_all(
            Association(key=f"more-{i}", antenna_id=antenna["antenna"], name=f"More {i}")
            for i in range(12)
        )
        session.add_all(
            Hub(key=f"room-{i}", antenna_id=antenna["antenna"], name=f"Room {i}") for i in range(3)
        )
        await session.commit()
    async with session_factory() as session:
        await session.exec(select(Antenna.id))
        with counting_statements(engine) as statements:
            places = await candidates_for(
                session,
                antenna_id=antenna["antenna"],
                week_start=week_start_of(now, "Europe/Brussels"),
                now=now,
            )
    assert len(places) == 2 + 12 + 1 + 3
    assert len(statements) <= 3


@pytest.fixture
async def today(session_factory, antenna, now):
    """Tuesday's pickup, 18:00-19:00: 60 kg of bread (70 kg collected) and 30 kg of yoghurt.

    It already has a planned delivery (with a pending receipt) and one the small
    association confirmed, which must stay.
    """
    async with session_factory() as session:
        donation = Donation(
            antenna_id=antenna["antenna"],
            store_id=antenna["store"],
            status="picked_up",
            window_start=local(10, 18),
            window_end=local(10, 19),
            estimated_kg=90,
            created_at=now,
            updated_at=now,
        )
        session.add(donation)
        await session.flush()
        planned = Delivery(donation_id=donation.id, association_id=antenna["big"], planned_kg=100)
        confirmed = Delivery(donation_id=donation.id, association_id=antenna["small"])
        session.add_all(
            [
                DonationItem(
                    donation_id=donation.id,
                    category_id=antenna["bread"],
                    quantity=60,
                    unit="kg",
                    cold_chain="ambient",
                    estimated_kg=60,
                    collected_kg=70,
                ),
                DonationItem(
                    donation_id=donation.id,
                    category_id=antenna["yoghurt"],
                    quantity=3,
                    unit="crate",
                    cold_chain="chilled",
                    estimated_kg=30,
                ),
                planned,
                confirmed,
            ]
        )
        await session.flush()
        session.add_all(
            [
                Receipt(delivery_id=planned.id),
                Receipt(delivery_id=confirmed.id, status="confirmed", received_kg=5),
            ]
        )
        await session.commit()
        return {"donation": donation.id, "planned": planned.id, "confirmed": confirmed.id}


async def deliveries_of(session_factory, donation_id: int) -> list[tuple]:
    async with session_factory() as session:
        rows = await session.exec(
            select(Delivery).where(Delivery.donation_id == donation_id).order_by(Delivery.id)
        )
        return [(d.association_id, d.hub_id, d.planned_kg, d.overridden_by_id) for d in rows.all()]


async def test_plan_and_apply_replace_the_planned_deliveries(session_factory, antenna, today, now):
    async with session_factory() as session:
        result = await plan_delivery(
            session, donation_id=today["donation"], now=now, tz="Europe/Brussels"
        )
        # Small takes the yoghurt (the only open association with cold storage), which puts
        # it over its share; big takes the 70 kg of bread actually collected. The deliveries
        # already planned for this donation do not count as received.
        assert where(result) == [
            ("association", antenna["big"], 70.0, False),
            ("association", antenna["small"], 30.0, True),
        ]
        assert result.reasons == ()
        created = await apply_plan(
            session, donation_id=today["donation"], plan=result, actor_id=None, now=now
        )
        assert all(d.id is not None for d in created)
        await session.commit()

    assert await deliveries_of(session_factory, today["donation"]) == [
        (antenna["small"], None, None, None),  # confirmed by the association: kept
        (antenna["big"], None, 70.0, None),
        (antenna["small"], None, 30.0, None),
    ]
    async with session_factory() as session:
        receipts = (await session.exec(select(Receipt.delivery_id))).all()
        assert receipts == [today["confirmed"]]
        audit = (await session.exec(select(AuditLog))).one()
    assert (audit.action, audit.entity, audit.entity_id) == (
        "allocation.planned",
        "donation",
        today["donation"],
    )
    assert audit.actor_id is None
    assert [s["kg"] for s in audit.detail["stops"]] == [70.0, 30.0]
    assert audit.detail["replaced"] == [
        {"association_id": antenna["big"], "hub_id": None, "planned_kg": 100.0}
    ]


async def test_a_coordinator_overrides_the_plan(session_factory, antenna, today, now):
    chilled_to_big = Plan(
        stops=(Stop(kind="association", id=antenna["big"], name="Big", kg=100, chilled=True),),
        reasons=(),
    )
    async with session_factory() as session:
        with pytest.raises(InvalidInput):  # big has no cold storage
            await apply_plan(
                session, donation_id=today["donation"], plan=chilled_to_big, actor_id=None, now=now
            )
        with pytest.raises(NotAllowed):
            await apply_plan(
                session,
                donation_id=today["donation"],
                plan=chilled_to_big,
                actor_id=None,
                now=now,
                override=True,
            )
        await apply_plan(
            session,
            donation_id=today["donation"],
            plan=chilled_to_big,
            actor_id=antenna["coordinator"],
            now=now,
            override=True,
        )
        await session.commit()

    assert await deliveries_of(session_factory, today["donation"]) == [
        (antenna["small"], None, None, None),
        (antenna["big"], None, 100.0, antenna["coordinator"]),
    ]
    async with session_factory() as session:
        audit = (await session.exec(select(AuditLog))).one()
    assert (audit.action, audit.actor_id) == ("allocation.overridden", antenna["coordinator"])


async def test_apply_refuses_places_of_another_antenna(session_factory, antenna, today, now):
    for kind, id in (("association", antenna["elsewhere"]), ("hub", 9999), ("depot", 1)):
        elsewhere = Plan(
            stops=(Stop(kind=kind, id=id, name="?", kg=90, chilled=False),), reasons=()
        )
        async with session_factory() as session:
            with pytest.raises(InvalidInput):
                await apply_plan(
                    session, donation_id=today["donation"], plan=elsewhere, actor_id=None, now=now
                )
    async with session_factory() as session:
        with pytest.raises(NotFound):
            await apply_plan(session, donation_id=9999, plan=Plan((), ()), actor_id=None, now=now)
        with pytest.raises(NotFound):
            await plan_delivery(session, donation_id=9999, now=now, tz="Europe/Brussels")


async def test_a_donation_without_items_and_hours_that_close(session_factory, antenna, now):
    async with session_factory() as session:
        # Sunday evening: the small association is closed, big (no hours) takes it all.
        sunday = Donation(
            antenna_id=antenna["antenna"],
            store_id=antenna["store"],
            status="claimed",
            window_start=local(15, 18),
            window_end=local(15, 19),
            estimated_kg=40,
            collected_kg=45,
            created_at=now,
            updated_at=now,
        )
        cancelled = Donation(
            antenna_id=antenna["antenna"],
            store_id=antenna["store"],
            status="cancelled",
            window_start=local(15, 18),
            window_end=local(15, 19),
            created_at=now,
            updated_at=now,
        )
        session.add_all([sunday, cancelled])
        await session.flush()
        result = await plan_delivery(session, donation_id=sunday.id, now=now, tz="Europe/Brussels")
        assert where(result) == [("association", antenna["big"], 45.0, False)]
        with pytest.raises(InvalidInput):
            await plan_delivery(session, donation_id=cancelled.id, now=now, tz="Europe/Brussels")


def test_week_starts_on_monday_midnight_local_time():
    assert week_start_of(local(15, 23, 30), "Europe/Brussels") == datetime(
        2026, 3, 9, tzinfo=BRUSSELS
    )
    assert week_start_of(local(16, 0, 30), "Europe/Brussels") == datetime(
        2026, 3, 16, tzinfo=BRUSSELS
    )
    # Across the change to summer time (29 March 2026).
    summer = datetime(2026, 3, 30, 0, 30, tzinfo=BRUSSELS).astimezone(UTC)
    assert week_start_of(summer, "Europe/Brussels").utcoffset() == timedelta(hours=2)
    assert week_start_of(summer - timedelta(hours=1), "Europe/Brussels") == datetime(
        2026, 3, 23, tzinfo=BRUSSELS
    )


def test_an_evening_pickup_goes_to_places_open_the_next_morning():
    evening = datetime(2026, 3, 10, 19, 30, tzinfo=BRUSSELS)  # a Tuesday
    morning_only = assoc(1, hours="mon-fri 09:00-12:00")
    weekend_only = assoc(2, hours="sat 10:00-12:00")
    horizon = timedelta(hours=18)
    assert where(plan([morning_only, weekend_only], ambient=30, at=evening)) == []
    result = plan([morning_only, weekend_only], ambient=30, at=evening, within=horizon)
    assert where(result) == [("association", 1, 30.0, False)]
    # Friday evening: Saturday morning is within the horizon, Monday is not.
    friday = datetime(2026, 3, 13, 19, 30, tzinfo=BRUSSELS)
    assert where(plan([morning_only, weekend_only], ambient=30, at=friday, within=horizon)) == [
        ("association", 2, 30.0, False)
    ]
