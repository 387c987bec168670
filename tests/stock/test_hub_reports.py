"""The hubs' stock in the monthly report and the evening summary, from a month of moves made
through the rules (``tests.stock.hub_stock_world``): each figure against the moves, the tonnage
counted once, the texts in French and in Dutch, the files read back, and a fixed number of
queries whatever the moves. The register's stock lines: ``tests.stock.test_hub_register``."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
from datetime import date, datetime

import openpyxl
from sqlalchemy import delete, event, func
from sqlmodel import select

from bot.broadcasts.summary import render_summary
from bot.i18n import create_i18n
from bot.reports.cli import run_report
from bot.reports.export import to_csv, to_xlsx
from bot.reports.stock_sheet import stock_pdf, stock_pdf_name
from bot.reports.text import report_text
from logistics.broadcasts.summary import summary
from logistics.reports.monthly import monthly_report
from logistics.reports.periods import Month
from storage.models import Antenna, Outbox, StockLot
from tests.harness import running_bot
from tests.reports.test_reports import CLAIRE, FACTORS
from tests.stock.hub_stock_world import (
    HUB,
    IXELLES,
    NNBSP,
    build_hub_stock_world,
    ids_of,
    pdf_words,
)

MARCH, FEBRUARY, JANUARY = Month(2026, 3), Month(2026, 2), Month(2026, 1)


async def counted(engine, call):
    """What ``call()`` returns, and the statements (with their parameters) it ran."""
    statements: list[tuple[str, object]] = []

    def seen(_conn, _cursor, statement, parameters, *_rest) -> None:
        statements.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        return await call(), statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)


async def report_of(session_factory, month: Month, now: datetime, antenna: str = "ixelles"):
    async with session_factory() as s:
        antenna_id = (await ids_of(s, Antenna))[antenna]
        return await monthly_report(
            s, antenna_ids=[antenna_id], month=month, factors=FACTORS, now=now
        )


def in_locale(locale: str, render) -> str:
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale(locale):
        return render()


# --- the monthly report -------------------------------------------------------------------


async def test_each_hub_move_is_counted_once_apart_from_the_tonnage(
    settings, session_factory, engine, now
):
    async with session_factory() as s:
        ixelles = (await ids_of(s, Antenna))["ixelles"]

    async def march():
        async with session_factory() as s:
            return await monthly_report(
                s, antenna_ids=[ixelles], month=MARCH, factors=FACTORS, now=now
            )

    _, on_nothing = await counted(engine, march)
    async with session_factory() as s:
        await build_hub_stock_world(s, now)
    report, statements = await counted(engine, march)
    assert len(statements) == len(on_nothing), "one grouped query for the hubs, whatever moved"

    [hub] = report.hubs
    assert (hub.antenna, hub.hub, hub.moves) == (IXELLES, HUB, 12)  # 5 in, 3 out, 3 lost, 1 count
    assert (hub.received_kg, hub.out_kg, hub.count_kg) == (52, 16, -0.5)
    assert hub.lost_kg == {"past_date": 3, "damaged": 2, "cold_chain": 1.5}
    assert hub.on_hand_kg == 39 == 10 + 52 - 16 - 6.5 - 0.5, "February's 10 kg carried over"
    async with session_factory() as s:
        held = (await s.exec(select(func.sum(StockLot.on_hand_kg)))).one()
    assert held == hub.on_hand_kg, "on hand at the end of the month in progress: the lots now"

    # the food that went through the hub is in the tonnage once: as collected, and as the
    # hub's stop among the destinations; what the hub handed out is not added to either
    assert report.kg == hub.received_kg == 52
    assert [(d.kind, d.name, d.delivered_kg) for d in report.destinations] == [("hub", HUB, 52)]

    [stock] = [(sql, given) for sql, given in statements if "stock_move" in sql]
    if engine.dialect.name == "sqlite":  # read through the moves' (hub_id, at) index
        async with engine.connect() as connection:
            plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {stock[0]}", stock[1])
            assert "ix_stock_move_hub_at" in " ".join(str(row[-1]) for row in plan.all())

    february = await report_of(session_factory, FEBRUARY, now)
    [before] = february.hubs
    assert (before.received_kg, before.out_kg, before.lost_total_kg) == (15, 5, 0)
    assert (before.count_kg, before.on_hand_kg, february.kg) == (0, 10, 15)
    assert (await report_of(session_factory, JANUARY, now)).hubs == ()
    assert (await report_of(session_factory, MARCH, now, "schaerbeek")).hubs == ()


async def test_the_report_text_tells_each_hub_in_french_and_dutch(settings, session_factory, now):
    async with session_factory() as s:
        await build_hub_stock_world(s, now)
    report = await report_of(session_factory, MARCH, now)
    fr = in_locale("fr", lambda: report_text(report))
    nl = in_locale("nl", lambda: report_text(report))
    n = NNBSP
    for line in (
        "<b>Stock des hubs</b>",
        f"🏬 {HUB}",
        f"• entré en stock{n}: 52 kg",
        f"• sorti vers les associations{n}: 16 kg",
        f"• perdu{n}: 6,5 kg (date dépassée{n}: 3 kg · abîmé{n}: 2 kg · "
        f"chaîne du froid rompue{n}: 1,5 kg)",
        f"• corrections d'inventaire{n}: −0,5 kg",
        f"• en stock le 10 mars 2026{n}: 39 kg",
    ):
        assert line in fr.splitlines(), line
    for line in (
        "<b>Voorraad van de hubs</b>",
        "• in voorraad genomen: 52 kg",
        "• uitgegeven aan verenigingen: 16 kg",
        "• verloren: 6,5 kg (datum verstreken: 3 kg · beschadigd: 2 kg · "
        "koudeketen onderbroken: 1,5 kg)",
        "• inventariscorrecties: −0,5 kg",
        "• in voorraad op 10 maart 2026: 39 kg",
    ):
        assert line in nl.splitlines(), line
    assert "niet bij de tonnage opgeteld" in nl and "non ajoutées au tonnage" in fr
    quiet = await report_of(session_factory, JANUARY, now)
    assert "Stock des hubs" not in in_locale("fr", lambda: report_text(quiet))


async def test_the_files_hold_the_hubs_sheet_lines_and_paper(settings, session_factory, now):
    async with session_factory() as s:
        await build_hub_stock_world(s, now)
    report = await report_of(session_factory, MARCH, now)
    i18n = create_i18n()

    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report, i18n, "nl")))
    assert book.sheetnames[-1] == "Voorraad van de hubs"
    rows = list(book["Voorraad van de hubs"].iter_rows(values_only=True))
    assert rows == [
        (
            "Naam van de antenne",
            "Naam van de hub",
            "kg in voorraad genomen",
            "kg uitgegeven aan verenigingen",
            "kg verloren: datum verstreken",
            "kg verloren: beschadigd",
            "kg verloren: koudeketen onderbroken",
            "kg inventariscorrecties",
            "kg in voorraad op het einde",
        ),
        (IXELLES, HUB, 52, 16, 3, 2, 1.5, -0.5, 39),
    ]

    text = to_csv(report, i18n, "fr").decode("utf-8-sig")
    lines = [r for r in csv.reader(io.StringIO(text), delimiter=";") if r and r[1:2] == [IXELLES]]
    assert ["Stock des hubs", IXELLES, HUB, "52", "16", "3", "2", "1,5", "-0,5", "39"] in lines

    paper = stock_pdf(report, i18n, "fr")
    words = pdf_words(paper)
    assert f"Stock des hubs — mars 2026 Période{NNBSP}: 1–10 mars 2026, mois en cours" in words
    assert f"{HUB} 52 16 3 2 1,5 −0,5 39" in words and "page 1 / 1" in words
    assert stock_pdf_name(report, i18n, "nl") == "voorraad-hubs-2026-03.pdf"
    quiet = await report_of(session_factory, JANUARY, now)
    assert stock_pdf(quiet, i18n, "fr") is None
    assert "Stock des hubs" not in to_csv(quiet, i18n, "fr").decode("utf-8-sig")


async def test_the_command_line_writes_the_hubs_paper(
    settings, session_factory, clock, now, tmp_path, capsys
):
    async with session_factory() as s:
        await build_hub_stock_world(s, now)
    out = tmp_path / "out"
    args = argparse.Namespace(
        month="2026-03", antenna="ixelles", out=str(out), lang="fr", database=None
    )
    assert await asyncio.to_thread(run_report, settings, args, clock) == 0
    printed = capsys.readouterr().out
    assert "Stock des hubs" in printed and f"• sorti vers les associations{NNBSP}: 16 kg" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        "rapport-2026-03.csv",
        "rapport-2026-03.png",
        "rapport-2026-03.xlsx",
        "stock-hubs-2026-03.pdf",
    ]
    assert HUB in pdf_words((out / "stock-hubs-2026-03.pdf").read_bytes())


async def test_report_sends_the_hubs_paper(settings, session_factory, fake_api, clock, now):
    async with session_factory() as s:
        await build_hub_stock_world(s, now)
        await s.exec(delete(Outbox))  # the month's notices went out at the time
        await s.commit()
    claire = fake_api.user(CLAIRE, language_code="fr")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(claire, "/report mars 2026")
        await fake_api.wait_for(method="sendPhoto", chat_id=CLAIRE, timeout=20)
    assert fake_api.refused == []
    sent = fake_api.sent(CLAIRE)
    assert f"• sorti vers les associations{NNBSP}: 16 kg" in sent[0]["text"]
    [paper] = [m for m in sent if m.get("document", {}).get("file_name", "").endswith(".pdf")]
    assert paper["caption"] == "Le stock des hubs, à imprimer"
    uploads = {u.filename: u.data for u in fake_api.uploads if u.chat_id == CLAIRE}
    assert HUB in pdf_words(uploads["stock-hubs-2026-03.pdf"])


# --- the evening summary ------------------------------------------------------------------


async def test_the_summary_tells_the_hubs_day_and_what_expires_first(
    settings, session_factory, engine, now
):
    async with session_factory() as s:
        ixelles = (await ids_of(s, Antenna))["ixelles"]

    async def on(day: date, antenna_id: int = ixelles):
        async with session_factory() as s:
            return await summary(s, antenna_id=antenna_id, day=day)

    tuesday = date(2026, 3, 10)
    _, on_nothing = await counted(engine, lambda: on(tuesday))
    assert (await on(tuesday)).hubs == ()
    async with session_factory() as s:
        await build_hub_stock_world(s, now)
        schaerbeek = (await ids_of(s, Antenna))["schaerbeek"]
    figures, statements = await counted(engine, lambda: on(tuesday))
    assert len(statements) == len(on_nothing) <= 9, "a fixed number of grouped queries"

    [hub] = figures.hubs
    assert (hub.hub, hub.in_kg, hub.out_kg, hub.lost_total_kg, hub.count_kg) == (
        HUB,
        0,
        3,
        0,
        -0.5,
    )
    assert hub.on_hand_kg == 39
    assert [(d.due, d.name_fr, d.kg) for d in hub.due] == [
        ("past", "Produits laitiers", 1),  # the cheese left after its date: to discard
        ("today", "Viande", 7),
        ("tomorrow", "Produits laitiers", 2.5),
    ]
    [monday] = (await on(date(2026, 3, 9))).hubs
    assert (monday.in_kg, monday.out_kg, monday.lost_total_kg) == (16, 0, 0)
    assert [(d.due, d.name_fr, d.kg) for d in monday.due] == [
        ("past", "Produits laitiers", 1),
        ("tomorrow", "Viande", 7),
    ]
    [saturday] = (await on(date(2026, 3, 7))).hubs
    assert saturday.out_kg == 5 and saturday.lost_kg == {
        "past_date": 3,
        "damaged": 2,
        "cold_chain": 0,
    }
    assert (await on(tuesday, schaerbeek)).hubs == (), "an antenna without a hub: nothing"

    i18n = create_i18n()
    fr = render_summary(i18n, figures, ("fr",)).splitlines()
    nl = render_summary(i18n, figures, ("nl",)).splitlines()
    n = NNBSP
    for line in (
        f"🏬 <b>{HUB}</b>{n}: 39 kg en stock maintenant",
        f"Aujourd'hui entré en stock{n}: 0 kg · sorti vers les associations{n}: 3 kg · "
        f"perdu{n}: 0 kg",
        f"Corrections d'inventaire{n}: −0,5 kg",
        f"⚠️ Date dépassée, encore en stock{n}: Produits laitiers 1 kg",
        f"⏳ Date limite aujourd'hui{n}: Viande 7 kg",
        f"📅 Date limite demain{n}: Produits laitiers 2,5 kg",
    ):
        assert line in fr, line
    for line in (
        f"🏬 <b>{HUB}</b>: nu 39 kg in voorraad",
        "Vandaag in voorraad genomen: 0 kg · uitgegeven aan verenigingen: 3 kg · verloren: 0 kg",
        "⏳ Uiterste datum vandaag: Vlees 7 kg",
        "📅 Uiterste datum morgen: Zuivel 2,5 kg",
    ):
        assert line in nl, line
    quiet_day = render_summary(i18n, await on(date(2026, 3, 11)), ("fr",))
    assert f"🏬 <b>{HUB}</b>" in quiet_day and "Aujourd'hui entré" not in quiet_day
    assert f"Date dépassée, encore en stock{n}: Viande 7 kg, Produits laitiers 1 kg" in quiet_day
    assert "🏬" not in render_summary(i18n, await on(tuesday, schaerbeek), ("fr",))
