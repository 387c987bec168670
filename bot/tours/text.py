"""How a tour reads in a chat: its van, driver and length, then each stop in order with its
place, address, map link, window, planned arrival, kg and state; and its buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import cards, formatting
from bot.callbacks import PickupCb, TourCb, TourDriverCb, TourStopCb
from logistics.tours.views import StopLine, TourView

PICKED_UP = ("picked_up", "delivered", "received")


def map_url(latitude: float, longitude: float) -> str:
    """OpenStreetMap at the place, its marker set (escaped for Telegram's HTML)."""
    return (
        f"https://www.openstreetmap.org/?mlat={latitude}&amp;mlon={longitude}"
        f"#map=18/{latitude}/{longitude}"
    )


def map_link(stop: StopLine) -> str:
    if stop.latitude is None or stop.longitude is None:
        return ""
    url = map_url(stop.latitude, stop.longitude)
    label = _("map")
    return f' · <a href="{url}">{label}</a>'


def left_out_reason(reason: str) -> str:
    return {
        "cold_chain": _("chilled or frozen food, and this vehicle is not refrigerated"),
        "capacity": _("more than the vehicle can still carry"),
        "window": _("its window cannot be met on this tour"),
        "no_coordinates": _("the store has no coordinates in the configuration"),
        "no_cold_room": _("chilled or frozen food, and the hub has no cold room"),
        "claimed": _("a volunteer took it first"),
        "removed": _("taken off by a coordinator"),
    }.get(reason, reason)


def stop_state(stop: StopLine) -> str:
    if stop.donation_status == "cancelled":
        return _("❌ cancelled by the store")
    if stop.donation_status in PICKED_UP:
        return _("✅ collected: {kg}").format(
            kg=formatting.kg(stop.collected_kg or 0, cards.locale())
        )
    if stop.status == "done":
        return _("✅ delivered")
    if stop.status == "nothing":
        return _("⛔ nobody there")
    return ""


def stop_text(view: TourView, stop: StopLine, *, compact: bool = False) -> str:
    lc = cards.locale()
    lines = [f"<b>{stop.position}. {escape(stop.place)}</b>"]
    if not compact:
        where = escape(stop.address) if stop.address else _("no address given")
        lines.append(f"📍 {where}{map_link(stop)}")
    when = []
    if stop.window_start and stop.window_end:
        when.append(
            _("window {start}–{end}").format(
                start=formatting.hour(stop.window_start, lc, view.tz),
                end=formatting.hour(stop.window_end, lc, view.tz),
            )
        )
    if stop.arrival_at:
        when.append(_("there at {hour}").format(hour=formatting.hour(stop.arrival_at, lc, view.tz)))
    when.append(_("about {kg}").format(kg=formatting.kg(stop.kg, lc)))
    lines.append("🕒 " + " · ".join(when))
    state = stop_state(stop)
    if state:
        lines.append(state)
    return "\n".join(lines)


@dataclass(frozen=True)
class Heading:
    """What the head of any tour says, collection or distribution."""

    kind: str
    status: str
    starts_at: datetime
    tz: str
    vehicle: str
    refrigerated: bool
    capacity_kg: float
    driver: str | None
    hub: str
    km: float
    minutes: int


def heading_lines(head: Heading) -> list[str]:
    lc = cards.locale()
    title = (
        _("🚐 <b>Collection tour</b> of {day}")
        if head.kind == "collection"
        else _("🚐 <b>Distribution tour</b> of {day}")
    ).format(day=formatting.short_day(head.starts_at, lc, head.tz))
    status = {
        "proposed": _("proposed, not confirmed yet"),
        "confirmed": _("confirmed"),
        "done": _("done"),
        "cancelled": _("cancelled"),
    }[head.status]
    cold = _("refrigerated") if head.refrigerated else _("not refrigerated")
    return [
        f"{title} ({status})",
        _("Vehicle: {vehicle} ({cold}, {capacity})").format(
            vehicle=escape(head.vehicle), cold=cold, capacity=formatting.kg(head.capacity_kg, lc)
        ),
        _("Driver: {driver}").format(
            driver=escape(head.driver) if head.driver else _("not chosen")
        ),
        _("Leaves {hub} at {hour}; about {km} km and {minutes} min, back at the hub.").format(
            hub=escape(head.hub),
            hour=formatting.hour(head.starts_at, lc, head.tz),
            km=formatting.number(head.km, lc),
            minutes=head.minutes,
        ),
    ]


def heading(view: TourView) -> str:
    head = Heading(
        view.kind, view.status, view.starts_at, view.tz, view.vehicle, view.refrigerated,
        view.capacity_kg, view.driver, view.hub, view.planned_km, view.planned_minutes,
    )  # fmt: skip
    return "\n".join(heading_lines(head))


def tour_text(view: TourView, names: dict[int, str] | None = None, *, compact: bool = False) -> str:
    """The tour; ``names`` (pickup id → store) words what was left out of a proposal;
    ``compact`` leaves the addresses out (a tour too long for one message)."""
    parts = [heading(view)]
    if view.stops:
        parts += [stop_text(view, stop, compact=compact) for stop in view.stops]
    else:
        parts.append(_("No stop on this tour."))
    if view.left_out and names is not None:
        lines = [_("Not on this tour:")]
        lines += [
            f"• {escape(names.get(donation_id, '#' + str(donation_id)))}: {left_out_reason(r)}"
            for donation_id, r in view.left_out
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def stop_moves(builder: InlineKeyboardBuilder, stops) -> list[int]:
    """Each stop's ⬆️ ⬇️ ✖️ buttons (a row of three per stop); the rows' widths."""
    for stop in stops:
        for move, label in (("up", "⬆️"), ("down", "⬇️"), ("remove", "✖️")):
            builder.button(
                text=f"{label} {stop.position}",
                callback_data=TourStopCb(stop_id=stop.stop_id, move=move),
            )
    return [3] * len(stops)


def proposal_keyboard(view: TourView) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    widths = []
    if view.status == "proposed":
        widths += stop_moves(builder, view.stops)
        builder.button(
            text=_("🔄 Plan again"), callback_data=TourCb(tour_id=view.tour_id, action="replan")
        )
        builder.button(
            text=_("✅ Confirm with a driver…"),
            callback_data=TourCb(tour_id=view.tour_id, action="drivers"),
        )
        widths += [1, 1]
    else:
        builder.button(
            text=_("🔄 Show again"), callback_data=TourCb(tour_id=view.tour_id, action="show")
        )
        widths.append(1)
    builder.adjust(*widths)
    return builder.as_markup()


def drivers_keyboard(tour_id: int, drivers: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for member_id, name in drivers:
        builder.button(
            text=name[:60], callback_data=TourDriverCb(tour_id=tour_id, member_id=member_id)
        )
    builder.button(
        text=_("↩️ Back to the tour"), callback_data=TourCb(tour_id=tour_id, action="show")
    )
    builder.adjust(1)
    return builder.as_markup()


def sheet_keyboard(view: TourView) -> InlineKeyboardMarkup:
    """The driver's buttons: record each stop still to do, then unload at the hub."""
    builder = InlineKeyboardBuilder()
    widths = []
    for stop in view.stops:
        if stop.donation_id is None or stop.donation_status != "claimed":
            continue
        builder.button(
            text=_("⚖️ {n}: kg collected").format(n=stop.position),
            callback_data=PickupCb(donation_id=stop.donation_id, action="total"),
        )
        builder.button(
            text=_("∅ {n}: nothing there").format(n=stop.position),
            callback_data=PickupCb(donation_id=stop.donation_id, action="zero"),
        )
        widths.append(2)
    if any(s.donation_status == "picked_up" for s in view.stops):
        builder.button(
            text=_("🏠 Unloaded at the hub"),
            callback_data=TourCb(tour_id=view.tour_id, action="unload"),
        )
        widths.append(1)
    builder.button(
        text=_("🔄 Show again"), callback_data=TourCb(tour_id=view.tour_id, action="sheet")
    )
    widths.append(1)
    builder.adjust(*widths)
    return builder.as_markup()
