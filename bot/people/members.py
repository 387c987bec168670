"""/members: a coordinator's list of the antenna's people by role, page by page, and per
person suspend, reactivate, remove (after a confirmation) and change role. What is shown is
built in ``bot.people.members_view``; the rules are in ``logistics.people.members``."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import MemberCb, MembersCb
from bot.people.invites import (
    PLACED_ROLES,
    antenna_keyboard,
    not_coordinator,
    place_question,
    show,
)
from bot.people.members_view import back, card_view, confirm_removal, page_view, short
from bot.refusals import explain
from bot.reports.reliability_text import driver_card_lines
from bot.texts import role_label
from logistics.clock import Clock
from logistics.errors import DomainError, NotAllowed
from logistics.people import members as rules
from logistics.people.identity import Identity, Person, antenna_people, person
from logistics.people.invites import AlreadyMember, invite_places
from logistics.people.members import LastCoordinator
from logistics.people.permissions import coordinated_antennas
from logistics.pickups.slots import slots_held
from logistics.reports.reliability import driver_figures
from storage.models import ROLES


async def members(message: Message, identity: Identity, session: AsyncSession) -> None:
    antennas = coordinated_antennas(identity)
    if not antennas:
        await message.answer(not_coordinator())
    elif len(antennas) > 1:
        await message.answer(
            _("For which antenna?"),
            reply_markup=antenna_keyboard(identity, lambda a: MembersCb(antenna_id=a)),
        )
    else:
        people = await antenna_people(session, identity=identity, antenna_id=antennas[0])
        text, markup = page_view(people, antennas[0], 0)
        await message.answer(text, reply_markup=markup)


async def page_pressed(
    query: CallbackQuery, callback_data: MembersCb, identity: Identity, session: AsyncSession
) -> None:
    try:
        people = await antenna_people(
            session, identity=identity, antenna_id=callback_data.antenna_id
        )
    except NotAllowed:
        await query.answer(not_coordinator(), show_alert=True)
        return
    await query.answer()
    await show(query, *page_view(people, callback_data.antenna_id, callback_data.page))


async def member_pressed(
    query: CallbackQuery,
    callback_data: MemberCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    bot: Bot,
) -> None:
    mid, action, now = callback_data.membership_id, callback_data.action, clock.now()
    try:
        p = await person(session, identity=identity, membership_id=mid)
        if action == "s":
            await rules.suspend(session, identity=identity, membership_id=mid, now=now)
            done = _("Suspended: the person is told, and their pickups are open again.")
        elif action == "a":
            await rules.reactivate(session, identity=identity, membership_id=mid, now=now)
            done = _("Active again: the person is told.")
        elif action == "r":
            await query.answer()
            await show(query, *confirm_removal(p))
            return
        elif action == "R":
            await rules.remove(session, identity=identity, membership_id=mid, now=now)
            await query.answer(_("Removed."))
            gone = _("{name} no longer has this role in the antenna.")
            await show(query, gone.format(name=escape(short(p.name, 100))), back(p.antenna_id))
            return
        elif action == "c":
            shown = await role_choice(query, session, identity, now, p, callback_data)
            if shown:
                return
            done = _("Role changed: the person is told.")
        elif action != "v":
            await query.answer(_("This button is no longer valid."), show_alert=True)
            return
        else:
            done = None
    except DomainError as error:
        await query.answer(refusal(error), show_alert=True)
        return
    await query.answer(done)
    fresh = await person(session, identity=identity, membership_id=mid)
    slots = []
    if fresh.role == "driver":
        slots = await slots_held(session, member_id=fresh.member_id, antenna_id=fresh.antenna_id)
    figures = await driver_lines(session, fresh, now)
    username = None if fresh.opened else (await bot.me()).username
    await show(query, *card_view(fresh, figures, slots, username))


async def driver_lines(session: AsyncSession, p: Person, now: datetime) -> list[str]:
    """A driver's figures in this antenna, for their page."""
    if p.role != "driver":
        return []
    month, recent = await driver_figures(
        session, antenna_id=p.antenna_id, member_id=p.member_id, now=now
    )
    return driver_card_lines(month, recent)


def refusal(error: DomainError) -> str:
    if isinstance(error, LastCoordinator):
        return _("The antenna needs at least one active coordinator: invite another one first.")
    if isinstance(error, AlreadyMember):
        return _("This person already has that role.")
    if isinstance(error, NotAllowed):
        return not_coordinator()
    return explain(error)


async def role_choice(
    query: CallbackQuery,
    session: AsyncSession,
    identity: Identity,
    now: datetime,
    p: Person,
    callback_data: MemberCb,
) -> bool:
    """Show the next choice (role, then store, association or hub); False once it is
    complete."""
    role, mid = callback_data.role, p.membership_id
    builder = InlineKeyboardBuilder()
    if role == "-":
        for choice in ("coordinator", "store_manager", "driver", "association", "hub_staff"):
            if choice == p.role and choice not in PLACED_ROLES:
                continue
            data = MemberCb(membership_id=mid, action="c", role=choice)
            builder.button(text=role_label(choice).capitalize(), callback_data=data)
        question = _("Which role for {name}?").format(name=escape(short(p.name, 100)))
    elif role in PLACED_ROLES and not callback_data.place_id:
        for place_id, name in await invite_places(session, antenna_id=p.antenna_id, role=role):
            data = MemberCb(membership_id=mid, action="c", role=role, place_id=place_id)
            builder.button(text=short(name, 60), callback_data=data)
        question = place_question(role)
    elif role in ROLES:
        await rules.change_role(
            session,
            identity=identity,
            membership_id=mid,
            role=role,
            place_id=callback_data.place_id or None,
            now=now,
        )
        return False
    else:
        raise NotAllowed("role")
    builder.button(text=_("⬅️ Back"), callback_data=MemberCb(membership_id=mid, action="v"))
    builder.adjust(1)
    await query.answer()
    await show(query, question, builder.as_markup())
    return True


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(members, Command("members"))
    router.callback_query.register(page_pressed, MembersCb.filter())
    router.callback_query.register(member_pressed, MemberCb.filter())
    return router
