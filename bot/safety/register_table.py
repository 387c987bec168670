"""The traceability register in the reader's language: its title, header lines, column
headers and rows, rendered in the current locale (call inside ``i18n.use_locale``).

Each row keeps typed values (a local date and time, kg as a number, the use-by or
best-before date as a date) for the workbook; ``text_row`` turns one into strings for the CSV
and the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from bot import cards, formatting
from bot.i18n import BABEL_LOCALES, N_
from bot.reports.text import long_date
from logistics.reports.periods import Days
from logistics.safety.register_lines import RegisterLine

Cell = str | float | datetime | date | None

HEADERS = (
    N_("Date and time"),
    N_("Movement"),
    N_("Store (donor)"),
    N_("From"),
    N_("To"),
    N_("Product"),
    N_("Category"),
    N_("kg"),
    N_("≈ estimated"),
    N_("Announced quantity"),
    N_("Date kind"),
    N_("Date"),
    N_("Lot"),
    N_("Temperature"),
    N_("Carried by"),
    N_("Remark"),
)
MOVEMENTS = {
    "pickup": N_("Pickup"),
    "delivery": N_("Delivery"),
    "stock_out": N_("Out of hub stock"),
    "stock_loss": N_("Stock loss"),
    "stock_count": N_("Stock count"),
}
DATE_KINDS = {"use_by": N_("use by (DLC)"), "best_before": N_("best before (DDM)")}
TEMPERATURES = {"ambient": N_("ambient"), "chilled": N_("chilled"), "frozen": N_("frozen")}
REMARKS = {
    "withheld": N_("Not to be distributed: arrived too warm"),
    "lost": N_("Recorded as lost"),
    "pending": N_("Receipt not confirmed yet"),
    "past_date": N_("Discarded: past its date"),
    "damaged": N_("Discarded: damaged"),
    "cold_chain": N_("Discarded: cold chain broken"),
}
KG_COLUMN, WHEN_COLUMN, LIMIT_COLUMN = 7, 0, 11
ESTIMATE_COLUMN, KIND_COLUMN = 8, 10


@dataclass(frozen=True)
class Heading:
    """Whose register and over which days, as the header of every file."""

    network: str
    antenna: str
    place_kind: str | None  # "association" | "hub" | None: the whole antenna
    place: str | None
    days: Days
    tz: str


def days_text(days: Days, locale: str) -> str:
    """``1–31 mars 2026``, ``25 février 2026 – 3 mars 2026`` or ``3 mars 2026``."""
    last = long_date(days.last, locale)
    if days.first == days.last:
        return last
    if (days.first.year, days.first.month) == (days.last.year, days.last.month):
        return f"{days.first.day}–{last}"
    return f"{long_date(days.first, locale)} – {last}"


def title() -> str:
    return _("Traceability register")


def heading_lines(heading: Heading, locale: str) -> list[str]:
    lines = []
    if heading.network:
        lines.append(_("Network: {name}").format(name=heading.network))
    lines.append(_("Antenna: {name}").format(name=heading.antenna))
    if heading.place_kind == "association":
        lines.append(_("Association: {name}").format(name=heading.place))
    elif heading.place_kind == "hub":
        lines.append(_("Hub: {name}").format(name=heading.place))
    lines.append(_("Period: {days}").format(days=days_text(heading.days, locale)))
    lines.append(_("DLC: use by; DDM: best before."))
    lines.append(
        _(
            "≈: the part of a delivery's weight shared over its items in proportion to their "
            "collected weights, not weighed item by item."
        )
    )
    return lines


def headers() -> list[str]:
    return [_(header) for header in HEADERS]


def row(line: RegisterLine, tz: str, locale: str) -> list[Cell]:
    """One line with typed values: the local time without its zone, kg as a number."""
    quantity = cards.quantity(line.quantity, line.unit) if line.quantity and line.unit else ""
    return [
        formatting.local(line.at, tz).replace(tzinfo=None, second=0, microsecond=0),
        _(MOVEMENTS[line.movement]),
        line.store,
        line.origin,
        line.destination,
        line.product,
        line.category(locale),
        round(line.kg, 1),
        "≈" if line.estimated else "",
        quantity,
        _(DATE_KINDS[line.date_kind]) if line.date_kind else "",
        line.limit,
        line.lot or "",
        _(TEMPERATURES.get(line.cold_chain, line.cold_chain)),
        line.driver,
        remark(line, tz, locale),
    ]


def remark(line: RegisterLine, tz: str, locale: str) -> str:
    """What the line's remark says, and for a stock move the pickup its lot came from."""
    said = [_(REMARKS[line.remark])] if line.remark else []
    if line.picked_at is not None:
        day = formatting.local(line.picked_at, tz)
        picked = format_date(day, "dd/MM/yyyy", locale=BABEL_LOCALES[locale])
        said.append(_("from the pickup of {day}").format(day=picked))
    return " · ".join(said)


def text_row(cells: list[Cell], locale: str) -> list[str]:
    """A row as text: ``10/03/2026 18:40``, ``3,2``, ``12/03/2026``."""
    babel = BABEL_LOCALES[locale]
    out = []
    for cell in cells:
        if isinstance(cell, datetime):
            out.append(format_date(cell, "dd/MM/yyyy", locale=babel) + cell.strftime(" %H:%M"))
        elif isinstance(cell, date):
            out.append(format_date(cell, "dd/MM/yyyy", locale=babel))
        elif isinstance(cell, float):
            out.append(formatting.number(cell, locale))
        else:
            out.append("" if cell is None else str(cell))
    return out


def printed(header: list[str], texts: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The table for paper, narrower: ``≈ 11,5`` in the kg column, ``DLC 06/03/2026`` in
    one date column."""
    dropped = (ESTIMATE_COLUMN, KIND_COLUMN)
    headers = [h for i, h in enumerate(header) if i not in dropped]
    headers[headers.index(header[LIMIT_COLUMN])] = _("DLC / DDM")
    rows = []
    for text in texts:
        merged = list(text)
        merged[KG_COLUMN] = f"{text[ESTIMATE_COLUMN]} {text[KG_COLUMN]}".strip()
        merged[LIMIT_COLUMN] = f"{text[KIND_COLUMN]} {text[LIMIT_COLUMN]}".strip()
        rows.append([cell for i, cell in enumerate(merged) if i not in dropped])
    return headers, rows
