"""/mydata: what the bot keeps about the person, as a summary and as a JSON file;
/forgetme: erasing it, after a confirmation that answers the person's latest question, asked
lately (see ``logistics.people.personal_data``, ``logistics.people.erasure`` and
``logistics.people.erasure_request``). The summary itself is written by
``bot.people.personal_summary``."""

from __future__ import annotations

import contextlib
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.callbacks import ForgetCb
from bot.commands import set_personal_menu
from bot.keyboards import LANGUAGE_LABELS
from bot.people.personal_export import export
from bot.people.personal_summary import summary_text
from bot.telegram.edits import edit_markup, edit_text, holds_button
from logistics.clock import Clock
from logistics.errors import NotFound
from logistics.people.erasure import LastCoordinator, check_forgettable, erase_person
from logistics.people.erasure_request import VALID, NotAsked, answers, ask, check_answer
from logistics.people.identity import Identity
from logistics.people.personal_data import personal_data

QUESTION = "forgetme"  # conversation data: the /forgetme question awaiting its answer


def _only_language(data: dict[str, Any]) -> bool:
    """A person never let in who only chose a language (its audit line aside)."""
    person = data["member"]
    traces = ("memberships", "announcements", "claims", "deliveries", "receipts")
    traces += ("invitations_created", "invitations_used")
    personal = (person["name"], person["username"], person["phone"])
    return not any(personal) and not any(data[kind] for kind in traces)


async def show_my_data(message: Message, identity: Identity, session: AsyncSession) -> None:
    data = await personal_data(session, telegram_id=identity.telegram_id)
    if data is None:
        await message.answer(_("This bot keeps nothing about you."))
        return
    if _only_language(data):
        await message.answer(
            _(
                "This bot keeps only your language choice ({language}), linked to your Telegram id."
            ).format(language=LANGUAGE_LABELS.get(data["member"]["language"] or "", "—"))
        )
        return
    await message.answer(summary_text(data))
    await message.answer_document(
        BufferedInputFile(export(data), filename="my-data.json"),
        caption=_("All the data this bot keeps about you."),
    )


def confirm_keyboard(code: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🗑 Yes, erase my data"), callback_data=ForgetCb(action="yes", code=code))
    builder.button(text=_("No, keep them"), callback_data=ForgetCb(action="no", code=code))
    builder.adjust(1)
    return builder.as_markup()


def last_coordinator_text(error: LastCoordinator) -> str:
    return _(
        "You are the last coordinator of {antenna}: without you nobody could let people in or "
        "decide there. Invite another coordinator first (/invite), then send /forgetme again."
    ).format(antenna=escape(error.antenna_name))


async def ask_to_forget(
    message: Message, identity: Identity, session: AsyncSession, state: FSMContext, clock: Clock
) -> None:
    try:
        await check_forgettable(session, identity=identity)
    except NotFound:
        await message.answer(_("This bot keeps nothing about you."))
        return
    except LastCoordinator as error:
        await message.answer(last_coordinator_text(error))
        return
    asked = ask(clock.now())  # replaces any earlier question: only the latest one counts
    await state.update_data({QUESTION: asked})
    await message.answer(
        _(
            "Erase your personal data? Your name, username, phone, language, vehicle and the "
            "link to your Telegram account are erased, your roles end and your pickups not yet "
            "collected go back to the other drivers. What was collected and delivered stays "
            "in the figures, without your name. This cannot be undone."
        ),
        reply_markup=confirm_keyboard(asked["code"]),
    )


async def forget(
    query: CallbackQuery,
    callback_data: ForgetCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    asked = (await state.get_data()).get(QUESTION)
    if callback_data.action != "yes":
        if answers(asked, callback_data.code):
            await _drop_question(state)
        await query.answer(_("Nothing was erased."))
        await _replace(query, _("Nothing was erased."))
        return
    try:
        check_answer(asked, callback_data.code, clock.now())
        await erase_person(session, identity=identity, now=clock.now())
    except NotAsked as error:
        if error.reason == "expired":
            await _drop_question(state)
        await query.answer(not_asked_text(error), show_alert=True)
        if holds_button(query.message, query.data):
            await edit_markup(query.message, None)  # an old question: its buttons go
        return
    except NotFound:
        await _drop_question(state)
        await query.answer(_("This bot keeps nothing about you."), show_alert=True)
        return
    except LastCoordinator as error:
        await _drop_question(state)
        await query.answer(_("Nothing was erased."))
        await _replace(query, last_coordinator_text(error))
        return
    await state.clear()
    await query.answer()
    await _replace(
        query, _("Done: your personal data are erased and the bot no longer knows you. Goodbye!")
    )
    await set_personal_menu(bot, i18n, chat_id=query.from_user.id, locale=cards.locale())


def not_asked_text(error: NotAsked) -> str:
    if error.reason == "expired":
        why = _("This confirmation is more than {minutes} minutes old: nothing was erased.")
    else:
        why = _("This confirmation is not valid (any more): nothing was erased.")
    again = _("To erase your data, send /forgetme and answer within {minutes} minutes.")
    minutes = int(VALID.total_seconds() // 60)
    return why.format(minutes=minutes) + " " + again.format(minutes=minutes)


async def _drop_question(state: FSMContext) -> None:
    data = await state.get_data()
    if data.pop(QUESTION, None) is not None:
        await state.set_data(data)


async def _replace(query: CallbackQuery, text: str) -> None:
    """The question becomes the answer (its buttons go), when the button pressed is one of
    its own; an old message may not change."""
    if not holds_button(query.message, query.data):
        return
    with contextlib.suppress(TelegramBadRequest):
        await edit_text(query.message, text)


def create_router() -> Router:
    router = Router(name=__name__)
    private = F.chat.type == "private"  # in a group, bot/network/group.py points here
    router.message.register(show_my_data, private, Command("mydata"))
    router.message.register(ask_to_forget, private, Command("forgetme"))
    router.callback_query.register(forget, ForgetCb.filter())
    return router
