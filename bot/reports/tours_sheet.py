"""The vehicles' tours in the monthly report's files: one sheet (and CSV section) with a row
per vehicle and a row for all the vehicles of each antenna, and the same table as a printable
PDF, both only when an antenna had tours in the month.

The km are the planner's estimates and the headers say so; kg per km is left empty when
there is no distance. The note under the PDF's title says what the figures are.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram.utils.i18n import I18n

from bot import formatting
from bot.i18n import N_
from bot.reports.pdf_table import table_pdf
from bot.reports.text import month_name, period_text
from bot.reports.tour_figures_text import TOURS_NOTE
from logistics.reports.monthly import Report, VehicleMonth
from logistics.tours.figures import antenna_totals

Cell = str | float | int | None

HEADERS = (
    N_("Antenna"),
    N_("Vehicle"),
    N_("Tours"),
    N_("Collection tours"),
    N_("Distribution tours"),
    N_("Stops made"),
    N_("Stops"),
    N_("kg collected on collection tours"),
    N_("kg delivered on distribution tours"),
    N_("kg carried"),
    N_("km estimated"),
    N_("kg per estimated km"),
)
ALL_VEHICLES = N_("All vehicles")


def _row(line: VehicleMonth, vehicle: str) -> list[Cell]:
    return [
        line.antenna,
        vehicle,
        line.tours,
        line.collection_tours,
        line.distribution_tours,
        line.stops_done,
        line.stops,
        line.collected_kg,
        line.delivered_kg,
        line.kg,
        line.km,
        line.kg_per_km,  # None: no distance, the cell stays empty
    ]


def tour_rows(report: Report, t: Callable[[str], str]) -> list[list[Cell]]:
    """Each antenna's vehicles, then their sum when there are several; kg and km as
    numbers."""
    rows = []
    for antenna, total in antenna_totals(list(report.tours)).items():
        vehicles = [v for v in report.tours if v.antenna == antenna]
        rows += [_row(v, v.vehicle) for v in vehicles]
        if len(vehicles) > 1:
            rows.append(_row(total, t(ALL_VEHICLES)))
    return rows


def tours_table(report: Report, t: Callable[[str], str]) -> list[tuple]:
    """The section of the CSV and sheet of the XLSX: none when there was no tour."""
    if not report.tours:
        return []
    return [(t(N_("Tours")), [t(h) for h in HEADERS], tour_rows(report, t))]


def tours_pdf(report: Report, i18n: I18n, locale: str) -> bytes | None:
    """The tours' table on paper (A4 landscape) under the month, the period and what the
    figures are; None when there was no tour."""
    if not report.tours:
        return None

    def t(msgid: str) -> str:
        return i18n.gettext(msgid, locale=locale)

    def cell(value: Cell) -> str:
        if value is None:
            return ""
        return value if isinstance(value, str) else formatting.number(value, locale)

    return table_pdf(
        title=t(N_("Tours — {month}")).format(month=month_name(report, locale)),
        lines=[
            t(N_("Period: {days}")).format(days=period_text(report.period, locale, t)),
            t(TOURS_NOTE),
        ],
        headers=[t(h) for h in HEADERS],
        rows=[[cell(c) for c in row] for row in tour_rows(report, t)],
        page_label=t(N_("page {n} / {total}")),
    )


def tours_pdf_name(report: Report, i18n: I18n, locale: str) -> str:
    """``tournees-2026-03.pdf`` / ``rondes-2026-03.pdf``."""
    return i18n.gettext(N_("tours-{month}"), locale=locale).format(month=report.month) + ".pdf"
