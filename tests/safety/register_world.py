"""A seeded month for the traceability register, made through the rules: pickups announced by
the store, claimed, routed, weighed and delivered, receipts answered, a dispute settled as
lost, a too-warm receipt withholding a stop's chilled food; then dates and lots set in the
database (what the announcement parser fills)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import col, select

from logistics.announcements.announce import announce, draft_from_text
from logistics.deliveries.receipts import confirm_receipt, report_difference, report_problem
from logistics.deliveries.routing import send_to
from logistics.deliveries.settlement import settle_receipt
from logistics.people.identity import identify
from logistics.pickups.claims import claim_pickup
from logistics.pickups.collection import record_delivery, record_pickup
from storage.models import Association, Delivery, DonationItem, Hub, Store

CLAIRE, MARC, SOFIE, ANNE, PIETER = 100001, 100003, 100004, 100006, 100008


@dataclass(frozen=True)
class RegisterWorld:
    warm: int  # March 3: yoghurts and bread to Anne's épicerie, arrived too warm
    split: int  # March 5: two items weighed as one total, to Pieter's restaurant, lost
    hub: int  # March 6: tins to the hub
    february: int  # before the period


async def _pickup(session, *, text, day: datetime, kind, place_key, item_kg=None, total=None):
    marc = await identify(session, telegram_id=MARC)
    sofie = await identify(session, telegram_id=SOFIE)
    claire = await identify(session, telegram_id=CLAIRE)
    store = (await session.exec(select(Store).where(Store.key == "super-flagey"))).one()
    draft = await draft_from_text(session, identity=marc, store_id=store.id, text=text, now=day)
    donation_id = await announce(session, identity=marc, draft=draft, now=day)
    await claim_pickup(session, donation_id=donation_id, identity=sofie, now=day)
    model = Association if kind == "association" else Hub
    place = (await session.exec(select(model).where(model.key == place_key))).one()
    await send_to(
        session, donation_id=donation_id, identity=claire, kind=kind, place_id=place.id, now=day
    )
    items = (
        await session.exec(
            select(DonationItem)
            .where(DonationItem.donation_id == donation_id)
            .order_by(DonationItem.id)
        )
    ).all()
    given = None if item_kg is None else dict(zip([i.id for i in items], item_kg, strict=True))
    evening = day + timedelta(hours=8, minutes=30)
    await record_pickup(
        session, donation_id=donation_id, identity=sofie, now=evening, item_kg=given, total_kg=total
    )
    [stop] = (await session.exec(select(Delivery).where(Delivery.donation_id == donation_id))).all()
    await record_delivery(
        session, delivery_id=stop.id, identity=sofie, now=evening + timedelta(minutes=30)
    )
    return donation_id, stop.id, list(items)


async def build_register_world(session, now: datetime) -> RegisterWorld:
    """``now`` is Tuesday 2026-03-10 10:00 in Brussels."""
    march3 = now - timedelta(days=7)
    warm, warm_stop, items = await _pickup(
        session,
        text="12 kg yaourts\n8 kg pain 18h-19h",
        day=march3,
        kind="association",
        place_key="epicerie-ixelles",
        item_kg=[11.5, 7.0],
    )
    yoghurt, bread = items
    anne = await identify(session, telegram_id=ANNE)
    later = march3 + timedelta(hours=10)
    await report_problem(
        session, delivery_id=warm_stop, identity=anne, now=later, problem="too_warm"
    )
    split, split_stop, split_items = await _pickup(
        session,
        text="10 kg viande\n10 kg plats préparés 18h-19h",
        day=now - timedelta(days=5),
        kind="association",
        place_key="resto-etterbeek",
        total=15,
    )
    pieter = await identify(session, telegram_id=PIETER)
    claire = await identify(session, telegram_id=CLAIRE)
    await report_difference(
        session,
        delivery_id=split_stop,
        identity=pieter,
        now=now - timedelta(days=4),
        received_kg=3,
    )
    await settle_receipt(
        session,
        delivery_id=split_stop,
        identity=claire,
        now=now - timedelta(days=4),
        outcome="lost",
    )
    hub, _hub_stop, tins = await _pickup(
        session,
        text="20 kg conserves 18h-19h",
        day=now - timedelta(days=4),
        kind="hub",
        place_key="hub-ixelles",
        item_kg=[20],
    )
    february, feb_stop, _ = await _pickup(
        session,
        text="5 kg pain 18h-19h",
        day=now - timedelta(days=20),
        kind="association",
        place_key="epicerie-ixelles",
        item_kg=[5],
    )
    await confirm_receipt(
        session, delivery_id=feb_stop, identity=anne, now=now - timedelta(days=19)
    )
    # what the announcement parser will fill one day: dates and lots
    stamps = {
        yoghurt.id: {"use_by": date(2026, 3, 6), "lot": "L-YAO-42"},
        bread.id: {},
        split_items[0].id: {"use_by": date(2026, 3, 7), "lot": "VND-7"},
        split_items[1].id: {"use_by": date(2026, 3, 6)},
        tins[0].id: {"best_before": date(2027, 12, 31), "lot": "CNS-2027"},
    }
    for item_id, values in stamps.items():
        item = await session.get(DonationItem, item_id)
        for name, value in values.items():
            setattr(item, name, value)
        session.add(item)
    stop = await session.get(Delivery, warm_stop)
    assert stop.chilled_withheld_at == later, "the too-warm receipt withheld its chilled food"
    await session.commit()
    return RegisterWorld(warm=warm, split=split, hub=hub, february=february)


async def stop_ids(session, donation_id: int) -> list[int]:
    rows = await session.exec(
        select(Delivery.id).where(Delivery.donation_id == donation_id).order_by(col(Delivery.id))
    )
    return list(rows.all())
