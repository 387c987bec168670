"""A store's own announcements (logistics/announcements/store_announcements.py), on the example
network: what /mine lists, changing quantities and window before a claim, cancelling before
collection, and who may do it (the database is unchanged after every refusal)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from logistics.announcements.announce import announce, draft_from_text
from logistics.announcements.store_announcements import (
    change_items,
    change_window,
    check_changeable,
    store_pickups,
)
from logistics.announcements.store_cancellation import cancel_pickup, check_cancellable
from logistics.errors import (
    AlreadyDone,
    DriverComing,
    InvalidInput,
    NotAllowed,
    NotFound,
    NotOpen,
)
from logistics.people.identity import identify
from logistics.pickups.claims import claim_pickup
from logistics.pickups.collection import record_pickup
from logistics.pickups.release import release_claim
from storage.engine import create_engine, create_session_factory
from storage.models import (
    AuditLog,
    Claim,
    Donation,
    DonationItem,
    Member,
    Membership,
    Outbox,
    Store,
)
from tests.invariants import check_invariants, snapshot

MARC, SOFIE, CLAIRE, JORIS, STRANGER = 100003, 100004, 100001, 100002, 999001
LUCAS = 100007  # the other driver of Ixelles
NADIA, PAUL = 100009, 100010  # Jourdan's manager; Flagey's suspended manager (added here)
GROUP = -1001000000001


async def add_managers(session, at: datetime, language: str | None = None) -> None:
    """Nadia manages Jourdan; Paul manages Flagey, but his role is suspended."""
    stores = {s.key: s for s in (await session.exec(select(Store))).all()}
    for tid, name, key, status in (
        (NADIA, "Nadia", "super-jourdan", "active"),
        (PAUL, "Paul", "super-flagey", "suspended"),
    ):
        member = Member(telegram_id=tid, name=name, language=language, created_at=at)
        member.opened_at = at
        session.add(member)
        await session.flush()
        session.add(
            Membership(
                member_id=member.id,
                antenna_id=stores[key].antenna_id,
                role="store_manager",
                store_id=stores[key].id,
                status=status,
                created_at=at,
            )
        )


@pytest.fixture
async def session(settings, now):
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as session:
        await add_managers(session, now)
        await session.commit()
        yield session
        assert await check_invariants(session) == []
    await engine.dispose()


async def who(session, telegram_id: int):
    return await identify(session, telegram_id=telegram_id)


async def announced(session, now, text="20 kg pain 18h-19h", telegram_id=MARC) -> int:
    manager = await who(session, telegram_id)
    store_id = manager.roles[0].store_id
    draft = await draft_from_text(session, identity=manager, store_id=store_id, text=text, now=now)
    return await announce(session, identity=manager, draft=draft, now=now)


async def new_items(session, donation_id: int, text: str, now, telegram_id=MARC):
    """The draft of new quantities, as the /surplus echo makes it for this pickup."""
    manager = await who(session, telegram_id)
    donation = await session.get(Donation, donation_id)
    return await draft_from_text(
        session, identity=manager, store_id=donation.store_id, text=text, now=now,
        donation_id=donation_id,
    )  # fmt: skip


async def outbox_kinds(session) -> list[tuple[int, str]]:
    rows = (await session.exec(select(Outbox).order_by(col(Outbox.id)))).all()
    return [(o.chat_id, o.payload.get("kind")) for o in rows]


async def audit_actions(session, donation_id: int) -> list[str]:
    rows = await session.exec(
        select(AuditLog.action).where(
            AuditLog.entity == "donation", AuditLog.entity_id == donation_id
        )
    )
    return list(rows.all())


async def test_the_list_holds_todays_and_coming_ones_of_ones_own_stores(session, now):
    yesterday = await announced(session, now - timedelta(days=1))
    today = await announced(session, now)
    tomorrow = await announced(session, now, "5 kg pain demain 18h-19h")
    jourdan = await announced(session, now, "3 kg pain 18h-19h", telegram_id=NADIA)
    cancelled = await announced(session, now, "2 kg pain 20h-21h")
    await cancel_pickup(session, identity=await who(session, MARC), donation_id=cancelled, now=now)

    marc = await who(session, MARC)
    assert await store_pickups(session, identity=marc, now=now) == [today, cancelled, tomorrow]
    assert yesterday not in await store_pickups(session, identity=marc, now=now)
    assert await store_pickups(session, identity=await who(session, NADIA), now=now) == [jourdan]
    # the day after, today's cancelled one is gone from the list, tomorrow's is there
    later = now + timedelta(days=1)
    assert await store_pickups(session, identity=marc, now=later) == [tomorrow]
    for nobody in (SOFIE, STRANGER, PAUL):
        assert await store_pickups(session, identity=await who(session, nobody), now=now) == []


async def test_quantities_change_before_a_claim_and_the_card_follows(session, now):
    donation_id = await announced(session, now)
    draft = await new_items(session, donation_id, "3 caisses pain, 10 kg légumes", now)
    assert (draft.donation_id, draft.window_source) == (donation_id, "kept")
    assert draft.window_start == (await session.get(Donation, donation_id)).window_start
    later = now + timedelta(minutes=5)
    queued = len(await outbox_kinds(session))
    await change_items(session, identity=await who(session, MARC), draft=draft, now=later)

    donation = await session.get(Donation, donation_id, populate_existing=True)
    items = (
        await session.exec(select(DonationItem).where(DonationItem.donation_id == donation_id))
    ).all()
    assert donation.status == "announced" and donation.estimated_kg == 22
    assert sorted((i.quantity, i.unit) for i in items) == [(3, "crate"), (10, "kg")]
    after = (await outbox_kinds(session))[queued:]
    assert (GROUP, "donation_card") in after
    # the drivers who may take it get it as it is now, said to be changed
    assert sorted(k for k in after if k[1] == "donation_offer") == [
        (SOFIE, "donation_offer"),
        (LUCAS, "donation_offer"),
    ]
    offers = await session.exec(
        select(Outbox).where(col(Outbox.chat_id).in_((SOFIE, LUCAS))).order_by(col(Outbox.id))
    )
    assert [o.payload.get("changed") for o in offers.all()][-2:] == [True, True]
    assert "donation.items_changed" in await audit_actions(session, donation_id)
    planned = await session.exec(
        select(Outbox).where(Outbox.chat_id == GROUP).order_by(col(Outbox.id).desc())
    )
    assert planned.first().created_at == later


async def test_the_window_changes_keeping_its_day_and_a_past_one_is_refused(session, now):
    donation_id = await announced(session, now)
    marc = await who(session, MARC)
    start, end = await change_window(
        session, identity=marc, donation_id=donation_id, text="19h30-20h30", now=now
    )
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (
        datetime(2026, 3, 10, 18, 30, tzinfo=UTC),
        datetime(2026, 3, 10, 19, 30, tzinfo=UTC),
    )
    donation = await session.get(Donation, donation_id, populate_existing=True)
    assert donation.window_start == datetime(2026, 3, 10, 18, 30, tzinfo=UTC)
    assert "donation.window_changed" in await audit_actions(session, donation_id)
    await change_window(
        session, identity=marc, donation_id=donation_id, text="demain 8h-9h", now=now
    )
    donation = await session.get(Donation, donation_id, populate_existing=True)
    assert donation.window_start == datetime(2026, 3, 11, 7, 0, tzinfo=UTC)

    before = await snapshot(session)
    for text, code in (
        ("8h-9h", "window_past"),
        ("pain", "window_unreadable"),
        ("", "window_unreadable"),
    ):
        with pytest.raises(InvalidInput, match=code):
            await change_window(
                session, identity=marc, donation_id=donation_id, text=text,
                now=datetime(2026, 3, 11, 9, 0, tzinfo=UTC),
            )  # fmt: skip
    assert await snapshot(session) == before


async def test_after_a_claim_only_cancelling_is_left(session, now):
    donation_id = await announced(session, now)
    draft = await new_items(session, donation_id, "5 kg pain", now)
    sofie = await who(session, SOFIE)
    await claim_pickup(session, donation_id=donation_id, identity=sofie, now=now)
    marc = await who(session, MARC)
    before = await snapshot(session)
    with pytest.raises(DriverComing) as refused:
        await change_items(session, identity=marc, draft=draft, now=now)
    assert refused.value.driver_name == "Sofie Voorbeeld"
    with pytest.raises(DriverComing):
        await change_window(
            session, identity=marc, donation_id=donation_id, text="20h-21h", now=now
        )
    with pytest.raises(DriverComing):
        await check_changeable(session, identity=marc, donation_id=donation_id)
    with pytest.raises(NotOpen):  # a new echo is not made for a claimed pickup either
        await new_items(session, donation_id, "5 kg pain", now)
    assert await snapshot(session) == before
    await check_cancellable(session, identity=marc, donation_id=donation_id)


async def test_cancelling_tells_the_driver_and_the_group(session, now):
    donation_id = await announced(session, now)
    sofie = await who(session, SOFIE)
    await claim_pickup(session, donation_id=donation_id, identity=sofie, now=now)
    await session.exec(Outbox.__table__.delete())
    await session.commit()

    driver_id = await cancel_pickup(
        session, identity=await who(session, MARC), donation_id=donation_id, now=now
    )
    assert driver_id == sofie.member_id
    donation = await session.get(Donation, donation_id, populate_existing=True)
    claims = (await session.exec(select(Claim).where(Claim.donation_id == donation_id))).all()
    assert donation.status == "cancelled"
    assert [(c.released_at, c.late_release) for c in claims] == [(now, False)]
    assert sorted(await outbox_kinds(session)) == sorted(
        [(SOFIE, "donation_cancelled"), (GROUP, "donation_cancelled"), (GROUP, "donation_card")]
    )
    assert "donation.cancelled" in await audit_actions(session, donation_id)
    with pytest.raises(AlreadyDone):
        await cancel_pickup(
            session, identity=await who(session, MARC), donation_id=donation_id, now=now
        )
    with pytest.raises(NotOpen, match="cancelled"):  # an old claim button
        await claim_pickup(session, donation_id=donation_id, identity=sofie, now=now)


async def test_cancelling_an_open_pickup_tells_the_drivers_it_was_offered_to(session, now):
    donation_id = await announced(session, now)
    await session.exec(Outbox.__table__.delete())
    await session.commit()

    driver_id = await cancel_pickup(
        session, identity=await who(session, MARC), donation_id=donation_id, now=now
    )

    assert driver_id is None
    assert sorted(await outbox_kinds(session)) == sorted(
        [
            (SOFIE, "donation_cancelled"),
            (LUCAS, "donation_cancelled"),
            (GROUP, "donation_cancelled"),
            (GROUP, "donation_card"),
        ]
    )


async def test_a_collected_pickup_cannot_be_cancelled(session, now):
    donation_id = await announced(session, now)
    sofie = await who(session, SOFIE)
    await claim_pickup(session, donation_id=donation_id, identity=sofie, now=now)
    later = now + timedelta(hours=8, minutes=30)
    await record_pickup(session, donation_id=donation_id, identity=sofie, now=later, total_kg=18)
    with pytest.raises(NotOpen, match="picked_up"):
        await cancel_pickup(
            session, identity=await who(session, MARC), donation_id=donation_id, now=later
        )


async def test_the_store_is_told_of_a_release_and_of_the_next_claim(session, now):
    donation_id = await announced(session, now)
    sofie, lucas = await who(session, SOFIE), await who(session, 100007)
    await claim_pickup(session, donation_id=donation_id, identity=sofie, now=now)
    await release_claim(session, donation_id=donation_id, identity=sofie, now=now)
    await claim_pickup(session, donation_id=donation_id, identity=lucas, now=now)
    to_marc = [kind for chat, kind in await outbox_kinds(session) if chat == MARC]
    assert to_marc == ["donation_claimed", "donation_released", "donation_claimed"]
    released = (
        await session.exec(select(Outbox).where(Outbox.chat_id == MARC).order_by(col(Outbox.id)))
    ).all()[1]
    assert released.payload["driver_id"] == sofie.member_id


@pytest.mark.parametrize("intruder", [NADIA, SOFIE, STRANGER, PAUL, JORIS])
async def test_others_are_refused_and_nothing_changes(session, now, intruder):
    """Another store's manager, a driver, a stranger, a suspended manager of this very store,
    the coordinator of another antenna."""
    open_one = await announced(session, now)
    claimed = await announced(session, now, "4 kg pain 18h-19h")
    await claim_pickup(session, donation_id=claimed, identity=await who(session, SOFIE), now=now)
    draft = await new_items(session, open_one, "5 kg pain", now)
    identity = await who(session, intruder)
    before = await snapshot(session, skip=frozenset({"fsm_record", "processed_update"}))
    attempts = [
        change_items(session, identity=identity, draft=draft, now=now),
        change_window(session, identity=identity, donation_id=open_one, text="20h-21h", now=now),
        cancel_pickup(session, identity=identity, donation_id=open_one, now=now),
        cancel_pickup(session, identity=identity, donation_id=claimed, now=now),
        check_changeable(session, identity=identity, donation_id=open_one),
        check_cancellable(session, identity=identity, donation_id=claimed),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            await attempt
    with pytest.raises((NotAllowed, NotFound)):
        await new_items(session, open_one, "5 kg pain", now, telegram_id=intruder)
    assert await snapshot(session, skip=frozenset({"fsm_record", "processed_update"})) == before


async def test_a_coordinator_may_act_for_the_store_and_it_is_recorded(session, now):
    donation_id = await announced(session, now)
    claire = await who(session, CLAIRE)
    await change_window(session, identity=claire, donation_id=donation_id, text="20h-21h", now=now)
    await cancel_pickup(session, identity=claire, donation_id=donation_id, now=now)
    rows = (
        await session.exec(
            select(AuditLog).where(
                AuditLog.entity_id == donation_id,
                col(AuditLog.action).in_(("donation.window_changed", "donation.cancelled")),
            )
        )
    ).all()
    assert [(r.actor_id, r.detail["on_behalf"]) for r in rows] == [(claire.member_id, True)] * 2
