"""/tours for a coordinator: the tours of today and tomorrow, and a button per vehicle and
day to propose one."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import TourCb, TourPlanCb
from logistics.clock import Clock
from logistics.people.identity import Identity
from logistics.people.permissions import coordinated_antennas
from logistics.tours.menu import planned_tours, vehicles_to_plan


async def tours_menu(
    session: AsyncSession, identity: Identity, clock: Clock
) -> tuple[str, InlineKeyboardMarkup]:
    """The coordinator's tours from today on and the vehicles to plan."""
    antenna_ids = coordinated_antennas(identity)
    vehicles = await vehicles_to_plan(session, antenna_ids)
    planned = await planned_tours(session, antenna_ids, now=clock.now())
    lc = cards.locale()
    lines = [_("🚐 <b>Tours</b>")]
    builder = InlineKeyboardBuilder()
    for tour, vehicle_name, tz in planned:
        status = _("proposed") if tour.status == "proposed" else _("confirmed")
        label = (
            f"{formatting.abbreviated_day(tour.starts_at, lc, tz)} "
            f"{formatting.hour(tour.starts_at, lc, tz)} · {vehicle_name} · {status}"
        )
        lines.append("• " + escape(label))
        builder.button(text=label[:60], callback_data=TourCb(tour_id=tour.id, action="show"))
    if not planned:
        lines.append(_("No tour planned for today or tomorrow."))
    if not vehicles:
        lines.append(_("No vehicle: add them under [[vehicles]] in config.toml."))
    for vehicle in vehicles:
        for day, label in ((0, _("today")), (1, _("tomorrow"))):
            builder.button(
                text=_("Plan {vehicle}, {day}").format(vehicle=vehicle.name[:40], day=label),
                callback_data=TourPlanCb(vehicle_id=vehicle.id, day=day),
            )
        if vehicle.home_hub_id is not None:
            for day, label in ((0, _("today")), (1, _("tomorrow"))):
                builder.button(
                    text=_("Distribute the hub's stock with {vehicle}, {day}").format(
                        vehicle=vehicle.name[:30], day=label
                    ),
                    callback_data=TourPlanCb(vehicle_id=vehicle.id, day=day, kind="d"),
                )
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()
