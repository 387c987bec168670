"""Personal data: what /mydata shows and sends, and what /forgetme erases (rules and bot)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from sqlalchemy import func
from sqlmodel import col, select

from bot.callbacks import ForgetCb, LanguageCb
from bot.config import load_settings
from bot.i18n import create_i18n
from bot.people.personal_export import readable
from bot.people.personal_summary import summary_text
from logistics.errors import NotFound
from logistics.network.seed import seed_network
from logistics.people.erasure import LastCoordinator, check_forgettable, forget_member
from logistics.people.identity import identify
from logistics.people.personal_data import personal_data
from logistics.pickups.claims import claim_pickup, set_standing_claim
from logistics.pickups.release import release_claim
from storage.engine import create_engine, create_session_factory
from storage.models import (
    Antenna,
    AuditLog,
    Claim,
    Donation,
    DonationItem,
    FsmRecord,
    Member,
    Membership,
    Outbox,
    RecurringSlot,
    Store,
)
from tests.harness import ROOT, running_bot

CLAIRE, JORIS, MARC, SOFIE, ANNE, STRANGER = 100001, 100002, 100003, 100004, 100006, 555001
GROUP = -1001000000001
OTHER_NAMES = ("Claire Exemple", "Joris Voorbeeld", "Marc Exemple", "Anne Exemple", "Lucas")


@pytest.fixture
async def seeded(session_factory, now):
    async with session_factory() as session:
        await seed_network(session, load_settings(ROOT / "config.toml").network, now=now)
        await session.commit()
    return session_factory


async def _member(session, telegram_id: int) -> Member:
    return (await session.exec(select(Member).where(Member.telegram_id == telegram_id))).one()


async def _pickup(session, now, *, announced_by: int, text: str) -> int:
    """An announced pickup at Super Flagey, the day after tomorrow 18:00-19:00."""
    store = (await session.exec(select(Store).where(Store.key == "super-flagey"))).one()
    donation = Donation(
        antenna_id=store.antenna_id,
        store_id=store.id,
        status="announced",
        window_start=datetime(2026, 3, 12, 17, 0, tzinfo=UTC),
        window_end=datetime(2026, 3, 12, 18, 0, tzinfo=UTC),
        announced_by_id=announced_by,
        raw_text=text,
        estimated_kg=20,
        created_at=now,
        updated_at=now,
    )
    session.add(donation)
    await session.flush()
    session.add(
        DonationItem(
            donation_id=donation.id,
            category_id=1,
            label="pain",
            quantity=20,
            unit="kg",
            cold_chain="ambient",
            estimated_kg=20,
        )
    )
    await session.commit()
    return donation.id


async def _sofie_with_a_claim(sf, now) -> int:
    async with sf() as session:
        sofie = await _member(session, SOFIE)
        sofie.phone, sofie.username = "+32 470 12 34 56", "sofie_v"
        session.add(sofie)
        marc = await _member(session, MARC)
        donation_id = await _pickup(session, now, announced_by=marc.id, text="20 kg pain")
        identity = await identify(session, telegram_id=SOFIE)
        await claim_pickup(session, donation_id=donation_id, identity=identity, now=now)
    return donation_id


async def test_personal_data_holds_the_person_and_nobody_else(seeded, now):
    donation_id = await _sofie_with_a_claim(seeded, now)
    async with seeded() as session:
        data = await personal_data(session, telegram_id=SOFIE)
        nobody = await personal_data(session, telegram_id=STRANGER)

    assert nobody is None
    assert data["member"]["name"] == "Sofie Voorbeeld"
    assert data["member"]["phone"] == "+32 470 12 34 56"
    assert data["member"]["vehicle_refrigerated"] is True
    assert [m["role"] for m in data["memberships"]] == ["driver"]
    assert [c["donation"] for c in data["claims"]] == [donation_id]
    assert data["announcements"] == []
    assert [a["action"] for a in data["audit"]] == ["claim.created"]
    text = json.dumps(data, ensure_ascii=False)
    assert not any(name in text for name in OTHER_NAMES)
    assert str(MARC) not in text and str(CLAIRE) not in text


async def test_the_reason_of_a_late_release_is_the_persons_data(seeded, now):
    """Why one gave a pickup back ("ill" is about one's health) is theirs to see and goes
    with their erasure."""
    donation_id = await _sofie_with_a_claim(seeded, now)
    later = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)  # 8 hours before the window
    async with seeded() as session:
        identity = await identify(session, telegram_id=SOFIE)
        await release_claim(
            session, donation_id=donation_id, identity=identity, now=later, reason="ill"
        )
        data = await personal_data(session, telegram_id=SOFIE)

    [claim] = data["claims"]
    assert (claim["late"], claim["reason"]) == (True, "ill")
    i18n = create_i18n()
    shown = {"fr": ("collectes prises", "raison donnée", "maladie")}
    shown["nl"] = ("opgenomen ophalingen", "opgegeven reden", "ziek")
    for locale, (section, label, said) in shown.items():
        with i18n.context(), i18n.use_locale(locale):
            [row] = readable(data)[section]
        assert row[label] == said, (locale, row)

    async with seeded() as session:  # forgotten, the claim stays as history, the reason goes
        identity = await identify(session, telegram_id=SOFIE)
        await forget_member(session, identity=identity, now=later)
    async with seeded() as session:
        [claim] = (await session.exec(select(Claim))).all()
    assert claim.late_release and claim.release_reason is None


async def test_the_last_coordinator_cannot_erase_themself(seeded, now):
    async with seeded() as session:
        claire = await identify(session, telegram_id=CLAIRE)
        with pytest.raises(LastCoordinator) as refused:
            await forget_member(session, identity=claire, now=now)
        assert refused.value.antenna_name == "Antenne Ixelles-Etterbeek"
    async with seeded() as session:
        assert (await _member(session, CLAIRE)).name == "Claire Exemple"
        # Once Joris also coordinates Ixelles, Claire may go.
        joris = await _member(session, JORIS)
        ixelles = (await session.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
        session.add(
            Membership(
                member_id=joris.id, antenna_id=ixelles.id, role="coordinator", created_at=now
            )
        )
        await session.commit()
        claire = await identify(session, telegram_id=CLAIRE)
        await check_forgettable(session, identity=claire)
        await forget_member(session, identity=claire, now=now)
    async with seeded() as session:
        assert (
            await session.exec(select(Member).where(Member.telegram_id == CLAIRE))
        ).first() is None


async def test_a_stranger_has_nothing_to_forget(seeded, now):
    async with seeded() as session:
        stranger = await identify(session, telegram_id=STRANGER)
        with pytest.raises(NotFound):
            await forget_member(session, identity=stranger, now=now)


def _fsm_key(chat_id: int, user_id: int, thread: int | None = None) -> str:
    """The storage key of a conversation, as the bot's FSM storage builds it."""
    key = StorageKey(bot_id=123456, chat_id=chat_id, user_id=user_id, thread_id=thread)
    return DefaultKeyBuilder(with_destiny=True).build(key)


async def test_forgetting_a_driver_erases_and_releases(seeded, now):
    donation_id = await _sofie_with_a_claim(seeded, now)
    async with seeded() as session:
        sofie = await _member(session, SOFIE)
        slot = (await session.exec(select(RecurringSlot).order_by(col(RecurringSlot.id)))).first()
        identity = await identify(session, telegram_id=SOFIE)
        await set_standing_claim(session, slot_id=slot.id, identity=identity, now=now)
        session.add_all(
            [
                FsmRecord(key=_fsm_key(SOFIE, SOFIE), state="x", updated_at=now),
                FsmRecord(key=_fsm_key(GROUP, SOFIE, thread=7), state="y", updated_at=now),
                FsmRecord(key=_fsm_key(MARC, MARC), state="z", updated_at=now),
                AuditLog(
                    at=now,
                    actor_id=sofie.id,
                    action="test.note",
                    entity="member",
                    entity_id=sofie.id,
                    detail={"name": "Sofie Voorbeeld", "said": "call sofie_v", "kg": 3},
                ),
                AuditLog(
                    at=now,
                    action="test.other",
                    entity="donation",
                    entity_id=donation_id,
                    detail={"telegram": SOFIE, "store": "Super"},
                ),
            ]
        )
        await session.commit()
        sofie_id = sofie.id
        identity = await identify(session, telegram_id=SOFIE)

        result = await forget_member(session, identity=identity, now=now)

    assert result.released == (donation_id,)
    async with seeded() as session:
        member = await session.get(Member, sofie_id)
        assert (member.telegram_id, member.name, member.phone, member.username) == (None,) * 4
        assert member.language is None and member.forgotten_at == now
        statuses = (
            await session.exec(select(Membership.status).where(Membership.member_id == sofie_id))
        ).all()
        assert set(statuses) == {"suspended"}
        assert (await session.get(Donation, donation_id)).status == "announced"
        active = select(func.count()).where(col(Claim.released_at).is_(None))
        assert (await session.exec(active.select_from(Claim))).one() == 0
        slot = await session.get(RecurringSlot, slot.id)
        assert slot.standing_driver_id is None
        keys = (await session.exec(select(FsmRecord.key))).all()
        assert keys == [_fsm_key(MARC, MARC)]
        outbox = (await session.exec(select(Outbox))).all()
        assert not [o for o in outbox if o.chat_id == SOFIE]
        reopened = [o for o in outbox if o.payload.get("kind") == "pickups_reopened"]
        assert [(o.chat_id, o.payload["donation_ids"]) for o in reopened] == [
            (GROUP, [donation_id])
        ]
        details = {a.action: a.detail for a in (await session.exec(select(AuditLog))).all()}
        assert details["test.note"] == {"said": None, "kg": 3}
        assert details["test.other"] == {"telegram": None, "store": "Super"}
        assert details["member.forgotten"] == {"released": [donation_id]}
        assert "claim.released" in details and "standing_claim.dropped" in details


async def test_leaving_hours_before_the_window_is_not_a_late_release(seeded, now):
    """The pickups given back by an erasure are not the driver's late releases: no alert,
    and nothing counted against anybody in the reports."""
    donation_id = await _sofie_with_a_claim(seeded, now)
    hours_before = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)  # the window opens at 17:00
    async with seeded() as session:
        identity = await identify(session, telegram_id=SOFIE)
        result = await forget_member(session, identity=identity, now=hours_before)
    assert result.released == (donation_id,)
    async with seeded() as session:
        [claim] = (await session.exec(select(Claim))).all()
        assert claim.released_at == hours_before and claim.late_release is False
        kinds = {o.payload.get("kind") for o in (await session.exec(select(Outbox))).all()}
        assert "pickups_reopened" in kinds and "late_release" not in kinds
        released = (
            await session.exec(select(AuditLog).where(AuditLog.action == "claim.released"))
        ).one()
        assert released.detail.get("late") is False


