"""Buttons pressed by the wrong person get a short explanation and change nothing."""

from __future__ import annotations

from sqlmodel import select

from bot.callbacks import AnnounceCb, ClaimCb, PickupCb, ReleaseCb, RouteCb
from storage.engine import create_engine, create_session_factory
from storage.models import Claim, Delivery, Donation
from tests.chat_steps import press
from tests.harness import buttons, running_bot

GROUP = -1001000000001
MARC, SOFIE, LUCAS, KARIM, CLAIRE, ANNE = 100003, 100004, 100007, 100005, 100001, 100006
STRANGER = 555


async def rows(database_url: str, model):
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = (await session.exec(select(model).order_by(model.id))).all()
    await engine.dispose()
    # the group card's message id is the sender's bookkeeping, not a change of state
    return [r.model_dump(exclude={"group_message_id"}) for r in found]


async def announce(fake, marc) -> dict:
    fake.send_text(marc, "/surplus 20 kg pain, 12 kg légumes 18h-19h30")
    await fake.wait_for(method="sendMessage", chat_id=MARC)
    fake.press_button(marc, fake.last_message(MARC), AnnounceCb(action="ok").pack())
    await fake.wait_for(lambda: fake.sent(GROUP), timeout=15)
    return fake.sent(GROUP)[0]


async def test_only_the_right_people_claim_release_and_record(settings, fake_api, clock):
    fake_api.group(GROUP)
    users = {
        tid: fake_api.user(tid, language_code="fr")
        for tid in (MARC, SOFIE, LUCAS, KARIM, CLAIRE, ANNE, STRANGER)
    }
    async with running_bot(settings, clock=clock):
        card = await announce(fake_api, users[MARC])
        claim = ClaimCb(donation_id=1).pack()
        assert claim in [data for _, data in buttons(card)]
        before = await rows(settings.database_url, Donation)
        for outsider in (STRANGER, KARIM, MARC, ANNE):
            text = await press(fake_api, users[outsider], card, claim)
            assert "Ce n'est pas à vous de le faire" in text, (outsider, text)
        assert await rows(settings.database_url, Donation) == before
        assert await rows(settings.database_url, Claim) == []

        assert "Hij is voor jou" in await press(fake_api, users[SOFIE], card, claim)  # Dutch
        claims = await rows(settings.database_url, Claim)
        for outsider, data in (
            (LUCAS, ReleaseCb(donation_id=1).pack()),
            (LUCAS, PickupCb(donation_id=1, action="as_announced").pack()),
            (LUCAS, PickupCb(donation_id=1, action="total").pack()),
            (STRANGER, ReleaseCb(donation_id=1).pack()),
            (ANNE, RouteCb(donation_id=1, kind="m").pack()),
            (LUCAS, RouteCb(donation_id=1, kind="a", place_id=1).pack()),
        ):
            text = await press(fake_api, users[outsider], card, data)
            assert "Ce n'est pas à vous de le faire" in text, (outsider, data, text)
        assert await rows(settings.database_url, Claim) == claims
        assert (await rows(settings.database_url, Donation))[0]["status"] == "claimed"

        # Forged and stale data: a clear answer each, nothing changes.
        assert "bestaat niet meer" in await press(fake_api, users[SOFIE], card, "cl:999999")
        assert "niet meer geldig" in await press(fake_api, users[SOFIE], card, "cl:abc")
        assert "niet meer geldig" in await press(fake_api, users[SOFIE], card, "x" * 64)
    assert await rows(settings.database_url, Claim) == claims
    assert fake_api.refused == []


