"""The traceability register: every movement of food, one line per item, for an inspection.

A movement is a pickup (the store hands the items to the driver, when the weights were
recorded, with each item's collected kg) or a delivered stop (the driver hands them to an
association or a hub). A stop's kg cover the whole pickup: each item's part is shared out pro
rata of the items' collected (else estimated) kg, by the same rule that shares a total over
items at collection (``spread_kg``), and marked as an estimate when there are several items.
The kg a stop counts follow its settlement (``counted_kg``); food recorded as lost keeps the
driver's figure and says so. Chilled and frozen food withheld after a too-warm receipt (as
the stops' cards say) says so too.

Food delivered to a hub is its stop's lines (the stock's moves "in" are not repeated); what
then leaves the stock is a line per move: handed out to an association, lost with its
reason, or corrected by a count, each with its lot's origin (store, pickup, dates, lot
number), so that every kg that entered a hub can be followed to where it went.

Four queries whatever the period: three bounded by the antenna's indexed
``(antenna_id, window_start)`` on the donations, and one by the indexed ``(hub_id, at)`` of
the antenna's hubs' stock moves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.people.identity import Identity
from logistics.people.permissions import coordinated_antennas
from logistics.pickups.donation_progress import PICKED_UP_OR_LATER
from logistics.safety.register_lines import RegisterLine, pickup_lines, stock_line, stop_lines
from storage.models import (
    Association,
    AuditLog,
    Category,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Member,
    Receipt,
    StockLot,
    StockMove,
    Store,
)

# a pickup's stops are delivered within days of its window: the donations looked at start
# this long before the period, so that a stop delivered early in the period is not missed
DELIVERY_MARGIN = timedelta(days=7)


@dataclass(frozen=True)
class Scope:
    """Whose register: an antenna's, or one association's or hub's within it."""

    antenna_id: int
    association_id: int | None = None
    hub_id: int | None = None

    @property
    def whole_antenna(self) -> bool:
        return self.association_id is None and self.hub_id is None


def register_scopes(identity: Identity | None) -> list[Scope]:
    """Whose register a person may read: each antenna they coordinate, else each association
    they belong to (active memberships only); nobody else's."""
    if identity is None:
        return []
    antennas = coordinated_antennas(identity)
    if antennas:
        return [Scope(antenna_id) for antenna_id in antennas]
    return sorted(
        {
            Scope(r.antenna_id, association_id=r.association_id)
            for r in identity.roles
            if r.role == "association" and r.association_id is not None
        },
        key=lambda scope: (scope.antenna_id, scope.association_id or 0),
    )


def _pickup_time() -> Any:
    """SQL: when the weights of the donation were recorded (its audit line), indexed on
    ``(entity, entity_id)``."""
    return (
        select(func.max(AuditLog.at))
        .where(
            AuditLog.entity == "donation",
            AuditLog.entity_id == Donation.id,
            AuditLog.action == "donation.picked_up",
        )
        .correlate(Donation)
        .scalar_subquery()
    )


def _donations(scope: Scope, start: datetime, end: datetime) -> list[Any]:
    """The conditions on the donations a register looks at."""
    conditions = [
        Donation.antenna_id == scope.antenna_id,
        Donation.window_start >= start - DELIVERY_MARGIN,
        Donation.window_start < end,
        col(Donation.status).in_(PICKED_UP_OR_LATER),
    ]
    if not scope.whole_antenna:
        stop = aliased(Delivery)
        conditions.append(
            exists().where(
                stop.donation_id == Donation.id,
                stop.association_id == scope.association_id
                if scope.association_id is not None
                else stop.hub_id == scope.hub_id,
            )
        )
    return conditions


