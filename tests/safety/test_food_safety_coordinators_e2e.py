"""The coordinators' part in food safety, in French and in Dutch: asked where a pickup goes
when nobody receives it by its use-by date, and setting each association's distribution
days from /antenna."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlmodel import select

from bot.callbacks import AnnounceCb, DistributionCb, RouteCb
from bot.i18n import create_i18n
from logistics.deliveries.allocation import apply_plan, plan_delivery
from storage.engine import create_engine, create_session_factory
from storage.models import (
    Association,
    AuditLog,
    Category,
    Delivery,
    Donation,
    DonationItem,
    Hub,
    Store,
)
from tests.antenna_day import button_data, last_with_button, set_everyone_language
from tests.harness import running_bot

MARC, CLAIRE, JORIS = 100003, 100001, 100002
GROUP = -1001000000001
I18N = create_i18n()
RESTO = "Restaurant social Exemple Etterbeek"
TUESDAY = date(2026, 3, 10)

WORDS = {
    "fr": {
        "announce": "/surplus 10 kg yaourts DLC 28/12 18h-19h30",
        "asked": "⚠️ Aucune association ni aucun hub ne reçoit une partie de cette collecte "
        "avant la date de ses produits\u202f: Produits laitiers (DLC 10 mars).",
        "days": "📅 Restaurant social Exemple Etterbeek distribue le\u202f: "
        "lundi, mardi, mercredi, jeudi, vendredi, samedi",
        "saved": "Enregistré.",
        "not_yours": "Ce n'est pas à vous de le faire",
        "no_day": I18N.gettext("This value cannot be used.", locale="fr"),
    },
    "nl": {
        "announce": "/surplus 10 kg yoghurt tgt 28/12 18u-19u30",
        "asked": "⚠️ Geen enkele vereniging of hub ontvangt een deel van deze ophaling vóór "
        "de datum op de producten: Zuivel (TGT 10 maart).",
        "days": "📅 Restaurant social Exemple Etterbeek verdeelt op: "
        "maandag, dinsdag, woensdag, donderdag, vrijdag, zaterdag",
        "saved": "Opgeslagen.",
        "not_yours": "Dat is niet aan jou",
        "no_day": I18N.gettext("This value cannot be used.", locale="nl"),
    },
}


async def run(database_url: str, statement) -> list:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        result = await session.exec(statement)
        rows = [] if getattr(result, "returns_rows", True) is False else result.all()
        await session.commit()
    await engine.dispose()
    return rows


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_nobody_in_time_asks_the_coordinator_who_chooses(settings, fake_api, clock, lang):
    """Yoghurt to be used by today, collected this evening: the associations receive
    tomorrow, the hub has no cold room. The coordinator is asked, and chooses."""
    words = WORDS[lang]
    await set_everyone_language(settings.database_url, lang)
    await run(settings.database_url, update(Hub).values(cold_storage=False))
    fake_api.group(GROUP)
    people = {tid: fake_api.user(tid, language_code=lang) for tid in (MARC, CLAIRE)}
    for other in (100004, 100007):  # the drivers are offered the pickup
        fake_api.user(other, language_code=lang)

    async def press(tid: int, message: dict, data: str) -> str:
        answers = len(fake_api.calls("answerCallbackQuery"))
        fake_api.press_button(people[tid], message, data)
        await fake_api.wait_for(lambda: len(fake_api.calls("answerCallbackQuery")) > answers)
        return fake_api.calls("answerCallbackQuery")[answers].params.get("text", "")

    async with running_bot(settings, clock=clock):
        fake_api.send_text(people[MARC], words["announce"])
        await fake_api.wait_for(lambda: fake_api.sent(MARC))
        await press(MARC, fake_api.last_message(MARC), AnnounceCb(action="ok").pack())
        await fake_api.wait_for(lambda: fake_api.sent(GROUP))

        # The date turns out to be today's (changed after the announcement here): the
        # antenna's rule finds nobody in time and asks the coordinators.
        await run(settings.database_url, update(DonationItem).values(use_by=TUESDAY))
        engine = create_engine(settings.database_url)
        async with create_session_factory(engine)() as session:
            plan = await plan_delivery(
                session, donation_id=1, now=clock.now(), tz="Europe/Brussels"
            )
            assert plan.stops == () and plan.reasons == ("too_late_for_date",)
            await apply_plan(session, donation_id=1, plan=plan, actor_id=None, now=clock.now())
            await session.commit()
        await engine.dispose()

        await fake_api.wait_for(lambda: any(button_data(m, "ro") for m in fake_api.sent(CLAIRE)))
        asked = last_with_button(fake_api, CLAIRE, "ro")
        assert asked["text"].startswith(words["asked"]), asked["text"]
        await press(CLAIRE, asked, RouteCb(donation_id=1, kind="m").pack())
        resto = (
            await run(
                settings.database_url, select(Association.id).where(Association.name == RESTO)
            )
        )[0]
        await press(CLAIRE, asked, RouteCb(donation_id=1, kind="a", place_id=resto).pack())
        [(place, overridden)] = await run(
            settings.database_url, select(Delivery.association_id, Delivery.overridden_by_id)
        )
        assert place == resto and overridden is not None
        # Joris coordinates another antenna: he was not asked.
        assert not [m for m in fake_api.sent(JORIS) if button_data(m, "ro")]
        await fake_api.wait_idle(grace=0.2)
    assert fake_api.refused == []


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_a_coordinator_sets_the_distribution_days(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await set_everyone_language(settings.database_url, lang)
    claire = fake_api.user(CLAIRE, language_code=lang)
    joris = fake_api.user(JORIS, language_code=lang)

    async def press(user: dict, tid: int, data: str) -> str:
        answers = len(fake_api.calls("answerCallbackQuery"))
        fake_api.press_button(user, fake_api.last_message(tid), data)
        await fake_api.wait_for(lambda: len(fake_api.calls("answerCallbackQuery")) > answers)
        await fake_api.wait_idle(grace=0.05)
        return fake_api.calls("answerCallbackQuery")[answers].params.get("text", "")

    resto = (
        await run(settings.database_url, select(Association).where(Association.name == RESTO))
    )[0]
    assert resto.distribution_days == [0, 1, 2, 3, 4]
    async with running_bot(settings, clock=clock):
        fake_api.send_text(claire, "/antenna")
        await fake_api.wait_for(lambda: fake_api.sent(CLAIRE))
        settings_message = fake_api.last_message(CLAIRE)
        [listing] = button_data(settings_message, "dd")
        await press(claire, CLAIRE, listing)
        assert RESTO in fake_api.last_message(CLAIRE)["text"]
        await press(claire, CLAIRE, DistributionCb(association_id=resto.id).pack())
        answer = await press(
            claire, CLAIRE, DistributionCb(association_id=resto.id, weekday=5).pack()
        )
        assert answer == words["saved"]
        assert fake_api.last_message(CLAIRE)["text"].startswith(words["days"])
        # Another antenna's coordinator, and a day that is not one, change nothing.
        fake_api.send_text(joris, "/help")
        await fake_api.wait_for(lambda: fake_api.sent(JORIS))
        sunday = DistributionCb(association_id=resto.id, weekday=6).pack()
        assert words["not_yours"] in await press(joris, JORIS, sunday)
        no_day = DistributionCb(association_id=resto.id, weekday=9).pack()
        assert await press(claire, CLAIRE, no_day) == words["no_day"]
    [days] = await run(
        settings.database_url,
        select(Association.distribution_days).where(Association.id == resto.id),
    )
    assert days == [0, 1, 2, 3, 4, 5]
    [audit] = await run(
        settings.database_url,
        select(AuditLog).where(AuditLog.action == "association.distribution_days"),
    )
    assert audit.detail == {"before": [0, 1, 2, 3, 4], "after": [0, 1, 2, 3, 4, 5]}
    assert fake_api.refused == []


async def test_best_before_grace_of_the_category_and_a_cold_hub(settings, now):
    """Through the database: the category's grace days let tins go past their best-before
    date; a chilled item due today goes to the hub with a cold room, open this evening."""
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as session:
        store = (await session.exec(select(Store).where(Store.key == "super-flagey"))).one()
        categories = {c.key: c for c in (await session.exec(select(Category))).all()}
        dairy, dry = categories["produits-laitiers"], categories["epicerie-seche"]
        donation = Donation(
            antenna_id=store.antenna_id,
            store_id=store.id,
            status="announced",
            window_start=datetime(2026, 3, 10, 17, 0, tzinfo=UTC),  # 18:00 in Brussels
            window_end=datetime(2026, 3, 10, 18, 30, tzinfo=UTC),
            estimated_kg=50,
            created_at=now,
            updated_at=now,
        )
        session.add(donation)
        await session.flush()

        def item(category: Category, kg: float, **dates) -> DonationItem:
            return DonationItem(
                donation_id=donation.id,
                category_id=category.id,
                quantity=kg,
                unit="kg",
                cold_chain=category.cold_chain,
                estimated_kg=kg,
                **dates,
            )

        # Tins best before today; the associations receive tomorrow morning, the hub tonight.
        dry.grace_days = 0  # no grace at first (config.toml gives dry goods 60 days)
        session.add(dry)
        tins = item(dry, 40, best_before=TUESDAY)
        session.add(tins)
        await session.flush()

        async def plan():
            return await plan_delivery(
                session, donation_id=donation.id, now=now, tz="Europe/Brussels"
            )

        hub = (await session.exec(select(Hub))).first()
        assert [(s.kind, s.id) for s in (await plan()).stops] == [("hub", hub.id)]
        dry.grace_days = 30  # the network lets tins go a month past their best-before date
        session.add(dry)
        await session.flush()
        assert {s.kind for s in (await plan()).stops} == {"association"}

        # Yoghurt to be used by today: only the hub's cold room, open tonight, takes it.
        session.add(item(dairy, 10, use_by=TUESDAY))
        await session.flush()
        cold = [s for s in (await plan()).stops if s.cold_kg]
        assert [(s.kind, s.id, s.cold_kg) for s in cold] == [("hub", hub.id, 10.0)]
    await engine.dispose()
