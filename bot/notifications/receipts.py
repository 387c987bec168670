"""What associations and coordinators are told about a delivery and its receipt."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import cards, formatting
from bot.callbacks import ReceiptCb, SettleCb
from bot.i18n import N_
from bot.notifications.base import Context, Rendered
from bot.safety import date_flags
from logistics.deliveries.settlement import Contact, dispute_contacts
from logistics.pickups.views import DonationView, donation_view
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
        text = _("🚚 {driver} delivered {kg} from {store} to {place}. Did you receive it?").format(
            driver=escape(view.driver_name or "—"),
            kg=formatting.kg(stop.delivered_kg or 0, cards.locale()),
            store=escape(view.store_name),
            place=escape(stop.name),
        )
        return "\n".join([text, *date_flags.stop_notes(view, stop)])

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


async def receipt_disputed(ctx: Context, payload: dict) -> Rendered | None:
    """The coordinators' alert: the stop's figures, the card with every stop, the buttons to
    settle it (while it is not settled) and how to reach the driver and the association."""
    found = await _delivery(ctx, payload)
    if found is None:
        return None
    delivery, view = found
    stop = _stop(view, delivery.id)
    driver, association = await dispute_contacts(ctx.session, delivery_id=delivery.id)

    def render() -> str:
        delivered = formatting.kg(stop.delivered_kg or 0, cards.locale())
        if stop.problem:
            head = _("⚠️ {place} reports a problem with {kg} delivered: {problem}.").format(
                place=escape(stop.name),
                kg=delivered,
                problem=cards.problem_text(stop.problem, stop.note),
            )
        else:
            head = _("⚠️ {place} received {received} instead of {delivered}.").format(
                place=escape(stop.name),
                received=formatting.kg(stop.received_kg or 0, cards.locale()),
                delivered=delivered,
            )
        lines = [head]
        if stop.chilled_withheld_at is not None:
            lines.append(_("🚫 Its chilled food is withheld: not to be handed out."))
        if driver is not None:
            lines.append(_("Driver: {contact}").format(contact=contact_link(driver)))
        if association:
            lines.append(
                _("Association: {contacts}").format(
                    contacts=", ".join(contact_link(c) for c in association)
                )
            )
        return "\n".join(lines) + "\n\n" + cards.card_text(view)

    markup = None
    if stop.receipt_status == "disputed" and stop.settlement is None:
        builder = InlineKeyboardBuilder()
        for outcome, msgid in SETTLE_BUTTONS:
            builder.button(
                text=ctx.label(msgid),
                callback_data=SettleCb(delivery_id=delivery.id, outcome=outcome),
            )
        builder.adjust(1)
        markup = builder.as_markup()
    return Rendered(text=ctx.each(render), reply_markup=markup)


SETTLE_BUTTONS = (
    ("association", N_("🏠 Accept the association's figure")),
    ("driver", N_("🚚 Keep the driver's figure")),
    ("lost", N_("🗑️ Record the food as lost")),
)


def contact_link(contact: Contact) -> str:
    """@username when the person has one, else a link that opens their Telegram profile."""
    if contact.username:
        return "@" + escape(contact.username)
    if contact.telegram_id is not None:
        return f'<a href="tg://user?id={contact.telegram_id}">{escape(contact.name)}</a>'
    return escape(contact.name)


RENDERERS = {
    "receipt_request": receipt_request,
    "receipt_disputed": receipt_disputed,
    "receipt_problem": receipt_disputed,
    "receipt_note": receipt_disputed,  # the problem in the association's words
}
