"""The /mydata summary: what the bot keeps about a person, in one message of Telegram's
size: the counts always, then the most recent items and the roles while there is room (the
attached JSON file holds everything)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from aiogram.utils.i18n import gettext as _

from bot import cards, formatting
from bot.keyboards import LANGUAGE_LABELS
from bot.texts import role_label

MESSAGE_BUDGET = 3800  # characters, below Telegram's 4096
RECENT = 3  # most recent items shown per kind; the file holds them all
NAME_SHOWN = 60
ROLES_SHOWN = 15
Line = tuple[str, bool]  # a line of the summary, and whether it must be shown


def status_label(status: str) -> str:
    labels = {
        "active": lambda: _("active"),
        "pending": lambda: _("awaiting approval"),
        "suspended": lambda: _("suspended"),
        "rejected": lambda: _("rejected"),
    }
    return labels.get(status, lambda: escape(status))()


def _when(value: str | None) -> str:
    if not value:
        return "—"
    instant = datetime.fromisoformat(value)
    return formatting.short_day(instant, cards.locale(), "Europe/Brussels")


def _recent(title: str, rows: list[dict[str, Any]], place: str, at: str) -> list[Line]:
    """The count (always shown), then the most recent items (shown when there is room)."""
    lines = [(title.format(count=len(rows)), True)]
    for row in rows[:RECENT]:
        name = escape(str(row.get(place) or "—")[:NAME_SHOWN])
        lines.append((f"   · {name} — {_when(row.get(at))}", False))
    return lines


def _identity(person: dict[str, Any]) -> list[str]:
    none = "—"
    lines = [
        _("🔐 <b>What this bot keeps about you</b>"),
        "",
        _("Name: {name} · Telegram username: {username} · Phone: {phone}").format(
            name=escape(person["name"] or none),
            username=escape("@" + person["username"] if person["username"] else none),
            phone=escape(person["phone"] or none),
        ),
        _("Language: {language}").format(
            language=LANGUAGE_LABELS.get(person["language"] or "", none)
        ),
    ]
    if person["vehicle_refrigerated"] or person["vehicle_capacity_kg"]:
        capacity = person["vehicle_capacity_kg"]
        lines.append(
            _("Vehicle: {kind}, capacity {kg}").format(
                kind=_("refrigerated") if person["vehicle_refrigerated"] else _("not refrigerated"),
                kg=formatting.kg(capacity, cards.locale()) if capacity else none,
            )
        )
    return [*lines, ""]


def _roles(memberships: list[dict[str, Any]]) -> list[str]:
    if not memberships:
        return []
    lines = ["", _("Your roles:")]
    for m in memberships[:ROLES_SHOWN]:
        place = m["store"] or m["association"] or m.get("hub")
        place = f" — {escape(place[:NAME_SHOWN])}" if place else ""
        lines.append(
            f"• {role_label(m['role'])}{place} ({escape(m['antenna'][:NAME_SHOWN])}): "
            f"{status_label(m['status'])}"
        )
    if len(memberships) > ROLES_SHOWN:
        lines.append(_("… and {count} more").format(count=len(memberships) - ROLES_SHOWN))
    return lines


def summary_text(data: dict[str, Any]) -> str:
    """Counts always; the most recent items and the roles while the message has room."""
    lines: list[Line] = [(line, True) for line in _identity(data["member"])]
    lines += _recent(_("Announcements: {count}"), data["announcements"], "store", "window_start")
    lines += _recent(_("Pickups claimed: {count}"), data["claims"], "store", "window_start")
    lines += _recent(_("Deliveries made: {count}"), data["deliveries"], "to", "delivered_at")
    lines += _recent(_("Receipts confirmed: {count}"), data["receipts"], "association", "at")
    invitations = _("Invitations created: {created} · used: {used} · changes you made: {audit}")
    counts = {
        "created": len(data["invitations_created"]),
        "used": len(data["invitations_used"]),
        "audit": len(data["audit"]),
    }
    lines.append((invitations.format(**counts), True))
    lines += [(line, False) for line in _roles(data["memberships"])]
    footer = _("Everything is in the attached file. /forgetme erases your personal data.")
    lines += [("", True), (footer, True)]
    size = sum(len(line) + 1 for line, _essential in lines)
    dropped: set[int] = set()
    for index in range(len(lines) - 1, -1, -1):  # the last optional lines go first
        if size <= MESSAGE_BUDGET:
            break
        line, essential = lines[index]
        if not essential:
            size -= len(line) + 1
            dropped.add(index)
    return "\n".join(line for index, (line, _e) in enumerate(lines) if index not in dropped)
