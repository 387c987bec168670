"""What a driver sees of a pickup they hold, with the buttons for the next step."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import cards
from bot.callbacks import DeliverCb, PickupCb, ReleaseCb
from bot.pickups import slot_days
from logistics.pickups.views import DonationView


def panel_text(view: DonationView) -> str:
    if slot_days.is_waiting(view):
        return (
            slot_days.slot_day_text(view)
            + "\n\n"
            + _("It becomes yours as soon as the store gives its quantities.")
        )
    text = cards.card_text(view)
    if view.status == "claimed":
        return text + "\n\n" + _("When you have collected it, record the weight here.")
    if view.status == "picked_up":
        return text + "\n\n" + _("Record each delivery when it is done.")
    return text


def panel_keyboard(view: DonationView) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    if view.status == "claimed":
        builder.button(
            text=_("📦 Collected as announced"),
            callback_data=PickupCb(donation_id=view.id, action="as_announced"),
        )
        builder.button(
            text=_("⚖️ Enter the real kg"),
            callback_data=PickupCb(donation_id=view.id, action="total"),
        )
        if len(view.items) > 1:
            builder.button(
                text=_("⚖️ Kg item by item"),
                callback_data=PickupCb(donation_id=view.id, action="items"),
            )
        builder.button(
            text=_("0️⃣ Nothing collected"),
            callback_data=PickupCb(donation_id=view.id, action="zero"),
        )
        builder.button(text=_("↩️ Release"), callback_data=ReleaseCb(donation_id=view.id))
        builder.adjust(1)
        return builder.as_markup()
    if view.status == "picked_up":
        for stop in view.stops:
            if stop.delivered_at is not None:
                continue
            builder.button(
                text=_("✅ Delivered to {place}").format(place=stop.name)[:64],
                callback_data=DeliverCb(delivery_id=stop.delivery_id, action="planned"),
            )
            builder.button(
                text=_("⚖️ Other kg"),
                callback_data=DeliverCb(delivery_id=stop.delivery_id, action="kg"),
            )
        builder.adjust(2)
        return builder.as_markup() if builder.buttons else None
    return None
