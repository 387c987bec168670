"""A printable table as PDF bytes: a title, a few header lines, then one table whose header row
is repeated on every page, and "page n / N" at the foot of each page.

The font is DejaVu Sans, embedded from the copy matplotlib ships (any Unicode a name may hold,
and the narrow no-break space of French typography); no system font is read. Every string is
given already translated: the caller passes the page label in the document's language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FAMILY = "DejaVu"
BODY_SIZE = 7.5
PADDING = 1.0  # mm on each side of a cell's text
MAX_WIDTH = 70.0  # mm: a longer value wraps


@cache
def _font_folder() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _Document(FPDF):
    def __init__(self, *, landscape: bool, page_label: str) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.page_label = page_label
        folder = _font_folder()
        self.add_font(FAMILY, "", str(folder / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(folder / "DejaVuSans-Bold.ttf"))
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(auto=True, margin=14)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FAMILY, "", 7)
        # the total is known at the end: fpdf2 replaces its alias then
        label = self.page_label.format(n=self.page_no(), total=self.str_alias_nb_pages)
        self.cell(0, 5, label, align="C")


def _widths(pdf: FPDF, headers: list[str], rows: list[list[str]]) -> tuple[float, ...]:
    """Column widths in mm: each column gets at least its longest word (no word is broken),
    and the room left is shared in proportion to what its longest value still lacks."""
    pad = 2 * PADDING + 0.5
    least, wanted = [], []
    for index, header in enumerate(headers):
        pdf.set_font(FAMILY, "B", BODY_SIZE)
        words = [pdf.get_string_width(word) for word in header.split()]
        values = [header]
        pdf.set_font(FAMILY, "", BODY_SIZE)
        for row in rows:
            value = str(row[index]) if index < len(row) else ""
            words += [pdf.get_string_width(word) for word in value.split()]
            values.append(value)
        least.append(max(words, default=0) + pad)
        wanted.append(min(max(pdf.get_string_width(v) for v in values) + pad, MAX_WIDTH))
    wanted = [max(w, m) for w, m in zip(wanted, least, strict=True)]
    room = pdf.epw - sum(least)
    lacking = sum(wanted) - sum(least)
    if room <= 0 or lacking <= 0:
        return tuple(least)
    grow = min(1.0, room / lacking)
    return tuple(m + (w - m) * grow for w, m in zip(wanted, least, strict=True))


def table_pdf(
    *,
    title: str,
    lines: list[str],
    headers: list[str],
    rows: list[list[str]],
    landscape: bool = True,
    page_label: str = "{n} / {total}",
) -> bytes:
    """The PDF of one table. ``page_label`` holds ``{n}`` and ``{total}``, e.g. the caller's
    translation of "page {n} / {total}"."""
    pdf = _Document(landscape=landscape, page_label=page_label)
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    for line in lines:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FAMILY, "", BODY_SIZE)
    with pdf.table(
        col_widths=_widths(pdf, headers, rows),
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        line_height=BODY_SIZE * 0.5,
        repeat_headings=1,
        text_align="LEFT",
        padding=PADDING,
    ) as table:
        table.row(headers)
        for row in rows:
            table.row([str(value) for value in row])
    return bytes(pdf.output())
