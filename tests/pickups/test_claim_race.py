"""Many drivers press "claim" on the same pickup at once: exactly one of them gets it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import aiosqlite
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from logistics.errors import AlreadyClaimed
from logistics.people.identity import Identity, identify
from logistics.pickups.claims import ClaimResult, claim_pickup
from storage.engine import create_engine, create_session_factory
from storage.models import Antenna, Claim, Donation, Member, Membership, Store

DRIVERS = 50


async def _pickup_and_drivers(session_factory, now, count: int) -> tuple[int, list[Identity]]:
    async with session_factory() as s:
        antenna = Antenna(key="a", name="A", group_chat_id=-100)
        s.add(antenna)
        await s.flush()
        store = Store(key="s", antenna_id=antenna.id, name="Store")
        drivers = [
            Member(telegram_id=5000 + i, created_at=now, opened_at=now) for i in range(count)
        ]
        s.add_all([store, *drivers])
        await s.flush()
        s.add_all(
            Membership(member_id=m.id, antenna_id=antenna.id, role="driver", created_at=now)
            for m in drivers
        )
        donation = Donation(
            antenna_id=antenna.id,
            store_id=store.id,
            window_start=now + timedelta(hours=6),
            window_end=now + timedelta(hours=7),
            created_at=now,
            updated_at=now,
        )
        s.add(donation)
        await s.commit()
        identities = [await identify(s, telegram_id=m.telegram_id) for m in drivers]
        return donation.id, identities


async def test_fifty_drivers_one_winner(session_factory, now):
    donation_id, identities = await _pickup_and_drivers(session_factory, now, DRIVERS)

    async def press(identity: Identity) -> ClaimResult | AlreadyClaimed:
        async with session_factory() as session:
            try:
                return await claim_pickup(
                    session, donation_id=donation_id, identity=identity, now=now
                )
            except AlreadyClaimed as refusal:
                return refusal

    outcomes = await asyncio.gather(*(press(identity) for identity in identities))

    winners = [o for o in outcomes if isinstance(o, ClaimResult)]
    losers = [o for o in outcomes if isinstance(o, AlreadyClaimed)]
    assert (len(winners), len(losers)) == (1, DRIVERS - 1)
    async with session_factory() as s:
        active = (await s.exec(select(Claim).where(col(Claim.released_at).is_(None)))).all()
        assert [c.driver_id for c in active] == [winners[0].driver_id]
        assert (await s.get(Donation, donation_id)).status == "claimed"


async def test_a_lock_held_past_the_busy_timeout_is_waited_out(database_url, engine, now):
    """The claim is tried again rather than failing with "database is locked"."""
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("SQLite's write lock")
    impatient = create_engine(database_url)

    @event.listens_for(impatient.sync_engine, "connect")
    def _short_busy_timeout(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=200")
        cursor.close()

    session_factory = create_session_factory(impatient)
    donation_id, [identity] = await _pickup_and_drivers(session_factory, now, 1)

    async def hold_the_write_lock(seconds: float) -> None:
        async with aiosqlite.connect(make_url(database_url).database) as other:
            await other.execute("BEGIN IMMEDIATE")
            locked.set()
            await asyncio.sleep(seconds)
            await other.rollback()

    locked = asyncio.Event()
    holder = asyncio.create_task(hold_the_write_lock(0.3))
    await locked.wait()
    async with session_factory() as session:
        result = await claim_pickup(session, donation_id=donation_id, identity=identity, now=now)
    await holder
    await impatient.dispose()
    assert result.driver_id == identity.member_id
