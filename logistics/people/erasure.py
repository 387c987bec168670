"""Erasing a person's personal data (GDPR, /forgetme); what is kept is in
``logistics.people.personal_data``.

Erasure keeps the anonymous history of the network (donations, items, kg, deliveries,
receipts, claims: the tonnage figures must stay true) and the member id in them, which no
longer leads to anybody. Table by table:

- ``member``: name, username, phone, language and the Telegram id are emptied, the vehicle
  and when they first opened the bot reset, ``forgotten_at`` set. The row stays, as the
  anonymous reference of the history.
- ``membership``: active and pending ones are suspended: no right remains.
- ``claim``: an active claim on a pickup not yet collected is released by the release rule,
  as for a suspended driver (the group card shows it open again, the other drivers get the
  offer; leaving is not a late release) and the group gets the list of pickups open again;
  a collected pickup keeps its claim as history, without the reason given for a late
  release (it may be about their health). A weekly slot held is given back.
- ``donation.raw_text`` (the announcement as typed) and ``donation.photo_file_id`` (the photo
  sent with it, which may show people) of their announcements and
  ``receipt.note`` of the receipts they confirmed are free text: emptied. Item labels name
  food and are kept.
- ``audit_log.detail``: every value holding their name, username, phone or Telegram id is
  removed; the lines themselves stay, as the donation's history, with the member id.
- ``outbox``: every message to their private chat, sent or not, is deleted (its chat id is
  their Telegram id); ``fsm_record``: their conversations (the key holds their Telegram id).
- ``invite``, ``delivery``, ``receipt``, ``recurring_slot``: only member ids, kept.
- Antennas, stores, associations and hubs are organisations, not people: untouched.

The last active coordinator of an antenna cannot erase themself: the antenna would be left
with nobody to let people in or to decide. They are told to hand over first (invite another
coordinator); a refusal changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import DomainError, NotFound
from logistics.notify import notify_group
from logistics.people.identity import Identity, Role
from logistics.people.personal_data import _member
from logistics.pickups import claims, release
from logistics.transaction import transaction
from storage.engine import checkpoint
from storage.models import (
    Antenna,
    AuditLog,
    Claim,
    Donation,
    FsmRecord,
    Member,
    Membership,
    Outbox,
    Receipt,
    RecurringSlot,
    Store,
)

PERSONAL_KEYS = frozenset({"name", "username", "phone", "telegram_id", "first_name", "last_name"})


class LastCoordinator(DomainError):
    """The person is the last active coordinator of an antenna."""

    def __init__(self, antenna_name: str) -> None:
        super().__init__(antenna_name)
        self.antenna_name = antenna_name


@dataclass(frozen=True)
class ForgetResult:
    member_id: int
    released: tuple[int, ...]  # donations given back to the other drivers


async def check_forgettable(
    session: AsyncSession, *, identity: Identity, lock: bool = False
) -> Member:
    """The member row of this person, if it may be erased (else ``NotFound`` or
    ``LastCoordinator``)."""
    member = await _member(session, identity.telegram_id, lock=lock)
    if member is None:
        raise NotFound("member")
    other, other_member = aliased(Membership), aliased(Member)
    someone_else = (
        select(other.id)
        .join(other_member, col(other_member.id) == other.member_id)
        .where(
            other.antenna_id == Membership.antenna_id,
            other.role == "coordinator",
            other.status == "active",
            other.member_id != member.id,
            col(other_member.telegram_id).is_not(None),
        )
        .exists()
    )
    alone = await session.exec(
        select(Antenna.name)
        .join(Membership, col(Membership.antenna_id) == Antenna.id)
        .where(
            Membership.member_id == member.id,
            Membership.role == "coordinator",
            Membership.status == "active",
            ~someone_else,
        )
        .order_by(col(Antenna.name))
    )
    antenna_name = alone.first()
    if antenna_name is not None:
        raise LastCoordinator(antenna_name)
    return member


async def erase_person(session: AsyncSession, *, identity: Identity, now: datetime) -> ForgetResult:
    """/forgetme: erase the person (one transaction), then make the database file forget
    the old values at once (SQLite keeps them in its write-ahead log until a checkpoint)."""
    result = await forget_member(session, identity=identity, now=now)
    await checkpoint(session)
    return result


@transaction
async def forget_member(
    session: AsyncSession, *, identity: Identity, now: datetime
) -> ForgetResult:
    """Erase the person's personal data and rights; the anonymous history stays."""
    member = await check_forgettable(session, identity=identity, lock=True)
    m, telegram_id = member.id, member.telegram_id
    tokens = [t for t in (member.name, member.username, member.phone, str(telegram_id)) if t]
    released = await _release_claims(session, member, now)
    await session.flush()
    await session.exec(
        update(Membership)
        .where(Membership.member_id == m, col(Membership.status).in_(("active", "pending")))
        .values(status="suspended")
    )
    await session.exec(delete(Outbox).where(Outbox.chat_id == telegram_id))
    await session.exec(
        delete(FsmRecord).where(
            or_(
                col(FsmRecord.key).like(f"%:{telegram_id}:%"),
                col(FsmRecord.key).like(f"%:{telegram_id}"),
            )
        )
    )
    await session.exec(
        update(Donation)
        .where(Donation.announced_by_id == m)
        .values(raw_text=None, photo_file_id=None)
    )
    await session.exec(update(Receipt).where(Receipt.confirmed_by_id == m).values(note=None))
    await session.exec(update(Claim).where(Claim.driver_id == m).values(release_reason=None))
    await _scrub_audit(session, m, telegram_id, tokens)
    member.telegram_id = member.name = member.username = member.phone = None
    member.language = member.vehicle_capacity_kg = None
    member.vehicle_refrigerated = member.unreachable = False
    member.opened_at = None
    member.forgotten_at = now
    session.add(member)
    session.add(
        AuditLog(
            at=now,
            actor_id=m,
            action="member.forgotten",
            entity="member",
            entity_id=m,
            detail={"released": list(released)},
        )
    )
    await session.flush()
    return ForgetResult(member_id=m, released=released)


