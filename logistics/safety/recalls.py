"""Recalls: a store or a supplier withdraws a product, and every place that received it is told.

Who may start one: a coordinator of the antenna, for any of its stores; a store manager, for
their own store only. The places are found first (``preview_recall``, nothing written); on
confirmation (``confirm_recall``) the recall and one notice per place are written, and each
place's people get the notice in their language: an association's active members, a hub's
antenna coordinators. Each notice is answered once ("seen", "already distributed", "still in
stock: set aside") by a member of that association or a coordinator of the antenna.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.broadcasts.followups import _association_members
from logistics.broadcasts.reminders import _coordinators, _Queue
from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import has_role, is_coordinator
from logistics.safety.recall_matches import RecallPlace, RecallQuery, matching_places
from logistics.transaction import transaction
from storage.food_safety import RECALL_ANSWERS, Recall, RecallNotice
from storage.models import Antenna, AuditLog, Store

MAX_DAYS = 366  # a recall covers at most a year of receipts
MAX_PRODUCT = 200
MAX_LOT = 64


@dataclass(frozen=True)
class Confirmed:
    recall_id: int
    places: list[RecallPlace]
    queued: int  # outbox entries written


def may_recall(identity: Identity | None) -> bool:
    """/recall: the coordinators and the store managers."""
    return identity is not None and any(
        r.role in ("coordinator", "store_manager") for r in identity.roles
    )


def recall_reach(identity: Identity | None) -> tuple[set[int], set[int]]:
    """The antennas a person coordinates and the stores they manage: where they may recall
    food, and whose recalls they follow."""
    if identity is None:
        return set(), set()
    antennas = {r.antenna_id for r in identity.roles if r.role == "coordinator"}
    stores = {r.store_id for r in identity.roles if r.role == "store_manager" and r.store_id}
    return antennas, stores


async def recall_stores(session: AsyncSession, identity: Identity | None) -> list[Store]:
    """The stores this person may recall food of: every store of the antennas they coordinate,
    and the stores they manage (one query)."""
    antennas, stores = recall_reach(identity)
    if not antennas and not stores:
        return []
    rows = await session.exec(
        select(Store)
        .where(col(Store.antenna_id).in_(antennas) | col(Store.id).in_(stores))
        .order_by(col(Store.name))
    )
    return list(rows.all())


def check_may_start(identity: Identity | None, store: Store) -> None:
    """A coordinator of the store's antenna, or a manager of that store; else NotAllowed."""
    if is_coordinator(identity, store.antenna_id):
        return
    if has_role(identity, "store_manager", store.antenna_id, store_id=store.id):
        return
    raise NotAllowed("recall")


def clean_query(query: RecallQuery) -> RecallQuery:
    """The query with its text trimmed; InvalidInput when it cannot be used."""
    product = (query.product or "").strip() or None
    lot = (query.lot or "").strip() or None
    if product is None and query.category_id is None:
        raise InvalidInput("recall_what")
    if product is not None and not 2 <= len(product) <= MAX_PRODUCT:
        raise InvalidInput("recall_product")
    if lot is not None and len(lot) > MAX_LOT:
        raise InvalidInput("recall_lot")
    if query.received_to < query.received_from:
        raise InvalidInput("recall_days")
    if (query.received_to - query.received_from).days >= MAX_DAYS:
        raise InvalidInput("recall_days")
    return RecallQuery(
        antenna_id=query.antenna_id,
        store_id=query.store_id,
        received_from=query.received_from,
        received_to=query.received_to,
        category_id=query.category_id,
        product=product,
        lot=lot,
    )


async def _checked(
    session: AsyncSession, identity: Identity | None, query: RecallQuery
) -> tuple[RecallQuery, Antenna]:
    store = await session.get(Store, query.store_id)
    if store is None:
        raise NotFound("store")
    check_may_start(identity, store)
    antenna = await session.get(Antenna, store.antenna_id)
    query = clean_query(query)
    if query.antenna_id != store.antenna_id:
        raise NotAllowed("recall")
    return query, antenna


async def preview_recall(
    session: AsyncSession, *, identity: Identity | None, query: RecallQuery
) -> list[RecallPlace]:
    """The places that received matching food, nothing written."""
    query, antenna = await _checked(session, identity, query)
    return await matching_places(session, query, antenna.timezone)


