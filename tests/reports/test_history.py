"""/history: a pickup's audit trail for the coordinators of its antenna, and nobody else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.callbacks import MAX_ID, HistoryCb
from bot.config import load_settings
from logistics.errors import NotAllowed, NotFound
from logistics.network.seed import seed_network
from logistics.people.erasure import forget_member
from logistics.people.identity import identify
from logistics.pickups.claims import claim_pickup
from logistics.pickups.release import release_claim
from logistics.reports.history import donation_history, recent_donations
from storage.engine import create_engine, create_session_factory
from storage.models import AuditLog, Member
from tests.harness import ROOT, buttons, running_bot
from tests.people.test_personal_data import _pickup

CLAIRE, JORIS, MARC, SOFIE, LUCAS, STRANGER = 100001, 100002, 100003, 100004, 100007, 555003
GROUP = -1001000000001


async def _story(sf, now) -> int:
    """Marc's pickup, claimed by Sofie, released, then claimed by Claire for Lucas."""
    async with sf() as session:
        marc = (await session.exec(select(Member).where(Member.telegram_id == MARC))).one()
        donation_id = await _pickup(session, now, announced_by=marc.id, text="20 kg pain")
        session.add(
            AuditLog(
                at=now,
                actor_id=marc.id,
                action="donation.announced",
                entity="donation",
                entity_id=donation_id,
            )
        )
        await session.commit()
        sofie = await identify(session, telegram_id=SOFIE)
        later = now + timedelta(minutes=5)
        await claim_pickup(session, donation_id=donation_id, identity=sofie, now=later)
        await release_claim(session, donation_id=donation_id, identity=sofie, now=later)
        lucas = (await session.exec(select(Member).where(Member.telegram_id == LUCAS))).one()
        claire = await identify(session, telegram_id=CLAIRE)
        await claim_pickup(
            session, donation_id=donation_id, identity=claire, now=later, driver_id=lucas.id
        )
    return donation_id


@pytest.fixture
async def story(session_factory, now) -> int:
    async with session_factory() as session:
        await seed_network(session, load_settings(ROOT / "config.toml").network, now=now)
        await session.commit()
    return await _story(session_factory, now)


async def test_the_history_says_who_did_what_for_whom(session_factory, story):
    async with session_factory() as session:
        claire = await identify(session, telegram_id=CLAIRE)
        history = await donation_history(session, donation_id=story, identity=claire)
        recent = await recent_donations(session, identity=claire)
    steps = [
        (
            e.action,
            e.actor.name if e.actor else None,
            e.on_behalf_of.name if e.on_behalf_of else None,
        )
        for e in history.entries
    ]
    assert steps == [
        ("donation.announced", "Marc Exemple", None),
        ("claim.created", "Sofie Voorbeeld", None),
        ("claim.released", "Sofie Voorbeeld", None),
        ("claim.created", "Claire Exemple", "Lucas Exemple"),
    ]
    assert history.store_name == "Supermarché Exemple Flagey" and history.status == "claimed"
    assert [r.donation_id for r in recent] == [story]


@pytest.mark.parametrize("telegram_id", [JORIS, SOFIE, MARC, STRANGER])
async def test_only_the_antennas_coordinators_may_read_it(session_factory, story, telegram_id):
    async with session_factory() as session:
        identity = await identify(session, telegram_id=telegram_id)
        with pytest.raises(NotAllowed):
            await donation_history(session, donation_id=story, identity=identity)
        if telegram_id != JORIS:
            with pytest.raises(NotAllowed):
                await recent_donations(session, identity=identity)
        else:
            assert await recent_donations(session, identity=identity) == []


async def test_an_unknown_pickup(session_factory, story):
    async with session_factory() as session:
        claire = await identify(session, telegram_id=CLAIRE)
        for forged in (story + 1000, 0, -1, 2**31, 2**63 - 1):
            with pytest.raises(NotFound):
                await donation_history(session, donation_id=forged, identity=claire)


async def test_an_erased_person_stays_as_an_erased_person(session_factory, story, now):
    async with session_factory() as session:
        marc = await identify(session, telegram_id=MARC)
        await forget_member(session, identity=marc, now=now)
        claire = await identify(session, telegram_id=CLAIRE)
        history = await donation_history(session, donation_id=story, identity=claire)
    first = history.entries[0]
    assert first.actor.erased and first.actor.name is None
    assert not history.entries[1].actor.erased


# --- through the bot ----------------------------------------------------------------------


async def _prepare(settings, now, *, padding: int = 0) -> int:
    engine = create_engine(settings.database_url)
    sf = create_session_factory(engine)
    try:
        donation_id = await _story(sf, now)
        async with sf() as session:
            session.add_all(
                AuditLog(
                    at=now + timedelta(minutes=10 + i),
                    action="<b>future.action</b>",
                    entity="donation",
                    entity_id=donation_id,
                )
                for i in range(padding)
            )
            marc = await identify(session, telegram_id=MARC)
            await forget_member(session, identity=marc, now=now)
    finally:
        await engine.dispose()
    return donation_id


