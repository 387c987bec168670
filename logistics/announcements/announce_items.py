"""Announcing surplus with buttons: a draft from chosen categories, units and quantities.

The guided announcement asks one thing at a time; ``draft_from_choices`` turns the answers
into the same :class:`~logistics.announcements.announce.Draft` as a typed message, with the
same checks, so the confirmation and ``announce`` are shared.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.announcements.announce import (
    Draft,
    DraftItem,
    _hhmm,
    load_catalog,
    store_and_antenna,
)
from logistics.announcements.parsing.surplus import (
    MAX_ITEMS,
    MAX_KG,
    CatalogEntry,
    ParsedWindow,
    parse_surplus,
)
from logistics.announcements.parsing.window import EVENING_DEFAULT
from logistics.errors import InvalidInput, NotFound
from logistics.people.identity import Identity
from logistics.people.permissions import acting_as
from logistics.pickups.driver_lists import parse_weight

GUIDED_UNITS = ("kg", "crate", "piece")

Choice = tuple[int, float, str]  # (category id, quantity, unit)


def units_for(entry: CatalogEntry) -> tuple[str, ...]:
    """The units offered for a category: kg always, crates and pieces when it has a factor."""
    return tuple(u for u in GUIDED_UNITS if _factor(entry, u))


def _factor(entry: CatalogEntry, unit: str) -> float | None:
    return 1.0 if unit == "kg" else getattr(entry, f"kg_per_{unit}", None)


def estimate_kg(entry: CatalogEntry, quantity: float, unit: str) -> float | None:
    factor = _factor(entry, unit)
    return round(quantity * factor, 3) if factor else None


def quantity_problem(entry: CatalogEntry, quantity: float, unit: str) -> str | None:
    """Why this quantity cannot be announced (a parser problem code), or None."""
    if unit not in GUIDED_UNITS or not _factor(entry, unit):
        return "unknown_unit"
    if not math.isfinite(quantity):
        return "invalid_number"
    if quantity < 0:
        return "negative_quantity"
    if quantity == 0:
        return "zero_quantity"
    if estimate_kg(entry, quantity, unit) > MAX_KG:
        return "huge_quantity"
    return None


def parse_quantity(text: str | None) -> float | None:
    """``12,5`` → 12.5, ``-3`` → -3.0 (refused later, with its reason); None if not a number."""
    text = (text or "").strip()
    negative = text[:1] in ("-", "−")
    value = parse_weight(text[1:] if negative else text)
    return None if value is None else (-value if negative else value)


async def window_choices(
    session: AsyncSession, *, store_id: int, now: datetime
) -> dict[str, tuple[time, time]]:
    """``usual`` (the store's window) and ``evening`` (18:00-20:00), when not over today."""
    store, antenna = await store_and_antenna(session, store_id)
    local = now.astimezone(ZoneInfo(antenna.timezone)).time()
    usual = (_hhmm(store.window_start), _hhmm(store.window_end))
    found: dict[str, tuple[time, time]] = {}
    for choice, window in (("usual", usual), ("evening", EVENING_DEFAULT)):
        if window not in found.values() and window[1] > local:
            found[choice] = window
    return found


def window_from_text(text: str) -> ParsedWindow | None:
    """A time window typed on its own (``18h-19h30``, ``morgen 9u-10u``), or None."""
    parsed = parse_surplus(text, [])
    if parsed.window is None or parsed.window.source != "text" or parsed.not_understood:
        return None
    return parsed.window


async def draft_from_choices(
    session: AsyncSession,
    *,
    identity: Identity,
    store_id: int,
    items: Sequence[Choice],
    window: tuple[time, time],
    now: datetime,
    day_offset: int = 0,
) -> Draft:
    """The draft of the chosen items for ``window`` (local times, today + ``day_offset``)."""
    store, antenna = await store_and_antenna(session, store_id)
    acting_as(identity, "store_manager", antenna.id, store_id=store.id, reason="not_store_manager")
    if not items:
        raise InvalidInput("draft_incomplete")
    if len(items) > MAX_ITEMS:
        raise InvalidInput("too_many_items")
    catalog = {entry.id: entry for entry in await load_catalog(session)}
    drafted = []
    for category_id, quantity, unit in items:
        entry = catalog.get(category_id)
        if entry is None:
            raise NotFound("category")
        if problem := quantity_problem(entry, quantity, unit):
            raise InvalidInput(problem)
        drafted.append(
            DraftItem(
                category_id=entry.id,
                category_key=entry.key,
                name_fr=entry.name_fr,
                name_nl=entry.name_nl,
                text="",
                quantity=quantity,
                unit=unit,
                cold_chain=entry.cold_chain,
                estimated_kg=estimate_kg(entry, quantity, unit),
                date_kind=entry.date_kind,
                grace_days=entry.grace_days,
            )
        )
    start, end = window
    if end <= start:
        raise InvalidInput("window_end_before_start")
    tz = ZoneInfo(antenna.timezone)
    day = now.astimezone(tz).date() + timedelta(days=day_offset)
    window_start = datetime.combine(day, start, tzinfo=tz)
    window_end = datetime.combine(day, end, tzinfo=tz)
    usual = (_hhmm(store.window_start), _hhmm(store.window_end))
    summary = [f"{i.quantity:g} {i.unit} {i.category_key}" for i in drafted]
    return Draft(
        store_id=store.id,
        items=tuple(drafted),
        window_start=window_start,
        window_end=window_end,
        window_source="default" if window == usual and day_offset == 0 else "text",
        not_understood=(),
        problems=("window_past",) if window_end <= now else (),
        text="\n".join([*summary, f"{day:%Y-%m-%d} {start:%H:%M}-{end:%H:%M}"]),
        today=now.astimezone(tz).date(),
    )
