"""The evening summary as one Telegram message, and /summary for coordinators.

Figures are written the way a Belgian reader expects them (Babel, through ``formatting``);
the week to date is set against the same days of last week, as a percentage, or in kg when
last week brought nothing to compare with.
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
from logistics.clock import Clock
from logistics.people import Identity
from logistics.permissions import coordinated_antennas
from logistics.summary import Summary, todays_summary

CATEGORIES_SHOWN = 20  # keeps the message far below Telegram's 4096 characters


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
    return "\n".join(lines)


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
