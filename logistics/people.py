"""Who is writing: members, their roles per antenna, and their language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import InvalidInput
from storage.models import LANGUAGES, Antenna, Association, AuditLog, Member, Membership, Store

ROLE_ORDER = ("coordinator", "store_manager", "driver", "association")


@dataclass(frozen=True)
class Role:
    role: str
    antenna_id: int
    antenna_name: str
    store_id: int | None = None
    association_id: int | None = None
    place_name: str | None = None  # the store or association the role is for


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
        select(Membership, Antenna, Store.name, Association.name)
        .join(Antenna, Antenna.id == Membership.antenna_id)
        .outerjoin(Store, Store.id == Membership.store_id)
        .outerjoin(Association, Association.id == Membership.association_id)
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
                    place_name=store_name or association_name,
                )
                for m, a, store_name, association_name in rows.all()
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


async def set_language(
    session: AsyncSession, *, telegram_id: int, language: str, now: datetime
) -> Member:
    """Remember a person's language; a person not yet known is remembered by id only."""
    if language not in LANGUAGES:
        raise InvalidInput(language)
    member = (await session.exec(select(Member).where(Member.telegram_id == telegram_id))).first()
    if member is None:
        member = Member(telegram_id=telegram_id, language=language, created_at=now)
        session.add(member)
        await session.flush()
    else:
        member.language = language
        session.add(member)
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
    await session.commit()
    return member
