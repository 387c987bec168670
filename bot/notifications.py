"""The wording of what the bot says on its own: one renderer per outbox ``kind``.

Renderers run when the entry is sent, so they show the current state, in the recipient's
language (a group gets its antenna's languages; a person whose language is unknown, both).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting, runsheet, summary
from bot.callbacks import ClaimCb, MissedCb, ReceiptCb, SlotCb
from bot.i18n import LOCALES, N_
from logistics.runsheet import run_sheet as load_run_sheet
from logistics.summary import summary as load_summary
from logistics.views import DonationView, donation_view
from storage.models import Antenna, Delivery, Member


@dataclass(frozen=True)
class Rendered:
    text: str
    reply_markup: InlineKeyboardMarkup | None = None
    card_of: int | None = None  # a group card: edited in place once posted


@dataclass
class Context:
    session: AsyncSession
    i18n: I18n
    chat_id: int
    languages: tuple[str, ...]

    def each(self, render: Callable[[], str]) -> str:
        return cards.bilingual(self.i18n, self.languages, render)

    def label(self, msgid: str) -> str:
        return " · ".join(self.i18n.gettext(msgid, locale=lc) for lc in self.languages)


async def languages_of(session: AsyncSession, chat_id: int) -> tuple[str, ...]:
    if chat_id < 0:
        antenna = (
            await session.exec(select(Antenna).where(Antenna.group_chat_id == chat_id))
        ).first()
        if antenna:
            return tuple(x for x in antenna.group_languages.split(",") if x) or LOCALES
        return LOCALES
    member = (await session.exec(select(Member).where(Member.telegram_id == chat_id))).first()
    return (member.language,) if member and member.language else LOCALES


async def _view(ctx: Context, payload: dict) -> DonationView | None:
    return await donation_view(ctx.session, int(payload["donation_id"]))


async def donation_card(ctx: Context, payload: dict) -> Rendered | None:
    view = await _view(ctx, payload)
    if view is None:
        return None
    return Rendered(
        text=ctx.each(lambda: cards.card_text(view)),
        reply_markup=cards.card_keyboard(ctx.i18n, view, ctx.languages),
        card_of=view.id,
    )


async def donation_offer(ctx: Context, payload: dict) -> Rendered | None:
    view = await _view(ctx, payload)
    if view is None or view.status != "announced":
        return None  # taken meanwhile: no offer to make any more
    builder = InlineKeyboardBuilder()
    builder.button(text=ctx.label(N_("✋ I take it")), callback_data=ClaimCb(donation_id=view.id))
    return Rendered(
        text=ctx.each(lambda: _("A pickup you can take:") + "\n" + cards.card_text(view)),
        reply_markup=builder.as_markup(),
    )


async def late_release(ctx: Context, payload: dict) -> Rendered | None:
    view = await _view(ctx, payload)
    if view is None:
        return None
    driver = await ctx.session.get(Member, int(payload["driver_id"]))
    name = escape((driver.name if driver else None) or "—")

    def render() -> str:
        return (
            _(
                "⚠️ Late release: {driver} gave up the pickup at {store} less than 24 hours "
                "before it. It is open again."
            ).format(driver=name, store=escape(view.store_name))
            + "\n"
            + cards.window_line(view)
        )

    return Rendered(text=ctx.each(render))


async def slot_prompt(ctx: Context, payload: dict) -> Rendered | None:
    """A store is asked what it has for today's recurring pickup."""
    view = await _view(ctx, payload)
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
    view = await _view(ctx, payload)
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


def zero_reason_label(reason: str | None) -> str:
    return {
        "no_food": _("no food on arrival"),
        "store_closed": _("store closed"),
        "did_not_happen": _("the pickup did not happen"),
    }.get(reason or "", reason or "—")


async def pickup_zero(ctx: Context, payload: dict) -> Rendered | None:
    view = await _view(ctx, payload)
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


