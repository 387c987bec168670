"""The lines of the traceability register: one item in one movement, and how a pickup or a
delivered stop becomes lines (see ``logistics.register``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from logistics.settlement import StopFigures, counted_kg, lost_kg
from logistics.weights import spread_kg
from storage.models import Category, Delivery, DonationItem, Receipt


@dataclass(frozen=True)
class RegisterLine:
    """One item in one movement. ``movement`` is "pickup" or "delivery"; ``remark`` is None,
    "withheld" (chilled or frozen food not to be distributed), "lost" (recorded as lost) or
    "pending" (delivered, receipt not confirmed yet)."""

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
