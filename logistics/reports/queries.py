"""The grouped queries of the monthly report, one per breakdown, and the lines they return.

Each query is given the same bounds (``inside``: the antennas and the month, on the indexed
``(antenna_id, window_start)`` of the donations) and groups in the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.deliveries.settlement import counted_kg_column, kept_kg, kept_kg_of_item
from storage.models import (
    Antenna,
    Association,
    Category,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Receipt,
    Store,
)

DONE_STATUSES = ("picked_up", "delivered", "received")


@dataclass(frozen=True)
class AntennaLine:
    name: str
    kg: float
    done: int
    missed: int
    unclaimed: int
    released_late: int
    confirmed: int
    disputed: int
    pending: int

    @property
    def receipts(self) -> tuple[int, int, int]:
        return self.confirmed, self.disputed, self.pending


@dataclass(frozen=True)
class StoreLine:
    antenna: str
    name: str
    done: int
    missed: int
    kg: float


@dataclass(frozen=True)
class DestinationLine:
    antenna: str
    name: str
    kind: str  # "association" | "hub"
    deliveries: int
    delivered_kg: float
    received_kg: float  # as confirmed by the association (confirmed or disputed receipts)

    @property
    def kg(self) -> tuple[float, float]:
        return round(self.delivered_kg, 3), round(self.received_kg, 3)


@dataclass(frozen=True)
class DisputeLine:
    """A disputed receipt of the month: the stop's two figures, the problem and its reason,
    and how a coordinator settled it (None: not yet)."""

    antenna: str
    store: str
    destination: str
    donation_id: int
    delivered_kg: float
    received_kg: float | None
    problem: str | None
    note: str | None
    settlement: str | None


@dataclass(frozen=True)
class CategoryLine:
    key: str
    name_fr: str
    name_nl: str
    kg: float

    def name(self, locale: str) -> str:
        return self.name_nl if locale == "nl" else self.name_fr


def _done():
    return and_(col(Donation.status).in_(DONE_STATUSES), Donation.collected_kg > 0)


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _kg(column, condition=None) -> object:
    value = case((condition, column), else_=0) if condition is not None else column
    return func.coalesce(func.sum(value), 0)


async def antenna_lines(session: AsyncSession, group: list[Antenna], inside) -> list[AntennaLine]:
    pickups = {
        row[0]: row[1:]
        for row in (
            await session.exec(
                select(
                    Donation.antenna_id,
                    _kg(kept_kg(), _done()),
                    _count(_done()),
                    _count(Donation.status == "missed"),
                    _count(Donation.status == "expired"),
                )
                .where(*inside)
                .group_by(Donation.antenna_id)
            )
        ).all()
    }
    late = dict(
        (
            await session.exec(
                select(Donation.antenna_id, func.count())
                .select_from(Claim)
                .join(Donation, Donation.id == Claim.donation_id)
                .where(*inside, col(Claim.late_release))
                .group_by(Donation.antenna_id)
            )
        ).all()
    )
    receipts: dict[int, dict[str, int]] = defaultdict(dict)
    for antenna_id, status, count in (
        await session.exec(
            select(Donation.antenna_id, Receipt.status, func.count())
            .select_from(Receipt)
            .join(Delivery, Delivery.id == Receipt.delivery_id)
            .join(Donation, Donation.id == Delivery.donation_id)
            .where(*inside)
            .group_by(Donation.antenna_id, Receipt.status)
        )
    ).all():
        receipts[antenna_id][status] = count
    lines = []
    for antenna in group:
        kg, done, missed, unclaimed = pickups.get(antenna.id, (0, 0, 0, 0))
        lines.append(
            AntennaLine(
                name=antenna.name,
                kg=float(kg),
                done=int(done),
                missed=int(missed),
                unclaimed=int(unclaimed),
                released_late=int(late.get(antenna.id, 0)),
                confirmed=receipts[antenna.id].get("confirmed", 0),
                disputed=receipts[antenna.id].get("disputed", 0),
                pending=receipts[antenna.id].get("pending", 0),
            )
        )
    return lines


async def store_lines(session: AsyncSession, inside) -> list[StoreLine]:
    rows = await session.exec(
        select(
            Antenna.name,
            Store.name,
            _count(_done()),
            _count(Donation.status == "missed"),
            _kg(kept_kg(), _done()),
        )
        .select_from(Donation)
        .join(Store, Store.id == Donation.store_id)
        .join(Antenna, Antenna.id == Donation.antenna_id)
        .where(*inside)
        .group_by(Store.id, Store.name, Antenna.name)
    )
    return [StoreLine(a, s, int(d), int(m), float(kg)) for a, s, d, m, kg in rows.all()]


async def destination_lines(session: AsyncSession, inside) -> list[DestinationLine]:
    settled = col(Receipt.status).in_(("confirmed", "disputed"))
    rows = await session.exec(
        select(
            Antenna.name,
            Association.name,
            Hub.name,
            func.count(),
            _kg(counted_kg_column()),
            _kg(Receipt.received_kg, settled),
        )
        .select_from(Delivery)
        .join(Donation, Donation.id == Delivery.donation_id)
        .join(Antenna, Antenna.id == Donation.antenna_id)
        .outerjoin(Association, Association.id == Delivery.association_id)
        .outerjoin(Hub, Hub.id == Delivery.hub_id)
        .outerjoin(Receipt, Receipt.delivery_id == Delivery.id)
        .where(*inside, col(Delivery.delivered_at).is_not(None))
        .group_by(Antenna.name, Association.id, Association.name, Hub.id, Hub.name)
    )
    return [
        DestinationLine(
            antenna=antenna,
            name=association or hub or "",
            kind="association" if association else "hub",
            deliveries=int(count),
            delivered_kg=float(delivered),
            received_kg=float(received),
        )
        for antenna, association, hub, count, delivered, received in rows.all()
    ]


async def category_lines(session: AsyncSession, inside) -> list[CategoryLine]:
    rows = await session.exec(
        select(Category.key, Category.name_fr, Category.name_nl, _kg(kept_kg_of_item()))
        .select_from(DonationItem)
        .join(Donation, Donation.id == DonationItem.donation_id)
        .join(Category, Category.id == DonationItem.category_id)
        .where(*inside, _done(), DonationItem.collected_kg > 0)
        .group_by(Category.id, Category.key, Category.name_fr, Category.name_nl)
    )
    return [CategoryLine(k, fr, nl, float(kg)) for k, fr, nl, kg in rows.all()]


async def dispute_lines(session: AsyncSession, inside) -> list[DisputeLine]:
    rows = await session.exec(
        select(
            Antenna.name,
            Store.name,
            Association.name,
            Donation.id,
            Delivery.delivered_kg,
            Receipt.received_kg,
            Receipt.problem,
            Receipt.note,
            Receipt.settlement,
        )
        .select_from(Receipt)
        .join(Delivery, Delivery.id == Receipt.delivery_id)
        .join(Donation, Donation.id == Delivery.donation_id)
        .join(Antenna, Antenna.id == Donation.antenna_id)
        .join(Store, Store.id == Donation.store_id)
        .join(Association, Association.id == Delivery.association_id)
        .where(*inside, Receipt.status == "disputed")
        .order_by(Antenna.name, Donation.window_start, Delivery.id)
    )
    return [
        DisputeLine(a, s, d, i, float(kg or 0), received, problem, note, settlement)
        for a, s, d, i, kg, received, problem, note, settlement in rows.all()
    ]
