"""What the stores, drivers and the group are told about a pickup."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import cards, formatting
from bot.callbacks import ClaimCb, SlotCb
from bot.i18n import N_
from bot.notifications.base import Context, Rendered, view_of
from bot.pickups.release_view import reason_label
from storage.models import Donation, Member


async def donation_card(ctx: Context, payload: dict) -> Rendered | None:
    view = await view_of(ctx, payload)
    if view is None:
        return None
    return Rendered(
        text=ctx.each(lambda: cards.card_text(view)),
        reply_markup=cards.card_keyboard(ctx.i18n, view, ctx.languages),
        card_of=view.id,
    )


def offer_heading(payload: dict) -> str:
    if payload.get("changed"):
        return _("✏️ The store changed this pickup; you can take it:")
    return _("A pickup you can take:")


async def donation_offer(ctx: Context, payload: dict) -> Rendered | None:
    view = await view_of(ctx, payload)
    if view is None or view.status != "announced":
        return None  # taken meanwhile: no offer to make any more
    builder = InlineKeyboardBuilder()
    builder.button(text=ctx.label(N_("✋ I take it")), callback_data=ClaimCb(donation_id=view.id))
    return Rendered(
        text=ctx.each(lambda: offer_heading(payload) + "\n" + cards.card_text(view)),
        reply_markup=builder.as_markup(),
    )


async def _driver_name(ctx: Context, payload: dict) -> str:
    driver = await ctx.session.get(Member, int(payload["driver_id"]))
    return escape((driver.name if driver else None) or "—")


async def late_release(ctx: Context, payload: dict) -> Rendered | None:
    view = await view_of(ctx, payload)
    if view is None:
        return None
    name = await _driver_name(ctx, payload)

    def render() -> str:
        return (
            _(
                "⚠️ Late release: {driver} gave up the pickup at {store} less than 24 hours "
                "before it. It is open again."
            ).format(driver=name, store=escape(view.store_name))
            + "\n"
            + _("Reason given: {reason}").format(reason=reason_label(payload.get("reason")))
            + "\n"
            + cards.window_line(view)
        )

    return Rendered(text=ctx.each(render))


async def slot_prompt(ctx: Context, payload: dict) -> Rendered | None:
    """A store is asked what it has for today's recurring pickup."""
    view = await view_of(ctx, payload)
    if view is None or view.status != "draft":
        return None  # answered meanwhile, or over

    def render() -> str:
        start = formatting.hour(view.window_start, cards.locale(), view.tz)
        end = formatting.hour(view.window_end, cards.locale(), view.tz)
        window = f"{start}–{end}"
        return _("Your pickup today {window} at {store}: what do you have?").format(
            window=window, store=escape(view.store_name)
        )

    builder = InlineKeyboardBuilder()
    for action, msgid in (("none", N_("🚫 Nothing today")), ("qty", N_("✍️ Give the quantities"))):
        builder.button(
            text=ctx.label(msgid), callback_data=SlotCb(donation_id=view.id, action=action)
        )
    builder.adjust(1)
    return Rendered(text=ctx.each(render), reply_markup=builder.as_markup())


async def donation_claimed(ctx: Context, payload: dict) -> Rendered | None:
    view = await view_of(ctx, payload)
    if view is None or view.status != "claimed":
        return None  # released meanwhile: nothing to tell any more

    def render() -> str:
        return (
            _("🚐 {driver} will come for your surplus.").format(
                driver=escape(view.driver_name or "—")
            )
            + "\n"
            + cards.window_line(view)
        )

    return Rendered(text=ctx.each(render))


async def donation_released(ctx: Context, payload: dict) -> Rendered | None:
    """The store: the driver who was coming gave the pickup back."""
    view = await view_of(ctx, payload)
    if view is None:
        return None
    name = await _driver_name(ctx, payload)

    def render() -> str:
        return (
            _(
                "↩️ {driver} no longer comes for your surplus. The pickup is offered to the "
                "other drivers again: I will tell you who takes it."
            ).format(driver=name)
            + "\n"
            + cards.window_line(view)
        )

    return Rendered(text=ctx.each(render))


async def donation_cancelled(ctx: Context, payload: dict) -> Rendered | None:
    """The driver who had claimed it, and the group: the pickup is called off."""
    view = await view_of(ctx, payload)
    if view is None or view.status != "cancelled":
        return None

    def render() -> str:
        return (
            _("✖️ The pickup at {store} is cancelled: nobody needs to go.").format(
                store=escape(view.store_name)
            )
            + "\n"
            + cards.window_line(view)
        )

    return Rendered(text=ctx.each(render))


async def pickup_photo(ctx: Context, payload: dict) -> Rendered | None:
    """The photo the store sent with its announcement, for the driver who claimed it."""
    view = await view_of(ctx, payload)
    donation = await ctx.session.get(Donation, int(payload["donation_id"]))
    if view is None or view.status != "claimed" or not donation.photo_file_id:
        return None  # released or collected meanwhile: no use any more

    def render() -> str:
        return (
            _("📷 The photo {store} sent with the pickup you took.").format(
                store=escape(view.store_name)
            )
            + "\n"
            + cards.window_line(view)
        )

    return Rendered(text=ctx.each(render), photo_file_id=donation.photo_file_id)


def zero_reason_label(reason: str | None) -> str:
    return {
        "no_food": _("no food on arrival"),
        "store_closed": _("store closed"),
        "did_not_happen": _("the pickup did not happen"),
    }.get(reason or "", reason or "—")


async def pickup_zero(ctx: Context, payload: dict) -> Rendered | None:
    view = await view_of(ctx, payload)
    if view is None:
        return None

    def render() -> str:
        return (
            _("Nothing collected at {store} ({reason}).").format(
                store=escape(view.store_name), reason=zero_reason_label(view.zero_reason)
            )
            + "\n\n"
            + cards.card_text(view)
        )

    return Rendered(text=ctx.each(render))


RENDERERS = {
    "donation_card": donation_card,
    "donation_offer": donation_offer,
    "late_release": late_release,
    "donation_claimed": donation_claimed,
    "donation_released": donation_released,
    "donation_cancelled": donation_cancelled,
    "pickup_zero": pickup_zero,
    "pickup_photo": pickup_photo,
    "slot_prompt": slot_prompt,
}
