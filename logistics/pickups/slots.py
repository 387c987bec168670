"""A store's standing weekly pickups: who sees them, and how coordinators change them.

Coordinators add slots with a short text in English, French or Dutch (``mon-sat 19:00-19:30``,
``sam 10:00-10:30``, ``ma,wo 18u-18u30``) and remove them; a removed slot is only marked
inactive, so that its past days keep their history. Drivers hold slots with
``claims.set_standing_claim``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from logistics.network.hours import WEEKDAYS, WeeklyWindow, parse_weekly
from logistics.people.identity import Identity, Role
from logistics.people.permissions import is_coordinator
from logistics.transaction import transaction
from storage.models import AuditLog, Member, RecurringSlot, Store

MAX_TEXT = 500
_DAY_NAMES = (
    ("monday", "lun", "lundi", "ma", "maandag"),
    ("tuesday", "mar", "mardi", "di", "dinsdag"),
    ("wednesday", "mer", "mercredi", "wo", "woensdag"),
    ("thursday", "jeu", "jeudi", "do", "donderdag"),
    ("friday", "ven", "vendredi", "vr", "vrijdag"),
    ("saturday", "sam", "samedi", "za", "zaterdag"),
    ("sunday", "dim", "dimanche", "zo", "zondag"),
)
DAY_TOKENS = {
    name: english for english, names in zip(WEEKDAYS, _DAY_NAMES, strict=True) for name in names
}
_WORD = re.compile(r"([^\W\d_]+)\.?")
_TIME = re.compile(r"(?<![\d:])(\d{1,2})\s*(?:[:hu.]\s*(\d{2})|[hu])(?!\d)")
_SEPARATOR = re.compile(r"\s*([,;\-])\s*")


@dataclass(frozen=True)
class SlotView:
    slot_id: int
    store_id: int
    store_name: str
    antenna_id: int
    weekday: int  # 0 = Monday
    window_start: str  # HH:MM, the antenna's local time
    window_end: str
    standing_driver_id: int | None
    standing_driver_name: str | None


@dataclass(frozen=True)
class StoreSlots:
    """One store and its active slots, as a person sees them."""

    store_id: int
    store_name: str
    antenna_id: int
    slots: tuple[SlotView, ...]


def parse_slot_text(text: str) -> list[WeeklyWindow]:
    """Weekly windows written with English, French or Dutch days and ``19:00``, ``19h30`` or
    ``19u30`` times; anything unreadable (or nothing at all) is ``InvalidInput("slot_text")``."""
    if len(text) > MAX_TEXT:
        raise InvalidInput("slot_text")
    normal = text.lower().replace("–", "-").replace("—", "-").replace("\n", ";")
    normal = _TIME.sub(lambda m: f"{int(m[1]):02d}:{m[2] or '00'}", normal)
    normal = _WORD.sub(lambda m: DAY_TOKENS.get(m[1], m[0]), normal)
    normal = " ".join(_SEPARATOR.sub(r"\1", normal).split())
    try:
        windows = parse_weekly(normal)
    except ValueError:
        raise InvalidInput("slot_text") from None
    if not windows:
        raise InvalidInput("slot_text")
    return windows


async def slots_for(session: AsyncSession, *, identity: Identity | None) -> list[SlotView]:
    """The active slots of active stores the person may see (one query): every store of the
    antennas they coordinate or drive for, and the stores they manage."""
    antennas = _antennas(identity, ("coordinator", "driver"))
    stores = sorted({r.store_id for r in _roles(identity, ("store_manager",))})
    if not antennas and not stores:
        return []
    return await _slots(
        session, or_(col(Store.antenna_id).in_(antennas), col(Store.id).in_(stores))
    )


async def slots_held(session: AsyncSession, *, member_id: int, antenna_id: int) -> list[SlotView]:
    """The active weekly slots this driver holds in the antenna (one indexed query)."""
    return await _slots(
        session,
        (RecurringSlot.standing_driver_id == member_id) & (Store.antenna_id == antenna_id),
    )


async def _slots(session: AsyncSession, where: Any) -> list[SlotView]:
    rows = await session.exec(
        select(RecurringSlot, Store.name, Store.antenna_id, Member.name)
        .join(Store, col(Store.id) == RecurringSlot.store_id)
        .outerjoin(Member, col(Member.id) == RecurringSlot.standing_driver_id)
        .where(col(RecurringSlot.active).is_(True), col(Store.active).is_(True))
        .where(where)
        .order_by(
            col(Store.name), col(Store.id), col(RecurringSlot.weekday), RecurringSlot.window_start
        )
        .execution_options(populate_existing=True)
    )
    return [
        SlotView(
            slot_id=slot.id,
            store_id=slot.store_id,
            store_name=store_name,
            antenna_id=antenna_id,
            weekday=slot.weekday,
            window_start=slot.window_start,
            window_end=slot.window_end,
            standing_driver_id=slot.standing_driver_id,
            standing_driver_name=driver_name,
        )
        for slot, store_name, antenna_id, driver_name in rows.all()
    ]


async def slot_board(
    session: AsyncSession, *, identity: Identity | None, store_id: int | None = None
) -> list[StoreSlots]:
    """The person's slots grouped by store, by store name; a coordinator also gets the stores
    of their antennas that have no slot yet. With ``store_id``: that store only."""
    grouped: dict[int, list[SlotView]] = {}
    for slot in await slots_for(session, identity=identity):
        grouped.setdefault(slot.store_id, []).append(slot)
    boards = {
        store: StoreSlots(store, slots[0].store_name, slots[0].antenna_id, tuple(slots))
        for store, slots in grouped.items()
    }
    coordinated = _antennas(identity, ("coordinator",))
    if coordinated:
        empty = await session.exec(
            select(Store.id, Store.name, Store.antenna_id).where(
                col(Store.antenna_id).in_(coordinated),
                col(Store.active).is_(True),
                col(Store.id).not_in(list(boards)),
            )
        )
        boards.update({s_id: StoreSlots(s_id, name, a_id, ()) for s_id, name, a_id in empty})
    ordered = sorted(boards.values(), key=lambda b: (b.store_name, b.store_id))
    return [b for b in ordered if store_id is None or b.store_id == store_id]


async def check_slot_editor(session: AsyncSession, *, identity: Identity, store_id: int) -> str:
    """Before asking for the text: a coordinator of the store's antenna. Returns the name."""
    return (await _editable_store(session, identity, store_id)).name


