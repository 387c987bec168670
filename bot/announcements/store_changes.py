"""A store changes its open announcement from /mine: the quantities, written again and
shown back by the /surplus echo (confirm, correct, cancel), or the window, typed alone."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.announcements.store_pickups import show
from bot.announcements.surplus_reading import SurplusFlow, date_question
from bot.callbacks import AnnounceCb, StoreItemsCb, StoreWindowCb
from bot.refusals import explain
from bot.telegram.edits import edit_markup, edit_text
from logistics.announcements.announce import Draft
from logistics.announcements.store_announcements import (
    change_items,
    change_window,
    check_changeable,
)
from logistics.clock import Clock
from logistics.errors import DomainError, InvalidInput
from logistics.people.identity import Identity
from logistics.pickups.views import donation_view
from logistics.safety.food_dates import DateRules


class StoreChange(StatesGroup):
    window = State()  # data: donation_id


async def items_pressed(
    query: CallbackQuery,
    callback_data: StoreItemsCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
) -> None:
    try:
        store_id = await check_changeable(
            session, identity=identity, donation_id=callback_data.donation_id
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await state.set_state(SurplusFlow.writing)  # the /surplus echo, for this pickup
    donation_id = callback_data.donation_id
    await state.set_data(
        {"store_id": store_id, "donation_id": donation_id, "changing": donation_id}
    )
    await query.answer()
    await query.message.answer(
        _(
            "Write all the quantities again, for example <code>15 kg bread, 2 crates "
            "vegetables</code>: they replace the current ones. The window stays unless you "
            "write another one."
        )
    )


async def changing(_event: object, state: FSMContext) -> bool:
    """The echo being answered is a change of an announced pickup."""
    return "changing" in await state.get_data()


async def items_decided(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    date_rules: DateRules | None = None,
) -> None:
    data = await state.get_data()
    if callback_data.action == "cancel":
        await state.clear()
        await query.answer()
        await edit_text(query.message, _("Nothing changed: the pickup stays as it was."))
        return
    draft = Draft.from_data(data["draft"])
    if question := await date_question(draft, session, clock):
        await query.answer()
        await query.message.answer(question)
        return
    try:
        await change_items(
            session,
            identity=identity,
            draft=draft,
            now=clock.now(),
            ideal_days=(date_rules or DateRules()).use_by_ideal_days,
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await state.clear()
    await query.answer(_("Changed."))
    await edit_markup(query.message, None)
    await changed(query.message, session, data["changing"])


async def changed(message: Message, session: AsyncSession, donation_id: int) -> None:
    view = await donation_view(session, donation_id)
    await message.answer(_("✅ Changed. The card in the group shows it too."))
    await show(message, view)


async def window_pressed(
    query: CallbackQuery,
    callback_data: StoreWindowCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
) -> None:
    try:
        await check_changeable(session, identity=identity, donation_id=callback_data.donation_id)
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await state.set_state(StoreChange.window)
    await state.set_data({"donation_id": callback_data.donation_id})
    await query.answer()
    await query.message.answer(_ask_window())


def _ask_window() -> str:
    return _(
        "Write the new window, for example <code>19h-20h30</code>, or "
        "<code>demain 18h-19h</code> for tomorrow."
    )


async def window_written(
    message: Message,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    date_rules: DateRules | None = None,
) -> None:
    donation_id = (await state.get_data())["donation_id"]
    try:
        await change_window(
            session,
            identity=identity,
            donation_id=donation_id,
            text=message.text or "",
            now=clock.now(),
            ideal_days=(date_rules or DateRules()).use_by_ideal_days,
        )
    except InvalidInput as error:  # another try
        await message.answer(explain(error), parse_mode=None)
        await message.answer(_ask_window())
        return
    except DomainError as error:
        await state.clear()
        await message.answer(explain(error), parse_mode=None)
        return
    await state.clear()
    await changed(message, session, donation_id)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(items_pressed, StoreItemsCb.filter())
    router.callback_query.register(
        items_decided,
        AnnounceCb.filter(F.action.in_(("ok", "cancel"))),
        SurplusFlow.confirming,
        changing,
    )
    router.callback_query.register(window_pressed, StoreWindowCb.filter())
    router.message.register(
        window_written, F.chat.type == "private", StoreChange.window, ~F.text.startswith("/")
    )
    return router
