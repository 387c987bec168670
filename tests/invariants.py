"""What must hold in the database whatever people did: a checker for any test to call.

    problems = await check_invariants(session)
    assert problems == [], "\\n".join(problems)

or ``await assert_consistent(database_url)``. The rules come from storage/models.py and
logistics/ (claims, collection, receipts, allocation, notify); SQLite enforces neither
string lengths nor every cross-table rule, so they are checked here on both databases.

``snapshot`` gives every row of every table (plumbing tables left out on request), to show
that a refused action changed nothing.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import String, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.donation_progress import PICKED_UP_OR_LATER, SETTLED
from logistics.stock.balance import negative_lots, stock_balances
from storage.engine import create_engine, create_session_factory
from storage.models import (
    ALL_TABLES,
    DONATION_STATUSES,
    ZERO_REASONS,
    Association,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Member,
    Membership,
    Outbox,
    Receipt,
    Store,
)

PLUMBING = frozenset({"processed_update", "fsm_record", "outbox", "broadcast_log"})
KG_TOLERANCE = 0.051  # collected kg are rounded to tenths, item by item


async def _all(session: AsyncSession, model: Any) -> list[Any]:
    return list((await session.exec(select(model))).scalars().all())


def _kg_problems(where: str, values: dict[str, float | None]) -> list[str]:
    problems = []
    for name, value in values.items():
        if value is None:
            continue
        if not math.isfinite(value) or value < 0:
            problems.append(f"{where}: {name} = {value!r} is not a weight")
    return problems


async def check_invariants(session: AsyncSession) -> list[str]:
    """Every broken rule, in words; an empty list when the database is consistent."""
    problems: list[str] = []
    donations = {d.id: d for d in await _all(session, Donation)}
    items = await _all(session, DonationItem)
    claims = await _all(session, Claim)
    deliveries = await _all(session, Delivery)
    receipts = await _all(session, Receipt)
    stores = {s.id: s for s in await _all(session, Store)}
    associations = {a.id: a for a in await _all(session, Association)}
    hubs = {h.id: h for h in await _all(session, Hub)}
    members = {m.id: m for m in await _all(session, Member)}

    active = Counter(c.donation_id for c in claims if c.released_at is None)
    for donation_id, count in active.items():
        if count > 1:
            problems.append(f"donation {donation_id}: {count} active claims")
    for claim in claims:
        if claim.driver_id not in members:
            problems.append(f"claim {claim.id}: unknown driver {claim.driver_id}")
        if claim.released_at is not None and claim.released_at < claim.claimed_at:
            problems.append(f"claim {claim.id}: released before it was made")

    items_of: dict[int, list[DonationItem]] = defaultdict(list)
    for item in items:
        items_of[item.donation_id].append(item)
        where = f"item {item.id}"
        problems += _kg_problems(
            where,
            {
                "quantity": item.quantity,
                "estimated": item.estimated_kg,
                "collected": item.collected_kg,
            },
        )
        if item.quantity is not None and item.quantity <= 0:
            problems.append(f"{where}: quantity {item.quantity} is not positive")
    stops_of: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        stops_of[delivery.donation_id].append(delivery)

    for donation in donations.values():
        where = f"donation {donation.id} ({donation.status})"
        problems += _kg_problems(
            where, {"estimated": donation.estimated_kg, "collected": donation.collected_kg}
        )
        if donation.status not in DONATION_STATUSES:
            problems.append(f"{where}: unknown status")
        store = stores.get(donation.store_id)
        if store is None or store.antenna_id != donation.antenna_id:
            problems.append(f"{where}: its store is not of its antenna")
        if donation.window_end <= donation.window_start:
            problems.append(f"{where}: the window ends before it starts")
        claimed = active[donation.id] > 0
        if donation.status == "claimed" and not claimed:
            problems.append(f"{where}: claimed without an active claim")
        if donation.status in ("draft", "announced") and claimed:
            problems.append(f"{where}: an active claim on a pickup nobody holds")
        if donation.status in PICKED_UP_OR_LATER:
            if donation.collected_kg is None or donation.collected_kg <= 0:
                problems.append(f"{where}: collected without a weight")
            if not claimed:
                problems.append(f"{where}: collected without an active claim")
        elif donation.collected_kg is not None and not (
            donation.collected_kg == 0 and donation.status in ("cancelled", "missed")
        ):
            problems.append(f"{where}: collected kg {donation.collected_kg} on this status")
        if donation.zero_reason is not None and (
            donation.zero_reason not in ZERO_REASONS or donation.collected_kg != 0
        ):
            problems.append(f"{where}: zero reason {donation.zero_reason!r} with kg")
        collected_items = [i.collected_kg for i in items_of[donation.id]]
        if donation.collected_kg is None and any(kg is not None for kg in collected_items):
            problems.append(f"{where}: items collected but not the pickup")
        if donation.collected_kg is not None and items_of[donation.id]:
            total = sum(kg or 0 for kg in collected_items)
            if abs(total - donation.collected_kg) > KG_TOLERANCE * len(collected_items):
                problems.append(f"{where}: items sum to {total}, not {donation.collected_kg}")
        problems += _stop_problems(where, donation, stops_of[donation.id], associations, hubs)

    delivery_by_id = {d.id: d for d in deliveries}
    for receipt in receipts:
        where = f"receipt {receipt.id} ({receipt.status})"
        problems += _kg_problems(where, {"received": receipt.received_kg})
        delivery = delivery_by_id.get(receipt.delivery_id)
        if delivery is None or delivery.delivered_at is None:
            problems.append(f"{where}: for a stop not delivered")
        if receipt.status in SETTLED and receipt.confirmed_at is None:
            problems.append(f"{where}: settled without a time")
        if receipt.status == "pending" and receipt.confirmed_at is not None:
            problems.append(f"{where}: pending but confirmed at {receipt.confirmed_at}")
    receipt_of = {r.delivery_id: r for r in receipts}
    for donation in donations.values():
        if donation.status == "received":
            for stop in stops_of[donation.id]:
                receipt = receipt_of.get(stop.id)
                if receipt is None or receipt.status not in SETTLED:
                    problems.append(f"donation {donation.id}: received, stop {stop.id} unsettled")

    problems += await _membership_problems(session, members, stores, associations, hubs)
    problems += await _stock_problems(session)
    problems += await _outbox_problems(session)
    problems += await _length_problems(session)
    return problems


def _stop_problems(
    where: str,
    donation: Donation,
    stops: list[Delivery],
    associations: dict[int, Association],
    hubs: dict[int, Hub],
) -> list[str]:
    problems = []
    if donation.status in ("delivered", "received"):
        if not stops:
            problems.append(f"{where}: delivered without a stop")
        if any(s.delivered_at is None for s in stops):
            problems.append(f"{where}: delivered with a stop still to do")
    for stop in stops:
        at = f"{where}, stop {stop.id}"
        problems += _kg_problems(at, {"planned": stop.planned_kg, "delivered": stop.delivered_kg})
        if (stop.association_id is None) == (stop.hub_id is None):
            problems.append(f"{at}: not exactly one destination")
        place = associations.get(stop.association_id) or hubs.get(stop.hub_id)
        if place is None or place.antenna_id != donation.antenna_id:
            problems.append(f"{at}: its destination is not of the donation's antenna")
        if stop.delivered_at is not None:
            if stop.delivered_kg is None:
                problems.append(f"{at}: delivered without a weight")
            if donation.status not in ("picked_up", "delivered", "received"):
                problems.append(f"{at}: delivered while the pickup is {donation.status}")
        elif stop.delivered_kg is not None:
            problems.append(f"{at}: a delivered weight but no delivery")
    return problems


async def _membership_problems(
    session: AsyncSession,
    members: dict[int, Member],
    stores: dict[int, Store],
    associations: dict[int, Association],
    hubs: dict[int, Hub],
) -> list[str]:
    problems = []
    for m in await _all(session, Membership):
        where = f"membership {m.id} ({m.role})"
        if m.member_id not in members:
            problems.append(f"{where}: unknown member")
        if (m.role == "store_manager") != (m.store_id is not None):
            problems.append(f"{where}: store given or missing")
        if (m.role == "association") != (m.association_id is not None):
            problems.append(f"{where}: association given or missing")
        if m.store_id is not None and stores[m.store_id].antenna_id != m.antenna_id:
            problems.append(f"{where}: a store of another antenna")
        if m.association_id is not None:
            if associations[m.association_id].antenna_id != m.antenna_id:
                problems.append(f"{where}: an association of another antenna")
        if (m.role == "hub_staff") != (m.hub_id is not None):
            problems.append(f"{where}: hub given or missing")
        if m.hub_id is not None and hubs[m.hub_id].antenna_id != m.antenna_id:
            problems.append(f"{where}: a hub of another antenna")
    for member in members.values():
        if member.forgotten_at is not None and any(
            (member.telegram_id, member.name, member.username, member.phone)
        ):
            problems.append(f"member {member.id}: forgotten but personal data kept")
        if member.vehicle_capacity_kg is not None:
            problems += _kg_problems(
                f"member {member.id}", {"capacity": member.vehicle_capacity_kg}
            )
    return problems


async def _stock_problems(session: AsyncSession) -> list[str]:
    """Per hub and category: in + corrections = out + losses + on hand; no lot below zero."""
    broken = [b for b in await stock_balances(session) if not b.holds]
    problems = [f"hub {b.hub_id}, category {b.category_id}: {b.difference_kg} kg" for b in broken]
    return problems + [f"stock lot {lot}: below zero" for lot in await negative_lots(session)]


async def _outbox_problems(session: AsyncSession) -> list[str]:
    from bot.notifications import RENDERERS

    problems = []
    for entry in await _all(session, Outbox):
        if entry.method == "notify" and entry.payload.get("kind") not in RENDERERS:
            problems.append(f"outbox {entry.id}: unknown kind {entry.payload.get('kind')!r}")
        if entry.status == "failed" and entry.last_error is None:
            problems.append(f"outbox {entry.id}: failed without a reason")
    return problems


async def _length_problems(session: AsyncSession) -> list[str]:
    """Strings within their declared length (PostgreSQL refuses longer ones, SQLite not)."""
    problems = []
    for table in ALL_TABLES.sorted_tables:
        bounded = [
            c for c in table.columns if isinstance(c.type, String) and c.type.length is not None
        ]
        if not bounded:
            continue
        rows = (await session.exec(select(*bounded))).all()
        for row in rows:
            for column, value in zip(bounded, row, strict=True):
                if isinstance(value, str) and len(value) > column.type.length:
                    problems.append(f"{table.name}.{column.name}: {len(value)} characters")
    return problems


async def snapshot(session: AsyncSession, *, skip: frozenset[str] = PLUMBING) -> dict[str, list]:
    """Every row of every table but ``skip``, in a stable order, as plain tuples."""
    tables: dict[str, list] = {}
    for table in ALL_TABLES.sorted_tables:
        if table.name in skip:
            continue
        columns = [c for c in table.columns if c.name != "group_message_id"]
        rows = (await session.exec(select(*columns))).all()
        tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables


async def assert_consistent(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            problems = await check_invariants(session)
    finally:
        await engine.dispose()
    assert problems == [], "\n".join(problems)


async def database_snapshot(database_url: str, *, skip: frozenset[str] = PLUMBING) -> dict:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return await snapshot(session, skip=skip)
    finally:
        await engine.dispose()
