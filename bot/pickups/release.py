"""Giving a pickup back. "Release" asks first, in the presser's private chat (from the group
too: the question is theirs, not the group's); the answer releases it, with a reason under 24
hours before the window. Who may is checked at the press and again at the answer."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import ReleaseAnswerCb, ReleaseCb
from bot.pickups import release_view
from bot.pickups.driver_panel import panel_keyboard, panel_text
from bot.refusals import explain
from bot.telegram.edits import edit_text
from logistics.clock import Clock
from logistics.errors import DomainError
from logistics.people.identity import Identity
from logistics.pickups.release import (
    RELEASE_REASONS,
    ReleaseQuestion,
    release_claim,
    release_question,
)
from logistics.pickups.views import donation_view

log = logging.getLogger(__name__)
ANSWERS = ("yes", "keep", *RELEASE_REASONS)


def _in_private(query: CallbackQuery) -> bool:
    return query.message is not None and query.message.chat.type == "private"


async def _question(
    query: CallbackQuery,
    donation_id: int,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> ReleaseQuestion | None:
    """What to ask, or None when this person may not release it (they are told why)."""
    try:
        return await release_question(
            session, donation_id=donation_id, identity=identity, now=clock.now()
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return None


async def ask(
    query: CallbackQuery,
    callback_data: ReleaseCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    bot: Bot,
) -> None:
    donation_id = callback_data.donation_id
    question = await _question(query, donation_id, identity, session, clock)
    if question is None:
        return
    view = await donation_view(session, donation_id)
    text = release_view.question_text(view, question)
    keyboard = release_view.question_keyboard(question)
    if _in_private(query):
        await edit_text(query.message, text, keyboard)
        await query.answer()
        return
    not_opened = _(
        "Open a private chat with me first (send me /start): I ask there before giving a "
        "pickup back."
    )
    if not question.may_write:
        await query.answer(not_opened, show_alert=True)
        return
    try:
        await bot.send_message(query.from_user.id, text, reply_markup=keyboard)
    except (TelegramForbiddenError, TelegramBadRequest):
        log.info("%s has no private chat with the bot", query.from_user.id)
        await query.answer(not_opened, show_alert=True)
        return
    await query.answer(_("I asked you in our private chat."))


async def answer(
    query: CallbackQuery,
    callback_data: ReleaseAnswerCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    donation_id, said = callback_data.donation_id, callback_data.answer
    if said not in ANSWERS:
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    # may they still? (another role, suspended, released meanwhile...)
    question = await _question(query, donation_id, identity, session, clock)
    if question is None:
        return
    view = await donation_view(session, donation_id)
    if said == "keep":
        await query.answer(_("Kept: the pickup stays taken."))
        if question.holder_name is None:
            await edit_text(query.message, panel_text(view), panel_keyboard(view))
        else:
            await edit_text(query.message, panel_text(view))
        return
    if question.late and said == "yes":  # under 24 hours since it was asked: a reason first
        await edit_text(
            query.message,
            release_view.question_text(view, question),
            release_view.question_keyboard(question),
        )
        await query.answer(_("It is now less than 24 hours before: tell me why."), show_alert=True)
        return
    try:
        result = await release_claim(
            session,
            donation_id=donation_id,
            identity=identity,
            now=clock.now(),
            reason=None if said == "yes" else said,
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer(_("Given back: it is offered to the other drivers."))
    view = await donation_view(session, donation_id)
    await edit_text(query.message, release_view.released_text(view, result.late))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(ask, ReleaseCb.filter())
    router.callback_query.register(answer, ReleaseAnswerCb.filter())
    return router
