"""/register [period]: the traceability register, as a short message and its XLSX, CSV and
PDF files. An association's members get its own lines; a coordinator, the antenna's.

The period: nothing, this month to date; ``2026-03``, ``03/2026``, ``mars 2026`` or
``maart 2026``, that month; a number of days (1 to 366), the last days up to today.
"""

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
from bot.safety.register_export import make_register
from logistics.clock import Clock
from logistics.errors import InvalidInput
from logistics.people.identity import Identity
from logistics.reports.periods import MAX_DAYS, parse_days
from logistics.safety.register import register_scopes
from storage.models import Antenna, Association


def period_problem(error: InvalidInput, text: str) -> str:
    if str(error) == "future_month":
        return _("That month has not begun yet: ask for this month or an earlier one.")
    return _(
        "I did not understand the period “{text}”. Write a month like 2026-03, mars 2026 or "
        "maart 2026, or a number of days up to {most} (7: the last seven days); /register "
        "alone gives this month."
    ).format(text=escape(text[:50]), most=MAX_DAYS)


async def send_register(
    message: Message,
    command: CommandObject,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    i18n: I18n,
) -> None:
    scopes = register_scopes(identity)
    if not scopes:
        await message.answer(
            _("The traceability register is for the associations and coordinators of an antenna.")
        )
        return
    now = clock.now()
    for scope in scopes:
        antenna = await session.get(Antenna, scope.antenna_id)
        try:
            days = parse_days(command.args, now=now, tz=antenna.timezone)
        except InvalidInput as error:
            await message.answer(period_problem(error, command.args or ""))
            return
        association = (
            await session.get(Association, scope.association_id)
            if scope.association_id is not None
            else None
        )
        files = await make_register(
            session,
            antenna=antenna,
            days=days,
            network=settings.bot.network_name,
            i18n=i18n,
            locale=cards.locale(),
            association=association,
        )
        await message.answer(files.text)
        for name, data in files.files():
            await message.answer_document(BufferedInputFile(data, filename=name))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(send_register, F.chat.type == "private", Command("register"))
    return router
