"""Claiming, releasing and offering pickups: who may, when, and what it leaves behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlmodel import select

from logistics.errors import (
    AlreadyClaimed,
    AlreadyDone,
    CapReached,
    InvalidInput,
    NeedsRefrigeration,
    NotAllowed,
    NotFound,
    NotOpen,
    WindowPassed,
)
from logistics.people.identity import identify
from logistics.pickups.claim_queries import DriverStats, driver_stats
from logistics.pickups.claims import (
    ClaimResult,
    claim_pickup,
    drop_standing_claim,
    set_standing_claim,
)
from logistics.pickups.driver_offers import eligible_drivers, offer_to_drivers
from logistics.pickups.release import ReleaseResult, release_claim
from storage.models import (
    Antenna,
    AuditLog,
    Category,
    Claim,
    Donation,
    DonationItem,
    Member,
    Membership,
    Outbox,
    RecurringSlot,
    Store,
)

GROUP, OTHER_GROUP = -100, -200
DANA, FRANK, COCO, SAM, SUE, OTTO, MIA, NOBODY = 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1999


def brussels(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Brussels in March 2026, as aware UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo("Europe/Brussels")).astimezone(UTC)


@dataclass
class World:
    antenna: int
    store: int
    bread: int
    yoghurt: int
    members: dict[int, int]  # telegram id → member id


@pytest.fixture
async def world(session_factory, now) -> World:
    """Antenna A with a store, drivers Dana and Frank (refrigerated), coordinator Coco, Sam
    who has no role, Sue a suspended driver, Mia the store manager; Otto drives in antenna B."""
    async with session_factory() as s:
        a = Antenna(key="a", name="A", group_chat_id=GROUP)
        b = Antenna(key="b", name="B", group_chat_id=OTHER_GROUP)
        bread = Category(key="bread", name_fr="Pain", name_nl="Brood")
        yoghurt = Category(key="yoghurt", name_fr="Yaourt", name_nl="Yoghurt", cold_chain="chilled")
        s.add_all([a, b, bread, yoghurt])
        await s.flush()
        store = Store(key="s", antenna_id=a.id, name="Store")
        people = {
            t: Member(telegram_id=t, name=str(t), created_at=now, opened_at=now)
            for t in range(1001, 1008)
        }
        people[FRANK].vehicle_refrigerated = True
        s.add_all([store, *people.values()])
        await s.flush()
        roles = [
            (DANA, a, "driver", "active"),
            (FRANK, a, "driver", "active"),
            (COCO, a, "coordinator", "active"),
            (SUE, a, "driver", "suspended"),
            (OTTO, b, "driver", "active"),
        ]
        s.add_all(
            Membership(member_id=people[t].id, antenna_id=ant.id, role=r, status=st, created_at=now)
            for t, ant, r, st in roles
        )
        s.add(
            Membership(
                member_id=people[MIA].id,
                antenna_id=a.id,
                role="store_manager",
                store_id=store.id,
                created_at=now,
            )
        )
        await s.commit()
        members = {t: m.id for t, m in people.items()}
        return World(a.id, store.id, bread.id, yoghurt.id, members)


def _item(donation_id: int, category_id: int, cold_chain: str) -> DonationItem:
    return DonationItem(
        donation_id=donation_id,
        category_id=category_id,
        quantity=5,
        unit="kg",
        cold_chain=cold_chain,
        estimated_kg=5,
    )


async def donation(sf, world: World, start: datetime, *, cold=False, status="announced") -> int:
    async with sf() as s:
        d = Donation(
            antenna_id=world.antenna,
            store_id=world.store,
            status=status,
            window_start=start,
            window_end=start + timedelta(hours=1),
            created_at=start,
            updated_at=start,
        )
        s.add(d)
        await s.flush()
        s.add(_item(d.id, world.bread, "ambient"))
        if cold:
            s.add(_item(d.id, world.yoghurt, "chilled"))
        await s.commit()
        return d.id


async def claim(sf, telegram_id: int, donation_id: int, now: datetime, **kw) -> ClaimResult:
    async with sf() as s:
        identity = await identify(s, telegram_id=telegram_id)
        return await claim_pickup(s, donation_id=donation_id, identity=identity, now=now, **kw)


async def release(sf, telegram_id: int, donation_id: int, now: datetime, **kw) -> ReleaseResult:
    async with sf() as s:
        identity = await identify(s, telegram_id=telegram_id)
        return await release_claim(s, donation_id=donation_id, identity=identity, now=now, **kw)


async def rows(sf, model, *where) -> list:
    async with sf() as s:
        return list((await s.exec(select(model).where(*where).order_by(model.id))).all())


async def status_of(sf, donation_id: int) -> str:
    async with sf() as s:
        return (await s.get(Donation, donation_id)).status


def sent(outbox: list[Outbox]) -> list[tuple[int, str]]:
    return [(o.chat_id, o.payload["kind"]) for o in outbox]


# --- Claiming ---------------------------------------------------------------------------


async def test_a_driver_claims_an_open_pickup(session_factory, world, now):
    d = await donation(session_factory, world, now + timedelta(days=1))

    dana = world.members[DANA]

    result = await claim(session_factory, DANA, d, now)

    assert result == ClaimResult(donation_id=d, driver_id=dana, on_behalf=False)
    assert await status_of(session_factory, d) == "claimed"
    [c] = await rows(session_factory, Claim)
    assert (c.driver_id, c.claimed_at, c.released_at, c.on_behalf_of_id) == (dana, now, None, None)
    card, store = await rows(session_factory, Outbox)
    assert (card.chat_id, card.payload) == (GROUP, {"kind": "donation_card", "donation_id": d})
    # the store's manager is told who comes
    assert (store.chat_id, store.payload) == (MIA, {"kind": "donation_claimed", "donation_id": d})
    [audit] = await rows(session_factory, AuditLog)
    assert (audit.action, audit.entity, audit.entity_id) == ("claim.created", "donation", d)
    assert (audit.actor_id, audit.on_behalf_of_id) == (dana, None)


@pytest.mark.parametrize("who", [SAM, SUE, OTTO, MIA, NOBODY])
async def test_only_drivers_of_the_antenna_may_claim(session_factory, world, now, who):
    d = await donation(session_factory, world, now + timedelta(days=1))

    with pytest.raises(NotAllowed):
        await claim(session_factory, who, d, now)

    assert await status_of(session_factory, d) == "announced"
    assert await rows(session_factory, Claim) == []
    assert await rows(session_factory, Outbox) == []
    assert await rows(session_factory, AuditLog) == []


async def test_a_coordinator_claims_for_a_driver(session_factory, world, now):
    d = await donation(session_factory, world, now + timedelta(days=1))
    dana, coco = world.members[DANA], world.members[COCO]

    result = await claim(session_factory, COCO, d, now, driver_id=dana)

    assert result == ClaimResult(donation_id=d, driver_id=dana, on_behalf=True)
    [c] = await rows(session_factory, Claim)
    assert (c.driver_id, c.on_behalf_of_id) == (dana, coco)
    [audit] = await rows(session_factory, AuditLog)
    assert (audit.actor_id, audit.on_behalf_of_id) == (coco, dana)


@pytest.mark.parametrize(
    ("who", "for_whom"),
    [(COCO, None), (COCO, SAM), (COCO, SUE), (COCO, OTTO), (COCO, MIA), (DANA, FRANK)],
)
async def test_claiming_for_someone_else_is_refused(session_factory, world, now, who, for_whom):
    d = await donation(session_factory, world, now + timedelta(days=1))
    driver_id = world.members[for_whom] if for_whom else None

    with pytest.raises(NotAllowed):
        await claim(session_factory, who, d, now, driver_id=driver_id)
    assert await rows(session_factory, Claim) == []


async def test_a_missing_pickup_is_not_found(session_factory, world, now):
    with pytest.raises(NotFound):
        await claim(session_factory, DANA, 424242, now)


async def test_a_taken_pickup_cannot_be_claimed_again(session_factory, world, now):
    d = await donation(session_factory, world, now + timedelta(days=1))
    await claim(session_factory, DANA, d, now)

    with pytest.raises(AlreadyClaimed):
        await claim(session_factory, FRANK, d, now)
    with pytest.raises(AlreadyDone):
        await claim(session_factory, DANA, d, now)
    assert len(await rows(session_factory, Claim)) == 1


async def test_the_unique_index_is_the_backstop(session_factory, world, now):
    d = await donation(session_factory, world, now + timedelta(days=1))
    async with session_factory() as s:  # an active claim the donation's status does not show
        s.add(Claim(donation_id=d, driver_id=world.members[FRANK], claimed_at=now))
        await s.commit()

    with pytest.raises(AlreadyClaimed):
        await claim(session_factory, DANA, d, now)
    assert await status_of(session_factory, d) == "announced"
    assert len(await rows(session_factory, Claim)) == 1
    assert await rows(session_factory, AuditLog) == []


@pytest.mark.parametrize("status", ["cancelled", "expired", "missed", "draft"])
async def test_a_closed_pickup_is_not_open(session_factory, world, now, status):
    d = await donation(session_factory, world, now + timedelta(days=1), status=status)

    with pytest.raises(NotOpen) as refusal:
        await claim(session_factory, DANA, d, now)
    assert refusal.value.status == status


async def test_the_window_must_not_be_over(session_factory, world, now):
    d = await donation(session_factory, world, now - timedelta(minutes=30))  # ends in 30 min
    with pytest.raises(WindowPassed):
        await claim(session_factory, DANA, d, now + timedelta(minutes=30))
    assert await status_of(session_factory, d) == "announced"
    assert (await claim(session_factory, DANA, d, now)).driver_id == world.members[DANA]


async def test_chilled_food_needs_a_refrigerated_vehicle(session_factory, world, now):
    d = await donation(session_factory, world, now + timedelta(days=1), cold=True)

    with pytest.raises(NeedsRefrigeration):
        await claim(session_factory, DANA, d, now)
    with pytest.raises(NeedsRefrigeration):
        await claim(session_factory, COCO, d, now, driver_id=world.members[DANA])
    assert (await claim(session_factory, FRANK, d, now)).driver_id == world.members[FRANK]


async def _set_caps(sf, world: World, *, day=None, week=None, lift=3) -> None:
    async with sf() as s:
        antenna = await s.get(Antenna, world.antenna)
        antenna.max_claims_per_day, antenna.max_claims_per_week = day, week
        antenna.cap_lift_hours = lift
        await s.commit()


async def test_the_day_cap_counts_claims_of_the_same_local_day(session_factory, world, now):
    await _set_caps(session_factory, world, day=1)
    late_wednesday = await donation(session_factory, world, brussels(11, 23))
    wednesday = await donation(session_factory, world, brussels(11, 18))
    thursday_night = await donation(session_factory, world, brussels(12, 0, 30))  # UTC: Wed.
    await claim(session_factory, DANA, late_wednesday, now)

    with pytest.raises(CapReached) as refusal:
        await claim(session_factory, DANA, wednesday, now)
    assert (refusal.value.period, refusal.value.limit) == ("day", 1)
    await claim(session_factory, DANA, thursday_night, now)
    await claim(session_factory, FRANK, wednesday, now)


async def test_released_claims_do_not_count_toward_the_cap(session_factory, world, now):
    await _set_caps(session_factory, world, day=1)
    first = await donation(session_factory, world, brussels(12, 18))
    second = await donation(session_factory, world, brussels(12, 20))
    await claim(session_factory, DANA, first, now)
    await release(session_factory, DANA, first, now)

    await claim(session_factory, DANA, second, now)


async def test_the_week_cap_counts_claims_of_the_same_iso_week(session_factory, world, now):
    await _set_caps(session_factory, world, week=2)
    for day in (11, 12):  # Wednesday, Thursday
        d = await donation(session_factory, world, brussels(day, 18))
        await claim(session_factory, DANA, d, now)
    sunday = await donation(session_factory, world, brussels(15, 18))
    monday = await donation(session_factory, world, brussels(16, 18))

    with pytest.raises(CapReached) as refusal:
        await claim(session_factory, DANA, sunday, now)
    assert (refusal.value.period, refusal.value.limit) == ("week", 2)
    await claim(session_factory, DANA, monday, now)


async def test_caps_are_lifted_hours_before_the_window(session_factory, world, now):
    await _set_caps(session_factory, world, day=1, week=1, lift=3)
    later_today = now + timedelta(hours=8)
    await claim(session_factory, DANA, await donation(session_factory, world, later_today), now)
    soon = await donation(session_factory, world, now + timedelta(hours=4))

    with pytest.raises(CapReached):
        await claim(session_factory, DANA, soon, now)
    dana, frank = world.members[DANA], world.members[FRANK]
    three_hours_before = now + timedelta(hours=1)
    just_before = three_hours_before - timedelta(seconds=1)
    assert await eligible_ids(session_factory, soon, just_before) == [frank]
    assert await eligible_ids(session_factory, soon, three_hours_before) == [dana, frank]
    await claim(session_factory, DANA, soon, three_hours_before)


# --- Releasing --------------------------------------------------------------------------


async def test_only_the_claiming_driver_or_a_coordinator_may_release(session_factory, world, now):
    d = await donation(session_factory, world, now + timedelta(days=3))
    await claim(session_factory, DANA, d, now)

    for who in (FRANK, SAM, SUE, OTTO, MIA, NOBODY):
        with pytest.raises(NotAllowed):
            await release(session_factory, who, d, now)
    assert await status_of(session_factory, d) == "claimed"
    assert [a.action for a in await rows(session_factory, AuditLog)] == ["claim.created"]

    dana, coco = world.members[DANA], world.members[COCO]
    result = await release(session_factory, COCO, d, now)
    assert result == ReleaseResult(donation_id=d, driver_id=dana, late=False)
    audit = (await rows(session_factory, AuditLog))[-1]
    assert (audit.action, audit.actor_id, audit.on_behalf_of_id) == ("claim.released", coco, dana)


async def test_an_early_release_offers_the_pickup_again(session_factory, world, now):
    d = await donation(session_factory, world, now + timedelta(hours=25))
    await claim(session_factory, DANA, d, now)
    before = len(await rows(session_factory, Outbox))
    later = now + timedelta(hours=1)  # 24 hours before the window: not late yet
    dana = world.members[DANA]

    result = await release(session_factory, DANA, d, later)

    assert result == ReleaseResult(donation_id=d, driver_id=dana, late=False)
    assert await status_of(session_factory, d) == "announced"
    [c] = await rows(session_factory, Claim)
    assert (c.released_at, c.late_release) == (later, False)
    queued = (await rows(session_factory, Outbox))[before:]
    assert sent(queued) == [
        (GROUP, "donation_card"),
        (MIA, "donation_released"),  # the store: its driver no longer comes
        (FRANK, "donation_offer"),
    ]
    assert queued[1].payload == {"kind": "donation_released", "donation_id": d, "driver_id": dana}
    assert queued[2].payload == {"kind": "donation_offer", "donation_id": d}
    audit = (await rows(session_factory, AuditLog))[-1]
    assert (audit.action, audit.actor_id, audit.on_behalf_of_id) == ("claim.released", dana, None)
    assert audit.detail == {"driver_id": dana, "late": False}


async def test_a_late_release_alerts_the_group_and_the_coordinators(session_factory, world, now):
    d = await donation(session_factory, world, now + timedelta(hours=23, minutes=59))
    await claim(session_factory, DANA, d, now)
    before = len(await rows(session_factory, Outbox))

    result = await release(session_factory, DANA, d, now, reason="vehicle")

    assert result.late and result.reason == "vehicle"
    queued = (await rows(session_factory, Outbox))[before:]
    assert sent(queued) == [
        (GROUP, "donation_card"),
        (GROUP, "late_release"),
        (COCO, "late_release"),
        (MIA, "donation_released"),  # late or not, the store is told
        (FRANK, "donation_offer"),
    ]
    alert = {"kind": "late_release", "donation_id": d, "driver_id": world.members[DANA]}
    assert queued[1].payload == queued[2].payload == alert | {"reason": "vehicle"}
    [c] = await rows(session_factory, Claim)
    assert c.late_release and c.release_reason == "vehicle"
    released = await rows(session_factory, AuditLog, AuditLog.action == "claim.released")
    assert [a.detail for a in released] == [{"driver_id": world.members[DANA], "late": True}]


async def test_a_release_reason_is_one_of_the_list(session_factory, world, now):
    d = await donation(session_factory, world, now + timedelta(hours=2))
    await claim(session_factory, DANA, d, now)

    with pytest.raises(InvalidInput):
        await release(session_factory, DANA, d, now, reason="bored")

    [c] = await rows(session_factory, Claim)
    assert c.released_at is None


async def test_an_early_release_is_not_late_and_keeps_no_reason_it_was_not_asked(
    session_factory, world, now
):
    d = await donation(session_factory, world, now + timedelta(hours=24))
    await claim(session_factory, DANA, d, now)

    result = await release(session_factory, DANA, d, now, reason="ill")

    assert not result.late and result.reason is None
    [c] = await rows(session_factory, Claim)
    assert not c.late_release and c.release_reason is None and c.released_at is not None


async def test_released_then_claimed_by_another_driver(session_factory, world, now):
    d = await donation(session_factory, world, now + timedelta(days=1))
    await claim(session_factory, DANA, d, now)
    await release(session_factory, DANA, d, now)

    result = await claim(session_factory, FRANK, d, now)

    assert result.driver_id == world.members[FRANK]
    claims = await rows(session_factory, Claim)
    dana, frank = world.members[DANA], world.members[FRANK]
    assert [(c.driver_id, c.released_at is None) for c in claims] == [(dana, False), (frank, True)]
    with pytest.raises(NotAllowed):  # Dana's old button
        await release(session_factory, DANA, d, now)


async def test_only_a_claimed_pickup_can_be_released(session_factory, world, now):
    d = await donation(session_factory, world, now + timedelta(days=1))
    with pytest.raises(AlreadyDone):
        await release(session_factory, DANA, d, now)
    with pytest.raises(NotFound):
        await release(session_factory, DANA, 424242, now)

    await claim(session_factory, DANA, d, now)
    async with session_factory() as s:
        (await s.get(Donation, d)).status = "picked_up"
        await s.commit()
    with pytest.raises(NotOpen) as refusal:
        await release(session_factory, DANA, d, now)
    assert refusal.value.status == "picked_up"
    with pytest.raises(AlreadyClaimed):
        await claim(session_factory, FRANK, d, now)


# --- Offering ---------------------------------------------------------------------------


async def eligible_ids(sf, donation_id: int, now: datetime) -> list[int]:
    async with sf() as s:
        return [m.id for m in await eligible_drivers(s, donation_id=donation_id, now=now)]


async def _add_drivers(sf, world: World, now: datetime, telegram_ids, **member) -> list[int]:
    async with sf() as s:
        people = [
            Member(telegram_id=t, created_at=now, opened_at=now, **member) for t in telegram_ids
        ]
        s.add_all(people)
        await s.flush()
        s.add_all(
            Membership(member_id=m.id, antenna_id=world.antenna, role="driver", created_at=now)
            for m in people
        )
        await s.commit()
        return [m.id for m in people]


async def test_eligible_drivers_are_the_reachable_active_drivers_here(session_factory, world, now):
    [erased] = await _add_drivers(session_factory, world, now, [None])
    [blocked] = await _add_drivers(session_factory, world, now, [2001], unreachable=True)
    [cold_one] = await _add_drivers(session_factory, world, now, [2002], vehicle_refrigerated=True)
    ambient = await donation(session_factory, world, now + timedelta(days=1))
    chilled = await donation(session_factory, world, now + timedelta(days=1), cold=True)
    dana, frank = world.members[DANA], world.members[FRANK]

    assert await eligible_ids(session_factory, ambient, now) == [dana, frank, cold_one]
    assert await eligible_ids(session_factory, chilled, now) == [frank, cold_one]
    assert erased not in await eligible_ids(session_factory, ambient, now)
    assert blocked not in await eligible_ids(session_factory, ambient, now)

    async with session_factory() as s:
        assert await offer_to_drivers(s, donation_id=chilled, now=now) == 2
        await s.commit()
    assert sent(await rows(session_factory, Outbox)) == [
        (FRANK, "donation_offer"),
        (2002, "donation_offer"),
    ]

    await claim(session_factory, DANA, ambient, now)
    assert await eligible_ids(session_factory, ambient, now) == []
    assert await eligible_ids(session_factory, chilled, now + timedelta(days=2)) == []


async def test_eligible_drivers_leaves_out_drivers_at_their_cap(session_factory, world, now):
    await _set_caps(session_factory, world, day=1)
    first = await donation(session_factory, world, brussels(12, 18))
    second = await donation(session_factory, world, brussels(12, 20))
    await claim(session_factory, DANA, first, now)

    assert await eligible_ids(session_factory, second, now) == [world.members[FRANK]]


async def test_eligible_drivers_takes_the_same_few_queries_for_many_drivers(
    session_factory, engine, world, now
):
    await _set_caps(session_factory, world, day=2, week=5)
    d = await donation(session_factory, world, now + timedelta(days=1))
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    async def queries() -> int:
        statements.clear()
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            await eligible_ids(session_factory, d, now)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        return len(statements)

    few = await queries()
    extra = await _add_drivers(session_factory, world, now, range(3000, 3030))
    other = await donation(session_factory, world, now + timedelta(days=1))
    await claim(session_factory, DANA, other, now)
    assert few <= 3
    assert await queries() == few
    assert len(await eligible_ids(session_factory, d, now)) == 2 + len(extra)


# --- Standing claims and statistics -----------------------------------------------------


async def _slot(sf, world: World) -> int:
    async with sf() as s:
        slot = RecurringSlot(
            store_id=world.store, weekday=0, window_start="19:00", window_end="19:30"
        )
        s.add(slot)
        await s.commit()
        return slot.id


async def _standing(sf, telegram_id: int, slot_id: int, now: datetime, *, drop=False, **kw):
    async with sf() as s:
        identity = await identify(s, telegram_id=telegram_id)
        use_case = drop_standing_claim if drop else set_standing_claim
        return await use_case(s, slot_id=slot_id, identity=identity, now=now, **kw)


async def _holder(sf, slot_id: int) -> int | None:
    async with sf() as s:
        return (await s.get(RecurringSlot, slot_id)).standing_driver_id


async def test_a_driver_holds_a_weekly_slot(session_factory, world, now):
    slot = await _slot(session_factory, world)
    dana, frank, coco = (world.members[t] for t in (DANA, FRANK, COCO))

    await _standing(session_factory, DANA, slot, now)
    assert await _holder(session_factory, slot) == dana
    with pytest.raises(AlreadyDone):
        await _standing(session_factory, DANA, slot, now)
    with pytest.raises(AlreadyClaimed):
        await _standing(session_factory, FRANK, slot, now)
    for who in (FRANK, SAM, OTTO, MIA):
        with pytest.raises(NotAllowed):
            await _standing(session_factory, who, slot, now, drop=True)
    assert await _holder(session_factory, slot) == dana

    await _standing(session_factory, DANA, slot, now, drop=True)
    assert await _holder(session_factory, slot) is None
    with pytest.raises(AlreadyDone):
        await _standing(session_factory, DANA, slot, now, drop=True)

    await _standing(session_factory, COCO, slot, now, driver_id=frank)
    assert await _holder(session_factory, slot) == frank
    await _standing(session_factory, COCO, slot, now, drop=True)
    audit = await rows(session_factory, AuditLog)
    assert [(a.action, a.entity, a.entity_id, a.actor_id, a.on_behalf_of_id) for a in audit] == [
        ("standing_claim.set", "recurring_slot", slot, dana, None),
        ("standing_claim.dropped", "recurring_slot", slot, dana, None),
        ("standing_claim.set", "recurring_slot", slot, coco, frank),
        ("standing_claim.dropped", "recurring_slot", slot, coco, frank),
    ]


@pytest.mark.parametrize(
    ("who", "for_whom"),
    [(SAM, None), (SUE, None), (OTTO, None), (MIA, None), (COCO, None), (COCO, OTTO)],
)
async def test_only_drivers_of_the_antenna_hold_slots(session_factory, world, now, who, for_whom):
    slot = await _slot(session_factory, world)
    driver_id = world.members[for_whom] if for_whom else None

    with pytest.raises(NotAllowed):
        await _standing(session_factory, who, slot, now, driver_id=driver_id)
    assert await _holder(session_factory, slot) is None


async def test_a_missing_or_inactive_slot_cannot_be_held(session_factory, world, now):
    slot = await _slot(session_factory, world)
    async with session_factory() as s:
        (await s.get(RecurringSlot, slot)).active = False
        await s.commit()

    for slot_id in (slot, 424242):
        with pytest.raises(NotFound):
            await _standing(session_factory, DANA, slot_id, now)


async def test_driver_stats_count_claims_and_late_releases(session_factory, world, now):
    early, late, kept = [
        await donation(session_factory, world, now + timedelta(hours=h)) for h in (48, 5, 30)
    ]
    for d in (early, late):
        await claim(session_factory, DANA, d, now)
        await release(session_factory, DANA, d, now)
    await claim(session_factory, FRANK, kept, now)
    await claim(session_factory, FRANK, late, now)

    async with session_factory() as s:
        stats = await driver_stats(s, antenna_id=world.antenna, since=now - timedelta(days=7))
        later = await driver_stats(s, antenna_id=world.antenna, since=now + timedelta(hours=1))
    assert stats == {
        world.members[DANA]: DriverStats(claims=2, late_releases=1),
        world.members[FRANK]: DriverStats(claims=2, late_releases=0),
    }
    assert later == {}
