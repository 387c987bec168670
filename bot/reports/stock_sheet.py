"""The hubs' stock in the monthly report's files: one sheet (and CSV section) with a row per
hub, and the same table as a printable PDF, both only when a hub held or moved stock.

Every figure is the food's way through the hub, already in the kg collected: the files say so
under the title, and no figure here is added to the tonnage.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram.utils.i18n import I18n

from bot import formatting
from bot.i18n import N_
from bot.reports.pdf_table import table_pdf
from bot.reports.text import STOCK_NOTE, month_name, period_text, signed
from logistics.reports.monthly import Report
from storage.models import LOSS_REASONS

Cell = str | float | int | None

HEADERS = (
    N_("Antenna"),
    N_("Hub name"),
    N_("kg into stock"),
    N_("kg out to associations"),
    N_("kg lost: past its date"),
    N_("kg lost: damaged"),
    N_("kg lost: cold chain broken"),
    N_("kg count corrections"),
    N_("kg on hand at the end"),
)
COUNT_COLUMN = 7


def stock_rows(report: Report) -> list[list[Cell]]:
    """One row per hub, kg as numbers (a count correction signed)."""
    return [
        [
            hub.antenna,
            hub.hub,
            hub.received_kg,
            hub.out_kg,
            *(hub.lost_kg[reason] for reason in LOSS_REASONS),
            hub.count_kg,
            hub.on_hand_kg,
        ]
        for hub in report.hubs
    ]


def stock_table(report: Report, t: Callable[[str], str]) -> list[tuple]:
    """The section of the CSV and sheet of the XLSX: none when no hub had stock."""
    if not report.hubs:
        return []
    return [(t(N_("Hub stock")), [t(h) for h in HEADERS], stock_rows(report))]


def stock_pdf(report: Report, i18n: I18n, locale: str) -> bytes | None:
    """The hubs' table on paper (A4 landscape) under the month, the period and what the
    figures are; None when no hub had stock."""
    if not report.hubs:
        return None

    def t(msgid: str) -> str:
        return i18n.gettext(msgid, locale=locale)

    rows = []
    for cells in stock_rows(report):
        text = [str(c) if isinstance(c, str) else formatting.number(c, locale) for c in cells]
        count = cells[COUNT_COLUMN]
        text[COUNT_COLUMN] = signed(count, locale) if count else "0"
        rows.append(text)
    return table_pdf(
        title=t(N_("Hub stock — {month}")).format(month=month_name(report, locale)),
        lines=[
            t(N_("Period: {days}")).format(days=period_text(report.period, locale, t)),
            t(STOCK_NOTE),
        ],
        headers=[t(h) for h in HEADERS],
        rows=rows,
        page_label=t(N_("page {n} / {total}")),
    )


def stock_pdf_name(report: Report, i18n: I18n, locale: str) -> str:
    """``stock-hubs-2026-03.pdf`` / ``voorraad-hubs-2026-03.pdf``."""
    return i18n.gettext(N_("hub-stock-{month}"), locale=locale).format(month=report.month) + ".pdf"
