"""Stock in the example network's hub, for the tests of /stock: a pickup collected and
delivered to the hub through the rules themselves (its items become the hub's lots), or a
lot written the way ``logistics.stock.receiving`` writes one; and a second hub of the antenna
with its own staff, who may not touch the first hub's stock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from logistics.announcements.announce import announce, draft_from_text
from logistics.deliveries.routing import send_to
from logistics.people.identity import identify
from logistics.pickups.claims import claim_pickup
from logistics.pickups.collection import record_delivery, record_pickup
from storage.engine import create_engine, create_session_factory
from storage.models import (
    AuditLog,
    Category,
    Delivery,
    Hub,
    Member,
    Membership,
    Outbox,
    StockLot,
    StockMove,
    Store,
)

MARC, SOFIE, CLAIRE = 100003, 100004, 100001
HELENE = 100020  # the example network's hub staff, at Hub Exemple Ixelles
OTHER_STAFF = 100021  # staff of a second hub of the same antenna
# Announced on Tuesday 10 March 2026: on Wednesday 11 the yoghurts' last day is today, the
# meat's tomorrow, and the tins' best-before date is past.
DELIVERY = (
    "12 kg yaourts DLC 11/03 lot A12, 6 kg viande DLC 12/03, 20 kg pain, "
    "5 kg surgelés DDM 20/03 lot Z9, 8 kg conserves DDM 10/03 18h-19h"
)


async def deliver_to_hub(database_url: str, now: datetime, text: str = DELIVERY) -> int:
    """A pickup of Flagey announced at ``now``, sent to the hub by Claire, collected and
    delivered by Sofie that evening; its id."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            store = (await session.exec(select(Store).where(Store.key == "super-flagey"))).one()
            hub = (await session.exec(select(Hub).where(Hub.key == "hub-ixelles"))).one()
            marc = await identify(session, telegram_id=MARC)
            sofie = await identify(session, telegram_id=SOFIE)
            claire = await identify(session, telegram_id=CLAIRE)
            draft = await draft_from_text(
                session, identity=marc, store_id=store.id, text=text, now=now
            )
            donation_id = await announce(session, identity=marc, draft=draft, now=now)
            await claim_pickup(session, donation_id=donation_id, identity=sofie, now=now)
            await send_to(
                session,
                donation_id=donation_id,
                identity=claire,
                kind="hub",
                place_id=hub.id,
                now=now,
            )
            evening = now + timedelta(hours=8, minutes=30)
            total = round(sum(item.estimated_kg for item in draft.items), 1)
            await record_pickup(
                session, donation_id=donation_id, identity=sofie, now=evening, total_kg=total
            )
            stops = await session.exec(
                select(Delivery.id).where(Delivery.donation_id == donation_id)
            )
            for stop_id in stops.all():
                await record_delivery(session, delivery_id=stop_id, identity=sofie, now=evening)
            # what the setting up queued (the card, the offers) is not what these tests look at
            await session.exec(update(Outbox).values(status="sent"))
            await session.commit()
            return donation_id
    finally:
        await engine.dispose()


async def put_lot(
    session,
    *,
    hub_key: str,
    category_key: str,
    kg: float,
    now: datetime,
    use_by: date | None = None,
    best_before: date | None = None,
    lot: str | None = None,
    label: str = "",
) -> int:
    """A lot received at the hub, with its move in and its audit line, as receiving does."""
    hub = (await session.exec(select(Hub).where(Hub.key == hub_key))).one()
    category = (await session.exec(select(Category).where(Category.key == category_key))).one()
    stock_lot = StockLot(
        hub_id=hub.id,
        category_id=category.id,
        cold_chain=category.cold_chain,
        label=label,
        use_by=use_by,
        best_before=best_before,
        lot=lot,
        received_at=now,
        received_kg=kg,
        on_hand_kg=kg,
    )
    session.add(stock_lot)
    await session.flush()
    session.add(
        StockMove(
            lot_id=stock_lot.id,
            hub_id=hub.id,
            category_id=category.id,
            kind="in",
            kg=kg,
            at=now,
        )
    )
    session.add(
        AuditLog(
            at=now,
            action="stock.in",
            entity="stock_lot",
            entity_id=stock_lot.id,
            detail={"kg": kg, "hub_id": hub.id},
        )
    )
    return stock_lot.id


async def add_other_hub(session, now: datetime, *, telegram_id: int = OTHER_STAFF) -> int:
    """A second hub of the Ixelles antenna, and its staff member (in Dutch); the hub's id."""
    first = (await session.exec(select(Hub).where(Hub.key == "hub-ixelles"))).one()
    hub = Hub(
        key="hub-etterbeek",
        antenna_id=first.antenna_id,
        name="Hub Voorbeeld Etterbeek",
        cold_storage=False,
    )
    member = Member(
        telegram_id=telegram_id, name="Bram Voorbeeld", language="nl", created_at=now, opened_at=now
    )
    session.add_all([hub, member])
    await session.flush()
    session.add(
        Membership(
            member_id=member.id,
            antenna_id=first.antenna_id,
            role="hub_staff",
            hub_id=hub.id,
            created_at=now,
        )
    )
    await session.flush()
    return hub.id


async def stock_rows(database_url: str, model) -> list:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.exec(select(model).order_by(col(model.id)))).all())
    finally:
        await engine.dispose()
