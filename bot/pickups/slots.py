"""/slots: the stores' standing weekly pickups. Coordinators add and remove them, drivers
hold them every week, store managers see theirs. One message per store, at most ten."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import AddSlotsCb, WeeklySlotCb
from bot.refusals import explain
from bot.telegram.edits import edit_markup, edit_text
from logistics.clock import Clock
from logistics.errors import DomainError, InvalidInput
from logistics.people.identity import Identity
from logistics.people.permissions import has_role, is_coordinator
from logistics.pickups.claims import drop_standing_claim, set_standing_claim
from logistics.pickups.slots import (
    SlotView,
    StoreSlots,
    add_slots,
    check_slot_editor,
    remove_slot,
    slot_board,
)

MAX_STORES = 10
SLOT_ROLES = ("coordinator", "driver", "store_manager")


class SlotFlow(StatesGroup):
    writing = State()  # data: store_id


def example() -> str:
    return _(
        "For example <code>sat 10:00-10:30</code> or <code>mon-fri 19:00-19:30</code>. "
        "/cancel to stop."
    )


def refusal(error: DomainError) -> str:
    if isinstance(error, InvalidInput) and str(error) == "slot_overlap":
        return _("This overlaps a slot the store already has that day: remove that one first.")
    if isinstance(error, InvalidInput) and str(error) == "slot_text":
        return _("I could not read this: write the days, then the start and end times.")
    return explain(error)


def day_name(weekday: int) -> str:
    return formatting.weekday(weekday, cards.locale())


def slot_line(slot: SlotView, identity: Identity) -> str:
    when = f"{day_name(slot.weekday).capitalize()} {slot.window_start}–{slot.window_end}"
    if slot.standing_driver_id is None:
        holder = _("no standing driver yet")
    elif slot.standing_driver_id == identity.member_id:
        holder = _("held by you")
    else:
        holder = _("held by {name}").format(name=escape(slot.standing_driver_name or "—"))
    return f"• {when} · {holder}"


def board_text(board: StoreSlots, identity: Identity) -> str:
    lines = [slot_line(slot, identity) for slot in board.slots] or [_("No weekly pickup slot yet.")]
    return "\n".join([f"🏪 <b>{escape(board.store_name)}</b>", *lines])


def board_keyboard(board: StoreSlots, identity: Identity) -> InlineKeyboardMarkup | None:
    coordinator = is_coordinator(identity, board.antenna_id)
    driver = has_role(identity, "driver", board.antenna_id)
    builder = InlineKeyboardBuilder()

    def button(text: str, slot: SlotView, action: str) -> InlineKeyboardButton:
        data = WeeklySlotCb(store_id=board.store_id, slot_id=slot.slot_id, action=action)
        label = text.format(day=day_name(slot.weekday), start=slot.window_start)
        return InlineKeyboardButton(text=label, callback_data=data.pack())

    for slot in board.slots:
        row = []
        if driver and slot.standing_driver_id is None:
            row.append(button(_("📌 Hold every {day} at {start}"), slot, "h"))
        elif driver and slot.standing_driver_id == identity.member_id:
            row.append(button(_("✖️ Stop holding {day} at {start}"), slot, "d"))
        if coordinator:
            row.append(button(_("🗑 Remove {day} {start}"), slot, "r"))
        if row:
            builder.row(*row)
    if coordinator:
        data = AddSlotsCb(store_id=board.store_id).pack()
        builder.row(InlineKeyboardButton(text=_("➕ Add slots"), callback_data=data))
    return builder.as_markup() if builder.export() else None


async def show_slots(message: Message, identity: Identity, session: AsyncSession) -> None:
    if not any(identity.has_role(role) for role in SLOT_ROLES):
        await message.answer(
            _(
                "Weekly pickup slots are for the coordinators, drivers and store managers of "
                "an antenna. Ask your coordinator."
            )
        )
        return
    boards = await slot_board(session, identity=identity)
    if not boards:
        await message.answer(_("No weekly pickup slot yet."))
        return
    for board in boards[:MAX_STORES]:
        await message.answer(
            board_text(board, identity), reply_markup=board_keyboard(board, identity)
        )
    if len(boards) > MAX_STORES:
        more = len(boards) - MAX_STORES
        await message.answer(
            ngettext(
                "{count} more store is not shown.", "{count} more stores are not shown.", more
            ).format(count=more)
        )


async def slot_pressed(
    query: CallbackQuery,
    callback_data: WeeklySlotCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    slot_id, now = callback_data.slot_id, clock.now()
    try:
        if callback_data.action == "h":
            await set_standing_claim(session, slot_id=slot_id, identity=identity, now=now)
            done = _("It is yours every week. Thank you!")
        elif callback_data.action == "d":
            await drop_standing_claim(session, slot_id=slot_id, identity=identity, now=now)
            done = _("You no longer hold this slot.")
        else:
            await remove_slot(session, slot_id=slot_id, identity=identity, now=now)
            done = _("Slot removed.")
    except DomainError as error:
        await query.answer(refusal(error), show_alert=True)
        return
    await query.answer(done)
    if isinstance(query.message, Message):
        boards = await slot_board(session, identity=identity, store_id=callback_data.store_id)
        if boards:
            board = boards[0]
            markup = board_keyboard(board, identity)
            await edit_text(query.message, board_text(board, identity), markup)
        else:
            await edit_markup(query.message, None)


async def add_pressed(
    query: CallbackQuery,
    callback_data: AddSlotsCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
) -> None:
    store_id = callback_data.store_id
    try:
        store = await check_slot_editor(session, identity=identity, store_id=store_id)
    except DomainError as error:
        await query.answer(refusal(error), show_alert=True)
        return
    await query.answer()
    await state.set_state(SlotFlow.writing)
    await state.set_data({"store_id": store_id})
    question = _("Which weekly slots should {store} get? Write the days, then the window.")
    await query.message.answer(question.format(store=escape(store)) + "\n" + example())


async def slots_written(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    store_id = (await state.get_data())["store_id"]
    try:
        await add_slots(
            session, identity=identity, store_id=store_id, text=message.text or "", now=clock.now()
        )
    except InvalidInput as error:
        await message.answer(refusal(error) + "\n" + example())
        return
    except DomainError as error:
        await state.clear()
        await message.answer(refusal(error))
        return
    await state.clear()
    boards = await slot_board(session, identity=identity, store_id=store_id)
    text = _("Saved: the bot opens each day's pickup by itself.")
    if boards:
        text += "\n\n" + board_text(boards[0], identity)
    markup = board_keyboard(boards[0], identity) if boards else None
    await message.answer(text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(show_slots, Command("slots"))
    router.message.register(slots_written, SlotFlow.writing, ~F.text.startswith("/"))
    router.callback_query.register(slot_pressed, WeeklySlotCb.filter(F.action.in_({"h", "d", "r"})))
    router.callback_query.register(add_pressed, AddSlotsCb.filter())
    return router
