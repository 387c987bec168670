"""A coordinator keeps the antenna's van up to date through /antenna, in French and in Dutch:
the cold unit, the home hub, the capacity typed in kg (bad input asked again, /cancel leaves
the step) and taking it out of use, after which /tours no longer offers it. Zero refused
calls."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.callbacks import TourPlanCb, VehicleCb, VehicleHubCb, VehiclesCb
from storage.engine import create_engine, create_session_factory
from storage.models import AuditLog, Hub, Vehicle
from tests.antenna_day import CLAIRE
from tests.chat_steps import edited, press, shown
from tests.harness import buttons, running_bot
from tests.stock.stock_world import add_other_hub
from tests.tours.tour_day import everyone_speaks

WORDS = {
    "fr": {
        "list": "Les véhicules de l'antenne",
        "cold": "frigorifique",
        "not_cold": "non frigorifique",
        "saved": "Enregistré.",
        "ask": "Combien de kilos Camionnette frigo 1 peut-il transporter\u202f?",
        "bad": "Donnez la capacité en kilos",
        "done": "Enregistré\u202f: Camionnette frigo 1 peut transporter",
        "cancelled": "Annulé.",
        "out": "Hors service",
        "tours": "Tournées",
    },
    "nl": {
        "list": "De voertuigen van de antenne",
        "cold": "gekoeld",
        "not_cold": "niet gekoeld",
        "saved": "Opgeslagen.",
        "ask": "Hoeveel kilo kan Camionnette frigo 1 vervoeren?",
        "bad": "Geef het laadvermogen in kilo",
        "done": "Opgeslagen: Camionnette frigo 1 kan",
        "cancelled": "Geannuleerd.",
        "out": "Buiten gebruik",
        "tours": "Rondes",
    },
}


async def the_van(database_url: str, now=None) -> tuple[Vehicle, list[AuditLog], int]:
    """The van as stored, its audit lines, and the id of a second hub of its antenna (added
    the first time)."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        van = (await session.exec(select(Vehicle).where(Vehicle.key == "van-ixelles"))).one()
        lines = await session.exec(
            select(AuditLog).where(AuditLog.action == "vehicle.settings").order_by(AuditLog.id)
        )
        lines = list(lines.all())
        other = (await session.exec(select(Hub.id).where(Hub.key == "hub-etterbeek"))).first()
        if other is None:
            other = await add_other_hub(session, now)
            await session.commit()
    await engine.dispose()
    return van, lines, other


async def answer_to(fake, user, chat_id: int, text: str) -> str:
    """Send a text; the new messages the bot sends back, as one text."""
    before = len(fake.sent(chat_id))
    fake.send_text(user, text)
    await fake.wait_for(lambda: len(fake.sent(chat_id)) > before)
    await fake.wait_idle(grace=0.05)
    return " ".join(m.get("text", "") for m in fake.sent(chat_id)[before:])


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_a_coordinator_changes_the_van_from_antenna(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await everyone_speaks(settings.database_url, lang)
    van, _, etterbeek = await the_van(settings.database_url, clock.now())
    assert (van.refrigerated, van.capacity_kg, van.active) == (True, 800, True)
    claire = fake_api.user(CLAIRE, language_code=lang)
    async with running_bot(settings, clock=clock):
        fake_api.send_text(claire, "/antenna")
        entry = VehiclesCb(antenna_id=van.antenna_id).pack()
        page = await shown(fake_api, CLAIRE, entry)
        await press(fake_api, claire, page, entry)
        page = await edited(fake_api, page, words["list"])
        assert "Camionnette frigo 1" in page["text"] and "800" in page["text"]

        # the van's page, then its cold unit switched off
        await press(fake_api, claire, page, VehicleCb(vehicle_id=van.id).pack())
        refrigerated = VehicleCb(vehicle_id=van.id, action="r").pack()
        page = await edited(fake_api, page, refrigerated)
        assert words["cold"] in page["text"] and words["not_cold"] not in page["text"]
        assert await press(fake_api, claire, page, refrigerated) == words["saved"]
        page = await edited(fake_api, page, words["not_cold"])

        # its home hub, chosen among the antenna's two hubs
        await press(fake_api, claire, page, VehicleCb(vehicle_id=van.id, action="h").pack())
        chosen = VehicleHubCb(vehicle_id=van.id, hub_id=etterbeek).pack()
        page = await edited(fake_api, page, chosen)
        assert len([d for _, d in buttons(page) if d.startswith("vb:")]) == 2
        assert await press(fake_api, claire, page, chosen) == words["saved"]
        page = await edited(fake_api, page, "Hub Voorbeeld Etterbeek")

        # the capacity, typed: bad input gets the same question again, the step kept
        await press(fake_api, claire, page, VehicleCb(vehicle_id=van.id, action="c").pack())
        await shown(fake_api, CLAIRE, words["ask"])
        for bad in ("beaucoup", "0", "50000"):
            said = await answer_to(fake_api, claire, CLAIRE, bad)
            assert words["bad"] in said and words["ask"] in said, (bad, said)
        said = await answer_to(fake_api, claire, CLAIRE, "1250,5")
        assert words["done"] in said and "1250,5" in said.translate(
            {0x202F: None, 0xA0: None, 0x2E: None, 0x20: None}
        )
        assert (await the_van(settings.database_url))[0].capacity_kg == 1250.5

        # asked again, then /cancel: a number typed afterwards changes nothing
        before = len(fake_api.sent(CLAIRE))  # the question asked first is already there
        await press(fake_api, claire, page, VehicleCb(vehicle_id=van.id, action="c").pack())
        await fake_api.wait_for(
            lambda: any(words["ask"] in m["text"] for m in fake_api.sent(CLAIRE)[before:])
        )
        assert words["cancelled"] in await answer_to(fake_api, claire, CLAIRE, "/cancel")
        await answer_to(fake_api, claire, CLAIRE, "900")
        assert (await the_van(settings.database_url))[0].capacity_kg == 1250.5

        # out of use: /tours no longer offers it
        out = VehicleCb(vehicle_id=van.id, action="a").pack()
        assert await press(fake_api, claire, page, out) == words["saved"]
        page = await edited(fake_api, page, words["out"])
        fake_api.send_text(claire, "/tours")
        menu = await shown(fake_api, CLAIRE, words["tours"])
        plans = [d for _, d in buttons(menu) if d.startswith("tp:")]
        assert TourPlanCb(vehicle_id=van.id).pack() not in plans and plans == []

    van, lines, _ = await the_van(settings.database_url)
    assert (van.refrigerated, van.capacity_kg, van.home_hub_id, van.active) == (
        False,
        1250.5,
        etterbeek,
        False,
    )
    assert [line.detail["setting"] for line in lines] == [
        "refrigerated",
        "home_hub_id",
        "capacity_kg",
        "active",
    ]
    assert fake_api.refused == [], "\n".join(c.describe() for c in fake_api.refused)
