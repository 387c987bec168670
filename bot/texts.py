"""Texts shared by several handlers, rendered in the current locale (HTML-escaped)."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.i18n import LOCALES
from logistics.people.identity import Identity, Role


def role_label(role: str) -> str:
    labels = {
        "coordinator": _("coordinator"),
        "store_manager": _("store manager"),
        "driver": _("driver"),
        "association": _("association member"),
        "hub_staff": _("hub staff"),
    }
    return labels[role]


def _role_line(role: Role) -> str:
    if role.place_name:
        return _("{role} for {place} (antenna {antenna})").format(
            role=role_label(role.role),
            place=escape(role.place_name),
            antenna=escape(role.antenna_name),
        )
    return _("{role} (antenna {antenna})").format(
        role=role_label(role.role), antenna=escape(role.antenna_name)
    )


def greeting(identity: Identity, first_name: str) -> str:
    name = escape(identity.name or first_name)
    if not identity.is_member:
        return "\n\n".join(
            [
                _("Hello {name}!").format(name=name),
                _(
                    "This bot organises the collection of unsold food for the antennas of a "
                    "food-aid network: stores announce, drivers collect, associations confirm."
                ),
                _(
                    "You are not a member of an antenna yet. To join, ask a coordinator of your "
                    "antenna for an invitation link and open it: the bot will then recognise you."
                ),
                _("Your Telegram id, if your coordinator asks for it: <code>{id}</code>").format(
                    id=identity.telegram_id
                ),
            ]
        )
    lines = [_("Hello {name}!").format(name=name), _("You are:")]
    lines += [f"• {_role_line(role)}" for role in identity.roles]
    lines += ["", _("Send /help to see what you can do.")]
    return "\n".join(lines)


def first_step(role: str) -> str:
    """What a person who just joined does first, in their role."""
    if role == "store_manager":
        return _(
            "When you have unsold food, write it to me in one message, for example:\n"
            "<code>/surplus 20 kg pain, 3 caisses yaourts 18h-19h30</code>\n"
            "I show you what I understood before anything is announced."
        )
    if role == "association":
        return _(
            "When a driver brings you food, I ask you to confirm what you received, with "
            "buttons. /receipts shows the deliveries waiting for your answer."
        )
    if role == "coordinator":
        return _(
            "First steps: /invite brings in your stores, drivers and associations, "
            "/members shows them, /runsheet shows today's pickups."
        )
    if role == "hub_staff":
        return _(
            "/stock shows what the hub holds, the oldest date first, with what passes its "
            "date today or tomorrow marked; its buttons record a loss or a count."
        )
    return _("/runs shows the pickups you can claim.")


def language_prompt(i18n: I18n) -> str:
    """Asked before anything else when the person's language is not known: in both."""
    return "\n".join(
        i18n.gettext("Which language do you prefer?", locale=locale) for locale in LOCALES
    )
