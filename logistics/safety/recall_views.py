"""Recalls as people see them: what was recalled, and each place told with its answer.

The views are read in a fixed number of queries, however many recalls and places: the
recalls, then their stores and categories, then every notice with its place and who answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.errors import NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import has_role, is_coordinator
from logistics.safety.recalls import LISTED_FOR, recall_reach
from storage.food_safety import Recall, RecallNotice
from storage.models import Antenna, Association, Category, Hub, Member, Store

LISTED_AT_MOST = 10


@dataclass(frozen=True)
class NoticeLine:
    notice_id: int
    place: str
    hub: bool
    kg: float
    first_received_at: datetime | None
    last_received_at: datetime | None
    answer: str | None
    answered_at: datetime | None
    answered_by: str | None
    reminded_at: datetime | None
    escalated_at: datetime | None


@dataclass(frozen=True)
class RecallView:
    id: int
    antenna_id: int
    tz: str
    store_id: int | None
    store: str
    category_fr: str | None
    category_nl: str | None
    product: str | None
    lot: str | None
    received_from: date
    received_to: date
    confirmed_at: datetime | None
    notices: tuple[NoticeLine, ...]

    @property
    def answered(self) -> int:
        return sum(1 for n in self.notices if n.answered_at is not None)


def may_see(identity: Identity | None, recall: Recall) -> bool:
    """A coordinator of the recall's antenna, or a manager of its store."""
    return is_coordinator(identity, recall.antenna_id) or (
        recall.store_id is not None
        and has_role(identity, "store_manager", recall.antenna_id, store_id=recall.store_id)
    )


async def _views(session: AsyncSession, recalls: list[Recall]) -> list[RecallView]:
    if not recalls:
        return []
    ids = [r.id for r in recalls]
    stores = {
        s.id: s
        for s in (
            await session.exec(
                select(Store).where(col(Store.id).in_({r.store_id for r in recalls}))
            )
        ).all()
    }
    categories = {
        c.id: c
        for c in (
            await session.exec(
                select(Category).where(col(Category.id).in_({r.category_id for r in recalls}))
            )
        ).all()
    }
    zones = dict(
        (
            await session.exec(
                select(Antenna.id, Antenna.timezone).where(
                    col(Antenna.id).in_({r.antenna_id for r in recalls})
                )
            )
        ).all()
    )
    rows = await session.exec(
        select(RecallNotice, Association.name, Hub.name, Member.name)
        .outerjoin(Association, col(Association.id) == RecallNotice.association_id)
        .outerjoin(Hub, col(Hub.id) == RecallNotice.hub_id)
        .outerjoin(Member, col(Member.id) == RecallNotice.answered_by_id)
        .where(col(RecallNotice.recall_id).in_(ids))
        .order_by(col(RecallNotice.id))
    )
    lines: dict[int, list[NoticeLine]] = {i: [] for i in ids}
    for notice, association, hub, answered_by in rows.all():
        lines[notice.recall_id].append(
            NoticeLine(
                notice_id=notice.id,
                place=association or hub or "—",
                hub=notice.hub_id is not None,
                kg=notice.kg,
                first_received_at=notice.first_received_at,
                last_received_at=notice.last_received_at,
                answer=notice.answer,
                answered_at=notice.answered_at,
                answered_by=answered_by,
                reminded_at=notice.reminded_at,
                escalated_at=notice.escalated_at,
            )
        )
    views = []
    for r in recalls:
        store, category = stores.get(r.store_id), categories.get(r.category_id)
        views.append(
            RecallView(
                id=r.id,
                antenna_id=r.antenna_id,
                tz=zones.get(r.antenna_id, "Europe/Brussels"),
                store_id=r.store_id,
                store=store.name if store else "—",
                category_fr=category.name_fr if category else None,
                category_nl=category.name_nl if category else None,
                product=r.product,
                lot=r.lot,
                received_from=r.received_from,
                received_to=r.received_to,
                confirmed_at=r.confirmed_at,
                notices=tuple(lines[r.id]),
            )
        )
    return views


async def recall_view(
    session: AsyncSession, recall_id: int, identity: Identity | None = None, *, check: bool = True
) -> RecallView:
    """One recall; with ``check``, only for a person who may see it (else NotAllowed)."""
    recall = await session.get(Recall, recall_id)
    if recall is None:
        raise NotFound("recall")
    if check and not may_see(identity, recall):
        raise NotAllowed("recall")
    return (await _views(session, [recall]))[0]


async def recalls_in_progress(
    session: AsyncSession, identity: Identity | None, *, now: datetime
) -> list[RecallView]:
    """The recalls this person follows, confirmed within ``LISTED_FOR`` and not closed,
    newest first (at most ``LISTED_AT_MOST``)."""
    antennas, stores = recall_reach(identity)
    if not antennas and not stores:
        return []
    recalls = await session.exec(
        select(Recall)
        .where(
            col(Recall.antenna_id).in_(antennas) | col(Recall.store_id).in_(stores),
            col(Recall.confirmed_at).is_not(None),
            col(Recall.closed_at).is_(None),
            col(Recall.created_at) >= now - LISTED_FOR,
        )
        .order_by(col(Recall.created_at).desc(), col(Recall.id).desc())
        .limit(LISTED_AT_MOST)
    )
    found = [r for r in recalls.all() if may_see(identity, r)]
    return await _views(session, found)


async def notice_view(session: AsyncSession, notice_id: int) -> tuple[RecallView, NoticeLine]:
    """A notice and its recall, as the place told reads it."""
    notice = await session.get(RecallNotice, notice_id)
    if notice is None:
        raise NotFound("recall_notice")
    view = await recall_view(session, notice.recall_id, check=False)
    return view, next(n for n in view.notices if n.notice_id == notice_id)
