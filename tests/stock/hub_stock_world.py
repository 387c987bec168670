"""A hub's stock over February and March 2026, made through the rules: pickups announced with
their dates and lots, claimed, sent to the hub, weighed and delivered there (where they become
lots), then handed out to associations, lost with a reason and counted by the hub's staff.

``now`` is Tuesday 2026-03-10 10:00 in Brussels. What the moves add up to is written in
``build_hub_stock_world``'s docstring, from the moves below, not read back from a database.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from pypdf import PdfReader
from sqlmodel import col, select

from logistics.announcements.announce import announce, draft_from_text
from logistics.deliveries.routing import send_to
from logistics.people.identity import identify
from logistics.pickups.claims import claim_pickup
from logistics.pickups.collection import record_delivery, record_pickup
from logistics.stock.moves import correct_count, record_loss, take
from storage.models import Association, Delivery, DonationItem, Hub, Member, StockLot, Store

CLAIRE, MARC, SOFIE, HELENE = 100001, 100003, 100004, 100020
HOUR = timedelta(hours=1)
NNBSP = "\u202f"
HUB, IXELLES = "Hub Exemple Ixelles", "Antenne Ixelles-Etterbeek"
EPICERIE, RESTO = "Épicerie sociale Exemple Ixelles", "Restaurant social Exemple Etterbeek"
STORE, STAFF = "Supermarché Exemple Flagey", "Hélène Exemple"


@dataclass(frozen=True)
class HubStockWorld:
    lots: dict[str, int]  # by the item's name: "fromage", "yaourts", ...
    pickups: dict[str, int]  # donation ids by the same names


async def ids_of(session, model) -> dict[str, int]:
    return {row.key: row.id for row in (await session.exec(select(model))).all()}


def pdf_words(data: bytes) -> str:
    """A PDF's text, a cell's wrapped lines joined again."""
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"[ \n]+", " ", " ".join(page.extract_text() for page in pages))


async def hub_pickup(session, *, text: str, day: datetime, item_kg: list[float]) -> int:
    """A pickup announced at ``day`` (10:00 local) for 18h-19h, sent to the hub, weighed at
    18:30 and delivered there at 19:00 by Sofie."""
    marc = await identify(session, telegram_id=MARC)
    sofie = await identify(session, telegram_id=SOFIE)
    claire = await identify(session, telegram_id=CLAIRE)
    store = (await session.exec(select(Store).where(Store.key == "super-flagey"))).one()
    draft = await draft_from_text(session, identity=marc, store_id=store.id, text=text, now=day)
    donation_id = await announce(session, identity=marc, draft=draft, now=day)
    await claim_pickup(session, donation_id=donation_id, identity=sofie, now=day)
    hub = (await session.exec(select(Hub).where(Hub.key == "hub-ixelles"))).one()
    await send_to(
        session, donation_id=donation_id, identity=claire, kind="hub", place_id=hub.id, now=day
    )
    items = (
        await session.exec(
            select(DonationItem.id)
            .where(DonationItem.donation_id == donation_id)
            .order_by(col(DonationItem.id))
        )
    ).all()
    evening = day + timedelta(hours=8, minutes=30)
    await record_pickup(
        session,
        donation_id=donation_id,
        identity=sofie,
        now=evening,
        item_kg=dict(zip(items, item_kg, strict=True)),
    )
    [stop] = (await session.exec(select(Delivery).where(Delivery.donation_id == donation_id))).all()
    await record_delivery(session, delivery_id=stop.id, identity=sofie, now=evening + HOUR / 2)
    return donation_id


async def hand_out(session, lot_id: int, kg: float, place_key: str, at: datetime) -> None:
    """Hélène hands ``kg`` of the lot to an association (the hub's own distribution)."""
    helene = (await session.exec(select(Member).where(Member.telegram_id == HELENE))).one()
    place = (await session.exec(select(Association).where(Association.key == place_key))).one()
    lot = await session.get(StockLot, lot_id)
    await take(
        session, lot, kind="out", kg=kg, member_id=helene.id, now=at, association_id=place.id
    )
    await session.commit()


async def lots_of(session, donation_id: int) -> list[int]:
    rows = await session.exec(
        select(StockLot.id).where(StockLot.donation_id == donation_id).order_by(col(StockLot.id))
    )
    return list(rows.all())


async def build_hub_stock_world(session, now: datetime) -> HubStockWorld:
    """February: 15 kg of tins in, 5 kg out. March to the 10th: 52 kg in, 16 kg out to two
    associations, 6.5 kg lost (3 past date, 2 damaged, 1.5 cold chain), a count finding
    0.5 kg of bread missing; 39 kg on hand at the end."""
    day = timedelta(days=1)
    february = await hub_pickup(
        session, text="15 kg conserves DDM 01/06/2027 18h-19h", day=now - 18 * day, item_kg=[15]
    )
    cheese = await hub_pickup(
        session, text="4 kg fromage DLC 06/03 lot FRO-1 18h-19h", day=now - 8 * day, item_kg=[4]
    )
    mixed = await hub_pickup(
        session,
        text="12 kg yaourts DLC 11/03 lot YAO-1\n20 kg conserves DDM 31/12/2027 lot CNS-9 18h-19h",
        day=now - 5 * day,
        item_kg=[12, 20],
    )
    monday = await hub_pickup(
        session,
        text="10 kg viande DLC 10/03 lot VND-3\n6 kg pain 18h-19h",
        day=now - day,
        item_kg=[10, 6],
    )
    [old_tins] = await lots_of(session, february)
    [fromage] = await lots_of(session, cheese)
    yaourts, conserves = await lots_of(session, mixed)
    viande, pain = await lots_of(session, monday)
    helene = await identify(session, telegram_id=HELENE)

    await hand_out(session, old_tins, 5, "epicerie-ixelles", now - 17 * day)
    await hand_out(session, yaourts, 8, "epicerie-ixelles", now - 4 * day)
    await hand_out(session, conserves, 5, "resto-etterbeek", now - 3 * day)
    for lot_id, reason, kg in ((fromage, "past_date", 3), (conserves, "damaged", 2)):
        await record_loss(
            session, lot_id=lot_id, reason=reason, kg=kg, identity=helene, now=now - 3 * day
        )
    await record_loss(
        session, lot_id=yaourts, reason="cold_chain", kg=1.5, identity=helene, now=now - 2 * day
    )
    await correct_count(
        session, lot_id=pain, counted_kg=5.5, seen_kg=6, identity=helene, now=now - 2 * HOUR
    )
    await hand_out(session, viande, 3, "epicerie-ixelles", now - HOUR)
    return HubStockWorld(
        lots={
            "old_tins": old_tins,
            "fromage": fromage,
            "yaourts": yaourts,
            "conserves": conserves,
            "viande": viande,
            "pain": pain,
        },
        pickups={"february": february, "cheese": cheese, "mixed": mixed, "monday": monday},
    )
