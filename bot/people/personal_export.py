"""The /mydata file, for the person who reads it: every label in their language, every time in
Brussels' local time with its offset, roles and statuses in words. The values are those of
``logistics.people.personal_data``, nothing added and nothing left out."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from bot.i18n import N_
from bot.people.personal_summary import status_label as membership_status
from bot.pickups.release_view import reason_label
from bot.refusals import status_label as donation_status
from bot.texts import role_label
from storage.models import ROLES

ZONE = ZoneInfo("Europe/Brussels")

LABELS = {
    "member": N_("your profile"),
    "memberships": N_("roles"),
    "announcements": N_("announcements"),
    "claims": N_("pickups claimed"),
    "deliveries": N_("deliveries made"),
    "receipts": N_("receipts confirmed"),
    "invitations_created": N_("invitations created"),
    "invitations_used": N_("invitations used"),
    "audit": N_("changes you made"),
    "telegram_id": N_("Telegram id"),
    "name": N_("name"),
    "username": N_("Telegram username"),
    "phone": N_("phone"),
    "language": N_("language"),
    "vehicle_refrigerated": N_("refrigerated vehicle"),
    "vehicle_capacity_kg": N_("vehicle capacity (kg)"),
    "unreachable": N_("the bot cannot write to you"),
    "created_at": N_("known since"),
    "opened_at": N_("first message to the bot"),
    "antenna": N_("antenna"),
    "role": N_("role"),
    "status": N_("status"),
    "store": N_("store"),
    "association": N_("association"),
    "hub": N_("hub"),
    "donation": N_("pickup number"),
    "window_start": N_("pickup time"),
    "estimated_kg": N_("estimated kg"),
    "collected_kg": N_("collected kg"),
    "text": N_("message as typed"),
    "claimed_at": N_("claimed at"),
    "released_at": N_("released at"),
    "late": N_("late release"),
    "reason": N_("reason given"),
    "delivery": N_("delivery number"),
    "to": N_("delivered to"),
    "kg": N_("kg"),
    "delivered_at": N_("delivered at"),
    "problem": N_("problem"),
    "note": N_("note"),
    "at": N_("time"),
    "id": N_("number"),
    "expires_at": N_("valid until"),
    "used_at": N_("used at"),
    "action": N_("action"),
    "entity": N_("about"),
    "entity_id": N_("its number"),
    "on_behalf_of_member": N_("for member number"),
    "detail": N_("details"),
}
TIMES = {
    "created_at",
    "opened_at",
    "window_start",
    "claimed_at",
    "released_at",
    "delivered_at",
    "at",
    "expires_at",
    "used_at",
}


def readable(data: dict[str, Any]) -> dict[str, Any]:
    """The data with translated labels and words, and local times (``detail`` as recorded)."""
    return {_label(section): _value(rows, section, section) for section, rows in data.items()}


def _value(value: Any, key: str, section: str) -> Any:
    if key == "detail":
        return value
    if isinstance(value, dict):
        return {_label(k): _value(v, k, section) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v, key, section) for v in value]
    if not isinstance(value, str):
        return value
    if key in TIMES:
        return datetime.fromisoformat(value).astimezone(ZONE).isoformat(sep=" ")
    if key == "role" and value in ROLES:
        return role_label(value)
    if key == "status":
        return _status(value, section)
    if key == "reason" and section == "claims":
        return reason_label(value)
    return value


def _status(value: str, section: str) -> str:
    if section == "memberships":
        return membership_status(value)
    if section == "receipts":
        return {
            "pending": _("waiting for an answer"),
            "confirmed": _("confirmed"),
            "disputed": _("disputed"),
        }.get(value, value)
    return donation_status(value)


def _label(key: str) -> str:
    return _(LABELS[key]) if key in LABELS else key


def export(data: dict[str, Any]) -> bytes:
    return json.dumps(readable(data), ensure_ascii=False, indent=2).encode()
