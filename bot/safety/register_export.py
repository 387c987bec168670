"""The traceability register as files to hand to an inspector, and as a short message.

XLSX: one sheet, the header lines above the table, numbers and dates stored as such. CSV:
UTF-8 with a byte-order mark, ``;`` between fields and ``,`` as the decimal mark, as Excel
expects in Belgium; the header lines first, each in its own row. PDF: the same table, printable
(A4 landscape), its header repeated on each page. /register and ``python -m bot register``
hand over the same files.
"""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import formatting
from bot.reports.pdf_table import table_pdf
from bot.safety.register_table import (
    KG_COLUMN,
    LIMIT_COLUMN,
    WHEN_COLUMN,
    Cell,
    Heading,
    days_text,
    headers,
    heading_lines,
    printed,
    row,
    text_row,
    title,
)
from logistics.reports.periods import Days
from logistics.safety.register import Scope, register_lines
from logistics.safety.register_lines import RegisterLine
from storage.models import Antenna, Association, Hub


@dataclass(frozen=True)
class RegisterFiles:
    text: str  # HTML: the summary message
    csv_name: str
    csv: bytes
    xlsx_name: str
    xlsx: bytes
    pdf_name: str
    pdf: bytes

    def files(self) -> list[tuple[str, bytes]]:
        return [(self.xlsx_name, self.xlsx), (self.csv_name, self.csv), (self.pdf_name, self.pdf)]


@dataclass(frozen=True)
class Rendered:
    title: str
    lines: list[str]
    headers: list[str]
    rows: list[list[Cell]]
    texts: list[list[str]]


def to_csv(doc: Rendered) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([doc.title])
    for line in doc.lines:
        writer.writerow([line])
    writer.writerow([])
    writer.writerow(doc.headers)
    writer.writerows(doc.texts)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(doc: Rendered) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = doc.title[:31]
    sheet.append([doc.title])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in doc.lines:
        sheet.append([line])
    sheet.append([])
    sheet.append(doc.headers)
    top = sheet.max_row
    for cell in sheet[top]:
        cell.font = Font(bold=True)
    for cells in doc.rows:
        sheet.append(cells)
    for index, header in enumerate(doc.headers, start=1):
        longest = max([len(header), *(len(t[index - 1]) for t in doc.texts)])
        sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, 50)
    formats = {WHEN_COLUMN: "dd/mm/yyyy hh:mm", KG_COLUMN: "0.0", LIMIT_COLUMN: "dd/mm/yyyy"}
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=top + 1, min_col=column + 1, max_col=column + 1):
            cell.number_format = number_format
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def summary_text(lines: list[RegisterLine], heading: Heading, locale: str) -> str:
    """The message: whose register, the period, how many movements and kg, what is flagged."""
    place = heading.place or heading.antenna
    text = [
        _("📒 Traceability register of {place}, {days}").format(
            place=escape(place), days=days_text(heading.days, locale)
        )
    ]
    if not lines:
        text.append(_("No food moved in this period."))
        return "\n".join(text)
    pickups = {line.donation_id for line in lines if line.movement == "pickup"}
    deliveries = [line for line in lines if line.movement == "delivery"]
    stops = {(line.donation_id, line.destination, line.at) for line in deliveries}
    kept = sum(line.kg for line in deliveries if line.remark != "lost")
    if pickups:
        text.append(_("Pickups: {count}").format(count=len(pickups)))
    text.append(
        _("Deliveries: {count}, {kg}").format(count=len(stops), kg=formatting.kg(kept, locale))
    )
    text += stock_summary(lines, locale)
    withheld = sum(1 for line in lines if line.remark == "withheld")
    if withheld:
        text.append(_("⚠️ Chilled lines not to be distributed: {count}").format(count=withheld))
    lost = sum(1 for line in lines if line.remark == "lost")
    if lost:
        text.append(_("Lines recorded as lost: {count}").format(count=lost))
    text.append(_("Every line is in the files below (Excel, CSV and PDF)."))
    return "\n".join(text)


def stock_summary(lines: list[RegisterLine], locale: str) -> list[str]:
    """How much left the hubs' stock: handed out, lost, corrected by a count."""
    said = []
    for movement, message in (
        ("stock_out", _("Out of hub stock: {count}, {kg}")),
        ("stock_loss", _("Stock losses: {count}, {kg}")),
    ):
        moved = [line for line in lines if line.movement == movement]
        if moved:
            kg = formatting.kg(sum(line.kg for line in moved), locale)
            said.append(message.format(count=len(moved), kg=kg))
    counts = sum(1 for line in lines if line.movement == "stock_count")
    if counts:
        said.append(_("Stock count corrections: {count}").format(count=counts))
    return said


def render(lines: list[RegisterLine], heading: Heading, locale: str) -> Rendered:
    rows = [row(line, heading.tz, locale) for line in lines]
    return Rendered(
        title=title(),
        lines=heading_lines(heading, locale),
        headers=headers(),
        rows=rows,
        texts=[text_row(cells, locale) for cells in rows],
    )


async def register_files(
    lines: list[RegisterLine], heading: Heading, *, i18n: I18n, locale: str, key: str
) -> RegisterFiles:
    """The message and the three files, in ``locale``; the files are made in a worker thread."""
    with i18n.context(), i18n.use_locale(locale):
        doc = render(lines, heading, locale)
        text = summary_text(lines, heading, locale)
        page_label = _("page {n} / {total}")
        paper_headers, paper_rows = printed(doc.headers, doc.texts)
        stem = _("register-{key}-{first}-{last}").format(
            key=key, first=heading.days.first.isoformat(), last=heading.days.last.isoformat()
        )
    pdf = await asyncio.to_thread(
        table_pdf,
        title=doc.title,
        lines=doc.lines,
        headers=paper_headers,
        rows=paper_rows,
        page_label=page_label,
    )
    xlsx = await asyncio.to_thread(to_xlsx, doc)
    return RegisterFiles(
        text=text,
        csv_name=f"{stem}.csv",
        csv=to_csv(doc),
        xlsx_name=f"{stem}.xlsx",
        xlsx=xlsx,
        pdf_name=f"{stem}.pdf",
        pdf=pdf,
    )


async def make_register(
    session: AsyncSession,
    *,
    antenna: Antenna,
    days: Days,
    network: str,
    i18n: I18n,
    locale: str,
    association: Association | None = None,
    hub: Hub | None = None,
) -> RegisterFiles:
    """The register of the antenna, or of one of its associations or hubs, over ``days``."""
    scope = Scope(
        antenna.id,
        association_id=association.id if association else None,
        hub_id=hub.id if hub else None,
    )
    start, end = days.bounds(antenna.timezone)
    lines = await register_lines(session, scope=scope, start=start, end=end)
    place = association or hub
    heading = Heading(
        network=network,
        antenna=antenna.name,
        place_kind="association" if association else "hub" if hub else None,
        place=place.name if place else None,
        days=days,
        tz=antenna.timezone,
    )
    key = place.key if place else antenna.key
    return await register_files(lines, heading, i18n=i18n, locale=locale, key=key)
