"""The lines of the traceability register: one item in one movement, and how a pickup, a
delivered stop or a move of a hub's stock becomes lines (see ``logistics.safety.register``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from logistics.deliveries.settlement import StopFigures, counted_kg, lost_kg
from logistics.pickups.weights import spread_kg
from storage.models import Category, Delivery, DonationItem, Receipt, StockLot, StockMove

STOCK_MOVEMENTS = {"out": "stock_out", "loss": "stock_loss", "count": "stock_count"}


@dataclass(frozen=True)
class RegisterLine:
    """One item in one movement. ``movement`` is "pickup", "delivery", or a move of a hub's
    stock: "stock_out" (handed to an association), "stock_loss" or "stock_count" (a count's
    signed correction). ``remark`` is None, "withheld" (chilled or frozen food not to be
    distributed), "lost" (recorded as lost), "pending" (delivered, receipt not confirmed
    yet), or a stock loss's reason ("past_date", "damaged", "cold_chain")."""

    at: datetime
    movement: str
    donation_id: int
    store: str
    origin: str  # who handed it over: the store, or the driver
    destination: str  # who took it: the driver, or the association or hub
    destination_kind: str  # "driver" | "association" | "hub"
    driver: str
    product: str
    category_fr: str
    category_nl: str
    kg: float
    estimated: bool  # a share of a total, not weighed
    quantity: float | None  # the item's announced quantity, when the line carries all of it
    unit: str | None
    date_kind: str | None  # "use_by" | "best_before" | None
    limit: date | None
    lot: str | None
    cold_chain: str
    remark: str | None = None
    picked_at: datetime | None = None  # a stock move: when its lot was picked up

    def category(self, locale: str) -> str:
        return self.category_nl if locale == "nl" else self.category_fr


def _dates(item: DonationItem) -> tuple[str | None, date | None]:
    if item.use_by is not None:
        return "use_by", item.use_by
    if item.best_before is not None:
        return "best_before", item.best_before
    return None, None


def _line(item: DonationItem, category: Category, **given: Any) -> RegisterLine:
    kind, limit = _dates(item)
    return RegisterLine(
        product=item.label or category.name_fr,
        category_fr=category.name_fr,
        category_nl=category.name_nl,
        date_kind=kind,
        limit=limit,
        lot=item.lot,
        cold_chain=item.cold_chain,
        **given,
    )


def pickup_lines(
    donation_id: int,
    when: datetime,
    store: str,
    driver: str,
    items: list[tuple[DonationItem, Category]],
) -> list[RegisterLine]:
    return [
        _line(
            item,
            category,
            at=when,
            movement="pickup",
            donation_id=donation_id,
            store=store,
            origin=store,
            destination=driver,
            destination_kind="driver",
            driver=driver,
            kg=item.collected_kg or 0.0,
            estimated=item.collected_estimated,
            quantity=item.quantity,
            unit=item.unit,
        )
        for item, category in items
        if item.collected_kg
    ]


def stop_lines(
    delivery: Delivery,
    receipt: Receipt | None,
    place: str,
    store: str,
    driver: str,
    items: list[tuple[DonationItem, Category]],
    *,
    whole: bool,
) -> list[RegisterLine]:
    figures = StopFigures(
        delivery.delivered_kg,
        receipt.received_kg if receipt else None,
        receipt.settlement if receipt else None,
    )
    lost = figures.settlement == "lost"
    stop_kg = lost_kg(figures) if lost else counted_kg(figures)
    carried = [(i, c) for i, c in items if (i.collected_kg or 0) > 0] or items
    weights = [
        i.collected_kg if i.collected_kg is not None else i.estimated_kg for i, _c in carried
    ]
    shares = spread_kg(stop_kg, weights)
    lines = []
    for (item, category), share in zip(carried, shares, strict=True):
        if share <= 0:
            continue
        remark = None
        if lost:
            remark = "lost"
        elif delivery.chilled_withheld_at is not None and item.cold_chain != "ambient":
            remark = "withheld"
        elif receipt is not None and receipt.status == "pending":
            remark = "pending"
        lines.append(
            _line(
                item,
                category,
                at=delivery.delivered_at,
                movement="delivery",
                donation_id=delivery.donation_id,
                store=store,
                origin=driver,
                destination=place,
                destination_kind="association" if delivery.association_id else "hub",
                driver=driver,
                kg=share,
                estimated=len(carried) > 1,
                quantity=item.quantity if whole and not lost else None,
                unit=item.unit if whole and not lost else None,
                remark=remark,
            )
        )
    return lines


def stock_line(
    move: StockMove,
    lot: StockLot,
    category: Category,
    *,
    hub: str,
    association: str | None,
    store: str,
    member: str | None,
    picked_at: datetime | None,
) -> RegisterLine:
    """A move out of a hub's stock, or corrected in it: the lot's origin one step back (its
    store, pickup day, dates and lot number) and its destination one step forward."""
    kind = "use_by" if lot.use_by else "best_before" if lot.best_before else None
    out = move.kind == "out"
    return RegisterLine(
        at=move.at,
        movement=STOCK_MOVEMENTS[move.kind],
        donation_id=lot.donation_id or 0,
        store=store,
        origin=hub,
        destination=(association or "") if out else "",
        destination_kind="association" if out else "hub",
        driver=(member or "") if out else "",
        product=lot.label or category.name_fr,
        category_fr=category.name_fr,
        category_nl=category.name_nl,
        kg=move.kg,
        estimated=False,
        quantity=None,
        unit=None,
        date_kind=kind,
        limit=lot.use_by or lot.best_before,
        lot=lot.lot,
        cold_chain=lot.cold_chain,
        remark=move.reason,
        picked_at=picked_at,
    )