async def test_history_through_the_bot(settings, fake_api, clock, now):
    donation_id = await _prepare(settings, now)
    fake_api.group(GROUP)
    for telegram_id in (LUCAS, MARC, SOFIE):
        fake_api.user(telegram_id)
    claire = fake_api.user(CLAIRE, first_name="Claire", language_code="fr")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(claire, f"/history {donation_id}")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        fake_api.send_text(claire, "/history")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        offer = fake_api.last_message(CLAIRE)
        fake_api.press_button(claire, offer, HistoryCb(donation_id=donation_id).pack())
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        await fake_api.wait_idle()
    texts = fake_api.texts(CLAIRE)
    history = texts[0]
    assert f"Historique de la collecte numéro {donation_id}" in history
    assert "Supermarché Exemple Flagey" in history
    lines = history.splitlines()
    assert "mardi 10 mars 10:00 — annoncée — par personne effacée" in lines
    assert "Marc" not in history
    assert "par Claire Exemple (pour Lucas Exemple)" in history
    assert "libérée — par Sofie Voorbeeld" in history
    assert [d for _, d in buttons(offer)] == [HistoryCb(donation_id=donation_id).pack()]
    assert texts[-1] == history
    assert fake_api.refused == []


async def test_long_histories_and_unknown_actions_stay_valid(settings, fake_api, clock, now):
    donation_id = await _prepare(settings, now, padding=300)
    await _everyone_speaks(settings, "nl")
    claire = fake_api.user(CLAIRE, first_name="Claire", language_code="nl")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(claire, f"/history {donation_id}")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
    history = fake_api.texts(CLAIRE)[0]
    assert len(history) <= 4096
    assert "oudere regels niet getoond" in history
    assert "<b>future.action</b>" in history  # shown literally, as code
    assert fake_api.refused == []


@pytest.mark.parametrize(
    ("telegram_id", "text", "answer"),
    [
        (CLAIRE, "/history abc", "Veuillez donner le numéro d'une collecte"),
        (CLAIRE, "/history -3", "Veuillez donner le numéro d'une collecte"),
        (CLAIRE, "/history 1e9", "Veuillez donner le numéro d'une collecte"),
        (CLAIRE, "/history 99999999999", "Veuillez donner le numéro d'une collecte"),
        (CLAIRE, "/history ١٢", "Veuillez donner le numéro d'une collecte"),
        (CLAIRE, "/history 999", "Il n'y a pas de collecte avec ce numéro."),
        (JORIS, "/history 1", "réservé aux coordinateurs de son antenne"),
        (SOFIE, "/history 1", "réservé aux coordinateurs de son antenne"),
        (SOFIE, "/history", "réservé aux coordinateurs de son antenne"),
        (STRANGER, "/history 1", "réservé aux coordinateurs de son antenne"),
    ],
)
async def test_refusals_and_bad_numbers(settings, fake_api, clock, now, telegram_id, text, answer):
    await _prepare(settings, now)
    person = fake_api.user(telegram_id, language_code="fr")
    await _everyone_speaks(settings, "fr")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(person, text)
        await fake_api.wait_for(method="sendMessage", chat_id=telegram_id)
    assert answer in fake_api.texts(telegram_id)[-1]
    assert fake_api.calls("sendMessage", chat_id=telegram_id)[-1].ok


async def test_a_forged_button_changes_nothing(settings, fake_api, clock, now):
    donation_id = await _prepare(settings, now)
    joris = fake_api.user(JORIS, language_code="fr")
    group = fake_api.group(GROUP)
    await _everyone_speaks(settings, "fr")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(joris, "/history")
        await fake_api.wait_for(method="sendMessage", chat_id=JORIS)
        assert fake_api.texts(JORIS)[-1] == "Pas encore de collecte."
        fake_api.press_button(
            joris, fake_api.last_message(JORIS), HistoryCb(donation_id=donation_id).pack()
        )
        answer = (await fake_api.wait_for(method="answerCallbackQuery"))[0]
        fake_api.send_text(joris, "/history 1", chat=group)
        await fake_api.wait_for(method="sendMessage", chat_id=GROUP)
        # A coordinator's forged buttons: the largest id, past the database's range, garbage.
        claire = fake_api.user(CLAIRE, language_code="fr")
        offer = fake_api.last_message(JORIS)
        fake_api.press_button(claire, offer, f"hi:{MAX_ID}")
        fake_api.press_button(claire, offer, f"hi:{2**63 - 1}")
        fake_api.press_button(claire, offer, "hi:abc")
        forged = await fake_api.wait_for(method="answerCallbackQuery", count=3)
    assert "réservé aux coordinateurs" in answer.params["text"]
    said = [a.params.get("text") for a in forged]
    assert "Il n'y a pas de collecte avec ce numéro." in said
    assert said.count("Ce bouton n'est plus valable.") == 2
    assert len(fake_api.texts(JORIS)) == 1
    assert fake_api.refused == []


async def _everyone_speaks(settings, language: str) -> None:
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            for member in (await session.exec(select(Member))).all():
                member.language = language if member.telegram_id else None
                session.add(member)
            await session.commit()
    finally:
        await engine.dispose()
