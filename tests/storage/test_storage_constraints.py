"""The database itself refuses dishonest rows, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from storage.models import (
    Antenna,
    BroadcastLog,
    Category,
    Claim,
    Donation,
    DonationItem,
    Member,
    Membership,
    Store,
)


@pytest.fixture
async def world(session_factory, now):
    """One antenna with a store, a driver and an announced donation."""
    async with session_factory() as session:
        antenna = Antenna(key="brussels", name="Brussels")
        session.add(antenna)
        await session.flush()
        store = Store(key="store-1", antenna_id=antenna.id, name="Store 1")
        driver = Member(name="Driver", created_at=now)
        category = Category(key="bread", name_fr="Pain", name_nl="Brood")
        session.add_all([store, driver, category])
        await session.flush()
        donation = Donation(
            antenna_id=antenna.id,
            store_id=store.id,
            window_start=now,
            window_end=now + timedelta(hours=1),
            created_at=now,
            updated_at=now,
        )
        session.add(donation)
        await session.commit()
        return {
            "antenna": antenna.id,
            "store": store.id,
            "driver": driver.id,
            "category": category.id,
            "donation": donation.id,
        }


async def _add(session_factory, *rows) -> None:
    async with session_factory() as session:
        session.add_all(rows)
        await session.commit()


async def test_only_one_active_claim_per_donation(session_factory, world, now):
    first = Claim(donation_id=world["donation"], driver_id=world["driver"], claimed_at=now)
    await _add(session_factory, first)

    with pytest.raises(IntegrityError):
        await _add(
            session_factory,
            Claim(donation_id=world["donation"], driver_id=world["driver"], claimed_at=now),
        )

    async with session_factory() as session:
        claim = await session.get(Claim, first.id)
        claim.released_at = now + timedelta(minutes=5)
        await session.commit()
    await _add(
        session_factory,
        Claim(donation_id=world["donation"], driver_id=world["driver"], claimed_at=now),
    )

    async with session_factory() as session:
        claims = (await session.exec(select(Claim))).all()
    assert sorted(claim.released_at is None for claim in claims) == [False, True]


async def test_negative_quantity_refused(session_factory, world):
    def item(quantity: float) -> DonationItem:
        return DonationItem(
            donation_id=world["donation"],
            category_id=world["category"],
            quantity=quantity,
            unit="crate",
            cold_chain="ambient",
            estimated_kg=5,
        )

    await _add(session_factory, item(2))
    for bad in (-1, 0):
        with pytest.raises(IntegrityError):
            await _add(session_factory, item(bad))


async def test_membership_role_matches_store(session_factory, world, now):
    def membership(role: str, store_id: int | None) -> Membership:
        return Membership(
            member_id=world["driver"],
            antenna_id=world["antenna"],
            role=role,
            store_id=store_id,
            created_at=now,
        )

    with pytest.raises(IntegrityError):
        await _add(session_factory, membership("store_manager", None))
    with pytest.raises(IntegrityError):
        await _add(session_factory, membership("driver", world["store"]))
    with pytest.raises(IntegrityError):
        await _add(session_factory, membership("janitor", None))
    await _add(
        session_factory,
        membership("store_manager", world["store"]),
        membership("driver", None),
    )


async def test_broadcast_once_per_antenna_day_and_kind(session_factory, world, now):
    def log(day: date, kind: str) -> BroadcastLog:
        return BroadcastLog(antenna_id=world["antenna"], day=day, kind=kind, created_at=now)

    today = date(2026, 3, 10)
    await _add(session_factory, log(today, "run_sheet"))
    with pytest.raises(IntegrityError):
        await _add(session_factory, log(today, "run_sheet"))
    await _add(
        session_factory,
        log(today, "summary"),
        log(today + timedelta(days=1), "run_sheet"),
    )


async def test_utc_datetime_round_trip(session_factory):
    brussels_winter = timezone(timedelta(hours=1))
    local = datetime(2026, 3, 10, 10, 0, 30, 123456, tzinfo=brussels_winter)
    member = Member(name="Clock", created_at=local)
    await _add(session_factory, member)

    async with session_factory() as session:
        stored = await session.scalar(select(Member.created_at).where(Member.id == member.id))
    assert stored == local
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored.hour == 9


async def test_utc_datetime_refuses_naive(session_factory):
    with pytest.raises(StatementError, match="naive datetime"):
        await _add(session_factory, Member(name="Naive", created_at=datetime(2026, 3, 10, 9)))
