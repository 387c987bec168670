"""Whether a driver may claim a pickup now, and why not: one decision, for the claim itself
and for the list of open pickups (/runs), which shows a claim button only where it holds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics import errors
from logistics.people.identity import Identity
from logistics.pickups.claim_queries import COLD, cap_refusal, cap_week, held_claims
from storage.models import Antenna, Donation, DonationItem, Member, Membership


def claim_refusal(
    donation: Donation,
    antenna: Antenna,
    cold: bool,
    driver: Member,
    now: datetime,
    held: Sequence[datetime],
) -> errors.DomainError | None:
    """Why this driver may not claim this (untaken) pickup now, or None when they may;
    ``held`` are the window starts of the driver's active claims (see ``held_claims``)."""
    if donation.status != "announced":
        return errors.NotOpen(donation.status)
    if now >= donation.window_end:
        return errors.WindowPassed()
    if cold and not driver.vehicle_refrigerated:
        return errors.NeedsRefrigeration()
    return cap_refusal(antenna, donation, now, held)


async def claim_choices(
    session: AsyncSession, *, identity: Identity, ids: Sequence[int], now: datetime
) -> dict[int, errors.DomainError | None]:
    """For each of these pickups, why the person may not claim it for themself, or None when
    they may (four queries, whatever their number)."""
    if not ids or identity.member_id is None:
        return {}
    cold = exists().where(
        col(DonationItem.donation_id) == Donation.id, col(DonationItem.cold_chain).in_(COLD)
    )
    rows = (
        await session.exec(
            select(Donation, Antenna, cold.label("cold"))
            .join(Antenna, col(Antenna.id) == Donation.antenna_id)
            .where(col(Donation.id).in_(ids))
        )
    ).all()
    driving = {
        antenna_id: member
        for member, antenna_id in (
            await session.exec(
                select(Member, Membership.antenna_id)
                .join(Membership, col(Membership.member_id) == Member.id)
                .where(
                    col(Member.id) == identity.member_id,
                    col(Membership.antenna_id).in_({a.id for _d, a, _c in rows}),
                    Membership.role == "driver",
                    Membership.status == "active",
                )
            )
        ).all()
    }
    weeks = [w for d, a, _c in rows if (w := cap_week(a, d, now)) is not None]
    held: list[datetime] = []
    if weeks:
        since, until = min(w[0] for w in weeks), max(w[1] for w in weeks)
        held = (await held_claims(session, [identity.member_id], since, until)).get(
            identity.member_id, []
        )
    choices: dict[int, errors.DomainError | None] = {}
    for donation, antenna, is_cold in rows:
        driver = driving.get(antenna.id)
        choices[donation.id] = (
            errors.NotAllowed("not_driver")
            if driver is None
            else claim_refusal(donation, antenna, bool(is_cold), driver, now, held)
        )
    return choices
