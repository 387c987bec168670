"""bot/reports/pdf_table.py: a title, header lines and a table whose header row is on every page,
"page n / N" in the caller's words, any Unicode (narrow no-break spaces, names from anywhere)
printed with the embedded DejaVu Sans, in landscape or portrait."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from bot.reports.pdf_table import table_pdf

NAMES = ["Łukasz Wiśniewski", "Zoë Ødegård", "Σοφία Παπαδοπούλου", "Ахмед Иванов", "Nguyễn Thị"]


def pages_text(data: bytes) -> list[str]:
    return [re.sub(r"[ \n]+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages]


def test_a_long_table_repeats_its_header_and_numbers_its_pages():
    rows = [[str(n), NAMES[n % len(NAMES)], f"{n},5"] for n in range(200)]
    data = table_pdf(
        title="Registre de traçabilité",
        lines=["Période\u202f: 1–31 mars 2026", "Réseau\u202f: Exemple"],
        headers=["N°", "Nom", "kg"],
        rows=rows,
        page_label="pagina {n} / {total}",
    )
    pages = pages_text(data)
    assert len(pages) > 2
    assert pages[0].startswith("Registre de traçabilité Période\u202f: 1–31 mars 2026")
    for number, text in enumerate(pages, start=1):
        assert "N° Nom kg" in text, number
        assert text.endswith(f"pagina {number} / {len(pages)}")
    everything = " ".join(pages)
    for name in NAMES:
        assert name in everything
    assert "199 Nguyễn Thị 199,5" in everything


def test_portrait_and_the_default_page_label():
    data = table_pdf(title="T", lines=[], headers=["a", "b"], rows=[["1", "2"]], landscape=False)
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert float(page.mediabox.height) > float(page.mediabox.width)
    assert pages_text(data)[0].endswith("1 / 1")
