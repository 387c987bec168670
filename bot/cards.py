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
from logistics.views import DonationView, ItemView, StopView

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


def cold_label(cold_chain: str) -> str:
    return {"chilled": _("❄️ chilled"), "frozen": _("🧊 frozen")}.get(cold_chain, "")


def item_line(item: ItemView) -> str:
    name = item.name_fr if locale() == "fr" else item.name_nl
    parts = [f"• {escape(name)}: {quantity(item.quantity, item.unit)}"]
    if item.unit != "kg":
        parts.append(_("(≈ {kg})").format(kg=formatting.kg(item.estimated_kg, locale())))
    if item.collected_kg is not None:
        parts.append(_("→ {kg} collected").format(kg=formatting.kg(item.collected_kg, locale())))
    if cold := cold_label(item.cold_chain):
        parts.append(cold)
    return " ".join(parts)


def window_line(view: DonationView) -> str:
    return _("🕕 {day}, {start}–{end}").format(
        day=formatting.short_day(view.window_start, locale(), view.tz),
        start=formatting.hour(view.window_start, locale(), view.tz),
        end=formatting.hour(view.window_end, locale(), view.tz),
    )


def status_line(view: DonationView) -> str:
    driver = escape(view.driver_name or "—")
    kg = formatting.kg(view.collected_kg or 0, locale())
    lines = {
        "announced": lambda: _("🔓 <b>To be collected</b>: who takes it?"),
        "claimed": lambda: _("🚐 Claimed by {driver}").format(driver=driver),
        "picked_up": lambda: _("📦 Collected: {kg} by {driver}").format(kg=kg, driver=driver),
        "delivered": lambda: _("✅ Delivered: {kg} by {driver}").format(kg=kg, driver=driver),
        "received": lambda: _("✅ Delivered and received: {kg}").format(kg=kg),
        "cancelled": lambda: _("✖️ Cancelled"),
        "expired": lambda: _("⌛ Not collected: the window has passed"),
        "missed": lambda: _("⚠️ Missed collection"),
    }
    return lines.get(view.status, lambda: view.status)()


def stop_line(stop: StopView) -> str:
    kg = formatting.kg(stop.delivered_kg or stop.planned_kg or 0, locale())
    line = _("➡️ {place}: {kg}").format(place=escape(stop.name), kg=kg)
    marks = {
        "pending": lambda: _("delivered, receipt awaited"),
        "confirmed": lambda: _("received ✔︎"),
        "disputed": lambda: _("⚠️ receipt disputed"),
    }
    if stop.receipt_status in marks:
        line += " — " + marks[stop.receipt_status]()
    return line


def card_text(view: DonationView) -> str:
    lines = [f"🛒 <b>{escape(view.store_name)}</b>"]
    if view.store_address:
        lines[0] += f" — {escape(view.store_address)}"
    lines[0] += f" · #{view.id}"  # the number coordinators give to /history
    lines.append(window_line(view))
    lines += [item_line(i) for i in view.items[:MAX_ITEMS_SHOWN]]
    if len(view.items) > MAX_ITEMS_SHOWN:
        lines.append(_("… and {count} more").format(count=len(view.items) - MAX_ITEMS_SHOWN))
    lines.append(_("Total ≈ {kg}").format(kg=formatting.kg(view.estimated_kg, locale())))
    if view.cold:
        lines.append(_("❄️ Needs a refrigerated vehicle"))
    lines += [stop_line(s) for s in view.stops]
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