async def test_forgetting_a_store_manager_empties_their_free_text(seeded, now):
    async with seeded() as session:
        marc = await _member(session, MARC)
        donation_id = await _pickup(
            session, now, announced_by=marc.id, text="20 kg pain, appelez Marc au 0470"
        )
        (await session.get(Donation, donation_id)).photo_file_id = "shelf-photo"
        await session.commit()
        identity = await identify(session, telegram_id=MARC)
        await forget_member(session, identity=identity, now=now)
    async with seeded() as session:
        donation = await session.get(Donation, donation_id)
        assert (donation.raw_text, donation.photo_file_id) == (None, None)
        assert (donation.status, donation.estimated_kg) == ("announced", 20)


# --- through the bot ----------------------------------------------------------------------


def _database(settings):
    engine = create_engine(settings.database_url)
    return engine, create_session_factory(engine)


async def test_mydata_shows_a_summary_and_sends_the_file(settings, fake_api, clock, now):
    engine, sf = _database(settings)
    try:
        await _sofie_with_a_claim(sf, now)
    finally:
        await engine.dispose()
    sofie = fake_api.user(SOFIE, first_name="Sofie", language_code="nl")
    fake_api.group(GROUP)
    fake_api.user(MARC, first_name="Marc")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(sofie, "/mydata")
        await fake_api.wait_for(method="sendDocument", chat_id=SOFIE)
    summary = fake_api.texts(SOFIE)[0]
    assert "Wat deze bot over jou bijhoudt" in summary
    assert "Sofie Voorbeeld" in summary and "@sofie_v" in summary
    assert "Opgenomen ophalingen: 1" in summary
    assert len(summary) <= 4096
    upload = fake_api.uploads[-1]
    assert upload.chat_id == SOFIE and upload.filename.endswith(".json")
    data = json.loads(upload.data)  # in Sofie's language, times in Brussels' local time
    assert data["je profiel"]["Telegram-id"] == SOFIE
    assert data["je profiel"]["telefoon"] == "+32 470 12 34 56"
    assert data["je profiel"]["gekoelde wagen"] is True
    [claim] = data["opgenomen ophalingen"]
    assert claim["opgenomen om"] == "2026-03-10 10:00:00+01:00"  # 09:00 UTC
    assert claim["te laat vrijgegeven"] is False
    assert [r["rol"] for r in data["rollen"]] == ["chauffeur"]
    assert [r["status"] for r in data["rollen"]] == ["actief"]
    text = upload.data.decode()
    assert not any(name in text for name in OTHER_NAMES)
    assert fake_api.refused == []


