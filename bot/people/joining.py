"""A driver joining through an invitation: refrigerated vehicle or not, capacity in kg, phone
(optional). Nothing is stored until the last answer; then the driver waits for a coordinator."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import JoinCb
from bot.conversation.language import LocaleUnknown
from bot.i18n import LOCALES, N_
from bot.keyboards import language_keyboard
from bot.refusals import explain
from bot.telegram.edits import edit_markup, edit_text
from bot.texts import language_prompt, role_label
from logistics.clock import Clock
from logistics.errors import DomainError, InvalidInput
from logistics.people.identity import Vehicle, parse_capacity, parse_phone
from logistics.people.invites import (
    AlreadyMember,
    InviteExpired,
    InviteInvalid,
    InviteUsed,
    InviteView,
)
from logistics.people.joining import join


class JoiningFlow(StatesGroup):
    refrigerated = State()  # data: token_hash, antenna
    capacity = State()  # data: + refrigerated
    phone = State()  # data: + capacity


def refusal(error: DomainError) -> str:
    """What an invitation or an answer that cannot be used gets."""
    if isinstance(error, InviteInvalid):
        return _(
            "This invitation link is not valid: check that it was copied whole, or ask your "
            "coordinator for a new one."
        )
    if isinstance(error, InviteUsed):
        return _("This invitation link was already used. Ask your coordinator for a new one.")
    if isinstance(error, InviteExpired):
        return _("This invitation link has expired. Ask your coordinator for a new one.")
    if isinstance(error, AlreadyMember):
        if error.status == "pending":
            return _("You have already asked to join: a coordinator will answer soon.")
        if error.status == "suspended":
            return _("Your role here is suspended. Ask your coordinator.")
        return _("You already have this role. Send /start to see what you can do.")
    if isinstance(error, InvalidInput) and str(error) == "capacity_invalid":
        return _(
            "Please give the capacity in kilograms as a whole number between 1 and 40,000, "
            "for example <code>300</code>."
        )
    if isinstance(error, InvalidInput) and str(error) == "phone_invalid":
        return _(
            "This does not look like a phone number, for example <code>+32 470 12 34 56</code>."
        )
    return explain(error)


async def begin(message: Message, state: FSMContext, view: InviteView) -> None:
    """Start the driver's questions; the token's hash waits in the conversation state."""
    await state.set_state(JoiningFlow.refrigerated)
    await state.set_data({"token_hash": view.token_hash, "antenna": view.antenna_name})
    builder = InlineKeyboardBuilder()
    builder.button(text=_("❄️ Yes, refrigerated"), callback_data=JoinCb(answer="cold"))
    builder.button(text=_("No"), callback_data=JoinCb(answer="dry"))
    builder.adjust(2)
    await message.answer(
        _("Welcome! You are joining the antenna {antenna} as a driver.").format(
            antenna=escape(view.antenna_name)
        )
        + "\n\n"
        + _("Is your vehicle refrigerated? (/cancel to stop)"),
        reply_markup=builder.as_markup(),
    )


def ask_capacity() -> str:
    return _("How many kilograms can your vehicle carry? For example <code>300</code>.")


async def refrigerated(query: CallbackQuery, callback_data: JoinCb, state: FSMContext) -> None:
    cold = callback_data.answer == "cold"
    await state.update_data(refrigerated=cold)
    await state.set_state(JoiningFlow.capacity)
    await query.answer()
    answer = _("Refrigerated vehicle.") if cold else _("Vehicle not refrigerated.")
    await edit_text(query.message, answer)
    await query.message.answer(ask_capacity())


async def capacity(message: Message, state: FSMContext) -> None:
    try:
        kg = parse_capacity(message.text or "")
    except InvalidInput as error:
        await message.answer(refusal(error))
        return
    await state.update_data(capacity=kg)
    await state.set_state(JoiningFlow.phone)
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Skip"), callback_data=JoinCb(answer="skip"))
    await message.answer(
        _(
            "A phone number where the coordinators can reach you? It is only shown to them. "
            "Or skip."
        ),
        reply_markup=builder.as_markup(),
    )


async def phone(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    locale: str,
    locale_known: bool,
) -> None:
    try:
        number = parse_phone(message.text or "")
    except InvalidInput as error:
        await message.answer(refusal(error))
        return
    await finish(message, message.from_user, state, session, clock, locale_known and locale, number)


async def skip_phone(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    locale: str,
    locale_known: bool,
) -> None:
    await query.answer()
    await edit_markup(query.message, None)
    language = locale_known and locale
    await finish(query.message, query.from_user, state, session, clock, language, None)


async def finish(
    message: Message,
    user: User,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    language: str | bool,
    number: str | None,
) -> None:
    data = await state.get_data()
    await state.clear()
    try:
        await join(
            session,
            token_hash=data["token_hash"],
            telegram_id=user.id,
            name=user.full_name,
            username=user.username,
            language=language or None,
            now=clock.now(),
            vehicle=Vehicle(
                refrigerated=bool(data["refrigerated"]), capacity_kg=data["capacity"], phone=number
            ),
        )
    except DomainError as error:
        await message.answer(refusal(error))
        return
    await message.answer(
        _(
            "Thank you! You are registered as {role}, waiting for a coordinator of the antenna "
            "{antenna} to approve you. The bot will tell you."
        ).format(role=role_label("driver"), antenna=escape(data["antenna"]))
    )


async def language_first(message: Message, i18n: I18n) -> None:
    """An invitation opened by someone whose language is not known yet: the language first."""
    again = N_("Then open the invitation link again.")
    await message.answer(
        language_prompt(i18n)
        + "\n\n"
        + "\n".join(i18n.gettext(again, locale=lc) for lc in LOCALES),
        reply_markup=language_keyboard(),
    )


def create_router() -> Router:
    """Before the language router: a link opened before the language is known is kept aside."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(language_first, CommandStart(deep_link=True), LocaleUnknown())
    router.callback_query.register(
        refrigerated, JoiningFlow.refrigerated, JoinCb.filter(F.answer.in_({"cold", "dry"}))
    )
    router.message.register(capacity, JoiningFlow.capacity, ~F.text.startswith("/"))
    router.message.register(phone, JoiningFlow.phone, ~F.text.startswith("/"))
    router.callback_query.register(skip_phone, JoiningFlow.phone, JoinCb.filter(F.answer == "skip"))
    return router
