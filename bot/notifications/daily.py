"""The scheduled messages: run sheet, evening summary, alerts and reminders."""

from __future__ import annotations

from datetime import date
from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.broadcasts import runsheet, summary
from bot.callbacks import ClaimCb, MissedCb
from bot.i18n import N_
from bot.notifications.base import Context, Rendered, pickup_note
from logistics.broadcasts.runsheet import run_sheet as load_run_sheet
from logistics.broadcasts.summary import summary as load_summary


async def run_sheet(ctx: Context, payload: dict) -> Rendered | None:
    """One message of the morning run sheet; rendering the first queues the others."""
    sheet = await load_run_sheet(
        ctx.session, antenna_id=int(payload["antenna_id"]), day=date.fromisoformat(payload["day"])
    )
    parts = runsheet.render_sheet(ctx.i18n, sheet, ctx.languages)
    index = int(payload.get("part", 0))
    if index == 0 and len(parts) > 1:
        await runsheet.queue_following_parts(
            ctx.session, chat_id=ctx.chat_id, payload=payload, count=len(parts)
        )
    if index >= len(parts):
        return None  # the sheet got shorter meanwhile
    return Rendered(text=parts[index].text, reply_markup=parts[index].reply_markup)


async def daily_summary(ctx: Context, payload: dict) -> Rendered | None:
    """The evening summary of one antenna, for one of its coordinators."""
    figures = await load_summary(
        ctx.session, antenna_id=int(payload["antenna"]), day=date.fromisoformat(payload["day"])
    )
    return Rendered(text=ctx.each(lambda: summary.summary_text(figures)))


async def unclaimed_alert(ctx: Context, payload: dict) -> Rendered | None:
    found = await pickup_note(
        ctx,
        payload,
        "announced",
        lambda v: _("⏰ Nobody has taken the pickup at {store} yet.").format(
            store=escape(v.store_name)
        ),
    )
    if found is None:
        return None
    view, text = found
    builder = InlineKeyboardBuilder()
    builder.button(text=ctx.label(N_("✋ I take it")), callback_data=ClaimCb(donation_id=view.id))
    return Rendered(text=text, reply_markup=builder.as_markup())


async def pickup_reminder(ctx: Context, payload: dict) -> Rendered | None:
    found = await pickup_note(
        ctx,
        payload,
        "claimed",
        lambda v: _("⏰ Reminder: your pickup at {store} is soon.").format(
            store=escape(v.store_name)
        ),
    )
    return Rendered(text=found[1]) if found else None


async def missed_check(ctx: Context, payload: dict) -> Rendered | None:
    found = await pickup_note(
        ctx,
        payload,
        "claimed",
        lambda v: _("Nothing is recorded yet for the pickup at {store}. How did it go?").format(
            store=escape(v.store_name)
        ),
    )
    if found is None:
        return None  # answered meanwhile
    view, text = found
    builder = InlineKeyboardBuilder()
    for action, msgid in (
        ("got", N_("📦 Food collected")),
        ("none", N_("🚫 No food on arrival")),
        ("no", N_("❌ I did not go")),
    ):
        builder.button(
            text=ctx.label(msgid), callback_data=MissedCb(donation_id=view.id, action=action)
        )
    builder.adjust(1)
    return Rendered(text=text, reply_markup=builder.as_markup())


async def missed_pickup(ctx: Context, payload: dict) -> Rendered | None:
    found = await pickup_note(
        ctx,
        payload,
        "missed",
        lambda v: _(
            "⚠️ The pickup at {store} is marked as missed: {driver} did not answer whether "
            "it happened."
        ).format(store=escape(v.store_name), driver=escape(v.driver_name or "—")),
    )
    return Rendered(text=found[1]) if found else None


RENDERERS = {
    "run_sheet": run_sheet,
    "unclaimed_alert": unclaimed_alert,
    "pickup_reminder": pickup_reminder,
    "missed_check": missed_check,
    "missed_pickup": missed_pickup,
    "summary": daily_summary,
}
