"""/history for coordinators: who did what to a pickup, and when (``logistics.reports.history``).

``/history 12`` shows pickup number 12; ``/history`` alone offers the antenna's latest
pickups as buttons. Times are Brussels local time, people by name, or "erased person" after
/forgetme; an action the bot does not know yet is shown by its code, escaped.
"""

from __future__ import annotations

import re
from html import escape

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import HistoryCb
from bot.refusals import status_label
from logistics.errors import NotAllowed, NotFound
from logistics.people.identity import Identity
from logistics.reports.history import (
    DonationHistory,
    HistoryEntry,
    Person,
    donation_history,
    recent_donations,
)

MESSAGE_BUDGET = 3800  # characters, below Telegram's 4096
TZ = "Europe/Brussels"
NUMBER = re.compile(r"(?:#|n°|nr\.?|no\.?)?\s*(\d{1,9})", re.ASCII | re.IGNORECASE)


def action_label(action: str) -> str:
    labels = {
        "donation.announced": lambda: _("announced"),
        "donation.opened": lambda: _("weekly slot opened"),
        "donation.prompted": lambda: _("store asked for the quantities"),
        "donation.nothing_today": lambda: _("nothing today, said the store"),
        "donation.expired": lambda: _("expired without an answer"),
        "allocation.planned": lambda: _("destinations planned"),
        "allocation.overridden": lambda: _("destination chosen by a coordinator"),
        "claim.created": lambda: _("claimed"),
        "claim.standing": lambda: _("claimed for the driver holding the weekly slot"),
        "claim.released": lambda: _("released"),
        "donation.picked_up": lambda: _("collected"),
        "donation.pickup_zero": lambda: _("nothing collected"),
        "donation.missed": lambda: _("flagged as missed"),
        "donation.collected_said": lambda: _("collected, said the driver (kg to come)"),
        "delivery.delivered": lambda: _("delivered to one stop"),
        "donation.delivered": lambda: _("every stop delivered"),
        "donation.received": lambda: _("every receipt settled"),
        "receipt.confirmed": lambda: _("receipt confirmed"),
        "receipt.disputed": lambda: _("receipt disputed"),
        "receipt.explained": lambda: _("problem explained"),
        "receipt.settled": lambda: _("dispute settled"),
    }
    label = labels.get(action)
    return label() if label else f"<code>{escape(action[:64])}</code>"


def person_label(person: Person | None) -> str:
    if person is None:
        return _("the bot")
    if person.erased:
        return _("erased person")
    return escape(person.name or "—")


def entry_line(entry: HistoryEntry) -> str:
    locale = cards.locale()
    when = f"{formatting.short_day(entry.at, locale, TZ)} {formatting.hour(entry.at, locale, TZ)}"
    line = _("{when} — {action} — by {who}").format(
        when=when, action=action_label(entry.action), who=person_label(entry.actor)
    )
    if entry.on_behalf_of is not None:
        line += " " + _("(for {whom})").format(whom=person_label(entry.on_behalf_of))
    if detail := detail_text(entry):
        line += " — " + detail
    return line


def detail_text(entry: HistoryEntry) -> str:
    """What a line's figures say: the problem and its reason, the weights, the settlement."""
    detail, locale = entry.detail, cards.locale()

    def kg(key: str) -> str:
        return formatting.kg(float(detail.get(key) or 0), locale)

    if entry.action in ("receipt.disputed", "receipt.explained"):
        if detail.get("problem"):
            return _("problem: {problem}").format(
                problem=cards.problem_text(str(detail["problem"]), detail.get("note"))
            )
        return _("{kg} received").format(kg=kg("received_kg"))
    if entry.action == "receipt.settled":
        outcomes = {
            "association": lambda: _("the association's figure kept: {kg}").format(
                kg=kg("counted_kg")
            ),
            "driver": lambda: _("the driver's figure kept: {kg}").format(kg=kg("counted_kg")),
            "lost": lambda: _("{kg} recorded as lost").format(kg=kg("lost_kg")),
        }
        return outcomes.get(str(detail.get("outcome")), lambda: "")()
    if entry.action == "donation.picked_up" and detail.get("override") == "before_window":
        return _("{kg}, recorded by a coordinator before the window opened").format(
            kg=kg("collected_kg")
        )
    return ""


def history_text(history: DonationHistory) -> str:
    locale = cards.locale()
    header = [
        _("📜 <b>History of pickup number {number}</b>").format(number=history.donation_id),
        _("{store}, {day} — now: {status}").format(
            store=escape(history.store_name),
            day=formatting.short_day(history.window_start, locale, history.tz),
            status=status_label(history.status),
        ),
        "",
    ]
    if not history.entries:
        return "\n".join([*header, _("Nothing recorded yet.")])
    lines = [entry_line(e) for e in history.entries]
    shown: list[str] = []
    size = sum(len(h) + 1 for h in header) + 100  # room for the line about older entries
    for line in reversed(lines):  # the most recent are kept when it is too long
        if size + len(line) + 1 > MESSAGE_BUDGET:
            break
        shown.insert(0, line)
        size += len(line) + 1
    hidden = len(lines) - len(shown)
    if hidden:
        shown.insert(0, _("… {count} earlier entries not shown").format(count=hidden))
    return "\n".join(header + shown)


def refusal(error: Exception) -> str:
    if isinstance(error, NotFound):
        return _("There is no pickup with this number.")
    return _("The history of a pickup is for the coordinators of its antenna.")


async def show_history(
    message: Message, command: CommandObject, identity: Identity, session: AsyncSession
) -> None:
    argument = (command.args or "").strip()
    if not argument:
        await offer_recent(message, identity, session)
        return
    number = NUMBER.fullmatch(argument)
    if number is None:
        await message.answer(_("Please give the number of a pickup, for example /history 12."))
        return
    try:
        history = await donation_history(
            session, donation_id=int(number.group(1)), identity=identity
        )
    except (NotFound, NotAllowed) as error:
        await message.answer(refusal(error))
        return
    await message.answer(history_text(history))


async def offer_recent(message: Message, identity: Identity, session: AsyncSession) -> None:
    try:
        recent = await recent_donations(session, identity=identity)
    except NotAllowed as error:
        await message.answer(refusal(error))
        return
    if not recent:
        await message.answer(_("No pickup yet."))
        return
    locale = cards.locale()
    builder = InlineKeyboardBuilder()
    for pickup in recent:
        day = formatting.short_day(pickup.window_start, locale, pickup.tz)
        builder.button(
            text=f"{pickup.donation_id} · {pickup.store_name[:40]} · {day}",
            callback_data=HistoryCb(donation_id=pickup.donation_id),
        )
    builder.adjust(1)
    await message.answer(
        _("Which pickup? (or send /history followed by its number)"),
        reply_markup=builder.as_markup(),
    )


async def show_chosen(
    query: CallbackQuery, callback_data: HistoryCb, identity: Identity, session: AsyncSession
) -> None:
    try:
        history = await donation_history(
            session, donation_id=callback_data.donation_id, identity=identity
        )
    except (NotFound, NotAllowed) as error:
        await query.answer(refusal(error), show_alert=True)
        return
    await query.answer()
    if query.message is not None:
        await query.message.answer(history_text(history))


def create_router() -> Router:
    router = Router(name=__name__)
    private = F.chat.type == "private"  # in a group, bot/network/group.py points here
    router.message.register(show_history, private, Command("history"))
    router.callback_query.register(show_chosen, HistoryCb.filter())
    return router
