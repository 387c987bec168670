"""Read models of donations: everything a card, a list or a run sheet shows, in few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import aliased
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.announcements.item_lines import ItemLine, ItemView, item_lines
from logistics.deliveries.reception import Reception, reception_after
from logistics.deliveries.settlement import StopFigures, counted_kg, delivered_total
from logistics.safety.date_limits import to_distribute_today
from storage.models import (
    Antenna,
    Association,
    Category,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Member,
    Receipt,
    RecurringSlot,
    Store,
)


@dataclass(frozen=True)
class StopView:
    delivery_id: int
    kind: str  # "association" | "hub"
    place_id: int
    name: str
    planned_kg: float | None
    delivered_kg: float | None
    delivered_at: datetime | None
    receipt_status: str | None
    received_kg: float | None
    problem: str | None
    note: str | None = None
    settlement: str | None = None
    address: str = ""
    reception: Reception | None = None  # when the place receives, after the pickup window
    cold_storage: bool = False
    receiving_day: date | None = None  # local day it was (or would be) received
    chilled_withheld_at: datetime | None = None  # came too warm: its chilled food not handed out

    @property
    def figures(self) -> StopFigures:
        return StopFigures(self.delivered_kg, self.received_kg, self.settlement)

    @property
    def counted_kg(self) -> float:
        return counted_kg(self.figures)


@dataclass(frozen=True)
class DonationView:
    id: int
    antenna_id: int
    antenna_name: str
    tz: str
    group_chat_id: int | None
    group_languages: tuple[str, ...]
    store_id: int
    store_name: str
    store_address: str
    status: str
    window_start: datetime
    window_end: datetime
    items: tuple[ItemView, ...]
    estimated_kg: float
    collected_kg: float | None
    zero_reason: str | None
    driver_id: int | None
    driver_name: str | None
    stops: tuple[StopView, ...]
    # A day of a store's weekly slot: which slot and local day, and the driver holding the slot
    recurring_slot_id: int | None = None
    service_day: date | None = None
    slot_holder_id: int | None = None
    slot_holder_name: str | None = None

    @property
    def cold(self) -> bool:
        return any(i.cold_chain != "ambient" for i in self.items)

    @property
    def item_lines(self) -> tuple[ItemLine, ...]:
        return item_lines(self.items)

    @property
    def delivered_kg(self) -> float:
        """The sum of the delivered stops (what settled disputes count)."""
        return delivered_total(stop.figures for stop in self.stops)

    def to_distribute_today(self, stop: StopView) -> tuple[ItemView, ...]:
        """The items the stop receives on their use-by day: to be handed out that day. Chilled
        and frozen items count only at a place with cold storage (only there can they go)."""
        if stop.receiving_day is None:
            return ()
        return tuple(
            i
            for i in self.items
            if to_distribute_today(i.use_by, stop.receiving_day)
            and (i.cold_chain == "ambient" or stop.cold_storage)
        )

    @property
    def disputed(self) -> int:
        """Stops whose receipt is disputed and not settled yet."""
        return sum(1 for s in self.stops if s.receipt_status == "disputed" and not s.settlement)


async def donation_views(session: AsyncSession, ids: Iterable[int]) -> dict[int, DonationView]:
    """Views of the given donations in four queries, whatever their number."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    holder = aliased(Member)
    heads = (
        await session.exec(
            select(Donation, Store, Antenna, holder)
            .join(Store, Store.id == Donation.store_id)
            .join(Antenna, Antenna.id == Donation.antenna_id)
            .outerjoin(RecurringSlot, RecurringSlot.id == Donation.recurring_slot_id)
            .outerjoin(holder, holder.id == RecurringSlot.standing_driver_id)
            .where(Donation.id.in_(ids))
        )
    ).all()
    items = defaultdict(list)
    for item, cat in (
        await session.exec(
            select(DonationItem, Category)
            .join(Category, Category.id == DonationItem.category_id)
            .where(DonationItem.donation_id.in_(ids))
            .order_by(DonationItem.id)
        )
    ).all():
        items[item.donation_id].append(
            ItemView(
                id=item.id,
                category_key=cat.key,
                name_fr=cat.name_fr,
                name_nl=cat.name_nl,
                quantity=item.quantity,
                unit=item.unit,
                cold_chain=item.cold_chain,
                estimated_kg=item.estimated_kg,
                collected_kg=item.collected_kg,
                collected_estimated=item.collected_estimated,
                use_by=item.use_by,
                best_before=item.best_before,
            )
        )
    drivers = {
        claim.donation_id: member
        for claim, member in (
            await session.exec(
                select(Claim, Member)
                .join(Member, Member.id == Claim.driver_id)
                .where(Claim.donation_id.in_(ids), Claim.released_at.is_(None))
            )
        ).all()
    }
    windows = {
        donation.id: (donation.window_end, antenna.timezone) for donation, _s, antenna, _h in heads
    }
    stops = defaultdict(list)
    for delivery, association, hub, receipt in (
        await session.exec(
            select(Delivery, Association, Hub, Receipt)
            .outerjoin(Association, Association.id == Delivery.association_id)
            .outerjoin(Hub, Hub.id == Delivery.hub_id)
            .outerjoin(Receipt, Receipt.delivery_id == Delivery.id)
            .where(Delivery.donation_id.in_(ids))
            .order_by(Delivery.id)
        )
    ).all():
        place = association or hub
        reception = (
            None
            if delivery.delivered_at is not None
            else reception_after(place.reception_hours, *windows[delivery.donation_id])
        )
        stops[delivery.donation_id].append(
            StopView(
                delivery_id=delivery.id,
                kind="association" if association else "hub",
                place_id=place.id,
                name=place.name,
                planned_kg=delivery.planned_kg,
                delivered_kg=delivery.delivered_kg,
                delivered_at=delivery.delivered_at,
                receipt_status=receipt.status if receipt else None,
                received_kg=receipt.received_kg if receipt else None,
                problem=receipt.problem if receipt else None,
                note=receipt.note if receipt else None,
                settlement=receipt.settlement if receipt else None,
                address=place.address,
                reception=reception,
                cold_storage=place.cold_storage,
                receiving_day=_receiving_day(delivery, reception, *windows[delivery.donation_id]),
                chilled_withheld_at=delivery.chilled_withheld_at,
            )
        )
    views = {}
    for donation, store, antenna, slot_holder in heads:
        driver = drivers.get(donation.id)
        views[donation.id] = DonationView(
            id=donation.id,
            antenna_id=antenna.id,
            antenna_name=antenna.name,
            tz=antenna.timezone,
            group_chat_id=antenna.group_chat_id,
            group_languages=tuple(x for x in antenna.group_languages.split(",") if x),
            store_id=store.id,
            store_name=store.name,
            store_address=store.address,
            status=donation.status,
            window_start=donation.window_start,
            window_end=donation.window_end,
            items=tuple(items[donation.id]),
            estimated_kg=donation.estimated_kg,
            collected_kg=donation.collected_kg,
            zero_reason=donation.zero_reason,
            driver_id=driver.id if driver else None,
            driver_name=(driver.name or "—") if driver else None,
            stops=tuple(stops[donation.id]),
            recurring_slot_id=donation.recurring_slot_id,
            service_day=donation.service_day,
            slot_holder_id=slot_holder.id if slot_holder else None,
            slot_holder_name=(slot_holder.name or "—") if slot_holder else None,
        )
    return views


def _receiving_day(
    delivery: Delivery, reception: Reception | None, window_end: datetime, tz: str
) -> date:
    """The local day of the delivery once made; else of the place's first reception window
    after the pickup; a place without hours receives at the end of the pickup window."""
    if delivery.delivered_at is not None:
        return delivery.delivered_at.astimezone(ZoneInfo(tz)).date()
    if reception is not None:
        return reception.day
    return window_end.astimezone(ZoneInfo(tz)).date()


async def donation_view(session: AsyncSession, donation_id: int) -> DonationView | None:
    return (await donation_views(session, [donation_id])).get(donation_id)
