"""How a donation is shown: in the group card, in offers, in /runs and /mine.

Rendered in the current locale (``_``); ``bilingual`` joins the antenna's languages.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import formatting
from bot.callbacks import ClaimCb, ReleaseCb
from bot.i18n import N_
from bot.safety import date_flags
from logistics.deliveries.reception import Reception
from logistics.pickups.views import DonationView, ItemLine, StopView

MAX_ITEMS_SHOWN = 20


def locale() -> str:
    return I18n.get_current().current_locale


def quantity(value: float, unit: str) -> str:
    n = int(value) if float(value).is_integer() else 2
    number = formatting.number(value, locale())
    units = {
        "kg": lambda: "kg",
        "crate": lambda: ngettext("crate", "crates", n),
        "piece": lambda: ngettext("piece", "pieces", n),
        "pallet": lambda: ngettext("pallet", "pallets", n),
        "litre": lambda: ngettext("litre", "litres", n),
    }
    return f"{number} {units[unit]()}"


def date_label(use_by, best_before) -> str:
    """``DLC 05/12`` / ``TGT 05/12``, ``DDM 31/12`` / ``THT 31/12``: the glossary's words."""
    parts = []
    if use_by is not None:
        parts.append(_("use-by {date}").format(date=f"{use_by:%d/%m}"))
    if best_before is not None:
        parts.append(_("best-before {date}").format(date=f"{best_before:%d/%m}"))
    return " ".join(f"📅 {p}" for p in parts)


def cold_label(cold_chain: str) -> str:
    return {"chilled": _("❄️ chilled"), "frozen": _("🧊 frozen")}.get(cold_chain, "")


def item_line(line: ItemLine) -> str:
    """One category of a donation: its quantities, and its kilograms once collected, marked
    ≈ when they are a share of a total rather than weighed."""
    name = line.name_fr if locale() == "fr" else line.name_nl
    amounts = " + ".join(quantity(amount, unit) for amount, unit in line.quantities)
    parts = [f"• {escape(name)}: {amounts}"]
    if any(unit != "kg" for _amount, unit in line.quantities):
        parts.append(_("(≈ {kg})").format(kg=formatting.kg(line.estimated_kg, locale())))
    if line.collected_kg is not None:
        collected = formatting.kg(line.collected_kg, locale())
        if line.collected_estimated:
            parts.append(_("→ ≈ {kg} collected (share of the total)").format(kg=collected))
        else:
            parts.append(_("→ {kg} collected").format(kg=collected))
    if cold := cold_label(line.cold_chain):
        parts.append(cold)
    if dated := date_label(line.use_by, line.best_before):
        parts.append(dated)
    return " ".join(parts)


def window_line(view: DonationView) -> str:
    return _("🕕 {day}, {start}–{end}").format(
        day=formatting.short_day(view.window_start, locale(), view.tz),
        start=formatting.hour(view.window_start, locale(), view.tz),
        end=formatting.hour(view.window_end, locale(), view.tz),
    )


def delivered_phrase(view: DonationView) -> str:
    """The delivered total (the sum of the stops), and the collected one when they differ."""
    delivered, collected = view.delivered_kg, view.collected_kg or 0
    text = formatting.kg(delivered, locale())
    if round(delivered, 1) != round(collected, 1):
        text = _("{delivered} (collected: {collected})").format(
            delivered=text, collected=formatting.kg(collected, locale())
        )
    return text


def received_line(view: DonationView) -> str:
    kg = delivered_phrase(view)
    if view.disputed:
        return ngettext(
            "⚠️ Delivered: {kg}; {count} receipt disputed, for a coordinator to settle",
            "⚠️ Delivered: {kg}; {count} receipts disputed, for a coordinator to settle",
            view.disputed,
        ).format(kg=kg, count=view.disputed)
    if any(stop.settlement for stop in view.stops):
        return _("☑️ Delivered: {kg}; the disputes are settled").format(kg=kg)
    return _("✅ Delivered and received: {kg}").format(kg=kg)


def status_line(view: DonationView) -> str:
    driver = escape(view.driver_name or "—")
    kg = formatting.kg(view.collected_kg or 0, locale())
    lines = {
        "announced": lambda: _("🔓 <b>To be collected</b>: who takes it?"),
        "claimed": lambda: _("🚐 Claimed by {driver}").format(driver=driver),
        "picked_up": lambda: _("📦 Collected: {kg} by {driver}").format(kg=kg, driver=driver),
        "delivered": lambda: _("🚚 Delivered: {kg} by {driver}").format(
            kg=delivered_phrase(view), driver=driver
        ),
        "received": lambda: received_line(view),
        "cancelled": lambda: _("✖️ Cancelled"),
        "expired": lambda: _("⌛ Not collected: the window has passed"),
        "missed": lambda: _("⚠️ Missed collection"),
    }
    return lines.get(view.status, lambda: view.status)()