async def test_a_stranger_asking_for_their_data(settings, fake_api, clock):
    stranger = fake_api.user(STRANGER, first_name="Eve", language_code="fr")
    group = fake_api.group(GROUP)
    async with running_bot(settings, clock=clock):
        fake_api.send_text(stranger, "/mydata")
        await fake_api.wait_for(method="sendMessage", chat_id=STRANGER)
        fake_api.send_text(stranger, "/forgetme")
        await fake_api.wait_for(method="sendMessage", chat_id=STRANGER)
        fake_api.send_text(stranger, "/mydata", chat=group)
        await fake_api.wait_for(method="sendMessage", chat_id=GROUP)
        # Having chosen a language, only that choice is kept.
        fake_api.send_text(stranger, "/lang")
        await fake_api.wait_for(method="sendMessage", chat_id=STRANGER)
        fake_api.press_button(
            stranger, fake_api.last_message(STRANGER), LanguageCb(code="fr").pack()
        )
        await fake_api.wait_for(method="answerCallbackQuery")
        fake_api.send_text(stranger, "/mydata")
        await fake_api.wait_for(method="sendMessage", chat_id=STRANGER)
    texts = fake_api.texts(STRANGER)
    assert texts[0] == texts[1] == "Ce bot ne garde rien à votre sujet."
    assert "écrivez-moi en privé" in fake_api.texts(GROUP)[-1]
    assert "ne garde que votre choix de langue (Français)" in texts[-1]
    assert fake_api.calls("sendDocument") == []
    assert fake_api.refused == []


