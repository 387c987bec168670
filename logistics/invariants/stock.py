"""A hub's stock as its moves tell it: per hub and category, and lot by lot, what came in plus
what counts corrected equals what went out, what was lost and what is on hand; never less
than nothing in a lot."""

from __future__ import annotations

import math
from collections import defaultdict

from logistics.invariants.tables import Tables
from logistics.stock.balance import TOLERANCE_KG, negative_lots, stock_balances
from storage.models import Association, Category, Delivery, Hub, StockLot, StockMove

SIGN = {"in": 1, "count": 1, "out": -1, "loss": -1}


def _kg(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


async def balance_problems(tables: Tables) -> list[str]:
    """Per hub and category: in + counts = out + losses + on hand."""
    hubs, categories = await tables.by_id(Hub), await tables.by_id(Category)
    problems = []
    for b in await stock_balances(tables.session):
        if b.holds:
            continue
        hub, category = hubs.get(b.hub_id), categories.get(b.category_id)
        problems.append(
            f"hub {b.hub_id} ({hub.key if hub else '?'}), category {b.category_id} "
            f"({category.key if category else '?'}): in {_kg(b.in_kg)} + counts "
            f"{_kg(b.count_kg)} - out {_kg(b.out_kg)} - losses {_kg(b.loss_kg)} = "
            f"{_kg(b.on_hand_kg + b.difference_kg)} kg, but the lots hold {_kg(b.on_hand_kg)} kg"
        )
    return problems


async def lot_problems(tables: Tables) -> list[str]:
    """Lot by lot: received once, by its own moves only, of its delivery's hub."""
    moves_of: dict[int, list[StockMove]] = defaultdict(list)
    for move in await tables.all(StockMove):
        moves_of[move.lot_id].append(move)
    deliveries = await tables.by_id(Delivery)
    associations = await tables.by_id(Association)
    hubs = await tables.by_id(Hub)
    problems = []
    for lot in await tables.all(StockLot):
        where = f"lot {lot.id} (hub {lot.hub_id})"
        moves = moves_of.pop(lot.id, [])
        received = [m.kg for m in moves if m.kind == "in"]
        if received != [lot.received_kg]:
            problems.append(f"{where}: received {_kg(lot.received_kg)} kg, moved in {received}")
        for move in moves:
            if (move.hub_id, move.category_id) != (lot.hub_id, lot.category_id):
                problems.append(f"{where}: move {move.id} is booked to another hub or category")
            problems += _move_problems(move, lot, associations, hubs)
        if not math.isfinite(lot.on_hand_kg):
            problems.append(f"{where}: on hand {lot.on_hand_kg!r} is not a weight")
            continue
        expected = sum(SIGN.get(m.kind, 0) * m.kg for m in moves)
        if abs(expected - lot.on_hand_kg) >= TOLERANCE_KG:
            problems.append(
                f"{where}: its moves leave {_kg(expected)} kg, but it holds "
                f"{_kg(lot.on_hand_kg)} kg"
            )
        delivery = deliveries.get(lot.delivery_id)
        if lot.delivery_id is not None and (delivery is None or delivery.hub_id != lot.hub_id):
            problems.append(f"{where}: its delivery {lot.delivery_id} went elsewhere")
    for lot_id, moves in moves_of.items():
        problems.append(f"lot {lot_id}: {len(moves)} moves of a lot that does not exist")
    return problems


def _move_problems(
    move: StockMove, lot: StockLot, associations: dict[int, Association], hubs: dict[int, Hub]
) -> list[str]:
    where = f"move {move.id} ({move.kind} of lot {lot.id})"
    if move.kind not in SIGN or not math.isfinite(move.kg):
        return [f"{where}: {move.kg!r} kg is not a move"]
    if move.association_id is not None:
        association, hub = associations.get(move.association_id), hubs.get(lot.hub_id)
        if association is None or hub is None or association.antenna_id != hub.antenna_id:
            return [f"{where}: to an association of another antenna"]
    return []


async def negative_problems(tables: Tables) -> list[str]:
    return [
        f"lot {lot_id}: less than nothing on hand" for lot_id in await negative_lots(tables.session)
    ]
