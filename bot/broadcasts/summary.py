"""The evening summary as one Telegram message, and /summary for coordinators.

Figures are written the way a Belgian reader expects them (Babel, through ``formatting``);
the week to date is set against the same days of last week, as a percentage, or in kg when
last week brought nothing to compare with. Each hub holding or moving stock gets a few lines:
the day's moves, what is on hand, and what passes its date, first expired first. The day's
tours follow, one line each: stops made, kg carried, km estimated and kg per km.
"""

from __future__ import annotations

from datetime import datetime, time
from html import escape
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.i18n import N_
from bot.reports.text import losses_text, signed
from bot.reports.tour_figures_text import day_tour_lines
from logistics.broadcasts.summary import Summary, todays_summary
from logistics.clock import Clock
from logistics.people.identity import Identity
from logistics.people.permissions import coordinated_antennas
from logistics.stock.day_figures import HubDay

CATEGORIES_SHOWN = 20  # keeps the message far below Telegram's 4096 characters
DUE_SHOWN = 6  # categories per line of food passing its date
DUE_LINES = {
    "past": N_("⚠️ Past its date, still on hand: {food}"),
    "today": N_("⏳ Its date is today: {food}"),
    "tomorrow": N_("📅 Its date is tomorrow: {food}"),
}


def change(current: float, before: float, locale: str) -> str:
    """``+12,5 %`` against last week, or ``+30 kg`` when last week had nothing."""
    if before > 0:
        percent = (current - before) / before * 100
        sign = "+" if percent >= 0 else "−"
        return f"{sign}{formatting.number(abs(percent), locale)} %"
    return "+" + formatting.kg(current, locale)


def summary_text(summary: Summary) -> str:
    """The summary in the current language."""
    lc = cards.locale()
    noon = datetime.combine(summary.day, time(12), tzinfo=ZoneInfo(summary.tz))
    lines = [
        _("📊 <b>Summary of {day}</b> — {antenna}").format(
            day=formatting.short_day(noon, lc, summary.tz), antenna=escape(summary.antenna_name)
        ),
        "",
        _("Collected today: <b>{kg}</b>").format(kg=formatting.kg(summary.today_kg, lc)),
    ]
    for category in summary.by_category[:CATEGORIES_SHOWN]:
        name = category.name_nl if lc == "nl" else category.name_fr
        lines.append(f"• {escape(name)}: {formatting.kg(category.kg, lc)}")
    hidden = len(summary.by_category) - CATEGORIES_SHOWN
    if hidden > 0:
        lines.append(_("… and {count} more").format(count=hidden))
    lines += [
        _("Week to date: {kg} ({change} against the same days last week, {before})").format(
            kg=formatting.kg(summary.week_kg, lc),
            change=change(summary.week_kg, summary.last_week_kg, lc),
            before=formatting.kg(summary.last_week_kg, lc),
        ),
        _("Month to date: {kg}").format(kg=formatting.kg(summary.month_kg, lc)),
        "",
        _("✅ Pickups done: {done} · ❌ missed: {missed} · 🔓 unclaimed: {unclaimed}").format(
            done=summary.done, missed=summary.missed, unclaimed=summary.unclaimed
        ),
        _("⚠️ Released late: {late} · ⚖️ disputed receipts to settle: {disputed}").format(
            late=summary.released_late, disputed=summary.disputed
        ),
    ]
    for hub in summary.hubs:
        lines += ["", *hub_lines(hub, lc)]
    if summary.tours:
        lines += ["", *day_tour_lines(summary.tours, lc)]
    return "\n".join(lines)


def hub_lines(hub: HubDay, lc: str) -> list[str]:
    """The hub's day: its moves (when it had some), what it holds, what passes its date."""
    lines = [
        _("🏬 <b>{hub}</b>: {kg} on hand now").format(
            hub=escape(hub.hub), kg=formatting.kg(hub.on_hand_kg, lc)
        )
    ]
    if hub.in_kg or hub.out_kg or hub.lost_total_kg or hub.count_kg:
        lines.append(
            _("Today into stock: {put} · out to associations: {out} · lost: {lost}").format(
                put=formatting.kg(hub.in_kg, lc),
                out=formatting.kg(hub.out_kg, lc),
                lost=losses_text(hub.lost_kg, lc),
            )
        )
    if hub.count_kg:
        lines.append(_("Count corrections: {kg}").format(kg=signed(hub.count_kg, lc) + " kg"))
    for due, message in DUE_LINES.items():
        food = hub.due_on(due)
        if not food:
            continue
        shown = [f"{escape(d.name(lc))} {formatting.kg(d.kg, lc)}" for d in food[:DUE_SHOWN]]
        if len(food) > DUE_SHOWN:
            shown.append(_("… and {count} more").format(count=len(food) - DUE_SHOWN))
        lines.append(_(message).format(food=", ".join(shown)))
    return lines


def render_summary(i18n: I18n, summary: Summary, languages: tuple[str, ...]) -> str:
    """One message holding the summary in each of the languages."""
    with i18n.context():
        return cards.bilingual(i18n, languages, lambda: summary_text(summary))


async def show_summary(
    message: Message, identity: Identity | None, session: AsyncSession, clock: Clock
) -> None:
    antennas = coordinated_antennas(identity)
    if not antennas:
        await message.answer(_("The daily summary is for the coordinators of an antenna."))
        return
    for antenna_id in antennas:
        summary = await todays_summary(session, antenna_id=antenna_id, now=clock.now())
        await message.answer(summary_text(summary))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_summary, F.chat.type == "private", Command("summary"))
    return router
