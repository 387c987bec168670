"""The morning run sheet as Telegram messages, and /runsheet for coordinators.

A sheet is rendered in the given languages, each message holding the same pickups in every
language (like the cards). It is split between pickups, never inside one, so that each message
stays under Telegram's limit and carries the claim buttons of its own unclaimed pickups only.

In the group, the rule queues one outbox entry (part 0); when the sheet needs several
messages, rendering that entry queues the following parts (``part`` 1, 2...) once, keyed by
``dedupe_key``, and each part is rendered from the current state when it is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from html import escape
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import ClaimCb
from bot.pickups import slot_days
from logistics.broadcasts.runsheet import (
    RUN_SHEET,
    PendingReceipt,
    RunSheet,
    Unreachable,
    todays_run_sheet,
)
from logistics.clock import Clock
from logistics.people.identity import Identity
from logistics.people.permissions import coordinated_antennas
from logistics.pickups.views import DonationView
from logistics.tours.views import TourLine
from storage.models import Outbox

BUDGET = 4000  # UTF-16 units of the HTML source: never less than what Telegram counts (4096)
MAX_BUTTONS = 30  # claim buttons of one message
ITEMS_SHOWN = 6
HEADER_ROOM = "99"  # the part numbers are known only once split: room for two digits


@dataclass(frozen=True)
class SheetPart:
    text: str
    reply_markup: InlineKeyboardMarkup | None


@dataclass(frozen=True)
class _Unit:
    render: Callable[[], str]
    claimable: DonationView | None = None


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def header(sheet: RunSheet, part: str, count: str) -> str:
    noon = datetime.combine(sheet.day, time(12), tzinfo=ZoneInfo(sheet.tz))
    day = formatting.short_day(noon, cards.locale(), sheet.tz)
    line = _("📋 <b>Run sheet of {day}</b> — {antenna}").format(
        day=day, antenna=escape(sheet.antenna_name)
    )
    if count != "1":
        line += " " + _("(part {part} of {count})").format(part=part, count=count)
    return line


def _window(view: DonationView) -> str:
    start = formatting.hour(view.window_start, cards.locale(), view.tz)
    end = formatting.hour(view.window_end, cards.locale(), view.tz)
    return f"{start}–{end}"


def pickup_block(view: DonationView) -> str:
    lines = [f"🕕 <b>{_window(view)}</b> · 🛒 <b>{escape(view.store_name)}</b>"]
    if slot_days.is_waiting(view):  # no items yet: what it waits for, and who will drive
        return "\n".join([*lines, slot_days.state_line(view), slot_days.holder_line(view)])
    shown = view.item_lines
    lines += [cards.item_line(i) for i in shown[:ITEMS_SHOWN]]
    if len(shown) > ITEMS_SHOWN:
        lines.append(_("… and {count} more").format(count=len(shown) - ITEMS_SHOWN))
    lines.append(_("Total ≈ {kg}").format(kg=formatting.kg(view.estimated_kg, cards.locale())))
    if view.cold:
        lines.append(_("❄️ Needs a refrigerated vehicle"))
    if view.status == "announced":
        lines.append(_("🔓 <b>UNCLAIMED</b>"))
    else:
        lines.append(cards.status_line(view))
    lines += [cards.stop_line(s, view) for s in view.stops]
    return "\n".join(lines)


def nothing_today_line(view: DonationView, first: bool) -> str:
    line = f"• {_window(view)} · {escape(view.store_name)}"
    return (_("🚫 Nothing today at these weekly slots:") + "\n" + line) if first else line


def pending_line(pending: PendingReceipt, first: bool) -> str:
    line = _("• {place}: {kg} from {store}").format(
        place=escape(pending.stop.name),
        kg=formatting.kg(pending.stop.delivered_kg or 0, cards.locale()),
        store=escape(pending.donation.store_name),
    )
    return (_("⏳ Receipts still awaited from yesterday:") + "\n" + line) if first else line


def unreachable_line(driver: Unreachable, first: bool) -> str:
    name = escape(driver.name or "—")
    if driver.opened:
        line = _("• {name}: blocked the bot or left Telegram").format(name=name)
    else:
        line = _("• {name}: has not opened the bot yet").format(name=name)
    if not first:
        return line
    heading = _("📵 The bot cannot write to these drivers, who get no offer: call them.")
    return heading + "\n" + line


def tour_line(tour: TourLine, tz: str, first: bool) -> str:
    lc = cards.locale()
    kind = _("collection") if tour.kind == "collection" else _("distribution")
    line = _("• {hour} · {vehicle} · {kind} · {driver} · {stops} stops, about {km} km").format(
        hour=formatting.hour(tour.starts_at, lc, tz),
        vehicle=escape(tour.vehicle),
        kind=kind,
        driver=escape(tour.driver) if tour.driver else _("driver not chosen"),
        stops=tour.stops,
        km=formatting.number(tour.planned_km, lc),
    )
    if tour.status == "proposed":
        line += " " + _("(proposed, not confirmed)")
    return (_("🚐 Tours of the day:") + "\n" + line) if first else line


def _units(sheet: RunSheet) -> list[_Unit]:
    units = [
        _Unit(lambda t=tour, f=(n == 0): tour_line(t, sheet.tz, f))
        for n, tour in enumerate(sheet.tours)
    ]
    units += [
        _Unit(lambda v=view: pickup_block(v), view if view.status == "announced" else None)
        for view in sheet.pickups
    ]
    if not sheet.pickups:
        units.append(_Unit(lambda: _("No pickup today.")))
    units += [
        _Unit(lambda v=view, f=(n == 0): nothing_today_line(v, f))
        for n, view in enumerate(sheet.nothing_today)
    ]
    units += [
        _Unit(lambda p=pending, f=(n == 0): pending_line(p, f))
        for n, pending in enumerate(sheet.pending)
    ]
    units += [
        _Unit(lambda d=driver, f=(n == 0): unreachable_line(d, f))
        for n, driver in enumerate(sheet.unreachable)
    ]
    return units


def render_sheet(i18n: I18n, sheet: RunSheet, languages: tuple[str, ...]) -> list[SheetPart]:
    """The sheet as messages, each under the limit, split between pickups."""
    with i18n.context():
        return _render(i18n, sheet, languages or (i18n.default_locale,))


def _render(i18n: I18n, sheet: RunSheet, languages: tuple[str, ...]) -> list[SheetPart]:
    units = _units(sheet)
    texts: dict[str, list[str]] = {}
    room = 0
    for lc in languages:
        with i18n.use_locale(lc):
            texts[lc] = [u.render() for u in units]
            room += utf16(header(sheet, HEADER_ROOM, HEADER_ROOM)) + utf16("\n〰️〰️〰️\n")
    groups: list[list[int]] = [[]]
    size, buttons = room, 0
    for n, unit in enumerate(units):
        grow = sum(utf16(texts[lc][n]) + 2 for lc in languages)
        claim = 1 if unit.claimable else 0
        if groups[-1] and (size + grow > BUDGET or buttons + claim > MAX_BUTTONS):
            groups.append([])
            size, buttons = room, 0
        groups[-1].append(n)
        size, buttons = size + grow, buttons + claim
    count = str(len(groups))

    def text(part: int, indexes: list[int]) -> str:
        lc = cards.locale()
        body = [header(sheet, str(part + 1), count), *(texts[lc][n] for n in indexes)]
        return "\n\n".join(body)

    return [
        SheetPart(
            text=cards.bilingual(i18n, languages, lambda p=part, g=group: text(p, g)),
            reply_markup=claim_keyboard([units[n].claimable for n in group], sheet.tz),
        )
        for part, group in enumerate(groups)
    ]


def claim_keyboard(views: list[DonationView | None], tz: str) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    for view in views:
        if view is not None:
            when = formatting.hour(view.window_start, "fr", tz)
            builder.button(
                text=f"✋ {when} {view.store_name[:40]}", callback_data=ClaimCb(donation_id=view.id)
            )
    builder.adjust(1)
    return builder.as_markup() if builder.buttons else None


async def queue_following_parts(
    session: AsyncSession, *, chat_id: int, payload: dict, count: int
) -> None:
    """Queue parts 1..count-1 of a sheet once, however often part 0 is rendered."""
    base = f"{RUN_SHEET}:{payload['antenna_id']}:{payload['day']}"
    keys = [f"{base}:{part}" for part in range(1, count)]
    known = (await session.exec(select(Outbox.id).where(Outbox.dedupe_key.in_(keys)))).first()
    if known is not None:
        return
    at = datetime.fromisoformat(payload["queued_at"])
    for part, key in enumerate(keys, start=1):
        session.add(
            Outbox(
                chat_id=chat_id,
                method="notify",
                payload={**payload, "part": part},
                dedupe_key=key,
                next_attempt_at=at,
                created_at=at,
            )
        )


async def show_run_sheet(
    message: Message, identity: Identity | None, session: AsyncSession, clock: Clock, i18n: I18n
) -> None:
    antennas = coordinated_antennas(identity)
    if not antennas:
        await message.answer(_("The run sheet is for the coordinators of an antenna."))
        return
    for antenna_id in antennas:
        sheet = await todays_run_sheet(session, antenna_id=antenna_id, now=clock.now())
        for part in render_sheet(i18n, sheet, (cards.locale(),)):
            await message.answer(part.text, reply_markup=part.reply_markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_run_sheet, F.chat.type == "private", Command("runsheet"))
    return router
