"""The vehicles' tours in words and files, from tours made through the rules
(``tests.tours.tour_reports_world``): the report's section per antenna and the summary's line per
tour in French and in Dutch, the sheet, CSV lines and PDF read back, the command line and
/report; nothing for a month or a day without a tour. Their figures:
``tests.tours.test_tour_figures``."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlmodel import select

from bot.broadcasts.summary import render_summary
from bot.i18n import create_i18n
from bot.reports.cli import run_report
from bot.reports.export import to_csv, to_xlsx
from bot.reports.text import report_text
from bot.reports.tours_sheet import tours_pdf, tours_pdf_name
from storage.models import Antenna, Tour, Vehicle
from tests.harness import running_bot
from tests.reports.test_reports import CLAIRE
from tests.stock.hub_stock_world import NNBSP, pdf_words
from tests.tours.tour_reports_world import (
    CAR,
    FEBRUARY,
    JANUARY,
    MARCH,
    MONDAY,
    TUESDAY,
    VAN,
    build_tour_reports_world,
    in_locale,
    report_of,
    summary_of,
)

N = NNBSP


@pytest.fixture
async def tours(session_factory, now):
    return await build_tour_reports_world(session_factory, now)


async def test_the_report_tells_each_vehicle_in_french_and_dutch(session_factory, tours, now):
    report = await report_of(session_factory, tours.world.antenna, MARCH, now)
    fr = in_locale("fr", lambda: report_text(report)).splitlines()
    nl = in_locale("nl", lambda: report_text(report)).splitlines()
    for line in (
        "🚐 <b>Tournées — Ixelles</b>",
        f"• {VAN}{N}: 2 tournées · 112,5 kg transportés · 40 km estimés · 2,8 kg/km",
        f"• {CAR}{N}: 1 tournée · 30 kg transportés · 9,8 km estimés · 3,1 kg/km",
        f"• Tous les véhicules{N}: 3 tournées · 142,5 kg transportés · 49,8 km estimés · 2,9 kg/km",
    ):
        assert line in fr, line
    for line in (
        "🚐 <b>Rondes — Ixelles</b>",
        f"• {VAN}: 2 rondes · 112,5 kg vervoerd · 40 km geschat · 2,8 kg/km",
        f"• {CAR}: 1 ronde · 30 kg vervoerd · 9,8 km geschat · 3,1 kg/km",
        "• Alle voertuigen: 3 rondes · 142,5 kg vervoerd · 49,8 km geschat · 2,9 kg/km",
    ):
        assert line in nl, line
    assert any("pas un relevé du compteur" in line for line in fr)
    assert any("geen kilometerstand" in line for line in nl)

    february = await report_of(session_factory, tours.world.antenna, FEBRUARY, now)
    text = in_locale("fr", lambda: report_text(february))
    assert f"• {VAN}{N}: 1 tournée · 4 kg transportés · 0 km estimés" in text.splitlines()
    assert "kg/km" not in text.split("Tournées — Ixelles")[1].split("<i>")[0]
    for quiet in (
        await report_of(session_factory, tours.world.antenna, JANUARY, now),
        await report_of(session_factory, tours.world.other_antenna, MARCH, now),
    ):
        assert "🚐" not in in_locale("fr", lambda q=quiet: report_text(q))


async def test_the_summary_tells_each_tour_in_french_and_dutch(session_factory, tours):
    world = tours.world
    i18n = create_i18n()
    monday = await summary_of(session_factory, world.antenna, MONDAY)
    fr = render_summary(i18n, monday, ("fr",)).splitlines()
    nl = render_summary(i18n, monday, ("nl",)).splitlines()
    van_fr = f"• {VAN} · P101 · collecte{N}: 2/3 arrêts faits · 86 kg transportés · 21,6 km estimés"
    car_fr = f"• {CAR} · P102 · collecte{N}: 1/2 arrêts faits · 30 kg transportés · 9,8 km estimés"
    start = fr.index("🚐 <b>Tournées du jour</b>")
    assert fr[start + 1 : start + 3] == [f"{van_fr} · 4 kg/km", f"{car_fr} · 3,1 kg/km"]
    assert "🚐 <b>Rondes van de dag</b>" in nl
    assert (
        f"• {VAN} · P101 · ophaling: 2/3 stops gedaan · 86 kg vervoerd · 21,6 km geschat · 4 kg/km"
        in nl
    )
    tuesday = await summary_of(session_factory, world.antenna, TUESDAY)
    assert (
        f"• {VAN} · P101 · distribution{N}: 2/3 arrêts faits · 26,5 kg transportés · "
        "18,4 km estimés · 1,4 kg/km" in render_summary(i18n, tuesday, ("fr",)).splitlines()
    )
    assert (
        f"• {VAN} · P101 · verdeling: 2/3 stops gedaan · 26,5 kg vervoerd · 18,4 km geschat · "
        "1,4 kg/km" in render_summary(i18n, tuesday, ("nl",)).splitlines()
    )
    for quiet in (
        await summary_of(session_factory, world.antenna, date(2026, 3, 8)),
        await summary_of(session_factory, world.other_antenna, MONDAY),
    ):
        assert "🚐" not in render_summary(i18n, quiet, ("fr", "nl"))


async def test_the_files_hold_the_tours_sheet_lines_and_paper(session_factory, tours, now):
    report = await report_of(session_factory, tours.world.antenna, MARCH, now)
    i18n = create_i18n()

    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report, i18n, "nl")))
    assert book.sheetnames[-1] == "Rondes"
    rows = list(book["Rondes"].iter_rows(values_only=True))
    assert rows == [
        (
            "Naam van de antenne", "Voertuig", "Rondes", "Ophaalrondes", "Verdeelrondes",
            "Stops gedaan", "Stops", "kg opgehaald tijdens ophaalrondes",
            "kg geleverd tijdens verdeelrondes", "kg vervoerd", "geschatte km",
            "kg per geschatte km",
        ),
        ("Ixelles", VAN, 2, 1, 1, 4, 6, 86, 26.5, 112.5, 40, 2.81),
        ("Ixelles", CAR, 1, 1, 0, 1, 2, 30, 0, 30, 9.8, 3.06),
        ("Ixelles", "Alle voertuigen", 3, 2, 1, 5, 8, 116, 26.5, 142.5, 49.8, 2.86),
    ]  # fmt: skip

    text = to_csv(report, i18n, "fr").decode("utf-8-sig")
    lines = [r for r in csv.reader(io.StringIO(text), delimiter=";") if r[:1] == ["Tournées"]]
    assert lines == [
        ["Tournées", "Ixelles", VAN, "2", "1", "1", "4", "6", "86", "26,5", "112,5", "40",
         "2,81"],
        ["Tournées", "Ixelles", CAR, "1", "1", "0", "1", "2", "30", "0", "30", "9,8", "3,06"],
        ["Tournées", "Ixelles", "Tous les véhicules", "3", "2", "1", "5", "8", "116", "26,5",
         "142,5", "49,8", "2,86"],
    ]  # fmt: skip
    assert "Véhicule;Tournées;Tournées de collecte" in text

    words = pdf_words(tours_pdf(report, i18n, "fr"))
    assert f"Tournées — mars 2026 Période{N}: 1–10 mars 2026, mois en cours" in words
    assert "pas un relevé du compteur" in words
    assert f"Ixelles {VAN} 2 1 1 4 6 86 26,5 112,5 40 2,8" in words
    assert "Tous les véhicules 3 2 1 5 8 116 26,5 142,5 49,8 2,9" in words
    assert tours_pdf_name(report, i18n, "fr") == "tournees-2026-03.pdf"
    assert tours_pdf_name(report, i18n, "nl") == "rondes-2026-03.pdf"

    february = await report_of(session_factory, tours.world.antenna, FEBRUARY, now)
    [row] = list(openpyxl.load_workbook(io.BytesIO(to_xlsx(february, i18n, "fr")))["Tournées"])[1:]
    assert [c.value for c in row][-3:] == [4, 0, None], "no kg per km without a distance"
    quiet = await report_of(session_factory, tours.world.antenna, JANUARY, now)
    assert tours_pdf(quiet, i18n, "fr") is None
    assert "Tournées" not in to_csv(quiet, i18n, "fr").decode("utf-8-sig")
    assert "Tournées" not in openpyxl.load_workbook(io.BytesIO(to_xlsx(quiet, i18n, "fr")))


async def example_van_tour(session_factory, now) -> str:
    """On the example network: the Ixelles van's distribution tour of 2 March, without stops;
    the van's name."""
    async with session_factory() as s:
        antenna = (await s.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
        van = (await s.exec(select(Vehicle).where(Vehicle.antenna_id == antenna.id))).first()
        s.add(
            Tour(
                antenna_id=antenna.id, hub_id=van.home_hub_id, vehicle_id=van.id,
                kind="distribution", service_day=date(2026, 3, 2), status="done",
                starts_at=now, planned_m=12_300, created_at=now,
            )
        )  # fmt: skip
        await s.commit()
        return van.name


async def test_the_command_line_writes_the_tours_paper(
    settings, session_factory, clock, now, tmp_path, capsys
):
    van = await example_van_tour(session_factory, now)
    out = tmp_path / "out"
    args = argparse.Namespace(
        month="2026-03", antenna="ixelles", out=str(out), lang="nl", database=None
    )
    assert await asyncio.to_thread(run_report, settings, args, clock) == 0
    printed = capsys.readouterr().out
    assert f"• {van}: 1 ronde · 0 kg vervoerd · 12,3 km geschat · 0 kg/km" in printed
    assert "rondes-2026-03.pdf" in {p.name for p in out.iterdir()}
    paper = pdf_words((out / "rondes-2026-03.pdf").read_bytes())
    assert f"{van} 1 0 1 0 0 0 0 0 12,3 0" in paper


async def test_report_sends_the_tours_paper(settings, session_factory, fake_api, clock, now):
    van = await example_van_tour(session_factory, now)
    claire = fake_api.user(CLAIRE, language_code="fr")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(claire, "/report mars 2026")
        await fake_api.wait_for(method="sendPhoto", chat_id=CLAIRE, timeout=20)
    assert fake_api.refused == []
    sent = fake_api.sent(CLAIRE)
    assert f"• {van}{N}: 1 tournée · 0 kg transportés · 12,3 km estimés · 0 kg/km" in (
        sent[0]["text"].splitlines()
    )
    [paper] = [m for m in sent if m.get("document", {}).get("file_name", "").startswith("tour")]
    assert paper["caption"] == "Les tournées des véhicules, à imprimer"
    uploads = {u.filename: u.data for u in fake_api.uploads if u.chat_id == CLAIRE}
    assert f"{van} 1 0 1 0 0 0 0 0 12,3 0" in pdf_words(uploads["tournees-2026-03.pdf"])