@transaction
async def add_slots(
    session: AsyncSession, *, identity: Identity, store_id: int, text: str, now: datetime
) -> list[int]:
    """Add the written weekly windows to a store; ids of its slots for them, in order.

    A slot already there (same day and start) is kept, or reactivated, with the end written
    now; a window overlapping another active slot of that day is refused.
    """
    store = await _editable_store(session, identity, store_id)
    windows = parse_slot_text(text)
    found = await session.exec(
        select(RecurringSlot)
        .where(RecurringSlot.store_id == store.id)
        .execution_options(populate_existing=True)
    )
    existing = {(s.weekday, s.window_start): s for s in found.all()}
    _refuse_overlaps(windows, [s for s in existing.values() if s.active])
    changed: list[tuple[RecurringSlot, bool]] = []
    for w in windows:
        slot = existing.get((w.weekday, w.start))
        if slot is None:
            slot = RecurringSlot(
                store_id=store.id, weekday=w.weekday, window_start=w.start, window_end=w.end
            )
            existing[(w.weekday, w.start)] = slot
            changed.append((slot, False))
        elif not slot.active or slot.window_end != w.end:
            changed.append((slot, not slot.active))
            slot.active, slot.window_end = True, w.end
        session.add(slot)
    try:
        await session.flush()
    except IntegrityError as error:  # the same slot added by someone else meanwhile
        raise AlreadyDone() from error
    for slot, reactivated in changed:
        _audit(session, identity, now, "slot.added", slot, reactivated=reactivated)
    return [existing[(w.weekday, w.start)].id for w in windows]


@transaction
async def remove_slot(
    session: AsyncSession, *, identity: Identity, slot_id: int, now: datetime
) -> int:
    """A coordinator of the antenna ends a weekly slot (and its standing claim); the row stays
    for the history. Returns the store id."""
    row = (
        await session.exec(
            select(RecurringSlot, Store.antenna_id)
            .join(Store, col(Store.id) == RecurringSlot.store_id)
            .where(col(RecurringSlot.id) == slot_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        raise NotFound("slot")
    slot, antenna_id = row
    if not is_coordinator(identity, antenna_id) or identity.member_id is None:
        raise NotAllowed("not_coordinator")
    holder = slot.standing_driver_id
    removed = await session.exec(
        update(RecurringSlot)
        .where(col(RecurringSlot.id) == slot_id, col(RecurringSlot.active).is_(True))
        .values(active=False, standing_driver_id=None)
    )
    if removed.rowcount != 1:
        raise AlreadyDone()
    _audit(session, identity, now, "slot.removed", slot, standing_driver_id=holder)
    return slot.store_id


async def _editable_store(session: AsyncSession, identity: Identity, store_id: int) -> Store:
    store = await session.get(Store, store_id)
    if store is None or not store.active:
        raise NotFound("store")
    if not is_coordinator(identity, store.antenna_id) or identity.member_id is None:
        raise NotAllowed("not_coordinator")
    return store


def _refuse_overlaps(windows: Sequence[WeeklyWindow], active: Sequence[RecurringSlot]) -> None:
    """A new window may replace the slot starting at the same time, not overlap another."""
    for w in windows:
        for s in active:
            same_day = s.weekday == w.weekday and s.window_start != w.start
            if same_day and w.start < s.window_end and s.window_start < w.end:
                raise InvalidInput("slot_overlap")


def _roles(identity: Identity | None, names: Sequence[str]) -> list[Role]:
    return [r for r in identity.roles if r.role in names] if identity is not None else []


def _antennas(identity: Identity | None, names: Sequence[str]) -> list[int]:
    return sorted({r.antenna_id for r in _roles(identity, names)})


def _audit(session: AsyncSession, identity: Identity, now: datetime, action: str,
           slot: RecurringSlot, **detail: Any) -> None:  # fmt: skip
    where = {"store_id": slot.store_id, "weekday": slot.weekday, "start": slot.window_start}
    session.add(
        AuditLog(
            at=now,
            actor_id=identity.member_id,
            action=action,
            entity="recurring_slot",
            entity_id=slot.id,
            detail={**where, "end": slot.window_end, **detail},
        )
    )
