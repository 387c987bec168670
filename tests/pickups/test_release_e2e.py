"""Giving a pickup back is asked first: "Release" shows a question in the presser's private
chat, "No" keeps it, "Yes" gives it back; under 24 hours before the window the driver says why
instead, and the group and the coordinators get that reason with the alert. Only the driver on
the pickup or a coordinator of its antenna may, checked at the press and at the answer."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.callbacks import ClaimCb, ReleaseAnswerCb, ReleaseCb
from storage.engine import create_engine, create_session_factory
from storage.models import AuditLog, Claim
from tests.chat_steps import edited, never_opened, press, shown, suspend
from tests.harness import buttons, running_bot
from tests.people.test_permissions_e2e import (
    ANNE,
    CLAIRE,
    GROUP,
    KARIM,
    LUCAS,
    MARC,
    SOFIE,
    STRANGER,
    rows,
)
from tests.pickups.test_drivers_when_where_e2e import announce

WORDS = {
    "fr": {
        "ask": "↩️ Libérer cette collecte\u202f?",
        "offered": "Elle sera proposée aux autres chauffeurs.",
        "why": "Pourquoi la libérer\u202f?",
        "kept": "Gardée\u202f: la collecte reste prise.",
        "given_back": "↩️ Libérée\u202f: la collecte chez Supermarché Exemple Flagey",
        "told": "le groupe et les coordinateurs sont prévenus",
        "in_private": "Je vous ai posé la question dans notre conversation privée.",
        "open_first": "Ouvrez d'abord une conversation privée avec moi",
        "not_yours": "Ce n'est pas à vous de le faire",
        "stale": "Ce bouton n'est plus valable.",
    },
    "nl": {
        "ask": "↩️ Deze ophaling vrijgeven?",
        "offered": "Ze wordt aan de andere chauffeurs aangeboden.",
        "why": "Waarom geef je ze vrij?",
        "kept": "Behouden: de ophaling blijft opgenomen.",
        "given_back": "↩️ Vrijgegeven: de ophaling bij Supermarché Exemple Flagey",
        "told": "de groep en de coördinatoren zijn verwittigd",
        "in_private": "Ik heb het je gevraagd in ons privégesprek.",
        "open_first": "Open eerst een privégesprek met mij",
        "not_yours": "Dat is niet aan jou",
        "stale": "Deze knop is niet meer geldig.",
    },
}
REASON = {
    "fr": "Raison donnée\u202f: un problème de véhicule",
    "nl": "Opgegeven reden: een probleem met het voertuig",
}


def answers(message: dict) -> list[str]:
    """The answers a release question offers, in order."""
    return [data.split(":")[-1] for _, data in buttons(message) if data.startswith("ry:")]


async def active_claims(database_url: str) -> dict[int, Claim]:
    return {c["donation_id"]: c for c in await rows(database_url, Claim) if not c["released_at"]}


async def released_audit(database_url: str) -> list[dict]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = await session.exec(
            select(AuditLog).where(AuditLog.action == "claim.released").order_by(AuditLog.id)
        )
        details = [a.detail for a in found.all()]
    await engine.dispose()
    return details


@pytest.mark.parametrize(("driver", "language"), [(LUCAS, "fr"), (SOFIE, "nl")])
async def test_a_release_is_asked_first_and_a_late_one_says_why(
    settings, fake_api, clock, driver, language
):
    words = WORDS[language]
    fake_api.group(GROUP)
    marc = fake_api.user(MARC, language_code="fr")
    person = fake_api.user(driver, language_code=language)
    fake_api.user(CLAIRE, language_code="fr")
    fake_api.user(LUCAS if driver == SOFIE else SOFIE)  # offered what is given back
    async with running_bot(settings, clock=clock):
        # Tomorrow's pickup (#1), more than 24 hours ahead, claimed from its card.
        card = await announce(fake_api, marc, "/surplus 20 kg pain demain 18h-19h30")
        await press(fake_api, person, card, ClaimCb(donation_id=1).pack())
        panel = await shown(fake_api, driver, ReleaseCb(donation_id=1).pack())

        # "Release" asks, in place, and changes nothing; "No" puts the panel back.
        await press(fake_api, person, panel, ReleaseCb(donation_id=1).pack())
        question = await edited(fake_api, panel, words["ask"])
        assert words["offered"] in question["text"]
        assert answers(question) == ["yes", "keep"]
        assert 1 in await active_claims(settings.database_url)
        keep = ReleaseAnswerCb(donation_id=1, answer="keep").pack()
        assert words["kept"] in await press(fake_api, person, question, keep)
        panel = await edited(fake_api, panel, ReleaseCb(donation_id=1).pack())
        assert 1 in await active_claims(settings.database_url)

        # "Yes" gives it back: not late, no reason.
        await press(fake_api, person, panel, ReleaseCb(donation_id=1).pack())
        question = await edited(fake_api, panel, words["ask"])
        await press(fake_api, person, question, ReleaseAnswerCb(donation_id=1, answer="yes").pack())
        done = await edited(fake_api, panel, words["given_back"])
        assert words["told"] not in done["text"] and buttons(done) == []
        [first] = [c for c in await rows(settings.database_url, Claim) if c["donation_id"] == 1]
        assert first["released_at"] and not first["late_release"]
        assert first["release_reason"] is None

        # Today's pickup (#2): released from the group card, asked in private with reasons.
        await fake_api.wait_idle(grace=0.1)  # the store is told first
        card = await announce(fake_api, marc, "/surplus 20 kg pain 18h-19h30")
        await press(fake_api, person, card, ClaimCb(donation_id=2).pack())
        release = ReleaseCb(donation_id=2).pack()
        card = await edited(fake_api, card, release)
        await fake_api.wait_idle(grace=0.1)
        group_calls = len(fake_api.calls(chat_id=GROUP, ok=True))
        said = await press(fake_api, person, card, release)
        assert words["in_private"] in said
        question = await shown(fake_api, driver, words["why"])
        assert "#2" in question["text"]
        assert answers(question) == ["ill", "vehicle", "busy", "other", "keep"]
        assert len(fake_api.calls(chat_id=GROUP, ok=True)) == group_calls
        assert 2 in await active_claims(settings.database_url)

        # The driver gives the reason: released late, the reason kept and told.
        vehicle = ReleaseAnswerCb(donation_id=2, answer="vehicle").pack()
        await press(fake_api, person, question, vehicle)
        done = await edited(fake_api, question, words["given_back"])
        assert words["told"] in done["text"] and buttons(done) == []
        [late] = [c for c in await rows(settings.database_url, Claim) if c["donation_id"] == 2]
        assert late["late_release"] and late["release_reason"] == "vehicle"
        assert (await released_audit(settings.database_url))[-1]["late"] is True
        alert = await shown(fake_api, GROUP, REASON["fr"])
        assert REASON["nl"] in alert["text"]  # the group reads both languages
        await shown(fake_api, CLAIRE, REASON["fr"])

        # Pressed again, the old question changes nothing.
        said = await press(fake_api, person, question, vehicle)
        assert words["not_yours"] not in said and said
        assert 2 not in await active_claims(settings.database_url)
    assert fake_api.refused == []


async def test_only_the_driver_or_a_coordinator_may_give_it_back(settings, fake_api, clock):
    """Another driver, another antenna's driver, the store, an association, a stranger and a
    suspended driver are refused both the question and its answers, and nothing changes; a
    coordinator is asked, with the driver named, and may answer for them."""
    fake_api.group(GROUP)
    people = {tid: fake_api.user(tid) for tid in (MARC, SOFIE, LUCAS, KARIM, ANNE, STRANGER)}
    people[CLAIRE] = fake_api.user(CLAIRE, language_code="fr")
    async with running_bot(settings, clock=clock):
        card = await announce(fake_api, people[MARC], "/surplus 20 kg pain 18h-19h30")
        await press(fake_api, people[SOFIE], card, ClaimCb(donation_id=1).pack())
        await fake_api.wait_idle(grace=0.1)
        before = await rows(settings.database_url, Claim)
        ask = ReleaseCb(donation_id=1).pack()
        ill = ReleaseAnswerCb(donation_id=1, answer="ill").pack()

        async def refused_everything() -> None:
            for tid in (LUCAS, KARIM, MARC, ANNE, STRANGER):
                for data in (ask, ill):
                    said = await press(fake_api, people[tid], card, data)
                    assert any(w["not_yours"] in said for w in WORDS.values()), (tid, data, said)
            assert await rows(settings.database_url, Claim) == before

        await refused_everything()
        await suspend(settings.database_url, LUCAS)  # a driver no longer active here
        await refused_everything()

        # An answer that is none of the buttons': no longer valid, nothing changes.
        forged = ReleaseAnswerCb(donation_id=1, answer="bored").pack()
        said = await press(fake_api, people[SOFIE], card, forged)
        assert WORDS["nl"]["stale"] in said
        assert await rows(settings.database_url, Claim) == before

        # Claire, from the group: asked in private, Sofie named; she gives the reason.
        assert WORDS["fr"]["in_private"] in await press(fake_api, people[CLAIRE], card, ask)
        question = await shown(fake_api, CLAIRE, "↩️ Libérer la collecte de Sofie Voorbeeld\u202f?")
        assert answers(question) == ["ill", "vehicle", "busy", "other", "keep"]
        await press(fake_api, people[CLAIRE], question, ill)
        [claim] = await rows(settings.database_url, Claim)
        assert claim["released_at"] and claim["late_release"] and claim["release_reason"] == "ill"
    assert fake_api.refused == []


async def test_someone_who_never_opened_the_bot_is_told_to_open_it_first(settings, fake_api, clock):
    """Telegram lets no bot write first: from the group, the question cannot be asked, so the
    press says where to go, and the pickup stays taken."""
    fake_api.group(GROUP)
    marc, lucas = fake_api.user(MARC), fake_api.user(LUCAS, language_code="fr")
    fake_api.user(SOFIE)  # offered the pickup
    async with running_bot(settings, clock=clock):
        card = await announce(fake_api, marc, "/surplus 20 kg pain 18h-19h30")
        await press(fake_api, lucas, card, ClaimCb(donation_id=1).pack())
        await fake_api.wait_idle(grace=0.1)
        await never_opened(settings.database_url, LUCAS)
        calls = len(fake_api.calls(chat_id=LUCAS))
        said = await press(fake_api, lucas, card, ReleaseCb(donation_id=1).pack())
        assert WORDS["fr"]["open_first"] in said
        await fake_api.wait_idle(grace=0.1)
        assert len(fake_api.calls(chat_id=LUCAS)) == calls
        assert 1 in await active_claims(settings.database_url)
    assert fake_api.refused == []
