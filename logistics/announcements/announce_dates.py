"""The dates an announcement still needs before it can be confirmed, settled one by one.

An item *waits* when its category needs a use-by date and it has none, or when its date is
past (its use-by date, or its best-before date and the category's grace): the echo asks for
it, first item first. The store picks a date (today, tomorrow, in 2 or 3 days, or types one),
or removes the line, shown as left out. A button names an item by its place and a check of
the item, so that a button of an older echo never acts on another item.
"""

from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import date

from logistics.announcements.drafts import Draft, DraftItem
from logistics.errors import AlreadyDone, InvalidInput
from logistics.safety.food_dates import OutOfDate, missing_use_by, out_of_date, refused_date


def item_check(item: DraftItem) -> int:
    """A short check of an item, carried by its date buttons."""
    return zlib.crc32(f"{item.category_id}:{item.quantity}:{item.text}".encode()) & 0xFFFF


def refused_items(draft: Draft, today: date) -> list[OutOfDate]:
    grace = {i.category_id: i.grace_days for i in draft.items}
    return out_of_date(draft.items, grace, today)


def waiting_item(draft: Draft, today: date) -> int | None:
    """The place of the first item whose date is missing or refused, or None."""
    waiting = {*missing_use_by(draft.items), *(r.index for r in refused_items(draft, today))}
    return min(waiting) if waiting else None


def _item(draft: Draft, index: int, check: int) -> DraftItem:
    if not 0 <= index < len(draft.items) or item_check(draft.items[index]) != check:
        raise AlreadyDone("item")
    return draft.items[index]


def date_kind_of(item: DraftItem) -> str:
    """The kind of date the store gives for this item: its category's, else the one written."""
    if item.date_kind in ("use_by", "best_before"):
        return item.date_kind
    return "best_before" if item.best_before and not item.use_by else "use_by"


def set_item_date(draft: Draft, *, index: int, check: int, day: date, today: date) -> Draft:
    """The draft with that item's date set; a date already past is refused."""
    item = _item(draft, index, check)
    kind = date_kind_of(item)
    dates = {"use_by": None, "best_before": None, kind: day}
    if refused_date(**dates, grace_days=item.grace_days, today=today) is not None:
        raise InvalidInput("date_past")
    dated = replace(item, **{kind: day})
    items = (*draft.items[:index], dated, *draft.items[index + 1 :])
    return replace(draft, items=items)


def remove_item(draft: Draft, *, index: int, check: int) -> Draft:
    """The draft without that item: shown as left out, never announced."""
    item = _item(draft, index, check)
    shown = item.text or f"{item.name_fr} / {item.name_nl}"
    return replace(
        draft,
        items=draft.items[:index] + draft.items[index + 1 :],
        dropped=(*draft.dropped, shown),
    )
