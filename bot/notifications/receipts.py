"""What associations and coordinators are told about a delivery and its receipt."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import cards, formatting
from bot.callbacks import ReceiptCb
from bot.i18n import N_
from bot.notifications.base import Context, Rendered
from logistics.views import DonationView, donation_view
from storage.models import Delivery


async def _delivery(ctx: Context, payload: dict) -> tuple[Delivery, DonationView] | None:
    delivery = await ctx.session.get(Delivery, int(payload["delivery_id"]))
    if delivery is None:
        return None
    view = await donation_view(ctx.session, delivery.donation_id)
    return (delivery, view) if view else None


def _stop(view: DonationView, delivery_id: int):
    return next(s for s in view.stops if s.delivery_id == delivery_id)


async def pending_stop(ctx: Context, payload: dict):
    """(delivery, view, stop) of a delivery whose receipt is still pending; else None."""
    found = await _delivery(ctx, payload)
    if found is None:
        return None
    delivery, view = found
    stop = _stop(view, delivery.id)
    return (delivery, view, stop) if stop.receipt_status == "pending" else None


async def receipt_request(ctx: Context, payload: dict) -> Rendered | None:
    found = await pending_stop(ctx, payload)
    if found is None:
        return None
    delivery, view, stop = found

    def render() -> str:
        return _("🚚 {driver} delivered {kg} from {store} to {place}. Did you receive it?").format(
            driver=escape(view.driver_name or "—"),
            kg=formatting.kg(stop.delivered_kg or 0, cards.locale()),
            store=escape(view.store_name),
            place=escape(stop.name),
        )

    builder = InlineKeyboardBuilder()
    for action, msgid in (
        ("ok", N_("✅ Received as stated")),
        ("diff", N_("⚖️ The quantity differs")),
        ("problem", N_("⚠️ A problem")),
    ):
        builder.button(
            text=ctx.label(msgid), callback_data=ReceiptCb(delivery_id=delivery.id, action=action)
        )
    builder.adjust(1)
    return Rendered(text=ctx.each(render), reply_markup=builder.as_markup())


def problem_label(problem: str | None) -> str:
    return {
        "too_warm": _("too warm (cold chain broken)"),
        "damaged": _("damaged"),
        "not_arrived": _("not arrived"),
        "other": _("other problem"),
    }.get(problem or "", problem or "—")


async def receipt_disputed(ctx: Context, payload: dict) -> Rendered | None:
    found = await _delivery(ctx, payload)
    if found is None:
        return None
    delivery, view = found
    stop = _stop(view, delivery.id)

    def render() -> str:
        if stop.problem:
            head = _("⚠️ {place} reports a problem with a delivery: {problem}.").format(
                place=escape(stop.name), problem=problem_label(stop.problem)
            )
        else:
            head = _("⚠️ {place} received {received} instead of {delivered}.").format(
                place=escape(stop.name),
                received=formatting.kg(stop.received_kg or 0, cards.locale()),
                delivered=formatting.kg(stop.delivered_kg or 0, cards.locale()),
            )
        return head + "\n\n" + cards.card_text(view)

    return Rendered(text=ctx.each(render))


RENDERERS = {
    "receipt_request": receipt_request,
    "receipt_disputed": receipt_disputed,
    "receipt_problem": receipt_disputed,
}
