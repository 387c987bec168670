"""The commands the bot offers: one list for Telegram's menus and for role-aware /help.

A feature adds its command here with the roles that may use it (``None``: everyone).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from bot.i18n import LOCALES, N_

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Command:
    name: str
    description: str  # msgid, translated at display time
    roles: frozenset[str] | None = None

    def visible_to(self, roles: list[str]) -> bool:
        return self.roles is None or bool(self.roles.intersection(roles))


COMMANDS: tuple[Command, ...] = (
    Command("start", N_("Start, and see what you can do here")),
    Command("help", N_("What this bot can do for you")),
    Command("lang", N_("Change the language (français / Nederlands)")),
    Command("cancel", N_("Cancel the current step")),
    Command("surplus", N_("Announce surplus food"), frozenset({"store_manager"})),
    Command("runs", N_("Open pickups you can take"), frozenset({"driver", "coordinator"})),
    Command("mine", N_("My pickups"), frozenset({"driver", "coordinator", "store_manager"})),
    Command("receipts", N_("Deliveries to confirm"), frozenset({"association", "coordinator"})),
    Command("pickups", N_("Pickups on the way, and where they go"), frozenset({"coordinator"})),
    Command(
        "stock",
        N_("The hub's stock, oldest date first: losses and counts"),
        frozenset({"coordinator", "hub_staff"}),
    ),
    Command("runsheet", N_("Today's run sheet"), frozenset({"coordinator"})),
    Command(
        "tours", N_("Van tours: plan, adjust, confirm, drive"), frozenset({"coordinator", "driver"})
    ),
    Command("summary", N_("Today's summary: kg, pickups, disputes"), frozenset({"coordinator"})),
    Command("report", N_("Monthly report: kg, CSV and Excel files"), frozenset({"coordinator"})),
    Command(
        "register",
        N_("Traceability register: what came from whom, went to whom (Excel, PDF)"),
        frozenset({"association", "coordinator"}),
    ),
    Command("calendar", N_("My pickups in my calendar (ICS file)"), frozenset({"driver"})),
    Command(
        "antenna", N_("Antenna settings: run sheet, summary, languages"), frozenset({"coordinator"})
    ),
    Command("history", N_("Who did what to a pickup, and when"), frozenset({"coordinator"})),
    Command("invite", N_("Invite someone to the antenna"), frozenset({"coordinator"})),
    Command("members", N_("The antenna's people and their roles"), frozenset({"coordinator"})),
    Command(
        "linkgroup", N_("Link a group to the antenna (send it there)"), frozenset({"coordinator"})
    ),
    Command("mydata", N_("What this bot keeps about you")),
    Command("forgetme", N_("Erase your personal data")),
    Command(
        "recall",
        N_("Recall a product: who received it, and their answers"),
        frozenset({"coordinator", "store_manager"}),
    ),
    Command(
        "slots",
        N_("Weekly pickup slots"),
        frozenset({"coordinator", "driver", "store_manager"}),
    ),
)


def commands_for(roles: list[str]) -> list[Command]:
    return [c for c in COMMANDS if c.visible_to(roles)]


def menu(i18n: I18n, locale: str, roles: list[str] | tuple[str, ...] = ()) -> list[BotCommand]:
    """The commands of these roles (none: those open to everyone) in one language."""
    return [
        BotCommand(command=c.name, description=i18n.gettext(c.description, locale=locale))
        for c in commands_for(list(roles))
    ]


def bilingual_menu(i18n: I18n) -> list[BotCommand]:
    """For people whose Telegram is in neither language: both, side by side."""
    return [
        BotCommand(
            command=c.name,
            description=" · ".join(i18n.gettext(c.description, locale=lc) for lc in LOCALES)[:256],
        )
        for c in COMMANDS
    ]


async def set_command_menus(bot: Bot, i18n: I18n) -> bool:
    """Per-language menus and a bilingual default; a server without the method is tolerated."""
    try:
        for locale in LOCALES:
            await bot.set_my_commands(
                menu(i18n, locale), scope=BotCommandScopeDefault(), language_code=locale
            )
        await bot.set_my_commands(bilingual_menu(i18n), scope=BotCommandScopeDefault())
    except TelegramAPIError as exc:
        log.warning("command menus not set: %s", exc)
        return False
    return True


async def set_personal_menu(
    bot: Bot, i18n: I18n, *, chat_id: int, locale: str, roles: list[str] | tuple[str, ...] = ()
) -> None:
    """The menu of a person's roles in the language they chose."""
    try:
        await bot.set_my_commands(
            menu(i18n, locale, roles), scope=BotCommandScopeChat(chat_id=chat_id)
        )
    except TelegramAPIError as exc:
        log.warning("personal command menu not set: %s", exc)
