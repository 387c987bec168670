"""How a morning distribution tour reads: the van, driver and length, each association in
order with its address, map link, reception window, planned arrival and what it gets (lot by
lot, first expired first), the stock that stays at the hub and why; and its buttons."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import cards, formatting
from bot.callbacks import TourCb, TourDeliverCb
from bot.tours.text import Heading, heading_lines, map_url, stop_moves
from logistics.tours.distribution.view import DistributionTour, LotInfo, StopLine


def fit(text: str, limit: int = 4096) -> str:
    """The text within Telegram's limit, cut between two stops (never inside a tag)."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n\n", 0, limit - 2)
    return text[: cut if cut > 0 else text.rfind("\n", 0, limit)]


def lot_name(lot: LotInfo) -> str:
    name = lot.category_nl if cards.locale() == "nl" else lot.category_fr
    if lot.label:
        name += f" ({escape(lot.label)})"
    dates = cards.date_label(lot.use_by, lot.best_before)
    return f"{escape(name)} {dates}".strip()


def reason_label(code: str) -> str:
    return {
        "past_date": _("past its date"),
        "nobody_receives": _("no association receives it this morning"),
        "no_cold_storage": _("no association with cold storage receives it this morning"),
        "van_not_refrigerated": _("chilled or frozen food, and the van is not refrigerated"),
        "van_full": _("the van is full"),
        "out_of_reach": _("out of reach this morning"),
        "removed": _("taken off by a coordinator"),
        "not_planned": _("came in after the plan"),
        "closed": _("closed this morning"),
        "no_location": _("no coordinates in the configuration"),
    }.get(code, code)


def problem_label(code: str) -> str:
    return {
        "window": _("reached after its reception hours"),
        "capacity": _("the van is over its capacity"),
        "cold_chain": _("chilled or frozen food in a van that is not refrigerated"),
    }.get(code, code)


def stop_text(view: DistributionTour, stop: StopLine) -> str:
    lc = cards.locale()
    lines = [f"<b>{stop.position}. {escape(stop.association_name)}</b>"]
    where = escape(stop.address) if stop.address else _("no address given")
    label = _("map")
    url = map_url(*stop.coordinates) if stop.coordinates else None
    link = f' · <a href="{url}">{label}</a>' if url else ""
    lines.append(f"📍 {where}{link}")
    when = []
    if stop.window:
        when.append(
            _("receives {start}–{end}").format(
                start=formatting.hour(stop.window[0], lc, view.tz),
                end=formatting.hour(stop.window[1], lc, view.tz),
            )
        )
    if stop.arrival_at:
        when.append(_("there at {hour}").format(hour=formatting.hour(stop.arrival_at, lc, view.tz)))
    when.append(formatting.kg(stop.kg, lc))
    lines.append("🕒 " + " · ".join(when))
    for load in stop.loads:
        short = " ⚠️ " + _("the lot no longer holds it") if load.short else ""
        lines.append(f"   • {formatting.kg(load.kg, lc)} {lot_name(load.lot)}{short}")
    lines += ["⚠️ " + problem_label(p) for p in stop.problems]
    if stop.status == "done":
        lines.append(_("✅ delivered"))
    elif stop.status == "nothing":
        lines.append(_("⛔ nobody there: the food stayed at the hub"))
    return "\n".join(lines)


def heading(view: DistributionTour) -> str:
    head = Heading(
        "distribution", view.status, view.starts_at, view.tz, view.vehicle_name,
        view.refrigerated, view.capacity_kg, view.driver_name, view.hub_name,
        view.planned_m / 1000, round(view.planned_s / 60),
    )  # fmt: skip
    total = ngettext(
        "In all {kg} to {count} association.",
        "In all {kg} to {count} associations.",
        len(view.stops),
    ).format(kg=formatting.kg(view.total_kg, cards.locale()), count=len(view.stops))
    return "\n".join([*heading_lines(head), total])


def distribution_text(view: DistributionTour, *, for_driver: bool = False) -> str:
    parts = [heading(view)]
    parts += [stop_text(view, stop) for stop in view.stops] or [_("No stop on this tour.")]
    if view.unplanned and not for_driver:
        lc = cards.locale()
        lines = [_("Stays at the hub:")]
        lines += [
            f"• {formatting.kg(u.kg, lc)} {lot_name(u.lot)}: "
            + ", ".join(reason_label(r) for r in u.reasons)
            for u in view.unplanned
        ]
        parts.append("\n".join(lines))
    if view.left_places and not for_driver:
        lines = [_("Associations not on this tour:")]
        lines += [f"• {escape(p.name)}: {reason_label(p.reason)}" for p in view.left_places]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def distribution_keyboard(view: DistributionTour) -> InlineKeyboardMarkup:
    """The coordinators' buttons: each stop up, down or off; the solver's order again; the
    stock proposed again; confirm with a driver."""
    builder = InlineKeyboardBuilder()
    widths = []
    if view.status == "proposed":
        widths += stop_moves(builder, view.stops)
        for action, label in (
            ("reorder", _("🔀 The solver's order")),
            ("replan", _("🔄 Propose the stock again")),
            ("drivers", _("✅ Confirm with a driver…")),
        ):
            builder.button(text=label, callback_data=TourCb(tour_id=view.tour_id, action=action))
            widths.append(1)
    else:
        builder.button(
            text=_("🔄 Show again"), callback_data=TourCb(tour_id=view.tour_id, action="show")
        )
        widths.append(1)
    builder.adjust(*widths)
    return builder.as_markup()


def distribution_sheet_keyboard(view: DistributionTour) -> InlineKeyboardMarkup:
    """The driver's buttons: each stop still to do delivered, or nobody there."""
    builder = InlineKeyboardBuilder()
    widths = []
    for stop in view.stops:
        if stop.status != "pending":
            continue
        builder.button(
            text=_("✅ {n}: delivered").format(n=stop.position),
            callback_data=TourDeliverCb(stop_id=stop.stop_id, action="done"),
        )
        builder.button(
            text=_("⛔ {n}: nobody there").format(n=stop.position),
            callback_data=TourDeliverCb(stop_id=stop.stop_id, action="nothing"),
        )
        widths.append(2)
    builder.button(
        text=_("🔄 Show again"), callback_data=TourCb(tour_id=view.tour_id, action="sheet")
    )
    widths.append(1)
    builder.adjust(*widths)
    return builder.as_markup()
