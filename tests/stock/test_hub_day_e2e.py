"""A SOREAL-like day through the bot, in French and in Dutch, zero refused calls: the van's
evening tour collects four stores into the hub's cold room; /stock shows it oldest date
first; a loss is recorded; at the hub's distribution time the coordinators get the stock
proposed to three associations as the morning tour, confirm it, and the driver delivers it;
the database checker finds everything in order; the report shows the kg through the hub and
the loss."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.callbacks import StockLossCb
from scheduler.distributions import send_distribution
from storage.engine import create_engine, create_session_factory
from storage.models import Antenna, Association, Hub, StockLot, StockMove, Tour
from tests.antenna_day import CLAIRE, GROUP, LUCAS, SOFIE
from tests.chat_steps import edited, press, shown
from tests.harness import ROOT, buttons, running_bot
from tests.tours.test_tours_e2e import WORDS as TOUR_WORDS
from tests.tours.test_tours_e2e import member_id
from tests.tours.tour_day import MANAGERS, everyone_speaks, open_the_evening, plan_and_confirm

HELENE = 100020  # the hub's staff (config.toml)
WORDS = {
    "fr": {
        "stock": "Stock de Hub Exemple Ixelles",
        "oldest": "premier périmé, premier sorti",
        "chilled": "Frais (réfrigéré)",
        "ambient": "Sec (ambiant)",
        "lost": "Perte enregistrée",
        "proposal": "La distribution du stock du hub est proposée",
        "delivered": "Livré\u202f:",
        "report": "Stock des hubs",
        "damaged": "abîmé",
    },
    "nl": {
        "stock": "Voorraad van Hub Exemple Ixelles",
        "oldest": "eerst vervallen, eerst uit",
        "chilled": "Gekoeld",
        "ambient": "Droog (ambiant)",
        "lost": "Verlies geboekt",
        "proposal": "De verdeling van de voorraad van de hub is voorgesteld",
        "delivered": "Geleverd:",
        "report": "Voorraad van de hubs",
        "damaged": "beschadigd",
    },
}


async def a_third_association(database_url: str) -> None:
    """Ixelles has two associations in config.toml; a third receives on weekday mornings."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        ixelles = (await session.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
        session.add(
            Association(
                key="colis-ixelles", antenna_id=ixelles.id, name="Colis Exemple Ixelles",
                kind="colis", address="Rue Supposée 3, 1050 Ixelles", beneficiaries=120,
                cold_storage=True, reception_hours="mon-sat 07:30-11:00",
                latitude=50.8290, longitude=4.3770,
            )
        )  # fmt: skip
        await session.commit()
    await engine.dispose()


async def database_rows(database_url: str, model, *where):
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = (await session.exec(select(model).where(*where))).all()
    await engine.dispose()
    return found


async def sheet_with(fake, chat_id: int, prefix: str) -> dict:
    """The latest message of the chat with a button whose data starts so."""

    def found() -> dict | None:
        return next(
            (
                m
                for m in reversed(fake.sent(chat_id))
                if any(d.startswith(prefix) for _, d in buttons(m))
            ),
            None,
        )

    await fake.wait_for(lambda: found() is not None)
    return found()


