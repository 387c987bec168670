"""The traceability register past the hub: each move out of a hub's stock (to an association,
lost with its reason, corrected by a count) is a line with its lot's store, pickup, dates and
lot number, so that every kg that entered a hub is followed; the files say so in French and
in Dutch. Made through the rules (``tests.stock.hub_stock_world``)."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import func
from sqlmodel import select

from bot.i18n import create_i18n
from bot.safety.register_export import make_register
from logistics.reports.periods import Days
from logistics.safety.register import Scope, register_lines
from storage.models import Antenna, Association, Hub, StockLot
from tests.stock.hub_stock_world import (
    EPICERIE,
    HUB,
    NNBSP,
    RESTO,
    STAFF,
    STORE,
    build_hub_stock_world,
    ids_of,
    pdf_words,
)

TZ = "Europe/Brussels"
ZONE = ZoneInfo(TZ)
MARCH_DAYS = Days(date(2026, 3, 1), date(2026, 3, 10))
SINCE_FEBRUARY = Days(date(2026, 2, 1), date(2026, 3, 10))


def brief(line) -> tuple:
    return (
        line.at.astimezone(ZONE).strftime("%d %H:%M"),
        line.movement,
        line.origin,
        line.destination,
        line.category_fr,
        line.kg,
        line.limit,
        line.lot,
        line.driver,
        line.remark,
    )


async def test_the_register_follows_every_kg_past_the_hub(settings, session_factory, now):
    async with session_factory() as s:
        await build_hub_stock_world(s, now)
        antenna = (await ids_of(s, Antenna))["ixelles"]
        places = await ids_of(s, Association)
        hub_id = (await ids_of(s, Hub))["hub-ixelles"]
        held = (await s.exec(select(func.sum(StockLot.on_hand_kg)))).one()

        async def lines(scope: Scope, days: Days = MARCH_DAYS):
            start, end = days.bounds(TZ)
            return await register_lines(s, scope=scope, start=start, end=end)

        whole = await lines(Scope(antenna))
        epicerie = await lines(Scope(antenna, association_id=places["epicerie-ixelles"]))
        resto = await lines(Scope(antenna, association_id=places["resto-etterbeek"]))
        since_february = await lines(Scope(antenna, hub_id=hub_id), SINCE_FEBRUARY)
    yoghurt, tins = (date(2026, 3, 11), "YAO-1"), (date(2027, 12, 31), "CNS-9")
    cheese, meat = (date(2026, 3, 6), "FRO-1"), (date(2026, 3, 10), "VND-3")
    dairy = "Produits laitiers"
    assert [brief(line) for line in whole if line.movement.startswith("stock_")] == [
        ("06 10:00", "stock_out", HUB, EPICERIE, dairy, 8, *yoghurt, STAFF, None),
        ("07 10:00", "stock_loss", HUB, "", dairy, 3, *cheese, "", "past_date"),
        ("07 10:00", "stock_out", HUB, RESTO, "Conserves", 5, *tins, STAFF, None),
        ("07 10:00", "stock_loss", HUB, "", "Conserves", 2, *tins, "", "damaged"),
        ("08 10:00", "stock_loss", HUB, "", dairy, 1.5, *yoghurt, "", "cold_chain"),
        ("10 08:00", "stock_count", HUB, "", "Pain", -0.5, None, None, "", None),
        ("10 09:00", "stock_out", HUB, EPICERIE, "Viande", 3, *meat, STAFF, None),
    ]
    # one step back: each stock line names the lot's store and the pickup it came from
    stock = [line for line in whole if line.movement.startswith("stock_")]
    assert {line.store for line in stock} == {STORE}
    assert [line.picked_at.astimezone(ZONE).strftime("%d %H:%M") for line in stock] == [
        "05 18:30",
        "02 18:30",
        "05 18:30",
        "05 18:30",
        "05 18:30",
        "09 18:30",
        "09 18:30",
    ]
    assert [line.movement for line in whole].count("delivery") == 5, "the stops kept as they were"
    # one step forward: an association sees what the hub handed to it, and nothing else
    assert [(line.movement, line.category_fr, line.kg) for line in epicerie] == [
        ("stock_out", "Produits laitiers", 8),
        ("stock_out", "Viande", 3),
    ]
    assert [(line.movement, line.kg) for line in resto] == [("stock_out", 5)]
    # every kg that entered the hub is followed: in = out + losses - corrections + on hand
    entered = sum(line.kg for line in since_february if line.movement == "delivery")
    left = sum(line.kg for line in since_february if line.movement in ("stock_out", "stock_loss"))
    counted_kg = sum(line.kg for line in since_february if line.movement == "stock_count")
    assert (entered, left, counted_kg) == (67, 27.5, -0.5)
    assert entered - left + counted_kg == held == 39


async def test_the_register_files_print_the_stock_lines(settings, session_factory, now):
    i18n = create_i18n()
    async with session_factory() as s:
        await build_hub_stock_world(s, now)
        antenna = (await s.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
        files = await make_register(
            s, antenna=antenna, days=MARCH_DAYS, network="", i18n=i18n, locale="fr"
        )
        dutch = await make_register(
            s, antenna=antenna, days=MARCH_DAYS, network="", i18n=i18n, locale="nl"
        )
    n = NNBSP
    assert f"Sorties du stock des hubs{n}: 3, 16 kg" in files.text
    assert f"Pertes de stock{n}: 3, 6,5 kg" in files.text
    assert f"Corrections d'inventaire du stock{n}: 1" in files.text
    assert "Uit de voorraad van de hubs: 3, 16 kg" in dutch.text

    sheet = openpyxl.load_workbook(io.BytesIO(files.xlsx)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    out = next(r for r in rows if r[1] == "Sortie du stock du hub")
    assert out[:8] == [
        datetime(2026, 3, 6, 10, 0),
        "Sortie du stock du hub",
        STORE,
        HUB,
        EPICERIE,
        "12 kg yaourts DLC 11/03 lot YAO-1",
        "Produits laitiers",
        8,
    ]
    assert out[10:] == [
        "DLC",
        datetime(2026, 3, 11),
        "YAO-1",
        "frais",
        STAFF,
        "de la collecte du 05/03/2026",
    ]
    count = next(r for r in rows if r[1] == "Inventaire du stock")
    assert count[7] == -0.5 and count[-1] == "de la collecte du 09/03/2026"
    remarks = [r[-1] for r in rows if r[1] == "Perte de stock"]
    assert remarks == [
        f"Mis au rebut{n}: date dépassée · de la collecte du 02/03/2026",
        f"Mis au rebut{n}: abîmé · de la collecte du 05/03/2026",
        f"Mis au rebut{n}: chaîne du froid rompue · de la collecte du 05/03/2026",
    ]
    words = pdf_words(files.pdf)
    for said in ("Sortie du stock du hub", "Inventaire du stock", "FRO-1", "VND-3"):
        assert said in words, said
    assert f"Mis au rebut{n}: date dépassée · de la collecte du 02/03/2026" in words
    nl_words = pdf_words(dutch.pdf)
    assert "Uit de voorraad van de hub" in nl_words and "Afgevoerd: beschadigd" in nl_words
