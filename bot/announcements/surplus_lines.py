"""The buttons of each line the echo did not understand: choose its kind of food, or drop it.

The echo is edited in place: the category buttons of one line, then the echo again with the
line made an item (or shown as left out). Only inside the store's own announcement.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.announcements.surplus import confirming
from bot.announcements.surplus_echo import draft_keyboard, render_draft
from bot.callbacks import LineCb
from bot.refusals import explain
from bot.telegram.edits import edit_markup, edit_text
from logistics.announcements.announce import Draft, load_catalog
from logistics.announcements.announce_lines import drop_line, file_line, line_check, open_lines
from logistics.errors import DomainError
from logistics.people.identity import Identity
from storage.models import Antenna, Store

SHOW, FILE, DROP, BACK = 0, 1, 2, 3


async def line_pressed(
    query: CallbackQuery,
    callback_data: LineCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
) -> None:
    data = await confirming(query, state)
    if data is None:
        return
    draft = Draft.from_data(data["draft"])
    step = callback_data.step
    if step in (SHOW, BACK):
        if not is_open(draft, callback_data):
            await query.answer(_("This line was already settled."), show_alert=True)
            return
        await query.answer()
        markup = await categories(callback_data, session) if step == SHOW else None
        await edit_markup(query.message, markup or draft_keyboard(draft))
        return
    try:
        if step == FILE:
            draft = await file_line(
                session,
                identity=identity,
                draft=draft,
                line=callback_data.line,
                check=callback_data.check,
                category_id=callback_data.category_id,
            )
        elif step == DROP:
            draft = drop_line(draft, line=callback_data.line, check=callback_data.check)
        else:
            raise DomainError(step)
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await state.update_data(draft=draft.to_data())
    await query.answer()
    store = await session.get(Store, draft.store_id)
    antenna = await session.get(Antenna, store.antenna_id)
    await edit_text(query.message, render_draft(draft, antenna.timezone), draft_keyboard(draft))


def is_open(draft: Draft, pressed: LineCb) -> bool:
    lines = open_lines(draft)
    return pressed.line in lines and line_check(draft.not_understood[pressed.line]) == pressed.check


async def categories(pressed: LineCb, session: AsyncSession):
    """One button per category of the catalogue, in the person's language, and back."""
    french = cards.locale() == "fr"
    builder = InlineKeyboardBuilder()
    for entry in await load_catalog(session):
        builder.button(
            text=entry.name_fr if french else entry.name_nl,
            callback_data=LineCb(
                line=pressed.line, check=pressed.check, step=FILE, category_id=entry.id
            ),
        )
    builder.adjust(2)
    back = LineCb(line=pressed.line, check=pressed.check, step=BACK)
    builder.row(InlineKeyboardButton(text=_("↩️ Back"), callback_data=back.pack()))
    return builder.as_markup()


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(line_pressed, LineCb.filter())
    return router
