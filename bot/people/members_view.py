"""What a coordinator sees of the antenna's people: the list by role, page by page, one
person's card with the buttons that fit their status, and the confirmation before a removal.
Names and places are shortened for the list and buttons, and escaped for HTML."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import cards, formatting
from bot.callbacks import ApprovalCb, MemberCb, MembersCb
from bot.texts import role_label
from logistics.people.identity import Person
from logistics.pickups.slots import SlotView

PAGE = 15
NAME = 40  # characters of a name shown in the list and on buttons


def short(name: str | None, limit: int = NAME) -> str:
    name = name or "—"
    return name if len(name) <= limit else name[: limit - 1] + "…"


def status_mark(status: str) -> str:
    return {
        "pending": _("⏳ waiting for approval"),
        "suspended": _("⛔ suspended"),
    }.get(status, "")


def reach_mark(p: Person) -> str:
    """Whether the bot can write to the person, when it cannot."""
    if not p.opened:
        return _("📵 has not opened the bot")
    if p.unreachable:
        return _("🚫 cannot be reached")
    return ""


def person_line(number: int, p: Person) -> str:
    parts = [f"{number}. {escape(short(p.name))}"]
    if p.place_name:
        parts.append(escape(short(p.place_name)))
    parts += [mark for mark in (status_mark(p.status), reach_mark(p)) if mark]
    return " · ".join(parts)


def page_view(people: list[Person], antenna_id: int, page: int) -> tuple[str, InlineKeyboardMarkup]:
    pages = max(1, -(-len(people) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = people[page * PAGE : (page + 1) * PAGE]
    lines = [_("<b>People of the antenna</b> ({count})").format(count=len(people))]
    role = None
    builder = InlineKeyboardBuilder()
    for number, p in enumerate(shown, start=page * PAGE + 1):
        if p.role != role:
            role = p.role
            lines.append(f"\n<b>{escape(role_label(role).capitalize())}</b>")
        lines.append(person_line(number, p))
        data = MemberCb(membership_id=p.membership_id, action="v")
        builder.button(text=f"{number}. {short(p.name, 24)}", callback_data=data)
    builder.adjust(3)
    nav = []
    if page > 0:
        nav.append(("⬅️", MembersCb(antenna_id=antenna_id, page=page - 1)))
    if page < pages - 1:
        nav.append(("➡️", MembersCb(antenna_id=antenna_id, page=page + 1)))
    if nav:
        lines.append("\n" + _("Page {page} of {pages}").format(page=page + 1, pages=pages))
        builder.row(*[_button(text, data) for text, data in nav])
    return "\n".join(lines), builder.as_markup()


def _button(text: str, data: MembersCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def card_view(
    p: Person,
    figures: Sequence[str] = (),
    slots: Sequence[SlotView] = (),
    bot_username: str | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The person's page: how to reach them, their vehicle and weekly slots (drivers), whether
    the bot can write to them; ``figures``: a driver's lines of who keeps doing it."""
    lines = [f"<b>{escape(short(p.name, 100))}</b>"]
    if p.username:
        lines[0] += f" (@{escape(p.username)})"
    elif p.telegram_id is not None and p.opened:
        label = escape(_("write to them"))
        lines[0] += f' · <a href="tg://user?id={p.telegram_id}">{label}</a>'
    role = role_label(p.role)
    if p.place_name:
        role += f" · {escape(short(p.place_name, 100))}"
    lines.append(role)
    if p.phone:
        lines.append(_("Phone: {phone}").format(phone=escape(p.phone)))
    if p.role == "driver":
        capacity = formatting.kg(p.capacity_kg, cards.locale()) if p.capacity_kg else "—"
        cold = _("refrigerated") if p.refrigerated else _("not refrigerated")
        lines.append(_("Vehicle: {cold}, {capacity}").format(cold=cold, capacity=capacity))
        lines += slot_lines(slots)
    lines.append(status_mark(p.status) or _("✅ active"))
    lines += reach_lines(p, bot_username)
    lines += figures
    builder = InlineKeyboardBuilder()
    mid = p.membership_id
    if p.status == "pending":
        builder.button(
            text=_("✅ Approve"), callback_data=ApprovalCb(membership_id=mid, action="y")
        )
        builder.button(text=_("❌ Reject"), callback_data=ApprovalCb(membership_id=mid, action="n"))
    elif p.status == "active":
        builder.button(text=_("⛔ Suspend"), callback_data=MemberCb(membership_id=mid, action="s"))
    else:
        builder.button(
            text=_("✅ Reactivate"), callback_data=MemberCb(membership_id=mid, action="a")
        )
    if p.status != "pending":
        builder.button(
            text=_("🔄 Change role"), callback_data=MemberCb(membership_id=mid, action="c")
        )
    builder.button(text=_("🗑 Remove"), callback_data=MemberCb(membership_id=mid, action="r"))
    builder.button(text=_("⬅️ Back to the list"), callback_data=MembersCb(antenna_id=p.antenna_id))
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()


def slot_lines(slots: Sequence[SlotView]) -> list[str]:
    if not slots:
        return [_("Weekly slots held: none")]
    lines = [_("Weekly slots held:")]
    for slot in slots:
        day = formatting.weekday(slot.weekday, cards.locale()).capitalize()
        when = f"{day} {slot.window_start}–{slot.window_end}"
        lines.append(f"• {when} · {escape(short(slot.store_name, 60))}")
    return lines


def reach_lines(p: Person, bot_username: str | None) -> list[str]:
    """Why the bot cannot write to the person, and what to do about it."""
    if not p.opened:
        line = _(
            "📵 Has not opened the bot yet: Telegram does not let the bot write first. "
            "Forward them this link and ask them to press Start:"
        )
        return [line, f"https://t.me/{escape(bot_username)}"] if bot_username else [line]
    if p.unreachable:
        return [_("🚫 Blocked the bot or left Telegram: the bot cannot write to them.")]
    return []


def back(antenna_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("⬅️ Back to the list"), callback_data=MembersCb(antenna_id=antenna_id))
    return builder.as_markup()


def confirm_removal(p: Person) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    mid = p.membership_id
    builder.button(text=_("🗑 Yes, remove"), callback_data=MemberCb(membership_id=mid, action="R"))
    builder.button(text=_("No, keep"), callback_data=MemberCb(membership_id=mid, action="v"))
    builder.adjust(2)
    text = _("Remove the role of {role} from {name}? Their open pickups are released.").format(
        role=role_label(p.role), name=escape(short(p.name, 100))
    )
    return text, builder.as_markup()