async def register_lines(
    session: AsyncSession, *, scope: Scope, start: datetime, end: datetime
) -> list[RegisterLine]:
    """The movements between ``start`` (included) and ``end`` (excluded), in time order."""
    inside = _donations(scope, start, end)
    pickups = {
        row[0]: row
        for row in (
            await session.exec(
                select(Donation.id, Donation.window_start, _pickup_time(), Store.name, Member.name)
                .join(Store, col(Store.id) == Donation.store_id)
                .outerjoin(
                    Claim,
                    (col(Claim.donation_id) == Donation.id) & col(Claim.released_at).is_(None),
                )
                .outerjoin(Member, col(Member.id) == Claim.driver_id)
                .where(*inside)
            )
        ).all()
    }
    items: dict[int, list[tuple[DonationItem, Category]]] = defaultdict(list)
    for item, category in (
        await session.exec(
            select(DonationItem, Category)
            .join(Category, col(Category.id) == DonationItem.category_id)
            .join(Donation, col(Donation.id) == DonationItem.donation_id)
            .where(*inside)
            .order_by(DonationItem.id)
        )
    ).all():
        items[item.donation_id].append((item, category))
    stops = (
        await session.exec(
            select(Delivery, Receipt, Association.name, Hub.name)
            .join(Donation, col(Donation.id) == Delivery.donation_id)
            .outerjoin(Receipt, col(Receipt.delivery_id) == Delivery.id)
            .outerjoin(Association, col(Association.id) == Delivery.association_id)
            .outerjoin(Hub, col(Hub.id) == Delivery.hub_id)
            .where(*inside, col(Delivery.delivered_at).is_not(None))
            .order_by(Delivery.id)
        )
    ).all()
    stop_count: dict[int, int] = defaultdict(int)
    for delivery, *_rest in stops:
        stop_count[delivery.donation_id] += 1

    lines: list[RegisterLine] = []
    for donation_id, window_start, picked_at, store, driver in pickups.values():
        when = picked_at or window_start
        if scope.whole_antenna and start <= when < end:
            lines += pickup_lines(donation_id, when, store, driver or "—", items[donation_id])
    for delivery, receipt, association, hub in stops:
        if scope.association_id not in (None, delivery.association_id):
            continue
        if scope.hub_id not in (None, delivery.hub_id):
            continue
        if not start <= delivery.delivered_at < end:
            continue
        _id, _window, _picked, store, driver = pickups[delivery.donation_id]
        lines += stop_lines(
            delivery,
            receipt,
            association or hub or "",
            store,
            driver or "—",
            items[delivery.donation_id],
            whole=stop_count[delivery.donation_id] == 1,
        )
    lines += await stock_lines(session, scope=scope, start=start, end=end)
    lines.sort(key=lambda line: (line.at, line.donation_id, line.movement != "pickup"))
    return lines


async def stock_lines(
    session: AsyncSession, *, scope: Scope, start: datetime, end: datetime
) -> list[RegisterLine]:
    """The moves out of the antenna's hubs' stock (out, losses, counts) in the period; an
    association sees what was handed to it, a hub its own moves."""
    conditions = [
        Hub.antenna_id == scope.antenna_id,
        StockMove.at >= start,
        StockMove.at < end,
        StockMove.kind != "in",
    ]
    if scope.association_id is not None:
        conditions.append(StockMove.association_id == scope.association_id)
    if scope.hub_id is not None:
        conditions.append(StockMove.hub_id == scope.hub_id)
    rows = await session.exec(
        select(
            StockMove,
            StockLot,
            Category,
            Hub.name,
            Association.name,
            Store.name,
            Member.name,
            func.coalesce(_pickup_time(), Donation.window_start),
        )
        .select_from(Hub)
        .join(StockMove, col(StockMove.hub_id) == Hub.id)
        .join(StockLot, col(StockLot.id) == StockMove.lot_id)
        .join(Category, col(Category.id) == StockLot.category_id)
        .outerjoin(Association, col(Association.id) == StockMove.association_id)
        .outerjoin(Donation, col(Donation.id) == StockLot.donation_id)
        .outerjoin(Store, col(Store.id) == Donation.store_id)
        .outerjoin(Member, col(Member.id) == StockMove.member_id)
        .where(*conditions)
        .order_by(StockMove.at, StockMove.id)
    )
    return [
        stock_line(
            move,
            lot,
            category,
            hub=hub,
            association=association,
            store=store or "",
            member=member,
            picked_at=picked_at,
        )
        for move, lot, category, hub, association, store, member, picked_at in rows.all()
    ]