async def test_forgetme_asks_first_and_cancel_changes_nothing(settings, fake_api, clock):
    anne = fake_api.user(ANNE, first_name="Anne", language_code="fr")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(anne, "/forgetme")
        await fake_api.wait_for(method="sendMessage", chat_id=ANNE)
        question = fake_api.last_message(ANNE)
        labels = [
            b["callback_data"] for row in question["reply_markup"]["inline_keyboard"] for b in row
        ]
        pressed = [ForgetCb.unpack(data) for data in labels]
        assert [p.action for p in pressed] == ["yes", "no"]
        assert pressed[0].code and pressed[0].code == pressed[1].code  # the question's own
        fake_api.press_button(anne, question, labels[1])
        await fake_api.wait_for(lambda: "Rien n'a été effacé" in fake_api.texts(ANNE)[-1])
        # Claire is asked (Joris also coordinates Ixelles), but when she confirms Joris no
        # longer does: she is the last coordinator, is told why, and nothing changes.
        await _joris_coordinates_ixelles(settings, "active")
        claire = fake_api.user(CLAIRE, first_name="Claire", language_code="fr")
        fake_api.send_text(claire, "/forgetme")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        assert "Effacer vos données personnelles\u202f?" in fake_api.texts(CLAIRE)[-1]
        await _joris_coordinates_ixelles(settings, "suspended")
        question = fake_api.last_message(CLAIRE)
        yes = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        fake_api.press_button(claire, question, yes)
        answer = (await fake_api.wait_for(method="answerCallbackQuery"))[0]
        await fake_api.wait_for(method="editMessageText", chat_id=CLAIRE)
    assert "dernier coordinateur" in fake_api.texts(CLAIRE)[-1]
    assert answer.params["text"] == "Rien n'a été effacé."
    engine, sf = _database(settings)
    try:
        async with sf() as session:
            assert (await _member(session, ANNE)).name == "Anne Exemple"
            assert (await _member(session, CLAIRE)).name == "Claire Exemple"
    finally:
        await engine.dispose()
    assert fake_api.refused == []


