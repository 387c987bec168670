"""/antenna → distribution days: a coordinator sets on which weekdays each association of the
antenna hands food out (a toggle per weekday). Short-dated food goes first to the
associations that distribute soonest."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import DistributionCb
from bot.refusals import explain
from bot.telegram.edits import edit_text
from logistics.clock import Clock
from logistics.errors import DomainError, InvalidInput
from logistics.network.distribution_days import (
    DistributionDays,
    antenna_distribution_days,
    distribution_days,
    toggle_distribution_day,
)
from logistics.people.identity import Identity


def days_label(days: tuple[int, ...]) -> str:
    if not days:
        return _("no day given")
    return ", ".join(formatting.weekday(day, cards.locale()) for day in days)


def association_text(association: DistributionDays) -> str:
    return "\n".join(
        [
            _("📅 <b>{association}</b> hands food out on: {days}").format(
                association=escape(association.name), days=days_label(association.days)
            ),
            _(
                "Food close to its use-by date goes first to the associations that hand it "
                "out soonest. Press a day to add it or take it away."
            ),
        ]
    )


def association_keyboard(association: DistributionDays) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for day in range(7):
        mark = "✓ " if day in association.days else ""
        builder.button(
            text=mark + formatting.weekday(day, cards.locale()),
            callback_data=DistributionCb(association_id=association.association_id, weekday=day),
        )
    builder.button(
        text=_("↩️ All the associations"),
        callback_data=DistributionCb(antenna_id=association.antenna_id),
    )
    builder.adjust(2, 2, 2, 1, 1)
    return builder.as_markup()


def list_text(associations: list[DistributionDays]) -> str:
    if not associations:
        return _("This antenna has no active association.")
    lines = [_("📅 The days each association hands food out:")]
    lines += [f"• {escape(a.name)}: {days_label(a.days)}" for a in associations]
    return "\n".join(lines)


def list_keyboard(associations: list[DistributionDays]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for association in associations:
        builder.button(
            text=association.name[:60],
            callback_data=DistributionCb(association_id=association.association_id),
        )
    builder.adjust(1)
    return builder.as_markup()


async def pressed(
    query: CallbackQuery,
    callback_data: DistributionCb,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    association_id, weekday = callback_data.association_id, callback_data.weekday
    try:
        if not association_id:
            if not callback_data.antenna_id:
                raise InvalidInput("setting_unknown")
            associations = await antenna_distribution_days(
                session, identity=identity, antenna_id=callback_data.antenna_id
            )
            await query.answer()
            await edit_text(query.message, list_text(associations), list_keyboard(associations))
            return
        if weekday == -1:
            association = await distribution_days(
                session, identity=identity, association_id=association_id
            )
            await query.answer()
        else:
            association = await toggle_distribution_day(
                session,
                identity=identity,
                association_id=association_id,
                weekday=weekday,
                now=clock.now(),
            )
            await query.answer(_("Saved."))
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await edit_text(query.message, association_text(association), association_keyboard(association))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(pressed, DistributionCb.filter())
    return router
