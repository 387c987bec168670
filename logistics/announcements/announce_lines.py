"""The lines of an announcement that the parser did not understand, resolved one by one.

A line is *open* when it holds a usable quantity (``3 flubbergasts``, ``3 sacs de pommes``):
food that would be lost if the store confirmed without it. The store files it under a
category (it becomes an item, with the text as written) or drops it (it is shown as dropped
and left out). Lines without a quantity (``Bonjour``) stay listed as not understood.
A button names a line by its place in ``Draft.not_understood`` and a check of its text, so a
button of an older echo never acts on another line.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import replace

from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.announcements.announce import Draft, DraftItem, load_catalog, store_and_antenna
from logistics.announcements.parsing.catalog import CategoryMatcher
from logistics.announcements.parsing.items import scan
from logistics.announcements.parsing.surplus import MAX_KG, CatalogEntry, parse_surplus
from logistics.announcements.parsing.text import tokenize
from logistics.errors import AlreadyDone, InvalidInput
from logistics.people.identity import Identity
from logistics.people.permissions import acting_as

NO_CATALOGUE = CategoryMatcher(())
# The parser's warnings about the open lines: true only while some line is still open.
OPEN_LINE_PROBLEMS = frozenset(("quantity_without_category", "unknown_unit"))


def line_quantity(text: str) -> tuple[float, str, bool] | None:
    """(quantity, unit, weight known) of the first quantity of a line; None when it has none
    that can be used. An unknown word in the unit's place (``3 sacs``) counts pieces whose
    weight is unknown."""
    tokens = tokenize(text)
    elements = scan(tokens, 0, len(tokens), NO_CATALOGUE)
    at = next((n for n, el in enumerate(elements) if el.kind == "Q"), None)
    if at is None:
        return None
    q = elements[at]
    quantity = q.value / q.divisor
    if q.negative or not math.isfinite(quantity) or round(quantity, 6) <= 0:
        return None
    after = elements[at + 1] if at + 1 < len(elements) else None
    unknown_unit = (
        q.unit is None
        and after is not None
        and after.kind == "U"
        and tokens[after.first].kind == "word"
    )
    return round(quantity, 6), q.unit or "piece", not unknown_unit


def line_check(text: str) -> int:
    """A short check of a line's text, carried by its buttons."""
    return zlib.crc32(text.encode()) & 0xFFFF


def open_lines(draft: Draft) -> list[int]:
    """Places in ``draft.not_understood`` of the lines that hold a usable quantity."""
    return [n for n, text in enumerate(draft.not_understood) if line_quantity(text) is not None]


def _open_line(draft: Draft, line: int, check: int) -> str:
    if line not in open_lines(draft) or line_check(draft.not_understood[line]) != check:
        raise AlreadyDone("line")
    return draft.not_understood[line]


def _without(parts: tuple[str, ...], line: int) -> tuple[str, ...]:
    return parts[:line] + parts[line + 1 :]


def item_of_line(text: str, entry: CatalogEntry) -> DraftItem:
    """The item a line becomes once its category is chosen."""
    found = line_quantity(text)
    if found is None:
        raise InvalidInput("line_quantity")
    quantity, unit, known = found
    factor = 1.0 if unit == "kg" else getattr(entry, f"kg_per_{unit}", None)
    estimated = round(quantity * factor, 3) if factor and known else None
    if (estimated if estimated is not None else quantity) > MAX_KG:
        raise InvalidInput("line_quantity")
    return DraftItem(
        category_id=entry.id,
        category_key=entry.key,
        name_fr=entry.name_fr,
        name_nl=entry.name_nl,
        text=text,
        quantity=quantity,
        unit=unit,
        cold_chain=entry.cold_chain,
        estimated_kg=estimated,
        date_kind=entry.date_kind,
        grace_days=entry.grace_days,
    )


async def file_line(
    session: AsyncSession,
    *,
    identity: Identity,
    draft: Draft,
    line: int,
    check: int,
    category_id: int,
) -> Draft:
    """The draft with that open line made an item of the category."""
    _store, antenna = await store_and_antenna(session, draft.store_id)
    acting_as(
        identity, "store_manager", antenna.id, store_id=draft.store_id, reason="not_store_manager"
    )
    text = _open_line(draft, line, check)
    entry = next((c for c in await load_catalog(session) if c.id == category_id), None)
    if entry is None:
        raise InvalidInput("category")
    return _settled(
        replace(
            draft,
            items=(*draft.items, item_of_line(text, entry)),
            not_understood=_without(draft.not_understood, line),
        )
    )


def drop_line(draft: Draft, *, line: int, check: int) -> Draft:
    """The draft with that open line set aside: shown as dropped, never announced."""
    text = _open_line(draft, line, check)
    return _settled(
        replace(
            draft,
            not_understood=_without(draft.not_understood, line),
            dropped=(*draft.dropped, text),
        )
    )


def _settled(draft: Draft) -> Draft:
    if open_lines(draft):
        return draft
    return replace(draft, problems=tuple(p for p in draft.problems if p not in OPEN_LINE_PROBLEMS))


async def reads_like_announcement(session: AsyncSession, text: str) -> bool:
    """Plain words that announce surplus: an item (a quantity of a known food), or a quantity
    with a time (``3 flubbergasts 18h``). ``Merci !`` or ``à 18h ?`` do not."""
    parsed = parse_surplus(text, await load_catalog(session))
    if parsed.items:
        return True
    said_when = parsed.window is not None and parsed.window.source == "text"
    return said_when and any(line_quantity(part) for part in parsed.not_understood)