async def _delivery(ctx: Context, payload: dict) -> tuple[Delivery, DonationView] | None:
    delivery = await ctx.session.get(Delivery, int(payload["delivery_id"]))
    if delivery is None:
        return None
    view = await donation_view(ctx.session, delivery.donation_id)
    return (delivery, view) if view else None


def _stop(view: DonationView, delivery_id: int):
    return next(s for s in view.stops if s.delivery_id == delivery_id)


async def receipt_request(ctx: Context, payload: dict) -> Rendered | None:
    found = await _delivery(ctx, payload)
    if found is None:
        return None
    delivery, view = found
    stop = _stop(view, delivery.id)
    if stop.receipt_status != "pending":
        return None

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


async def member_unreachable(ctx: Context, payload: dict) -> Rendered | None:
    """The coordinators learn that the bot can no longer write to someone."""
    member = await ctx.session.get(Member, int(payload["member_id"]))
    if member is None or not member.unreachable:
        return None  # reachable again meanwhile
    name = escape(member.name or "—")

    def render() -> str:
        return _(
            "⚠️ {name} blocked the bot or left Telegram: the bot can no longer write to them."
        ).format(name=name)

    return Rendered(text=ctx.each(render))


async def daily_summary(ctx: Context, payload: dict) -> Rendered | None:
    """The evening summary of one antenna, for one of its coordinators."""
    figures = await load_summary(
        ctx.session, antenna_id=int(payload["antenna"]), day=date.fromisoformat(payload["day"])
    )
    return Rendered(text=ctx.each(lambda: summary.summary_text(figures)))


async def _pickup_note(
    ctx: Context, payload: dict, status: str, head: Callable[[DonationView], str]
) -> tuple[DonationView, str] | None:
    """A note about a pickup still in ``status`` (else outdated: None), with its card."""
    view = await _view(ctx, payload)
    if view is None or view.status != status:
        return None
    return view, ctx.each(lambda: head(view) + "\n\n" + cards.card_text(view))


async def unclaimed_alert(ctx: Context, payload: dict) -> Rendered | None:
    found = await _pickup_note(
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
    found = await _pickup_note(
        ctx,
        payload,
        "claimed",
        lambda v: _("⏰ Reminder: your pickup at {store} is soon.").format(
            store=escape(v.store_name)
        ),
    )
    return Rendered(text=found[1]) if found else None


async def missed_check(ctx: Context, payload: dict) -> Rendered | None:
    found = await _pickup_note(
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
    found = await _pickup_note(
        ctx,
        payload,
        "missed",
        lambda v: _(
            "⚠️ The pickup at {store} is marked as missed: {driver} did not answer whether "
            "it happened."
        ).format(store=escape(v.store_name), driver=escape(v.driver_name or "—")),
    )
    return Rendered(text=found[1]) if found else None


RENDERERS: dict[str, Callable[[Context, dict], Awaitable[Rendered | None]]] = {
    "donation_card": donation_card,
    "donation_offer": donation_offer,
    "late_release": late_release,
    "donation_claimed": donation_claimed,
    "pickup_zero": pickup_zero,
    "receipt_request": receipt_request,
    "receipt_disputed": receipt_disputed,
    "receipt_problem": receipt_disputed,
    "slot_prompt": slot_prompt,
    "member_unreachable": member_unreachable,
    "run_sheet": run_sheet,
    "unclaimed_alert": unclaimed_alert,
    "pickup_reminder": pickup_reminder,
    "missed_check": missed_check,
    "missed_pickup": missed_pickup,
    "summary": daily_summary,
}


async def render(session: AsyncSession, i18n: I18n, chat_id: int, payload: dict) -> Rendered | None:
    renderer = RENDERERS.get(payload.get("kind", ""))
    if renderer is None:
        raise LookupError(f"no renderer for outbox kind {payload.get('kind')!r}")
    ctx = Context(session, i18n, chat_id, await languages_of(session, chat_id))
    with i18n.context():
        return await renderer(ctx, payload)
