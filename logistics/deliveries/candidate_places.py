"""The places that may receive an antenna's pickups, as the allocation rule sees them: its
active associations and its hubs, with what each received this week."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.deliveries.allocation_plan import ASSOCIATION, HUB, Candidate, key_of
from logistics.network.hours import parse_weekly
from storage.models import Association, Delivery, Donation, Hub

# Donations whose deliveries never happen: their planned kg count for nobody.
NOT_HAPPENING = ("cancelled", "expired", "missed")


async def candidates_for(
    session: AsyncSession,
    *,
    antenna_id: int,
    week_start: datetime,
    now: datetime,
    exclude_donation_id: int | None = None,
) -> list[Candidate]:
    """The antenna's active associations and its hubs, with what each received this week.

    Received = delivered kg (or planned kg while not yet delivered) of the deliveries of the
    antenna's donations, except donations cancelled, expired or missed, dated (delivery
    time, else the donation's window end) from ``week_start`` for seven days. The
    deliveries of ``exclude_donation_id`` are left out (the donation being planned again).
    Three queries. ``now`` is the caller's clock; the week is given by ``week_start``.
    """
    associations = (
        await session.exec(
            select(Association).where(
                Association.antenna_id == antenna_id, col(Association.active).is_(True)
            )
        )
    ).all()
    hubs = (await session.exec(select(Hub).where(Hub.antenna_id == antenna_id))).all()

    dated = func.coalesce(Delivery.delivered_at, Donation.window_end)
    kg = func.coalesce(Delivery.delivered_kg, Delivery.planned_kg, 0.0)
    query = (
        select(Delivery.association_id, Delivery.hub_id, func.sum(kg))
        .join(Donation, col(Donation.id) == col(Delivery.donation_id))
        .where(
            Donation.antenna_id == antenna_id,
            col(Donation.status).not_in(NOT_HAPPENING),
            dated >= week_start,
            dated < week_start + timedelta(days=7),
        )
        .group_by(col(Delivery.association_id), col(Delivery.hub_id))
    )
    if exclude_donation_id is not None:
        query = query.where(Delivery.donation_id != exclude_donation_id)
    received: dict[tuple[str, int], float] = {}
    for association_id, hub_id, total in (await session.exec(query)).all():
        key = (ASSOCIATION, association_id) if association_id is not None else (HUB, hub_id)
        received[key] = float(total or 0)

    places: list[Candidate] = [
        Candidate(
            kind=ASSOCIATION,
            id=a.id,
            name=a.name,
            beneficiaries=a.beneficiaries,
            cold_storage=a.cold_storage,
            reception=tuple(parse_weekly(a.reception_hours)),
            received_this_week_kg=received.get((ASSOCIATION, a.id), 0.0),
            distribution_days=tuple(a.distribution_days or ()),
        )
        for a in associations
    ]
    places += [
        Candidate(
            kind=HUB,
            id=h.id,
            name=h.name,
            beneficiaries=0,
            cold_storage=h.cold_storage,
            reception=tuple(parse_weekly(h.reception_hours)),
            received_this_week_kg=received.get((HUB, h.id), 0.0),
        )
        for h in hubs
    ]
    return sorted(places, key=key_of)


def week_start_of(instant: datetime, tz: str) -> datetime:
    """Monday 00:00, local time, of the week holding ``instant``."""
    zone = ZoneInfo(tz)
    day = instant.astimezone(zone).date()
    return datetime.combine(day - timedelta(days=day.weekday()), time(0), tzinfo=zone)
