"""Last in line: whatever no other handler took gets a clear answer, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.announcements.surplus_echo import example
from bot.conversation.help import what_you_can_do
from logistics.people.identity import Identity


async def not_understood(message: Message, identity: Identity | None = None) -> None:
    if message.text and message.text.startswith("/"):
        await message.answer(_("I do not know this command. Send /help to see what you can do."))
    elif identity is None or not identity.is_member:
        await message.answer(how_the_network_works())
    else:
        lines = [_("I did not understand that.")]
        if identity.has_role("store_manager"):
            lines.append(_("To announce surplus, just write it:") + " " + example())
        await message.answer("\n".join(lines + what_you_can_do(identity)))


def how_the_network_works() -> str:
    """For someone the bot does not know ("j'ai du pain à donner"): what it is, whom to ask."""
    return "\n\n".join(
        [
            _(
                "This bot organises the collection of unsold food for the antennas of a "
                "food-aid network: stores announce, drivers collect, associations confirm."
            ),
            _(
                "Only members can use it. A store with food to give, a volunteer driver or an "
                "association: ask the coordinator of your local antenna (your CPAS or food-aid "
                "association will tell you who it is) for an invitation link."
            ),
        ]
    )


async def stale_button(query: CallbackQuery) -> None:
    await query.answer(_("This button is no longer valid."), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(not_understood, F.chat.type == "private")
    router.callback_query.register(stale_button)
    return router
