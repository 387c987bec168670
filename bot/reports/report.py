"""/report [month]: the monthly report of the coordinator's antennas, who keeps missing or
releasing late, its CSV and XLSX files, the hubs' stock and the vehicles' tours on paper when
there were some, and the chart of the month's days."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.config import Settings
from bot.reports.export import make_bundle
from logistics.clock import Clock
from logistics.errors import InvalidInput
from logistics.people.identity import Identity
from logistics.people.permissions import coordinated_antennas
from logistics.reports.monthly import Factors
from logistics.reports.periods import parse_month
from storage.models import Antenna


def month_problem(error: InvalidInput, text: str) -> str:
    if str(error) == "future_month":
        return _("That month has not begun yet: ask for this month or an earlier one.")
    return _(
        "I did not understand the month “{text}”. Write it like 2026-03, 03/2026, "
        "mars 2026 or maart 2026; /report alone gives last month."
    ).format(text=escape(text[:50]))


async def send_report(
    message: Message,
    command: CommandObject,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    i18n: I18n,
) -> None:
    antennas = coordinated_antennas(identity)
    if not antennas:
        await message.answer(_("Reports are for the coordinators of an antenna."))
        return
    first = await session.get(Antenna, antennas[0])
    try:
        month = parse_month(command.args, now=clock.now(), tz=first.timezone)
    except InvalidInput as error:
        await message.answer(month_problem(error, command.args or ""))
        return
    files = await make_bundle(
        session,
        antenna_ids=antennas,
        month=month,
        factors=Factors(settings.impact.meals_per_kg, settings.impact.co2e_kg_per_kg),
        now=clock.now(),
        i18n=i18n,
        locale=cards.locale(),
    )
    await message.answer(files.text)
    await message.answer(files.reliability)
    await message.answer_document(
        BufferedInputFile(files.csv, filename=files.csv_name),
        caption=_("CSV for Excel (separated by “;”)"),
    )
    await message.answer_document(BufferedInputFile(files.xlsx, filename=files.xlsx_name))
    if files.stock_pdf is not None:
        await message.answer_document(
            BufferedInputFile(files.stock_pdf, filename=files.stock_pdf_name),
            caption=_("The hubs' stock, to print"),
        )
    if files.tours_pdf is not None:
        await message.answer_document(
            BufferedInputFile(files.tours_pdf, filename=files.tours_pdf_name),
            caption=_("The vehicles' tours, to print"),
        )
    await message.answer_photo(
        BufferedInputFile(files.chart, filename=files.chart_name), caption=files.chart_caption
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(send_report, F.chat.type == "private", Command("report"))
    return router
