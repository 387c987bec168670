"""The monthly report as files a coordinator opens in Excel: CSV and XLSX.

CSV: one file, UTF-8 with a byte-order mark and ``;`` between fields, as Excel expects in
Belgium (where ``,`` is the decimal mark, so numbers are written ``12,5``). The sections
follow each other, each with its header row; the first column names the section on every
row, so that a filter on it shows one breakdown. XLSX: one sheet per breakdown, and one for
the drivers' and stores' reliability, headers in the reader's language, numbers stored as
numbers. When a hub held or moved stock, its figures are one more section and sheet, and a
printable PDF (``bot.reports.stock_sheet``); so are the vehicles' tours
(``bot.reports.tours_sheet``).
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiogram.utils.i18n import I18n
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_
from bot.reports.charts import render_month_png
from bot.reports.reliability_table import reliability_table
from bot.reports.reliability_text import reliability_text
from bot.reports.stock_sheet import stock_pdf, stock_pdf_name, stock_table
from bot.reports.text import (
    dispute_outcome,
    dispute_what,
    month_chart_caption,
    month_chart_labels,
    month_name,
    period_text,
    report_text,
)
from bot.reports.tours_sheet import tours_pdf, tours_pdf_name, tours_table
from logistics.reports.month_chart import MonthChart, month_chart
from logistics.reports.monthly import Factors, Report, monthly_report
from logistics.reports.periods import Month
from storage.models import Antenna

Cell = str | float | int | None  # None: a figure that does not apply (left empty)
Table = tuple[str, list[str], list[list[Cell]]]  # title, headers, rows

KIND_LABELS = {"association": N_("association"), "hub": N_("hub")}
ANTENNA_HEADERS = (
    N_("Pickups unclaimed"),
    N_("Released late"),
    N_("Receipts confirmed"),
    N_("Receipts disputed"),
    N_("Receipts pending"),
)
DISPUTE_HEADERS = (
    N_("Antenna"),
    N_("Pickup"),
    N_("Store"),
    N_("Destination"),
    N_("kg delivered"),
    N_("kg received"),
    N_("Problem and reason"),
    N_("Settlement"),
)
DESTINATION_HEADERS = (
    N_("Destination"),
    N_("Type"),
    N_("Deliveries"),
    N_("kg delivered"),
    N_("kg received"),
)


def tables(report: Report, i18n: I18n, locale: str) -> list[Table]:
    """The breakdowns of the report, with their titles and headers in ``locale``."""

    def t(msgid: str) -> str:
        return i18n.gettext(msgid, locale=locale)

    total = report.kg
    period = period_text(report.period, locale, t)
    summary = [
        [t(N_("Period")), period],
        [t(N_("kg collected")), round(total, 3)],
        [t(N_("Meals equivalent")), round(report.meals)],
        [t(N_("kg CO2e avoided")), round(report.co2e_kg)],
        [t(N_("Meals per kg (factor)")), report.factors.meals_per_kg],
        [t(N_("kg CO2e per kg (factor)")), report.factors.co2e_kg_per_kg],
        [t(N_("Pickups done")), report.total("done")],
        [t(N_("Pickups missed")), report.total("missed")],
        [t(N_("Pickups unclaimed")), report.total("unclaimed")],
        [t(N_("Released late")), report.total("released_late")],
        [t(N_("Receipts confirmed")), report.total("confirmed")],
        [t(N_("Receipts disputed")), report.total("disputed")],
    ]
    antennas = [
        [a.name, round(a.kg, 3), a.done, a.missed, a.unclaimed, a.released_late, *a.receipts]
        for a in report.antennas
    ]
    stores = [[s.antenna, s.name, s.done, s.missed, round(s.kg, 3)] for s in report.stores]
    destinations = [
        [d.antenna, d.name, t(KIND_LABELS[d.kind]), d.deliveries, *d.kg]
        for d in report.destinations
    ]
    categories = [
        [c.name(locale), round(c.kg, 3), round(c.kg / total * 100, 1) if total else 0]
        for c in report.categories
    ]
    done, missed, kg = t(N_("Pickups done")), t(N_("Pickups missed")), t(N_("kg collected"))
    return [
        (t(N_("Summary")), [t(N_("Figure")), t(N_("Value"))], summary),
        (
            t(N_("By antenna")),
            [t(N_("Antenna")), kg, done, missed, *map(t, ANTENNA_HEADERS)],
            antennas,
        ),
        (t(N_("By store")), [t(N_("Antenna")), t(N_("Store")), done, missed, kg], stores),
        (
            t(N_("By destination")),
            [t(N_("Antenna")), *map(t, DESTINATION_HEADERS)],
            destinations,
        ),
        (t(N_("By category")), [t(N_("Category")), kg, t(N_("Share (%)"))], categories),
        reliability_table(report, t, month_name(report, locale)),
        *disputes_table(report, i18n, locale),
        *stock_table(report, t),
        *tours_table(report, t),
    ]


def disputes_table(report: Report, i18n: I18n, locale: str) -> list[Table]:
    """The disputed receipts of the month, as a section of their own when there are any."""
    if not report.disputes:
        return []
    headers = [i18n.gettext(h, locale=locale) for h in DISPUTE_HEADERS]
    title = i18n.gettext(N_("Disputed receipts"), locale=locale)
    return [(title, headers, dispute_rows(report, i18n, locale))]


def dispute_rows(report: Report, i18n: I18n, locale: str) -> list[list[Cell]]:
    """One row per disputed receipt, with the association's reason and the settlement."""
    with i18n.context(), i18n.use_locale(locale):
        return [
            [
                d.antenna,
                d.donation_id,
                d.store,
                d.destination,
                round(d.delivered_kg, 3),
                "" if d.received_kg is None else round(d.received_kg, 3),
                dispute_what(d) if d.problem else "",
                dispute_outcome(d),
            ]
            for d in report.disputes
        ]


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.10g}".replace(".", ",")
    return str(value)


