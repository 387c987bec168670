"""/invite: a coordinator picks the antenna (if several), the role, the store, association or
hub where it applies, and gets a single-use link to share. Also the approve / reject buttons
the coordinators get when a driver joins."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from urllib.parse import quote

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.callbacks import ApprovalCb, InviteCb
from bot.config import Settings
from bot.i18n import LOCALES, N_
from bot.refusals import explain
from bot.telegram.edits import edit_text
from bot.texts import role_label
from logistics.clock import Clock
from logistics.errors import DomainError, NotAllowed
from logistics.people.identity import Identity
from logistics.people.invites import NewInvite, create_invite, invite_places
from logistics.people.joining import decide_driver
from logistics.people.permissions import coordinated_antennas, is_coordinator
from storage.models import ROLES

PLACED_ROLES = ("store_manager", "association", "hub_staff")
INVITED_ROLES = ("store_manager", "driver", "association", "coordinator", "hub_staff")


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the pressed message; a second tap on the same button changes nothing."""
    await edit_text(query.message, text, markup)


def not_coordinator() -> str:
    return _("Only the coordinators of an antenna can do this.")


def antenna_keyboard(identity: Identity, make) -> InlineKeyboardMarkup:
    """One button per antenna the person coordinates."""
    builder = InlineKeyboardBuilder()
    names = {r.antenna_id: r.antenna_name for r in identity.roles if r.role == "coordinator"}
    for antenna_id in coordinated_antennas(identity):
        builder.button(text=names[antenna_id][:60], callback_data=make(antenna_id))
    builder.adjust(1)
    return builder.as_markup()


def role_keyboard(antenna_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for role in INVITED_ROLES:
        builder.button(
            text=role_label(role).capitalize(),
            callback_data=InviteCb(antenna_id=antenna_id, role=role),
        )
    builder.adjust(2)
    return builder.as_markup()


async def invite(message: Message, identity: Identity) -> None:
    antennas = coordinated_antennas(identity)
    if not antennas:
        await message.answer(not_coordinator())
    elif len(antennas) == 1:
        await message.answer(_("Whom do you invite?"), reply_markup=role_keyboard(antennas[0]))
    else:
        await message.answer(
            _("For which antenna?"),
            reply_markup=antenna_keyboard(identity, lambda a: InviteCb(antenna_id=a)),
        )


async def invite_pressed(
    query: CallbackQuery,
    callback_data: InviteCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    bot: Bot,
    i18n: I18n,
) -> None:
    antenna_id, role = callback_data.antenna_id, callback_data.role
    if not is_coordinator(identity, antenna_id):
        await query.answer(not_coordinator(), show_alert=True)
        return
    if role == "-":
        await query.answer()
        await show(query, _("Whom do you invite?"), role_keyboard(antenna_id))
        return
    if role not in ROLES:
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    if role in PLACED_ROLES and not callback_data.place_id:
        places = await invite_places(session, antenna_id=antenna_id, role=role)
        if not places:
            await query.answer(_("This antenna has none yet."), show_alert=True)
            return
        builder = InlineKeyboardBuilder()
        for place_id, name in places:
            data = InviteCb(antenna_id=antenna_id, role=role, place_id=place_id)
            builder.button(text=name[:60], callback_data=data)
        builder.adjust(1)
        question = place_question(role)
        await query.answer()
        await show(query, question, builder.as_markup())
        return
    try:
        invitation = await create_invite(
            session,
            identity=identity,
            antenna_id=antenna_id,
            role=role,
            place_id=callback_data.place_id or None,
            now=clock.now(),
            valid_for=timedelta(hours=settings.bot.invite_hours),
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    me = await bot.me()
    link = f"https://t.me/{me.username}?start={invitation.token}"
    hours = settings.bot.invite_hours
    what = role_label(role)
    if invitation.place_name:
        what += f" ({escape(invitation.place_name)})"
    text = "\n\n".join(
        [
            _(
                "Invitation to {antenna} as {role}, valid {hours} hours, for one person only:"
            ).format(antenna=escape(invitation.antenna_name), role=what, hours=hours),
            f"<code>{escape(link)}</code>",
            _(
                "Send it to the person (the button below), and to nobody else. The text "
                "that goes with it is in French and in Dutch. You will be told when they join."
            ),
        ]
    )
    url = share_url(link, share_text(i18n, role, invitation))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=_("📤 Share the link"), url=url)]]
    )
    await query.answer()
    await edit_text(query.message, text, markup)


def place_question(role: str) -> str:
    """Which store, association or hub the role is for."""
    if role == "store_manager":
        return _("Which store?")
    if role == "hub_staff":
        return _("Which hub?")
    return _("Which association?")


def share_text(i18n: I18n, role: str, invitation: NewInvite) -> str:
    """What goes with the shared link, in both languages: the coordinator does not know the
    invitee's."""
    place = invitation.place_name or invitation.antenna_name
    msgid = {
        "store_manager": N_("Join {antenna} on Telegram to announce the unsold food of {place}."),
        "association": N_("Join {antenna} on Telegram to receive food for {place}."),
        "driver": N_("Join {antenna} on Telegram as a driver."),
        "coordinator": N_("Join {antenna} on Telegram as a coordinator."),
        "hub_staff": N_("Join {antenna} on Telegram to handle the stock of {place}."),
    }[role]
    return "\n".join(
        i18n.gettext(msgid, locale=lc).format(antenna=invitation.antenna_name, place=place)
        for lc in LOCALES
    )


def share_url(link: str, text: str) -> str:
    return f"https://t.me/share/url?url={quote(link, safe='')}&text={quote(text, safe='')}"


async def approval_pressed(
    query: CallbackQuery,
    callback_data: ApprovalCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    approve = callback_data.action == "y"
    try:
        await decide_driver(
            session,
            membership_id=callback_data.membership_id,
            approve=approve,
            identity=identity,
            now=clock.now(),
        )
    except NotAllowed:
        await query.answer(not_coordinator(), show_alert=True)
        return
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    done = _("Approved: the driver is told.") if approve else _("Rejected: the driver is told.")
    await query.answer(done)
    if isinstance(query.message, Message):
        await edit_text(query.message, query.message.html_text + "\n\n" + escape(done))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(invite, Command("invite"))
    router.callback_query.register(invite_pressed, InviteCb.filter())
    router.callback_query.register(approval_pressed, ApprovalCb.filter(F.action.in_({"y", "n"})))
    return router
