"""The life of a pickup as the tables must tell it: one active claim, weights that add up,
stops with one destination of the donation's antenna, receipts only for delivered stops."""

from __future__ import annotations

from collections import Counter, defaultdict

from logistics.invariants.tables import Tables, kg_problems
from logistics.pickups.donation_progress import PICKED_UP_OR_LATER, SETTLED
from storage.models import (
    DONATION_STATUSES,
    ZERO_REASONS,
    Association,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Member,
    Receipt,
    Store,
)

KG_TOLERANCE = 0.051  # collected kg are rounded to tenths, item by item


async def _active_claims(tables: Tables) -> Counter[int]:
    return Counter(c.donation_id for c in await tables.all(Claim) if c.released_at is None)


async def claim_problems(tables: Tables) -> list[str]:
    problems = []
    members = await tables.by_id(Member)
    for donation_id, count in (await _active_claims(tables)).items():
        if count > 1:
            problems.append(f"donation {donation_id}: {count} active claims")
    for claim in await tables.all(Claim):
        if claim.driver_id not in members:
            problems.append(f"claim {claim.id}: unknown driver {claim.driver_id}")
        if claim.released_at is not None and claim.released_at < claim.claimed_at:
            problems.append(f"claim {claim.id}: released before it was made")
    return problems


async def item_problems(tables: Tables) -> list[str]:
    problems = []
    for item in await tables.all(DonationItem):
        where = f"item {item.id}"
        problems += kg_problems(
            where,
            {
                "quantity": item.quantity,
                "estimated": item.estimated_kg,
                "collected": item.collected_kg,
            },
        )
        if item.quantity is not None and item.quantity <= 0:
            problems.append(f"{where}: quantity {item.quantity} is not positive")
    return problems


async def donation_problems(tables: Tables) -> list[str]:
    """Each pickup's status against its claim, its weights, its items and its stops."""
    problems: list[str] = []
    stores = await tables.by_id(Store)
    active = await _active_claims(tables)
    items_of: dict[int, list[DonationItem]] = defaultdict(list)
    for item in await tables.all(DonationItem):
        items_of[item.donation_id].append(item)
    stops_of: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in await tables.all(Delivery):
        stops_of[delivery.donation_id].append(delivery)
    places = {"association": await tables.by_id(Association), "hub": await tables.by_id(Hub)}

    for donation in await tables.all(Donation):
        where = f"donation {donation.id} ({donation.status})"
        problems += kg_problems(
            where, {"estimated": donation.estimated_kg, "collected": donation.collected_kg}
        )
        if donation.status not in DONATION_STATUSES:
            problems.append(f"{where}: unknown status")
        store = stores.get(donation.store_id)
        if store is None or store.antenna_id != donation.antenna_id:
            problems.append(f"{where}: its store is not of its antenna")
        if donation.window_end <= donation.window_start:
            problems.append(f"{where}: the window ends before it starts")
        problems += _claim_and_weight(where, donation, active[donation.id] > 0)
        collected_items = [i.collected_kg for i in items_of[donation.id]]
        if donation.collected_kg is None and any(kg is not None for kg in collected_items):
            problems.append(f"{where}: items collected but not the pickup")
        if donation.collected_kg is not None and items_of[donation.id]:
            total = sum(kg or 0 for kg in collected_items)
            if abs(total - donation.collected_kg) > KG_TOLERANCE * len(collected_items):
                problems.append(f"{where}: items sum to {total}, not {donation.collected_kg}")
        problems += _stop_problems(where, donation, stops_of[donation.id], places)
    return problems


def _claim_and_weight(where: str, donation: Donation, claimed: bool) -> list[str]:
    problems = []
    if donation.status == "claimed" and not claimed:
        problems.append(f"{where}: claimed without an active claim")
    if donation.status in ("draft", "announced") and claimed:
        problems.append(f"{where}: an active claim on a pickup nobody holds")
    if donation.status in PICKED_UP_OR_LATER:
        if donation.collected_kg is None or donation.collected_kg <= 0:
            problems.append(f"{where}: collected without a weight")
        if not claimed:
            problems.append(f"{where}: collected without an active claim")
    elif donation.collected_kg is not None and not (
        donation.collected_kg == 0 and donation.status in ("cancelled", "missed")
    ):
        problems.append(f"{where}: collected kg {donation.collected_kg} on this status")
    if donation.zero_reason is not None and (
        donation.zero_reason not in ZERO_REASONS or donation.collected_kg != 0
    ):
        problems.append(f"{where}: zero reason {donation.zero_reason!r} with kg")
    return problems


def _stop_problems(
    where: str, donation: Donation, stops: list[Delivery], places: dict[str, dict]
) -> list[str]:
    problems = []
    if donation.status in ("delivered", "received"):
        if not stops:
            problems.append(f"{where}: delivered without a stop")
        if any(s.delivered_at is None for s in stops):
            problems.append(f"{where}: delivered with a stop still to do")
    for stop in stops:
        at = f"{where}, stop {stop.id}"
        problems += kg_problems(at, {"planned": stop.planned_kg, "delivered": stop.delivered_kg})
        if (stop.association_id is None) == (stop.hub_id is None):
            problems.append(f"{at}: not exactly one destination")
        place = places["association"].get(stop.association_id) or places["hub"].get(stop.hub_id)
        if place is None or place.antenna_id != donation.antenna_id:
            problems.append(f"{at}: its destination is not of the donation's antenna")
        if stop.delivered_at is not None:
            if stop.delivered_kg is None:
                problems.append(f"{at}: delivered without a weight")
            if donation.status not in ("picked_up", "delivered", "received"):
                problems.append(f"{at}: delivered while the pickup is {donation.status}")
        elif stop.delivered_kg is not None:
            problems.append(f"{at}: a delivered weight but no delivery")
    return problems


async def receipt_problems(tables: Tables) -> list[str]:
    problems = []
    receipts = await tables.all(Receipt)
    deliveries = await tables.by_id(Delivery)
    for receipt in receipts:
        where = f"receipt {receipt.id} ({receipt.status})"
        problems += kg_problems(where, {"received": receipt.received_kg})
        delivery = deliveries.get(receipt.delivery_id)
        if delivery is None or delivery.delivered_at is None:
            problems.append(f"{where}: for a stop not delivered")
        if receipt.status in SETTLED and receipt.confirmed_at is None:
            problems.append(f"{where}: settled without a time")
        if receipt.status == "pending" and receipt.confirmed_at is not None:
            problems.append(f"{where}: pending but confirmed at {receipt.confirmed_at}")
    receipt_of = {r.delivery_id: r for r in receipts}
    donations = await tables.by_id(Donation)
    for stop in deliveries.values():
        donation = donations.get(stop.donation_id)
        if donation is None or donation.status != "received":
            continue
        receipt = receipt_of.get(stop.id)
        if receipt is None or receipt.status not in SETTLED:
            problems.append(f"donation {donation.id}: received, stop {stop.id} unsettled")
    return problems
