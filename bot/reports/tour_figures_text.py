"""The vehicles' tours in words, in the current language: a short section per antenna in the
monthly report, a line per tour in the evening summary.

Every km shown is the planner's estimate of the round trip and says so; kg per km is the kg
carried for each estimated km, shown only when there is a distance. The kg carried are the
same food as the tonnage collected and the hubs' stock: the report says so once, under the
tours.
"""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot import cards, formatting
from bot.i18n import N_
from logistics.reports.monthly import Report
from logistics.tours.figures import TourFigures, VehicleMonth, antenna_totals

TOURS_NOTE = N_(
    "km estimated: the planner's estimate of each round trip from the hub and back, not an "
    "odometer reading. kg/km: the kg carried for each estimated km. The kg carried are "
    "already in the kg collected or in the hubs' stock: not added to the tonnage."
)
KIND_LABELS = {"collection": N_("collection"), "distribution": N_("distribution")}


def ratio(kg_per_km: float, locale: str) -> str:
    """``7,5 kg/km``."""
    return f"{formatting.number(kg_per_km, locale)} kg/km"


def carried(kg: float, km: float, kg_per_km: float | None, locale: str) -> list[str]:
    """``180 kg carried``, ``23,4 km estimated`` and, when there is a distance, the ratio."""
    parts = [
        _("{kg} carried").format(kg=formatting.kg(kg, locale)),
        _("{km} km estimated").format(km=formatting.number(km, locale)),
    ]
    if kg_per_km is not None:
        parts.append(ratio(kg_per_km, locale))
    return parts


def vehicle_figures(line: VehicleMonth, locale: str) -> str:
    """``2 tours · 180 kg carried · 23,4 km estimated · 7,7 kg/km``."""
    tours = ngettext("{count} tour", "{count} tours", line.tours).format(count=line.tours)
    return " · ".join([tours, *carried(line.kg, line.km, line.kg_per_km, locale)])


def tour_lines(report: Report) -> list[str]:
    """A section per antenna that had tours in the month: each vehicle, and all of them when
    there were several; the note on what the figures are, once, after the sections."""
    if not report.tours:
        return []
    lc = cards.locale()
    totals = antenna_totals(list(report.tours))
    lines: list[str] = []
    for antenna, total in totals.items():
        vehicles = [v for v in report.tours if v.antenna == antenna]
        lines += ["", _("🚐 <b>Tours — {antenna}</b>").format(antenna=escape(antenna))]
        lines += [
            _("• {vehicle}: {figures}").format(
                vehicle=escape(v.vehicle), figures=vehicle_figures(v, lc)
            )
            for v in vehicles
        ]
        if len(vehicles) > 1:
            lines.append(_("• All vehicles: {figures}").format(figures=vehicle_figures(total, lc)))
    lines.append(f"<i>{_(TOURS_NOTE)}</i>")
    return lines


def day_tour_line(tour: TourFigures, locale: str) -> str:
    """``• Camionnette · Sofie · collection: 4/5 stops made · 180 kg carried · …``."""
    made = _("{done}/{stops} stops made").format(done=tour.stops_done, stops=tour.stops)
    figures = [made, *carried(tour.kg, tour.km, tour.kg_per_km, locale)]
    return _("• {vehicle} · {driver} · {kind}: {figures}").format(
        vehicle=escape(tour.vehicle),
        driver=escape(tour.driver) if tour.driver else _("driver not chosen"),
        kind=_(KIND_LABELS[tour.kind]),
        figures=" · ".join(figures),
    )


def day_tour_lines(tours: tuple[TourFigures, ...], locale: str) -> list[str]:
    """The evening summary's tours of the day, by start; nothing on a day without one."""
    if not tours:
        return []
    return [_("🚐 <b>Tours of the day</b>"), *(day_tour_line(t, locale) for t in tours)]