async def _release_claims(session: AsyncSession, member: Member, now: datetime) -> tuple[int, ...]:
    """Give back the pickups not yet collected and the weekly slots held, with the claims'
    own rules (as the driver releasing them) in this transaction, and tell each group."""
    claimed = await session.exec(
        select(Claim.donation_id, Donation.antenna_id)
        .join(Donation, col(Donation.id) == Claim.donation_id)
        .where(Claim.driver_id == member.id, col(Claim.released_at).is_(None))
        .where(Donation.status == "claimed")
        .order_by(col(Donation.window_start))
    )
    held = await session.exec(
        select(RecurringSlot.id, Store.antenna_id)
        .join(Store, col(Store.id) == RecurringSlot.store_id)
        .where(RecurringSlot.standing_driver_id == member.id)
    )
    released: dict[int, list[int]] = {}
    for donation_id, antenna_id in claimed.all():
        await release.release_claim.__wrapped__(
            session,
            donation_id=donation_id,
            identity=_driver(member, antenna_id),
            now=now,
            drivers_choice=False,
        )
        released.setdefault(antenna_id, []).append(donation_id)
    for slot_id, antenna_id in held.all():
        await claims.drop_standing_claim.__wrapped__(
            session, slot_id=slot_id, identity=_driver(member, antenna_id), now=now
        )
    for antenna_id, donation_ids in released.items():
        antenna = await session.get(Antenna, antenna_id)
        notify_group(
            session,
            antenna=antenna,
            kind="pickups_reopened",
            now=now,
            member_id=member.id,
            donation_ids=donation_ids,
        )
    return tuple(d for ids in released.values() for d in ids)


def _driver(member: Member, antenna_id: int) -> Identity:
    """The person as a driver of the antenna, whatever their roles are now."""
    return Identity(
        member_id=member.id,
        telegram_id=member.telegram_id or 0,
        name=member.name,
        language=member.language,
        roles=(Role(role="driver", antenna_id=antenna_id, antenna_name=""),),
    )


async def _scrub_audit(
    session: AsyncSession, member_id: int, telegram_id: int, tokens: list[str]
) -> None:
    """Remove their name, username, phone and Telegram id from every audit detail."""
    text = cast(AuditLog.detail, String)
    patterns = {t for token in tokens for t in (token, json.dumps(token)[1:-1])}
    about_them = (AuditLog.entity == "member") & (AuditLog.entity_id == member_id)
    rows = await session.exec(
        select(AuditLog).where(or_(about_them, *(text.like(f"%{p}%") for p in patterns)))
    )
    for row in rows.all():
        personal = row.entity == "member" and row.entity_id == member_id
        scrubbed = _scrub(row.detail, telegram_id, tokens, personal)
        if scrubbed != row.detail:
            row.detail = scrubbed
            session.add(row)


def _scrub(value: Any, telegram_id: int, tokens: list[str], personal: bool) -> Any:
    if isinstance(value, dict):
        return {
            k: _scrub(v, telegram_id, tokens, personal)
            for k, v in value.items()
            if not (personal and k in PERSONAL_KEYS)
        }
    if isinstance(value, list):
        return [_scrub(v, telegram_id, tokens, personal) for v in value]
    if isinstance(value, str) and any(t.casefold() in value.casefold() for t in tokens):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value == telegram_id:
        return None
    return value