async def notice_recipients(
    session: AsyncSession, notices: list[RecallNotice], antenna_id: int
) -> dict[int, list[int]]:
    """The chat ids told of each notice: the association's reachable active members, for a
    hub the antenna's reachable coordinators (two queries)."""
    members = await _association_members(
        session, {n.association_id for n in notices if n.association_id is not None}
    )
    coordinators = (await _coordinators(session, {antenna_id})).get(antenna_id, [])
    return {
        n.id: members.get(n.association_id, []) if n.association_id else coordinators
        for n in notices
    }


@transaction
async def confirm_recall(
    session: AsyncSession, *, identity: Identity | None, query: RecallQuery, now: datetime
) -> Confirmed:
    """Write the recall, one notice per place found now, and each notice's messages."""
    query, antenna = await _checked(session, identity, query)
    places = await matching_places(session, query, antenna.timezone)
    recall = Recall(
        antenna_id=antenna.id,
        started_by_id=identity.member_id,
        store_id=query.store_id,
        category_id=query.category_id,
        product=query.product,
        lot=query.lot,
        received_from=query.received_from,
        received_to=query.received_to,
        created_at=now,
        confirmed_at=now,
    )
    session.add(recall)
    await session.flush()
    notices = [
        RecallNotice(
            recall_id=recall.id,
            association_id=p.association_id,
            hub_id=p.hub_id,
            kg=p.kg,
            first_received_at=p.first_received_at,
            last_received_at=p.last_received_at,
            sent_at=now,
        )
        for p in places
    ]
    session.add_all(notices)
    await session.flush()
    queue = _Queue(now)
    for notice_id, chats in (await notice_recipients(session, notices, antenna.id)).items():
        for chat_id in chats:
            key = f"recall_notice:{notice_id}:{chat_id}"
            queue.add(chat_id, "recall_notice", key, notice_id=notice_id)
    session.add(
        AuditLog(
            at=now,
            actor_id=identity.member_id,
            action="recall.confirmed",
            entity="recall",
            entity_id=recall.id,
            detail={"places": len(notices), "store_id": query.store_id},
        )
    )
    queued = await queue.write(session)
    return Confirmed(recall_id=recall.id, places=places, queued=queued)


async def may_answer(
    session: AsyncSession, identity: Identity | None, notice: RecallNotice
) -> Recall:
    """The notice's recall, when this person may answer it: a coordinator of its antenna, or
    an active member of the association told; else NotAllowed."""
    recall = await session.get(Recall, notice.recall_id)
    if recall is None:
        raise NotFound("recall")
    if is_coordinator(identity, recall.antenna_id):
        return recall
    if notice.association_id is not None and has_role(
        identity, "association", recall.antenna_id, association_id=notice.association_id
    ):
        return recall
    raise NotAllowed("recall_answer")


@transaction
async def answer_notice(
    session: AsyncSession,
    *,
    notice_id: int,
    answer: str,
    identity: Identity | None,
    now: datetime,
) -> RecallNotice:
    """Record a place's answer, once: a second answer raises AlreadyDone."""
    if answer not in RECALL_ANSWERS:
        raise InvalidInput("recall_answer")
    notice = await session.get(RecallNotice, notice_id)
    if notice is None:
        raise NotFound("recall_notice")
    await may_answer(session, identity, notice)
    if notice.answered_at is not None:
        raise AlreadyDone("recall_answer")
    done = await session.exec(
        update(RecallNotice)
        .where(col(RecallNotice.id) == notice_id, col(RecallNotice.answered_at).is_(None))
        .values(answer=answer, answered_at=now, answered_by_id=identity.member_id)
    )
    if done.rowcount != 1:
        raise AlreadyDone("recall_answer")
    session.add(
        AuditLog(
            at=now,
            actor_id=identity.member_id,
            action="recall.answered",
            entity="recall_notice",
            entity_id=notice_id,
            detail={"answer": answer, "recall_id": notice.recall_id},
        )
    )
    await session.refresh(notice)
    return notice


LISTED_FOR = timedelta(days=30)  # a recall is listed as in progress this long after confirming
