"""Personal data (GDPR): what is kept about a person, as shown by /mydata.

What is kept about a person: the member row (name, Telegram username, phone, language,
vehicle, the Telegram id that links the row to the person), their memberships, and the
traces of their work: announcements, claims, deliveries, receipts, invitations and audit lines.
``personal_data`` gathers all of it as JSON-ready data; erasing it (/forgetme) is in
``logistics.people.erasure``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Antenna,
    Association,
    AuditLog,
    Claim,
    Delivery,
    Donation,
    Hub,
    Invite,
    Member,
    Membership,
    Receipt,
    Store,
)

MEMBER_FIELDS = (
    "telegram_id",
    "name",
    "username",
    "phone",
    "language",
    "vehicle_refrigerated",
    "vehicle_capacity_kg",
    "unreachable",
    "created_at",
    "opened_at",
)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _rows(result: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in result.all()]


async def _member(session: AsyncSession, telegram_id: int, *, lock: bool = False) -> Member | None:
    """The person's row; locked, an erasure running at the same time waits and finds nothing."""
    query = select(Member).where(Member.telegram_id == telegram_id)
    if lock:
        query = query.with_for_update()
    return (await session.exec(query.execution_options(populate_existing=True))).first()


async def personal_data(session: AsyncSession, *, telegram_id: int) -> dict[str, Any] | None:
    """Everything kept about the person, as JSON-ready data; None when nothing is (8 queries)."""
    member = await _member(session, telegram_id)
    if member is None:
        return None
    m = member.id
    person = {name: _plain(getattr(member, name)) for name in MEMBER_FIELDS}
    memberships = await session.exec(
        select(Antenna.name, Membership.role, Membership.status, Store.name, Association.name)
        .add_columns(Hub.name)
        .join(Antenna, col(Antenna.id) == Membership.antenna_id)
        .outerjoin(Store, col(Store.id) == Membership.store_id)
        .outerjoin(Association, col(Association.id) == Membership.association_id)
        .outerjoin(Hub, col(Hub.id) == Membership.hub_id)
        .where(Membership.member_id == m)
        .order_by(col(Membership.id))
    )
    announced = await session.exec(
        select(Donation.id, Store.name, Donation.window_start, Donation.status)
        .add_columns(Donation.estimated_kg, Donation.collected_kg, Donation.raw_text)
        .join(Store, col(Store.id) == Donation.store_id)
        .where(Donation.announced_by_id == m)
        .order_by(col(Donation.window_start).desc())
    )
    claimed = await session.exec(
        select(Claim.donation_id, Store.name, Donation.window_start, Claim.claimed_at)
        .add_columns(Claim.released_at, Claim.late_release, Claim.release_reason)
        .join(Donation, col(Donation.id) == Claim.donation_id)
        .join(Store, col(Store.id) == Donation.store_id)
        .where(Claim.driver_id == m)
        .order_by(col(Claim.claimed_at).desc())
    )
    delivered = await session.exec(
        select(Delivery.id, Delivery.donation_id, func.coalesce(Association.name, Hub.name))
        .add_columns(Delivery.delivered_kg, Delivery.delivered_at)
        .join(Claim, col(Claim.donation_id) == Delivery.donation_id)
        .outerjoin(Association, col(Association.id) == Delivery.association_id)
        .outerjoin(Hub, col(Hub.id) == Delivery.hub_id)
        .where(Claim.driver_id == m, col(Claim.released_at).is_(None))
        .where(col(Delivery.delivered_at).is_not(None))
        .order_by(col(Delivery.delivered_at).desc())
    )
    received = await session.exec(
        select(Receipt.delivery_id, Association.name, Receipt.status, Receipt.received_kg)
        .add_columns(Receipt.problem, Receipt.note, Receipt.confirmed_at)
        .join(Delivery, col(Delivery.id) == Receipt.delivery_id)
        .outerjoin(Association, col(Association.id) == Delivery.association_id)
        .where(Receipt.confirmed_by_id == m)
        .order_by(col(Receipt.confirmed_at).desc())
    )
    invites = await session.exec(
        select(Invite.id, Antenna.name, Invite.role, Invite.created_at, Invite.expires_at)
        .add_columns(Invite.used_at, Invite.created_by_id, Invite.used_by_id)
        .join(Antenna, col(Antenna.id) == Invite.antenna_id)
        .where(or_(Invite.created_by_id == m, Invite.used_by_id == m))
        .order_by(col(Invite.created_at).desc())
    )
    audit = await session.exec(
        select(AuditLog.at, AuditLog.action, AuditLog.entity, AuditLog.entity_id)
        .add_columns(AuditLog.on_behalf_of_id, AuditLog.detail)
        .where(AuditLog.actor_id == m)
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
    )
    invite_rows = _rows(
        invites, ("id", "antenna", "role", "created_at", "expires_at", "used_at", "by", "for")
    )
    return {
        "member": person,
        "memberships": _rows(
            memberships, ("antenna", "role", "status", "store", "association", "hub")
        ),
        "announcements": _rows(
            announced,
            ("donation", "store", "window_start", "status", "estimated_kg", "collected_kg", "text"),
        ),
        "claims": _rows(
            claimed,
            ("donation", "store", "window_start", "claimed_at", "released_at", "late", "reason"),
        ),
        "deliveries": _rows(delivered, ("delivery", "donation", "to", "kg", "delivered_at")),
        "receipts": _rows(
            received, ("delivery", "association", "status", "kg", "problem", "note", "at")
        ),
        "invitations_created": [_invite(r) for r in invite_rows if r["by"] == m],
        "invitations_used": [_invite(r) for r in invite_rows if r["for"] == m],
        "audit": _rows(
            audit, ("at", "action", "entity", "entity_id", "on_behalf_of_member", "detail")
        ),
    }


def _invite(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("by", "for")}
