"""/antenna: a coordinator sees and changes their antenna's settings (run-sheet and summary
times, the group's languages; the distribution days and the vehicles have their own pages).
A new time rebuilds the antenna's daily jobs at once."""

from __future__ import annotations

import logging
from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import AntennaCb, DistributionCb, VehiclesCb
from bot.keyboards import LANGUAGE_LABELS
from bot.refusals import explain
from bot.telegram.edits import edit_text
from logistics.clock import Clock
from logistics.errors import DomainError, InvalidInput
from logistics.network.antenna_settings import (
    AntennaSettings,
    antenna_settings,
    check_settings_editor,
    set_antenna_time,
    set_group_languages,
)
from logistics.people.identity import Identity
from logistics.people.permissions import coordinated_antennas
from scheduler.broadcasts import BroadcastJobs

log = logging.getLogger(__name__)

SETTINGS = {"rs": "run_sheet_time", "sm": "summary_time"}
LANGUAGE_ACTIONS = {"fr": "fr", "nl": "nl", "fn": "fr,nl"}


class AntennaFlow(StatesGroup):
    time = State()  # data: antenna_id, setting


def settings_text(settings: AntennaSettings) -> str:
    languages = " + ".join(
        LANGUAGE_LABELS.get(lc, lc) for lc in settings.group_languages.split(",") if lc
    )
    return "\n".join(
        [
            _("⚙️ <b>{antenna}</b>: settings").format(antenna=escape(settings.name)),
            _("🗒 Run sheet to the group at {time}").format(time=settings.run_sheet_time),
            _("🌙 Summary to the coordinators at {time}").format(time=settings.summary_time),
            _("💬 Languages of the group: {languages}").format(languages=languages),
            _("Times are local ({zone}).").format(zone=escape(settings.timezone)),
        ]
    )


def settings_keyboard(settings: AntennaSettings) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    antenna_id = settings.antenna_id
    builder.button(
        text=_("🗒 Change the run-sheet time"),
        callback_data=AntennaCb(antenna_id=antenna_id, action="rs"),
    )
    builder.button(
        text=_("🌙 Change the summary time"),
        callback_data=AntennaCb(antenna_id=antenna_id, action="sm"),
    )
    builder.button(
        text=_("📅 Distribution days of the associations"),
        callback_data=DistributionCb(antenna_id=antenna_id),
    )
    builder.button(text=_("🚐 Vehicles"), callback_data=VehiclesCb(antenna_id=antenna_id))
    for action, languages in LANGUAGE_ACTIONS.items():
        label = " + ".join(LANGUAGE_LABELS[lc] for lc in languages.split(","))
        mark = "✓ " if languages == settings.group_languages else ""
        builder.button(
            text=mark + label, callback_data=AntennaCb(antenna_id=antenna_id, action=action)
        )
    builder.adjust(1, 1, 1, 1, 2, 1)
    return builder.as_markup()


def example() -> str:
    return _(
        "Write it like <code>7:30</code>, <code>07h30</code> or <code>7u30</code>, "
        "between 00:00 and 23:59. /cancel to stop."
    )


def refusal(error: DomainError) -> str:
    if isinstance(error, InvalidInput) and str(error) == "time_invalid":
        return _("I could not read this time.") + " " + example()
    return explain(error)


async def show_settings(message: Message, identity: Identity | None, session: AsyncSession) -> None:
    antennas = coordinated_antennas(identity)
    if not antennas:
        await message.answer(_("The antenna settings are for its coordinators."))
        return
    for antenna_id in antennas:
        settings = await antenna_settings(session, identity=identity, antenna_id=antenna_id)
        await message.answer(settings_text(settings), reply_markup=settings_keyboard(settings))


async def pressed(
    query: CallbackQuery,
    callback_data: AntennaCb,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    antenna_id, action = callback_data.antenna_id, callback_data.action
    try:
        if action in SETTINGS:
            check_settings_editor(identity, antenna_id)
        elif action in LANGUAGE_ACTIONS:
            settings = await set_group_languages(
                session,
                identity=identity,
                antenna_id=antenna_id,
                languages=LANGUAGE_ACTIONS[action],
                now=clock.now(),
            )
        else:
            raise InvalidInput("setting_unknown")
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    if action in SETTINGS:
        await state.set_state(AntennaFlow.time)
        await state.set_data({"antenna_id": antenna_id, "setting": SETTINGS[action]})
        await query.answer()
        if action == "rs":
            question = _("At what time should the run sheet be sent to the group?")
        else:
            question = _("At what time should the summary be sent to the coordinators?")
        await query.message.answer(question + "\n" + example())
        return
    await query.answer(_("Saved."))
    await edit_text(query.message, settings_text(settings), settings_keyboard(settings))


async def time_typed(
    message: Message,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
    broadcasts: BroadcastJobs | None = None,
) -> None:
    data = await state.get_data()
    try:
        settings = await set_antenna_time(
            session,
            identity=identity,
            antenna_id=data["antenna_id"],
            setting=data["setting"],
            text=message.text or "",
            now=clock.now(),
        )
    except DomainError as error:
        if isinstance(error, InvalidInput) and str(error) == "time_invalid":
            await message.answer(refusal(error))  # the step waits for a good time
            return
        await state.clear()
        await message.answer(refusal(error))
        return
    await state.clear()
    if broadcasts is not None:
        await broadcasts.rebuild(settings.antenna_id)
    if data["setting"] == "run_sheet_time":
        done = _("Saved: the run sheet will be sent at {time}.").format(
            time=settings.run_sheet_time
        )
    else:
        done = _("Saved: the summary will be sent at {time}.").format(time=settings.summary_time)
    await message.answer(
        done + "\n\n" + settings_text(settings), reply_markup=settings_keyboard(settings)
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_settings, F.chat.type == "private", Command("antenna"))
    router.message.register(
        time_typed, AntennaFlow.time, F.chat.type == "private", F.text, ~F.text.startswith("/")
    )
    router.callback_query.register(pressed, AntennaCb.filter())
    return router
