"""A recall's report: every place told, with its kg, when it received the food, its answer and
when it answered; one table (``recall_report_rows``) written as CSV, XLSX and a printable
PDF."""

from __future__ import annotations

import csv
import io

from aiogram.utils.i18n import I18n
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot import formatting
from bot.i18n import N_
from bot.reports.pdf_table import table_pdf
from bot.safety.recall_text import ANSWER_LABELS
from logistics.safety.recall_views import RecallView

HEADERS = (
    N_("Place"),
    N_("Type"),
    N_("kg"),
    N_("First received"),
    N_("Last received"),
    N_("Answer"),
    N_("Answered at"),
    N_("Answered by"),
)
KG_COLUMN = 2
PLACE_KINDS = {False: N_("association"), True: N_("hub")}
WAITING = N_("no answer yet")


def _moment(instant, view: RecallView) -> str:
    if instant is None:
        return ""
    return formatting.local(instant, view.tz).strftime("%Y-%m-%d %H:%M")


def recall_report_rows(
    view: RecallView, i18n: I18n, locale: str
) -> tuple[list[str], list[list[str]]]:
    """The report's headers and one row per place, in ``locale`` (times local, kg with the
    locale's decimal mark)."""

    def t(msgid: str) -> str:
        return i18n.gettext(msgid, locale=locale)

    rows = [
        [
            n.place,
            t(PLACE_KINDS[n.hub]),
            formatting.number(n.kg, locale),
            _moment(n.first_received_at, view),
            _moment(n.last_received_at, view),
            t(ANSWER_LABELS[n.answer]) if n.answer in ANSWER_LABELS else t(WAITING),
            _moment(n.answered_at, view),
            n.answered_by or "",
        ]
        for n in view.notices
    ]
    return [t(h) for h in HEADERS], rows


def to_csv(view: RecallView, i18n: I18n, locale: str) -> bytes:
    """UTF-8 with a byte-order mark and ``;`` between fields, as Excel expects in Belgium."""
    headers, rows = recall_report_rows(view, i18n, locale)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(view: RecallView, i18n: I18n, locale: str) -> bytes:
    """One sheet, kg stored as numbers."""
    headers, rows = recall_report_rows(view, i18n, locale)
    book = Workbook()
    sheet = book.active
    sheet.title = f"#{view.id}"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row, notice in zip(rows, view.notices, strict=True):
        sheet.append([*row[:KG_COLUMN], round(notice.kg, 1), *row[KG_COLUMN + 1 :]])
    for index, header in enumerate(headers, start=1):
        longest = max([len(header), *(len(str(r[index - 1])) for r in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, 60)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=KG_COLUMN + 1, max_col=KG_COLUMN + 1):
        cell.number_format = "#,##0.0"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(
    view: RecallView,
    i18n: I18n,
    locale: str,
    *,
    title: str,
    lines: list[str],
    page_label: str,
) -> bytes:
    """The same table on paper (A4 landscape), under the recall's title and what it is about;
    ``title``, ``lines`` and ``page_label`` come in ``locale``, as plain text."""
    headers, rows = recall_report_rows(view, i18n, locale)
    return table_pdf(title=title, lines=lines, headers=headers, rows=rows, page_label=page_label)


def file_name(view: RecallView, i18n: I18n, locale: str, extension: str) -> str:
    stem = i18n.gettext(N_("recall"), locale=locale)
    return f"{stem}-{view.id}.{extension}"