async def _joris_coordinates_ixelles(settings, status: str) -> None:
    engine, sf = _database(settings)
    try:
        async with sf() as session:
            joris = await _member(session, JORIS)
            ixelles = (await session.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
            found = await session.exec(
                select(Membership).where(
                    Membership.member_id == joris.id, Membership.antenna_id == ixelles.id
                )
            )
            membership = found.first() or Membership(
                member_id=joris.id, antenna_id=ixelles.id, role="coordinator", created_at=now_of()
            )
            membership.status = status
            session.add(membership)
            await session.commit()
    finally:
        await engine.dispose()


def now_of() -> datetime:
    return datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_the_summary_of_a_lot_of_data_stays_one_valid_message():
    long = "<b>Épicerie & Co</b> " * 12
    when = "2026-03-10T09:00:00+00:00"
    data = {
        "member": {
            "name": long[:200],
            "username": "u" * 64,
            "phone": "+" + "9" * 31,
            "language": "fr",
            "vehicle_refrigerated": True,
            "vehicle_capacity_kg": 1200.5,
        },
        "memberships": [
            {
                "antenna": long,
                "role": "association",
                "status": "active",
                "store": None,
                "association": long,
            }
            for _ in range(40)
        ],
        "announcements": [{"store": long, "window_start": when}] * 500,
        "claims": [{"store": long, "window_start": when}] * 500,
        "deliveries": [{"to": long, "delivered_at": when}] * 500,
        "receipts": [{"association": long, "at": None}] * 500,
        "invitations_created": [{}] * 3,
        "invitations_used": [{}],
        "audit": [{}] * 2000,
    }
    i18n = create_i18n()
    for locale in ("fr", "nl"):
        with i18n.context(), i18n.use_locale(locale):
            text = summary_text(data)
        assert len(text) <= 4096
        assert text.count("<b>") == text.count("</b>") == 1
        assert "&lt;b&gt;Épicerie &amp; Co&lt;/b&gt;" in text
        assert "500" in text and "2000" in text


async def test_two_confirmations_at_once_erase_once(seeded, now):
    donation_id = await _sofie_with_a_claim(seeded, now)

    async def confirm():
        async with seeded() as session:
            identity = await identify(session, telegram_id=SOFIE)
            try:
                return await forget_member(session, identity=identity, now=now)
            except NotFound:
                return None

    results = await asyncio.gather(confirm(), confirm())
    assert sorted(r is None for r in results) == [False, True]
    async with seeded() as session:
        forgotten = await session.exec(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "member.forgotten")
        )
        assert forgotten.one() == 1
        released = await session.exec(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "claim.released")
        )
        assert released.one() == 1
        assert (await session.get(Donation, donation_id)).status == "announced"
