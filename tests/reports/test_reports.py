"""The monthly report: its figures against totals computed here from the rows inserted, the
month's local boundaries, the CSV and XLSX read back, /report end to end, the command line."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.emulator import _png_size
from bot.i18n import create_i18n
from bot.reports.export import to_csv, to_xlsx
from logistics.errors import InvalidInput
from logistics.reports.monthly import Factors, monthly_report
from logistics.reports.periods import Month, parse_month
from storage.models import (
    Antenna,
    Association,
    Category,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Member,
    Receipt,
    Store,
)
from tests.harness import running_bot

BRUSSELS = ZoneInfo("Europe/Brussels")
CLAIRE, JORIS, SOFIE, ANNE = 100001, 100002, 100004, 100006
DONE = ("picked_up", "delivered", "received")
FACTORS = Factors(meals_per_kg=2.38, co2e_kg_per_kg=2.5)
FEBRUARY = Month(2026, 2)


def local(y: int, m: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=BRUSSELS).astimezone(UTC)


# store, window start, status, collected kg by category, deliveries
# (destination key, delivered kg, receipt status, received kg), released late
ROWS = [
    ("super-flagey", local(2026, 2, 1, 0, 10), "received", {"pain": 12, "viande": 4.5},
     [("epicerie-ixelles", 16.5, "confirmed", 16.5)], False),
    ("super-flagey", local(2026, 2, 3, 19), "delivered", {"produits-laitiers": 20},
     [("resto-etterbeek", 12, "disputed", 9), ("hub-ixelles", 8, None, None)], True),
    ("super-jourdan", local(2026, 2, 10, 19), "received", {"fruits-legumes": 30.25},
     [("epicerie-ixelles", 30.25, "confirmed", 30.25)], False),
    ("super-jourdan", local(2026, 2, 11, 19), "delivered", {"pain": 7},
     [("resto-etterbeek", 7, "pending", None)], False),
    ("boulangerie-chatelain", local(2026, 2, 14, 18), "picked_up", {"pain": 5}, [], True),
    ("boulangerie-chatelain", local(2026, 2, 15, 18), "missed", {"pain": 6}, [], False),
    ("super-flagey", local(2026, 2, 16, 19), "expired", {"pain": 3}, [], False),
    ("super-flagey", local(2026, 2, 17, 19), "cancelled", {"pain": 0}, [], False),
    ("super-jourdan", local(2026, 2, 28, 23, 50), "delivered", {"conserves": 40},
     [("epicerie-ixelles", 40, "disputed", 35)], False),
    # outside February in Brussels, though some are inside it in UTC
    ("super-flagey", local(2026, 1, 31, 23, 30), "delivered", {"pain": 100}, [], False),
    ("super-flagey", local(2026, 3, 1, 0, 5), "delivered", {"pain": 200}, [], True),
    # another antenna
    ("super-helmet", local(2026, 2, 5, 19), "delivered", {"pain": 50},
     [("colis-schaerbeek", 50, "confirmed", 50)], False),
]  # fmt: skip
SCHAERBEEK_STORES = {"super-helmet", "marche-evere"}


def in_february(row) -> bool:
    return row[1].astimezone(BRUSSELS).date().replace(day=1) == date(2026, 2, 1)


def expected(rows) -> dict:
    """The figures of February for the rows given, without the database."""
    rows = [r for r in rows if in_february(r)]
    done = [r for r in rows if r[2] in DONE and sum(r[3].values()) > 0]
    categories: dict[str, float] = {}
    stores: dict[str, float] = {}
    destinations: dict[str, list[float]] = {}
    for row in done:
        stores[row[0]] = stores.get(row[0], 0) + sum(row[3].values())
        for key, kg in row[3].items():
            categories[key] = categories.get(key, 0) + kg
    receipts = {"confirmed": 0, "disputed": 0, "pending": 0}
    for row in rows:
        for place, delivered, status, received in row[4]:
            line = destinations.setdefault(place, [0, 0.0, 0.0])
            line[0] += 1
            line[1] += delivered
            line[2] += received or 0
            if status:
                receipts[status] += 1
    kg = sum(sum(r[3].values()) for r in done)
    return {
        "kg": kg,
        "done": len(done),
        "missed": sum(1 for r in rows if r[2] == "missed"),
        "unclaimed": sum(1 for r in rows if r[2] == "expired"),
        "released_late": sum(1 for r in rows if r[5]),
        "receipts": receipts,
        "categories": categories,
        "stores": stores,
        "destinations": destinations,
        "meals": kg * FACTORS.meals_per_kg,
        "co2e": kg * FACTORS.co2e_kg_per_kg,
    }


async def insert_rows(session_factory) -> None:
    async with session_factory() as s:
        keys = {}
        for model in (Store, Category, Association, Hub):
            for row in (await s.exec(select(model))).all():
                keys[(model.__name__, row.key)] = row
        driver = (await s.exec(select(Member).where(Member.telegram_id == SOFIE))).one()
        for store_key, start, status, items, deliveries, late in ROWS:
            store = keys[("Store", store_key)]
            total = sum(items.values())
            donation = Donation(
                antenna_id=store.antenna_id,
                store_id=store.id,
                status=status,
                window_start=start,
                window_end=start + timedelta(minutes=30),
                estimated_kg=total,
                collected_kg=total if status in DONE else None,
                created_at=start,
                updated_at=start,
            )
            s.add(donation)
            await s.flush()
            for key, kg in items.items():
                s.add(
                    DonationItem(
                        donation_id=donation.id,
                        category_id=keys[("Category", key)].id,
                        quantity=kg or 1,
                        unit="kg",
                        cold_chain="ambient",
                        estimated_kg=kg or 1,
                        collected_kg=kg if status in DONE else None,
                    )
                )
            if late:
                s.add(
                    Claim(
                        donation_id=donation.id,
                        driver_id=driver.id,
                        claimed_at=start - timedelta(days=2),
                        released_at=start - timedelta(hours=3),
                        late_release=True,
                    )
                )
            for place, delivered, receipt, received in deliveries:
                association = keys.get(("Association", place))
                delivery = Delivery(
                    donation_id=donation.id,
                    association_id=association.id if association else None,
                    hub_id=None if association else keys[("Hub", place)].id,
                    planned_kg=delivered,
                    delivered_kg=delivered,
                    delivered_at=start + timedelta(hours=1),
                )
                s.add(delivery)
                await s.flush()
                if receipt:
                    s.add(Receipt(delivery_id=delivery.id, status=receipt, received_kg=received))
        await s.commit()


async def antenna_ids(session_factory) -> dict[str, int]:
    async with session_factory() as s:
        return {a.key: a.id for a in (await s.exec(select(Antenna))).all()}


async def counted_report(session_factory, engine, month: Month, now: datetime, ids: list[int]):
    """The report and the number of statements it took."""
    statements = []

    def counted(*args) -> None:
        statements.append(args[2])

    async with session_factory() as s:
        event.listen(engine.sync_engine, "before_cursor_execute", counted)
        try:
            report = await monthly_report(s, antenna_ids=ids, month=month, factors=FACTORS, now=now)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", counted)
    return report, len(statements)


async def test_figures_match_the_rows_in_a_few_grouped_queries(
    settings, session_factory, engine, now
):
    ids = await antenna_ids(session_factory)
    _, on_nothing = await counted_report(session_factory, engine, FEBRUARY, now, [ids["ixelles"]])
    await insert_rows(session_factory)
    report, statements = await counted_report(
        session_factory, engine, FEBRUARY, now, [ids["ixelles"]]
    )
    async with session_factory() as s:
        names = {
            row.name: row.key
            for model in (Store, Association, Hub)
            for row in (await s.exec(select(model))).all()
        }
    # eleven for the pickups, deliveries and reliability, one for the hubs' stock, one for
    # the vehicles' tours
    assert statements == on_nothing <= 13, "a fixed number of grouped queries, none per row"
    want = expected([r for r in ROWS if r[0] not in SCHAERBEEK_STORES])
    assert report.kg == pytest.approx(want["kg"]) and report.kg == 118.75
    assert report.meals == pytest.approx(want["meals"])
    assert report.co2e_kg == pytest.approx(want["co2e"])
    assert report.total("done") == want["done"] == 6
    assert report.total("missed") == want["missed"] == 1
    assert report.total("unclaimed") == want["unclaimed"] == 1
    assert report.total("released_late") == want["released_late"] == 2
    got_receipts = {k: report.total(k) for k in ("confirmed", "disputed", "pending")}
    assert got_receipts == want["receipts"]
    assert {c.key: c.kg for c in report.categories} == want["categories"]
    assert [c.kg for c in report.categories] == sorted(want["categories"].values())[::-1]
    assert {names[s.name]: s.kg for s in report.stores if s.kg} == want["stores"]
    assert {
        names[d.name]: [d.deliveries, d.delivered_kg, d.received_kg] for d in report.destinations
    } == want["destinations"]
    assert {d.kind for d in report.destinations} == {"association", "hub"}
    assert (report.first_day, report.last_day) == (date(2026, 2, 1), date(2026, 2, 28))

    async with session_factory() as s:
        both = await monthly_report(
            s, antenna_ids=list(ids.values()), month=FEBRUARY, factors=FACTORS, now=now
        )
    assert both.kg == pytest.approx(expected(ROWS)["kg"])
    assert [a.name for a in both.antennas] == [
        "Antenne Ixelles-Etterbeek",
        "Antenne Schaerbeek-Evere",
    ]
    assert [a.kg for a in both.antennas] == [118.75, 50]


async def test_csv_and_xlsx_read_back(settings, session_factory, now):
    await insert_rows(session_factory)
    ids = await antenna_ids(session_factory)
    async with session_factory() as s:
        report = await monthly_report(
            s, antenna_ids=[ids["ixelles"]], month=FEBRUARY, factors=FACTORS, now=now
        )
    i18n = create_i18n()
    want = expected([r for r in ROWS if r[0] not in SCHAERBEEK_STORES])

    data = to_csv(report, i18n, "fr")
    assert data.startswith(b"\xef\xbb\xbf"), "a byte-order mark, for Excel"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    categories = {
        r[1]: float(r[2].replace(",", ".")) for r in rows if r and r[0] == "Par catégorie"
    }
    assert sum(categories.values()) == pytest.approx(want["kg"])
    assert categories["Fruits et légumes"] == 30.25
    summary = {r[1]: r[2] for r in rows if r and r[0] == "Résumé"}
    assert summary["kg collectés"] == "118,75"
    assert summary["Collectes effectuées"] == "6"
    assert summary["Réceptions contestées"] == "2"
    assert summary["Période"] == "1–28 février 2026"
    headers = [r for r in rows if r and r[0] == "Section"]
    assert len(headers) == 7 and headers[2][:3] == ["Section", "Nom de l'antenne", "Magasin"]

    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report, i18n, "nl")))
    assert book.sheetnames == [
        "Overzicht", "Per antenne", "Per winkel", "Per bestemming", "Per categorie",
        "Betrouwbaarheid", "Betwiste ontvangsten",
    ]  # fmt: skip
    sheet = book["Per categorie"]
    assert [c.value for c in sheet[1]] == ["Categorie", "kg opgehaald", "Aandeel (%)"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Groenten en fruit"] == 30.25
    assert sum(values.values()) == pytest.approx(want["kg"])
    assert all(isinstance(v, float | int) for v in values.values()), "numbers as numbers"
    antenna = list(book["Per antenne"].iter_rows(min_row=2, values_only=True))
    assert antenna == [("Antenne Ixelles-Etterbeek", 118.75, 6, 1, 1, 2, 2, 2, 1)]


@pytest.mark.parametrize(
    ("text", "month"),
    [
        (None, Month(2026, 2)),
        ("", Month(2026, 2)),
        ("2026-03", Month(2026, 3)),
        ("03/2026", Month(2026, 3)),
        ("3/26", Month(2026, 3)),
        ("mars 2026", Month(2026, 3)),
        ("Maart 2026", Month(2026, 3)),
        ("février 2025", Month(2025, 2)),
        ("fevrier", Month(2026, 2)),
        ("december", Month(2025, 12)),
        ("déc. 2025", Month(2025, 12)),
        ("mrt", Month(2026, 3)),
    ],
)
def test_months_as_people_write_them(text, month, now):
    assert parse_month(text, now=now, tz="Europe/Brussels") == month


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-13", "month"),
        ("hello", "month"),
        ("2026-04", "future_month"),
        ("mai 2027", "future_month"),
    ],
)
def test_bad_months_are_refused(text, reason, now):
    with pytest.raises(InvalidInput) as error:
        parse_month(text, now=now, tz="Europe/Brussels")
    assert str(error.value) == reason


async def test_report_command_end_to_end(settings, session_factory, fake_api, clock):
    await insert_rows(session_factory)
    claire = fake_api.user(CLAIRE, language_code="fr")
    joris = fake_api.user(JORIS, language_code="nl")
    anne = fake_api.user(ANNE, language_code="fr")
    stranger = fake_api.user(555, language_code="nl")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(claire, "/report")
        await fake_api.wait_for(method="sendPhoto", chat_id=CLAIRE, timeout=20)
        fake_api.send_text(joris, "/report februari 2026")
        await fake_api.wait_for(method="sendPhoto", chat_id=JORIS, timeout=20)
        for person, chat in ((anne, ANNE), (stranger, 555)):
            fake_api.send_text(person, "/report")
            await fake_api.wait_for(method="sendMessage", chat_id=chat)
        fake_api.send_text(claire, "/report 2026-13")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        fake_api.send_text(claire, "/report 2027-01")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
    assert fake_api.refused == []
    messages = fake_api.sent(CLAIRE)
    text = messages[0]["text"]
    assert "Rapport de février 2026" in text and "118,8 kg" in text
    assert "Pain" in text and "Supermarché Exemple Jourdan" in text
    documents = [m["document"] for m in messages if "document" in m]
    assert [d["file_name"] for d in documents] == ["rapport-2026-02.csv", "rapport-2026-02.xlsx"]
    [photo] = [m for m in messages if "photo" in m]
    assert (photo["photo"][0]["width"], photo["photo"][0]["height"]) == (1200, 800)
    uploads = {u.filename: u.data for u in fake_api.uploads if u.chat_id == CLAIRE}
    assert b"118,75" in uploads["rapport-2026-02.csv"]
    assert _png_size(uploads["rapport-2026-02.png"]) == (1200, 800)
    assert "pas compris le mois" in messages[-2]["text"]
    assert "pas encore commencé" in messages[-1]["text"]
    joris_text = fake_api.sent(JORIS)[0]["text"]
    assert "Verslag van februari 2026" in joris_text and "50 kg" in joris_text
    assert "coordinateur·rices" in fake_api.last_message(ANNE)["text"]
    assert "coördinatoren" in fake_api.last_message(555)["text"]
    assert fake_api.calls("sendDocument", chat_id=ANNE) == []