def stop_line(stop: StopView, view: DonationView | None = None) -> str:
    """One stop and, given its donation, what the dates and the cold chain say about it."""
    line = _stop_line(stop)
    if view is not None:
        line += "".join("\n   " + note for note in date_flags.stop_notes(view, stop))
    return line


def _stop_line(stop: StopView) -> str:
    """One stop: planned, or the kg delivered and, once answered, received or the problem."""
    place = escape(stop.name)
    if stop.delivered_at is None:
        kg = formatting.kg(stop.planned_kg or 0, locale())
        line = _("➡️ {place}: {kg}").format(place=place, kg=kg)
        if stop.address:
            line += f" — {escape(stop.address)}"
        if stop.reception is not None:
            line += "\n   " + _("🕘 receives {when}").format(when=reception_text(stop.reception))
        return line
    kg = formatting.kg(stop.delivered_kg or 0, locale())
    if stop.receipt_status == "confirmed":
        return _("✅ {place}: {kg} delivered and received").format(place=place, kg=kg)
    if stop.receipt_status != "disputed":
        return _("🚚 {place}: {kg} delivered, receipt awaited").format(place=place, kg=kg)
    if stop.problem:
        line = _("⚠️ {place}: {kg} delivered; problem: {problem}").format(
            place=place, kg=kg, problem=problem_text(stop.problem, stop.note)
        )
    else:
        line = _("⚠️ {place}: {kg} delivered, {received} received").format(
            place=place, kg=kg, received=formatting.kg(stop.received_kg or 0, locale())
        )
    if stop.settlement:
        line += " — " + settlement_label(stop)
    return line


def reception_text(reception: Reception) -> str:
    """When a place receives, said relative to the pickup's day (a card is read on several
    days): the hours the same day, "the next day" and the hours, or a short date."""
    tz = reception.tz
    opens = formatting.hour(reception.opens, locale(), tz)
    hours = f"{opens}–{formatting.hour(reception.closes, locale(), tz)}"
    if reception.days_after == 0:
        return hours
    if reception.days_after == 1:
        return _("the next day {hours}").format(hours=hours)
    day = formatting.abbreviated_day(reception.opens, locale(), tz)
    return f"{day} {hours}"


def problem_label(problem: str | None) -> str:
    return {
        "too_warm": _("too warm (cold chain broken)"),
        "damaged": _("damaged"),
        "not_arrived": _("not arrived"),
        "other": _("other problem"),
    }.get(problem or "", problem or "—")


def problem_text(problem: str | None, note: str | None) -> str:
    """The problem and the association's own words, if it gave any."""
    text = problem_label(problem)
    return f"{text} ({escape(note)})" if note else text


def settlement_label(stop: StopView) -> str:
    kg = formatting.kg(stop.counted_kg, locale())
    return {
        "association": lambda: _("settled: the association's figure, {kg}").format(kg=kg),
        "driver": lambda: _("settled: the driver's figure, {kg}").format(kg=kg),
        "lost": lambda: _("settled: {kg} recorded as lost").format(
            kg=formatting.kg(stop.delivered_kg or 0, locale())
        ),
    }[stop.settlement]()


def card_text(view: DonationView) -> str:
    lines = [f"🛒 <b>{escape(view.store_name)}</b>"]
    if view.store_address:
        lines[0] += f" — {escape(view.store_address)}"
    lines[0] += f" · #{view.id}"  # the number coordinators give to /history
    lines.append(window_line(view))
    shown = view.item_lines
    lines += [item_line(i) for i in shown[:MAX_ITEMS_SHOWN]]
    if len(shown) > MAX_ITEMS_SHOWN:
        lines.append(_("… and {count} more").format(count=len(shown) - MAX_ITEMS_SHOWN))
    lines.append(_("Total ≈ {kg}").format(kg=formatting.kg(view.estimated_kg, locale())))
    if view.cold:
        lines.append(_("❄️ Needs a refrigerated vehicle"))
    lines += [stop_line(s, view) for s in view.stops]
    lines.append(status_line(view))
    return "\n".join(lines)


def bilingual(i18n: I18n, languages: tuple[str, ...], render: Callable[[], str]) -> str:
    """The same text in each language, separated by a line."""
    texts = []
    for lc in languages or (i18n.default_locale,):
        with i18n.use_locale(lc):
            texts.append(render())
    return "\n〰️〰️〰️\n".join(texts)


def card_keyboard(
    i18n: I18n, view: DonationView, languages: tuple[str, ...]
) -> InlineKeyboardMarkup | None:
    def label(msgid: str) -> str:
        return " · ".join(i18n.gettext(msgid, locale=lc) for lc in languages)

    builder = InlineKeyboardBuilder()
    if view.status == "announced":
        builder.button(text=label(N_("✋ I take it")), callback_data=ClaimCb(donation_id=view.id))
    elif view.status == "claimed":
        builder.button(text=label(N_("↩️ Release")), callback_data=ReleaseCb(donation_id=view.id))
    else:
        return None
    return builder.as_markup()
