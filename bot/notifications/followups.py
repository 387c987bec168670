"""Follow-ups: weights still to record, receipts still to confirm, and the coordinators told
when the reminders were not enough. Each says nothing (None) once the thing is done."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot import cards, formatting
from bot.notifications.base import Context, Rendered, pickup_note, view_of
from bot.notifications.receipts import pending_stop, receipt_request
from bot.pickups.driver_panel import panel_keyboard, panel_text
from logistics.pickups.views import DonationView


async def _panel_reminder(
    ctx: Context, payload: dict, status: str, head: Callable[[DonationView], str]
) -> Rendered | None:
    """A reminder to the driver above their pickup's panel, with its buttons; None once the
    pickup left ``status`` (recorded meanwhile)."""
    view = await view_of(ctx, payload)
    if view is None or view.status != status:
        return None
    with ctx.i18n.use_locale(ctx.languages[0]):
        keyboard = panel_keyboard(view)
    return Rendered(
        text=ctx.each(lambda: head(view) + "\n\n" + panel_text(view)), reply_markup=keyboard
    )


async def weights_reminder(ctx: Context, payload: dict) -> Rendered | None:
    """To the driver: the deliveries of a collected pickup, with the buttons to record them."""
    return await _panel_reminder(
        ctx,
        payload,
        "picked_up",
        lambda v: _(
            "⏰ Reminder: the deliveries of your pickup at {store} are not recorded yet. "
            "Record each one with its weight."
        ).format(store=escape(v.store_name)),
    )


async def weights_overdue(ctx: Context, payload: dict) -> Rendered | None:
    """To the coordinators: the driver was reminded and the weights are still missing."""
    count = int(payload.get("n", 0))
    found = await pickup_note(
        ctx,
        payload,
        "picked_up",
        lambda v: ngettext(
            "⚠️ {driver} has still not recorded the deliveries of the pickup at {store}, "
            "after {count} reminder.",
            "⚠️ {driver} has still not recorded the deliveries of the pickup at {store}, "
            "after {count} reminders.",
            count,
        ).format(driver=escape(v.driver_name or "—"), store=escape(v.store_name), count=count),
    )
    return Rendered(text=found[1]) if found else None


async def kg_reminder(ctx: Context, payload: dict) -> Rendered | None:
    """To the driver who said the food was collected: the kg, with the buttons to record them."""
    return await _panel_reminder(
        ctx,
        payload,
        "claimed",
        lambda v: _(
            "⏰ Reminder: you said the food of the pickup at {store} was collected, "
            "but its kg are not recorded yet."
        ).format(store=escape(v.store_name)),
    )


async def kg_missing(ctx: Context, payload: dict) -> Rendered | None:
    """To the coordinators: collected according to the driver, the kg still missing."""
    count = int(payload.get("n", 0))
    found = await pickup_note(
        ctx,
        payload,
        "claimed",
        lambda v: ngettext(
            "⚠️ {driver} says the food of the pickup at {store} was collected, but its kg are "
            "still missing, after {count} reminder.",
            "⚠️ {driver} says the food of the pickup at {store} was collected, but its kg are "
            "still missing, after {count} reminders.",
            count,
        ).format(driver=escape(v.driver_name or "—"), store=escape(v.store_name), count=count),
    )
    return Rendered(text=found[1]) if found else None


async def receipt_reminder(ctx: Context, payload: dict) -> Rendered | None:
    """To the association: the receipt request again, with its three buttons."""
    request = await receipt_request(ctx, payload)
    if request is None:
        return None  # answered meanwhile
    head = ctx.each(lambda: _("⏰ Reminder: this delivery still awaits your answer."))
    return Rendered(text=head + "\n\n" + request.text, reply_markup=request.reply_markup)


async def receipt_overdue(ctx: Context, payload: dict) -> Rendered | None:
    """To the coordinators: the association was reminded and has not answered."""
    found = await pending_stop(ctx, payload)
    if found is None:
        return None
    _, view, stop = found
    count = int(payload.get("n", 0))

    def render() -> str:
        head = ngettext(
            "⚠️ {place} has still not confirmed the delivery of {kg} by {driver}, "
            "after {count} reminder.",
            "⚠️ {place} has still not confirmed the delivery of {kg} by {driver}, "
            "after {count} reminders.",
            count,
        ).format(
            place=escape(stop.name),
            kg=formatting.kg(stop.delivered_kg or 0, cards.locale()),
            driver=escape(view.driver_name or "—"),
            count=count,
        )
        return head + "\n\n" + cards.card_text(view)

    return Rendered(text=ctx.each(render))


RENDERERS = {
    "weights_reminder": weights_reminder,
    "weights_overdue": weights_overdue,
    "kg_reminder": kg_reminder,
    "kg_missing": kg_missing,
    "receipt_reminder": receipt_reminder,
    "receipt_overdue": receipt_overdue,
}
