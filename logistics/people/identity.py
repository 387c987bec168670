"""Who is writing: members, their roles per antenna, and their language; the people of an
antenna as its coordinators see them; a driver's vehicle as they give it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import InvalidInput, NotAllowed, NotFound
from logistics.transaction import transaction
from storage.models import (
    LANGUAGES,
    Antenna,
    Association,
    AuditLog,
    Hub,
    Member,
    Membership,
    Store,
)

ROLE_ORDER = ("coordinator", "store_manager", "driver", "association", "hub_staff")
MAX_CAPACITY_KG = 40_000  # a heavy lorry; anything above is a typing mistake
_CAPACITY = re.compile(r"\s*(\d{1,6})(?:[.,](\d{1,2}))?\s*(?:kg|kilos?)?\s*", re.I)
_PHONE = re.compile(r"\+?[0-9][0-9 ./()-]{5,24}")


@dataclass(frozen=True)
class Role:
    role: str
    antenna_id: int
    antenna_name: str
    store_id: int | None = None
    association_id: int | None = None
    place_name: str | None = None  # the store, association or hub the role is for
    hub_id: int | None = None


@dataclass(frozen=True)
class Identity:
    """A person as the rules see them: the member row (if any) and their active roles."""

    member_id: int | None
    telegram_id: int
    name: str | None
    language: str | None
    roles: tuple[Role, ...] = field(default_factory=tuple)

    @property
    def is_member(self) -> bool:
        return bool(self.roles)

    def has_role(self, role: str) -> bool:
        return any(r.role == role for r in self.roles)

    def coordinates(self, antenna_id: int) -> bool:
        return any(r.role == "coordinator" and r.antenna_id == antenna_id for r in self.roles)

    @property
    def role_names(self) -> list[str]:
        present = {r.role for r in self.roles}
        return [r for r in ROLE_ORDER if r in present]


async def identify(session: AsyncSession, *, telegram_id: int) -> Identity:
    """Load a person and their active roles in two indexed queries."""
    member = (await session.exec(select(Member).where(Member.telegram_id == telegram_id))).first()
    if member is None:
        return Identity(member_id=None, telegram_id=telegram_id, name=None, language=None)
    rows = await session.exec(
        select(Membership, Antenna, Store.name, Association.name, Hub.name)
        .join(Antenna, Antenna.id == Membership.antenna_id)
        .outerjoin(Store, Store.id == Membership.store_id)
        .outerjoin(Association, Association.id == Membership.association_id)
        .outerjoin(Hub, Hub.id == Membership.hub_id)
        .where(Membership.member_id == member.id, Membership.status == "active")
    )
    roles = tuple(
        sorted(
            (
                Role(
                    role=m.role,
                    antenna_id=a.id,
                    antenna_name=a.name,
                    store_id=m.store_id,
                    association_id=m.association_id,
                    place_name=store_name or association_name or hub_name,
                    hub_id=m.hub_id,
                )
                for m, a, store_name, association_name, hub_name in rows.all()
            ),
            key=lambda r: (ROLE_ORDER.index(r.role), r.antenna_name),
        )
    )
    return Identity(
        member_id=member.id,
        telegram_id=telegram_id,
        name=member.name,
        language=member.language,
        roles=roles,
    )


@transaction
async def set_language(
    session: AsyncSession, *, telegram_id: int, language: str, now: datetime
) -> Member:
    """Remember a person's language; a person not yet known is remembered by id only.

    One insert-or-update: two buttons pressed at once by a new person make one member."""
    if language not in LANGUAGES:
        raise InvalidInput(language)
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Member).values(telegram_id=telegram_id, language=language, created_at=now)
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["telegram_id"], set_={"language": statement.excluded.language}
        )
    )
    member = (
        await session.exec(
            select(Member)
            .where(Member.telegram_id == telegram_id)
            .execution_options(populate_existing=True)
        )
    ).one()
    session.add(
        AuditLog(
            at=now,
            actor_id=member.id,
            action="language.set",
            entity="member",
            entity_id=member.id,
            detail={"language": language},
        )
    )
    return member


@dataclass(frozen=True)
class Vehicle:
    refrigerated: bool
    capacity_kg: float
    phone: str | None = None


def parse_capacity(text: str) -> float:
    """A vehicle's capacity typed by a person: 1 to 40 000 kg; else ``InvalidInput``."""
    match = _CAPACITY.fullmatch(text or "")
    if not match:
        raise InvalidInput("capacity_invalid")
    value = float(f"{match.group(1)}.{match.group(2) or 0}")
    if not math.isfinite(value) or value <= 0 or value > MAX_CAPACITY_KG:
        raise InvalidInput("capacity_invalid")
    return value


def parse_phone(text: str) -> str:
    """A phone number as typed, tidied to digits and a leading ``+``; else ``InvalidInput``."""
    text = (text or "").strip()
    if not _PHONE.fullmatch(text):
        raise InvalidInput("phone_invalid")
    digits = re.sub(r"\D", "", text)
    if not 6 <= len(digits) <= 15:
        raise InvalidInput("phone_invalid")
    return ("+" if text.startswith("+") else "") + digits


@dataclass(frozen=True)
class Person:
    membership_id: int
    member_id: int
    antenna_id: int
    name: str | None
    username: str | None
    role: str
    status: str
    place_name: str | None
    refrigerated: bool
    capacity_kg: float | None
    telegram_id: int | None = None
    phone: str | None = None
    unreachable: bool = False  # blocked the bot or left Telegram
    opened: bool = True  # has written to the bot once: it may write to them


async def antenna_people(
    session: AsyncSession, *, identity: Identity, antenna_id: int
) -> list[Person]:
    """Everyone with a role in the antenna (rejected drivers aside), by role then name."""
    if not identity.coordinates(antenna_id):
        raise NotAllowed("not_coordinator")
    people = await _people(session, Membership.antenna_id == antenna_id)
    return sorted(
        (p for p in people if p.status != "rejected"),
        key=lambda p: (ROLE_ORDER.index(p.role), (p.name or "").casefold(), p.membership_id),
    )


async def person(session: AsyncSession, *, identity: Identity, membership_id: int) -> Person:
    """One membership, for a coordinator of its antenna."""
    found = await _people(session, col(Membership.id) == membership_id)
    if not found or found[0].status == "rejected":
        raise NotFound("membership")
    if not identity.coordinates(found[0].antenna_id):
        raise NotAllowed("not_coordinator")
    return found[0]


async def _people(session: AsyncSession, where: Any) -> list[Person]:
    rows = await session.exec(
        select(Membership, Member, Store.name, Association.name, Hub.name)
        .join(Member, col(Member.id) == Membership.member_id)
        .outerjoin(Store, col(Store.id) == Membership.store_id)
        .outerjoin(Association, col(Association.id) == Membership.association_id)
        .outerjoin(Hub, col(Hub.id) == Membership.hub_id)
        .where(where)
        .execution_options(populate_existing=True)
    )
    return [
        Person(
            membership_id=m.id,
            member_id=p.id,
            antenna_id=m.antenna_id,
            name=p.name,
            username=p.username,
            role=m.role,
            status=m.status,
            place_name=store_name or association_name or hub_name,
            refrigerated=p.vehicle_refrigerated,
            capacity_kg=p.vehicle_capacity_kg,
            telegram_id=p.telegram_id,
            phone=p.phone,
            unreachable=p.unreachable,
            opened=p.opened_at is not None,
        )
        for m, p, store_name, association_name, hub_name in rows.all()
    ]