async def test_a_coordinator_sends_a_pickup_elsewhere(settings, fake_api, clock):
    fake_api.group(GROUP)
    marc = fake_api.user(MARC, language_code="fr")
    claire = fake_api.user(CLAIRE, language_code="fr")
    for driver in (SOFIE, LUCAS):  # they get the offers
        fake_api.user(driver, language_code="fr")
    async with running_bot(settings, clock=clock):
        await announce(fake_api, marc)
        planned = await rows(settings.database_url, Delivery)
        assert planned, "the rule planned destinations"
        fake_api.send_text(claire, "/pickups")
        listing = (await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE))[-1]
        message = fake_api.last_message(CLAIRE)
        menu = RouteCb(donation_id=1, kind="m").pack()
        assert menu in [data for _, data in buttons(message)], listing.params
        await press(fake_api, claire, message, menu)

        def place_buttons() -> list[str]:
            return [d for _, d in buttons(fake_api.last_message(CLAIRE)) if d != menu]

        await fake_api.wait_for(place_buttons)
        hub = next(d for d in place_buttons() if RouteCb.unpack(d).kind == "h")
        assert "Destination" in await press(fake_api, claire, fake_api.last_message(CLAIRE), hub)
        await fake_api.wait_for(lambda: not buttons(fake_api.last_message(CLAIRE)))
    deliveries = await rows(settings.database_url, Delivery)
    assert len(deliveries) == 1
    assert deliveries[0]["hub_id"] == RouteCb.unpack(hub).place_id
    assert deliveries[0]["overridden_by_id"] is not None
    assert fake_api.refused == []


async def test_old_buttons_check_the_state_again(settings, fake_api, clock):
    """Buttons of messages the state has moved past: a clear answer each, nothing changes."""
    from bot.callbacks import DeliverCb, ProblemCb, ReceiptCb
    from tests.invariants import assert_consistent, database_snapshot
    from tests.people.test_permission_matrix import PEOPLE, Chats, build_world

    world = await build_world(settings.database_url, clock.now(), suspend=False)
    chats = Chats(fake_api, clock)
    lucas = ("suspended", PEOPLE["suspended"][0])  # an active driver in this test
    clock.advance(hours=8, minutes=45)
    async with running_bot(settings, clock=clock):
        for part in ("coordinator", "driver", "association", lucas[0]):
            await chats.say(part, "/help")
        assert "C'était déjà enregistré" not in await chats.press(
            "association", ReceiptCb(delivery_id=world.delivered_stop, action="ok").pack()
        )
        stale = [
            (lucas[0], ClaimCb(donation_id=world.claimed["release"]), "Trop tard"),
            ("association", ReceiptCb(delivery_id=world.delivered_stop, action="ok"), "déjà"),
            ("association", ReceiptCb(delivery_id=world.delivered_stop, action="diff"), "déjà"),
            ("association", ProblemCb(delivery_id=world.delivered_stop, problem="other"), "déjà"),
            ("coordinator", ReceiptCb(delivery_id=world.delivered_stop, action="ok"), "déjà"),
            ("driver", PickupCb(donation_id=world.claimed["picked"], action="total"), "al "),
            ("driver", ReleaseCb(donation_id=world.claimed["picked"]), "niet meer"),
            ("driver", DeliverCb(delivery_id=world.delivered_stop, action="planned"), "al "),
            ("coordinator", RouteCb(donation_id=world.claimed["delivered"], kind="m"), "plus"),
            ("driver", ClaimCb(donation_id=world.claimed["release"]), "al "),
        ]
        for part, data, words in stale:
            before = await database_snapshot(settings.database_url)
            answer = await chats.press(part, data.pack())
            assert words in answer, (part, data, answer)
            assert await database_snapshot(settings.database_url) == before, (part, data)
    assert fake_api.refused == []
    await assert_consistent(settings.database_url)


async def test_members_with_nothing_to_show_get_the_empty_list(settings, fake_api, clock):
    """The role is there, the list is empty: they are told so, not refused."""
    from tests.people.test_permission_matrix import I18N, LANGUAGES, PEOPLE, Chats, refused

    chats = Chats(fake_api, clock)
    no_runs = "No open pickup right now. You will get a message when one comes."
    no_receipt = "No delivery is waiting for your confirmation."
    expected = [
        ("driver", "/runs", no_runs),
        ("driver", "/mine", "You have no pickup at the moment. See /runs for open ones."),
        ("coordinator", "/runs", no_runs),
        ("association", "/receipts", no_receipt),
        ("coordinator", "/receipts", no_receipt),
        ("coordinator", "/pickups", "No pickup on the way in your antenna."),
    ]
    async with running_bot(settings, clock=clock):
        for part, command, msgid in expected:
            said = await chats.say(part, command)
            locale = LANGUAGES.get(PEOPLE[part][0], "fr")  # Sofie writes Dutch
            assert I18N.gettext(msgid, locale=locale) in said, (part, command, said)
            assert not refused(part, said), (part, command, said)
    assert fake_api.refused == []