def check_database(database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "bot", "check", "--config", str(ROOT / "config.toml")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_a_soreal_like_day_through_the_hub(settings, fake_api, clock, lang):
    words, tour_words = WORDS[lang], TOUR_WORDS[lang]
    await everyone_speaks(settings.database_url, lang)
    await a_third_association(settings.database_url)
    pickups = await open_the_evening(settings.database_url, clock.now(), lang, "12/03")
    sofie_id = await member_id(settings.database_url, SOFIE)
    fake_api.group(GROUP)
    claire = fake_api.user(CLAIRE, language_code=lang)
    sofie = fake_api.user(SOFIE, language_code=lang)
    helene = fake_api.user(HELENE, language_code=lang)
    for person in (LUCAS, 100006, 100008, *MANAGERS):  # offered, asked, told
        fake_api.user(person, language_code=lang)
    async with running_bot(settings, clock=clock) as app:
        # Tuesday evening: the van's tour collects the four stores into the hub
        await plan_and_confirm(fake_api, claire, CLAIRE, sofie_id, tour_words)
        sheet = await shown(fake_api, SOFIE, tour_words["sheet"])
        clock.set(datetime(2026, 3, 10, 19, 35, tzinfo=UTC))  # 20:35 in Brussels
        for pickup, kg in zip(pickups, ("40", "20", "37", "15"), strict=True):
            before = len(fake_api.sent(SOFIE))
            await press(fake_api, sofie, sheet, f"pu:{pickup}:total")
            await fake_api.wait_for(lambda b=before: len(fake_api.sent(SOFIE)) > b)
            fake_api.send_text(sofie, kg)
            await fake_api.wait_for(lambda b=before: len(fake_api.sent(SOFIE)) > b + 1)
        await fake_api.wait_idle(grace=0.2)
        again = next(d for _, d in buttons(sheet) if d.endswith(":sheet"))
        await press(fake_api, sofie, sheet, again)
        sheet = await edited(fake_api, sheet, again.replace(":sheet", ":unload"))
        await press(fake_api, sofie, sheet, again.replace(":sheet", ":unload"))
        await fake_api.wait_idle(grace=0.2)
        lots = await database_rows(settings.database_url, StockLot)
        assert round(sum(lot.on_hand_kg for lot in lots), 1) == 112

        # the hub's staff: /stock, chilled with its use-by date first, then the ambient food
        fake_api.send_text(helene, "/stock")
        stock = await shown(fake_api, HELENE, words["stock"])
        text = stock["text"]
        assert words["oldest"] in text
        assert text.index(words["chilled"]) < text.index(words["ambient"])
        assert text.index("12/03") < text.index(words["ambient"])
        # a crate of bread fell in the cold room: a loss, with its reason
        bread = next(lot for lot in lots if lot.donation_id == pickups[1])
        loss = StockLossCb(lot_id=bread.id, reason="damaged", amount="all").pack()
        assert words["lost"] in await press(fake_api, helene, stock, loss)

        # Wednesday 06:00 in Brussels: the hub's distribution is proposed to the coordinators
        clock.set(datetime(2026, 3, 11, 5, 0, tzinfo=UTC))
        hub = (await database_rows(settings.database_url, Hub, Hub.key == "hub-ixelles"))[0]
        tour_id = await send_distribution(
            session_factory=app.dp["session_factory"], clock=clock,
            on_queued=app.dp["outbox"].wake, routing=settings.routing, hub_id=hub.id,
        )  # fmt: skip
        assert tour_id is not None
        proposal = await shown(fake_api, CLAIRE, words["proposal"])
        for name in ("Épicerie sociale Exemple Ixelles", "Restaurant social Exemple Etterbeek",
                     "Colis Exemple Ixelles"):  # fmt: skip
            assert name in proposal["text"]
        ask = next(d for _, d in buttons(proposal) if d == f"tr:{tour_id}:drivers")
        await press(fake_api, claire, proposal, ask)
        drivers = await edited(fake_api, proposal, tour_words["who"])
        await press(fake_api, claire, drivers, f"td:{tour_id}:{sofie_id}")
        await edited(fake_api, proposal, tour_words["confirmed"])

        # the driver delivers the three associations from the sheet she is sent
        morning = await sheet_with(fake_api, SOFIE, "tv:")
        stops = [d for _, d in buttons(morning) if d.startswith("tv:") and d.endswith(":done")]
        assert len(stops) == 3
        for stop in stops:
            assert words["delivered"] in await press(fake_api, sofie, morning, stop)
            await fake_api.wait_idle(grace=0.1)
        [tour] = await database_rows(settings.database_url, Tour, Tour.id == tour_id)
        assert tour.status == "done"

        # every kg is accounted for, as the operator's checker says
        checked = check_database(settings.database_url)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        moves = await database_rows(settings.database_url, StockMove)
        lost = sum(m.kg for m in moves if m.kind == "loss")
        out = sum(m.kg for m in moves if m.kind == "out")
        assert lost == bread.received_kg and round(lost + out, 1) <= 112

        # the month's report shows the kg through the hub and the loss
        fake_api.send_text(claire, "/report 2026-03")
        report = await shown(fake_api, CLAIRE, words["report"])
        assert "Hub Exemple Ixelles" in report["text"]
        assert words["damaged"] in report["text"]
    assert fake_api.refused == [], "\n".join(c.describe() for c in fake_api.refused)