def to_csv(report: Report, i18n: I18n, locale: str) -> bytes:
    """One CSV file holding every section (UTF-8 with BOM, ``;``-separated)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    section = i18n.gettext(N_("Section"), locale=locale)
    for number, (title, headers, rows) in enumerate(tables(report, i18n, locale)):
        if number:
            writer.writerow([])
        writer.writerow([section, *headers])
        for row in rows:
            writer.writerow([title, *(_csv_value(v) for v in row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report, i18n: I18n, locale: str) -> bytes:
    """A workbook with one sheet per section."""
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in tables(report, i18n, locale):
        sheet = book.create_sheet(title[:31])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for index, header in enumerate(headers, start=1):
            longest = max([len(str(header)), *(len(str(r[index - 1])) for r in rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, 60)
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, float):
                    cell.number_format = "#,##0.0"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_names(report: Report, i18n: I18n, locale: str) -> Callable[[str], str]:
    """``rapport-2026-03.csv`` / ``verslag-2026-03.xlsx``."""
    stem = i18n.gettext(N_("report-{month}"), locale=locale).format(month=report.month)
    return lambda extension: f"{stem}.{extension}"


@dataclass(frozen=True)
class Bundle:
    """Everything /report and ``python -m bot report`` hand over."""

    text: str  # HTML
    reliability: str  # HTML: who keeps doing it
    csv_name: str
    csv: bytes
    xlsx_name: str
    xlsx: bytes
    chart_name: str
    chart: bytes
    chart_caption: str
    stock_pdf_name: str | None = None  # the hubs' stock on paper, when a hub had some
    stock_pdf: bytes | None = None
    tours_pdf_name: str | None = None  # the vehicles' tours on paper, when there were some
    tours_pdf: bytes | None = None


async def bundle(
    report: Report, chart: MonthChart, *, i18n: I18n, locale: str, antenna_names: str
) -> Bundle:
    """The messages, the two files and the chart of a report, in ``locale``; the files and
    the chart are made in worker threads."""
    with i18n.context(), i18n.use_locale(locale):
        text = report_text(report)
        reliability = reliability_text(report.reliability, month_name(report, locale))
        labels = month_chart_labels(report)
        caption = month_chart_caption(report, antenna_names)
    name = file_names(report, i18n, locale)
    xlsx = await asyncio.to_thread(to_xlsx, report, i18n, locale)
    png = await render_month_png(chart, locale, labels)
    paper = await asyncio.to_thread(stock_pdf, report, i18n, locale)
    tours = await asyncio.to_thread(tours_pdf, report, i18n, locale)
    return Bundle(
        text=text,
        reliability=reliability,
        csv_name=name("csv"),
        csv=to_csv(report, i18n, locale),
        xlsx_name=name("xlsx"),
        xlsx=xlsx,
        chart_name=name("png"),
        chart=png,
        chart_caption=caption,
        stock_pdf_name=stock_pdf_name(report, i18n, locale) if paper else None,
        stock_pdf=paper,
        tours_pdf_name=tours_pdf_name(report, i18n, locale) if tours else None,
        tours_pdf=tours,
    )


async def make_bundle(
    session: AsyncSession,
    *,
    antenna_ids: list[int],
    month: Month,
    factors: Factors,
    now: datetime,
    i18n: I18n,
    locale: str,
) -> Bundle:
    """The report of ``month`` for these antennas, with the chart of its days."""
    antennas = (await session.exec(select(Antenna).where(col(Antenna.id).in_(antenna_ids)))).all()
    tz = min(antennas, key=lambda a: a.id).timezone
    report = await monthly_report(
        session, antenna_ids=antenna_ids, month=month, factors=factors, now=now
    )
    chart = await month_chart(session, antenna_ids=antenna_ids, period=report.period, tz=tz)
    names = ", ".join(sorted(a.name for a in antennas))
    return await bundle(report, chart, i18n=i18n, locale=locale, antenna_names=names)
