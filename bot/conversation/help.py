"""/help: the commands this person may use, in their language."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.commands import commands_for
from logistics.people.identity import Identity


def what_you_can_do(identity: Identity) -> list[str]:
    """The commands of this person's roles, and how to get more."""
    lines = [_("What you can do here:")]
    lines += [f"/{c.name} — {_(c.description)}" for c in commands_for(identity.role_names)]
    if not identity.is_member:
        lines += [
            "",
            _("To do more, ask a coordinator of your antenna for an invitation link."),
        ]
    return lines


async def show_help(message: Message, identity: Identity) -> None:
    await message.answer("\n".join(what_you_can_do(identity)))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(show_help, Command("help"))
    return router
