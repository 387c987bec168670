"""Weekly pickup slots: who sees them, coordinators add and remove them, drivers hold them."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.callbacks import MAX_ID, AddSlotsCb, WeeklySlotCb
from bot.config import load_settings
from logistics.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from logistics.network.hours import WeeklyWindow
from logistics.network.seed import seed_network
from logistics.people.identity import identify
from logistics.pickups.claims import set_standing_claim
from logistics.pickups.slots import add_slots, parse_slot_text, remove_slot, slots_for
from storage.engine import create_engine, create_session_factory
from storage.models import AuditLog, RecurringSlot, Store
from tests.harness import ROOT, buttons, running_bot

CLAIRE, JORIS, MARC, SOFIE = 100001, 100002, 100003, 100004
KARIM, ANNE, LUCAS, STRANGER = 100005, 100006, 100007, 555
GROUPS = (-1001000000001, -1001000000002)
IXELLES = (
    "Boulangerie Exemple Châtelain",
    "Supermarché Exemple Flagey",
    "Supermarché Exemple Jourdan",
)


# --- Rules ----------------------------------------------------------------------------------


@pytest.fixture
async def network(session_factory, now) -> dict[str, int]:
    """The example network of config.toml; returns the store ids by key."""
    async with session_factory() as s:
        await seed_network(s, load_settings(ROOT / "config.toml").network, now=now)
        await s.commit()
        return {store.key: store.id for store in (await s.exec(select(Store))).all()}


async def rows(sf, model) -> list[dict]:
    async with sf() as s:
        return [r.model_dump() for r in (await s.exec(select(model).order_by(model.id))).all()]


async def add(sf, telegram_id: int, store_id: int, text: str, now) -> list[int]:
    async with sf() as s:
        identity = await identify(s, telegram_id=telegram_id)
        return await add_slots(s, identity=identity, store_id=store_id, text=text, now=now)


async def remove(sf, telegram_id: int, slot_id: int, now) -> int:
    async with sf() as s:
        identity = await identify(s, telegram_id=telegram_id)
        return await remove_slot(s, identity=identity, slot_id=slot_id, now=now)


async def member_id(sf, telegram_id: int) -> int | None:
    async with sf() as s:
        return (await identify(s, telegram_id=telegram_id)).member_id


async def visible(sf, telegram_id: int) -> list[tuple[str, int, str]]:
    async with sf() as s:
        identity = await identify(s, telegram_id=telegram_id)
        return [
            (v.store_name, v.weekday, v.window_start) for v in await slots_for(s, identity=identity)
        ]


async def test_each_person_sees_the_slots_of_their_place(session_factory, engine, network, now):
    ixelles = await visible(session_factory, CLAIRE)
    assert len(ixelles) == 6 + 6 + 7
    assert ixelles == sorted(ixelles)
    assert {name for name, _, _ in ixelles} == set(IXELLES)
    assert await visible(session_factory, LUCAS) == ixelles
    assert await visible(session_factory, SOFIE) == ixelles
    flagey = [slot for slot in ixelles if slot[0] == "Supermarché Exemple Flagey"]
    assert await visible(session_factory, MARC) == flagey
    schaerbeek = await visible(session_factory, KARIM)
    assert len(schaerbeek) == 6 + 2 and await visible(session_factory, JORIS) == schaerbeek
    for nobody in (ANNE, STRANGER):
        assert await visible(session_factory, nobody) == []

    (saturday,) = await add(
        session_factory, CLAIRE, network["super-flagey"], "sam 19:00-19:30", now
    )
    await remove(session_factory, CLAIRE, saturday, now)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    async with session_factory() as s:
        marc = await identify(s, telegram_id=MARC)
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        seen = await slots_for(s, identity=marc)
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert [(v.weekday, v.window_start) for v in seen] == [(d, "19:00") for d in range(5)]
    assert len(statements) <= 2


@pytest.mark.parametrize(
    "text",
    [
        "sat 10:00-10:30; mon-fri 19:00-19:30",
        "sam 10:00-10:30; lun-ven 19:00-19:30",
        "za 10:00-10:30; ma-vr 19:00-19:30",
        "Samedi 10h-10h30\nlundi - vendredi 19h-19h30",
        "zaterdag 10u-10u30; maandag-vrijdag 19u-19u30",
        "Saturday 10:00 – 10:30; lun.-ven. 19:00-19:30",
        "mon,tue,wed,thu,fri 19:00-19:30; sat 10:00-10:30",
    ],
)
def test_days_in_english_french_or_dutch(text):
    weekdays = [WeeklyWindow(day, "19:00", "19:30") for day in range(5)]
    assert parse_slot_text(text) == [*weekdays, WeeklyWindow(5, "10:00", "10:30")]


@pytest.mark.parametrize(
    "text",
    ["", "  ", "samedi", "someday 10:00-10:30", "sam 10:30-10:00", "sam 25:00-25:30", "x" * 600],
)
def test_unreadable_slot_text(text):
    with pytest.raises(InvalidInput, match="slot_text"):
        parse_slot_text(text)


async def test_a_coordinator_adds_slots_without_duplicates(session_factory, network, now):
    flagey = network["super-flagey"]
    before = await rows(session_factory, RecurringSlot)
    new = await add(session_factory, CLAIRE, flagey, "dim 10:00-10:30; mer 13:30-14:00", now)
    slots = await rows(session_factory, RecurringSlot)
    assert len(slots) == len(before) + 2
    added = [s for s in slots if s["id"] in new]
    assert [(s["store_id"], s["weekday"], s["window_start"], s["window_end"]) for s in added] == [
        (flagey, 2, "13:30", "14:00"),
        (flagey, 6, "10:00", "10:30"),
    ]
    claire = await member_id(session_factory, CLAIRE)
    audit = [
        (a["action"], a["entity_id"], a["actor_id"]) for a in await rows(session_factory, AuditLog)
    ]
    assert audit[-2:] == [("slot.added", new[0], claire), ("slot.added", new[1], claire)]

    seeded = next(s["id"] for s in before if s["store_id"] == flagey and s["weekday"] == 5)
    again = await add(session_factory, CLAIRE, flagey, "sun 10:00-10:30; sat 19:00-19:30", now)
    assert again == [seeded, new[1]]
    assert await rows(session_factory, RecurringSlot) == slots
    assert len(await rows(session_factory, AuditLog)) == len(audit)


async def test_a_removed_slot_is_kept_and_comes_back(session_factory, network, now):
    flagey = network["super-flagey"]
    slot_id = next(
        s["id"] for s in await rows(session_factory, RecurringSlot) if s["store_id"] == flagey
    )
    async with session_factory() as s:
        lucas = await identify(s, telegram_id=LUCAS)
        await set_standing_claim(s, slot_id=slot_id, identity=lucas, now=now)

    assert await remove(session_factory, CLAIRE, slot_id, now) == flagey
    slot = next(s for s in await rows(session_factory, RecurringSlot) if s["id"] == slot_id)
    assert (slot["active"], slot["standing_driver_id"]) == (False, None)
    removed = (await rows(session_factory, AuditLog))[-1]
    assert (removed["action"], removed["entity"], removed["entity_id"]) == (
        "slot.removed",
        "recurring_slot",
        slot_id,
    )
    assert removed["detail"]["standing_driver_id"] == lucas.member_id
    with pytest.raises(AlreadyDone):
        await remove(session_factory, CLAIRE, slot_id, now)

    count = len(await rows(session_factory, RecurringSlot))
    assert await add(session_factory, CLAIRE, flagey, "lun 19:00-19:45", now) == [slot_id]
    slots = await rows(session_factory, RecurringSlot)
    assert len(slots) == count
    slot = next(s for s in slots if s["id"] == slot_id)
    assert (slot["active"], slot["window_end"]) == (True, "19:45")
    back = (await rows(session_factory, AuditLog))[-1]
    assert (back["action"], back["detail"]["reactivated"]) == ("slot.added", True)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("quelque jour 10:00", "slot_text"),
        ("sam 18:45-19:15", "slot_overlap"),
        ("mer 13:30", "slot_text"),
    ],
)
async def test_a_bad_text_stores_nothing(session_factory, network, now, text, code):
    before = (await rows(session_factory, RecurringSlot), await rows(session_factory, AuditLog))
    with pytest.raises(InvalidInput, match=code):
        await add(session_factory, CLAIRE, network["super-flagey"], f"dim 10:00-10:30; {text}", now)
    after = (await rows(session_factory, RecurringSlot), await rows(session_factory, AuditLog))
    assert after == before


@pytest.mark.parametrize("who", [JORIS, LUCAS, SOFIE, MARC, ANNE, STRANGER])
async def test_only_the_coordinators_of_the_antenna_change_slots(
    session_factory, network, now, who
):
    flagey = network["super-flagey"]
    before = await rows(session_factory, RecurringSlot)
    slot_id = next(s["id"] for s in before if s["store_id"] == flagey)
    with pytest.raises(NotAllowed):
        await add(session_factory, who, flagey, "dim 10:00-10:30", now)
    with pytest.raises(NotAllowed):
        await remove(session_factory, who, slot_id, now)
    assert await rows(session_factory, RecurringSlot) == before
    assert await rows(session_factory, AuditLog) == []

    with pytest.raises(NotFound):
        await add(session_factory, CLAIRE, 424242, "dim 10:00-10:30", now)
    with pytest.raises(NotFound):
        await remove(session_factory, CLAIRE, 424242, now)


def test_the_longest_callback_data_fits():
    big = MAX_ID  # the largest id a button carries
    for data in (WeeklySlotCb(store_id=big, slot_id=big, action="r"), AddSlotsCb(store_id=big)):
        assert len(data.pack().encode()) <= 64


# --- Through Telegram -----------------------------------------------------------------------


async def slot_rows(database_url: str) -> dict[int, dict]:
    engine = create_engine(database_url)
    try:
        return {s["id"]: s for s in await rows(create_session_factory(engine), RecurringSlot)}
    finally:
        await engine.dispose()


def people(fake) -> dict[int, dict]:
    for group in GROUPS:
        fake.group(group)
    everyone = (CLAIRE, JORIS, MARC, SOFIE, KARIM, ANNE, LUCAS, 100008, STRANGER)
    return {tid: fake.user(tid, language_code="fr") for tid in everyone}


async def ask(fake, user, text: str, count: int = 1) -> list[dict]:
    fake.send_text(user, text)
    await fake.wait_for(method="sendMessage", chat_id=user["id"], count=count)
    return fake.sent(user["id"])[-count:]


async def press(fake, user, message, data: str) -> str:
    fake.press_button(user, message, data)
    answer = (await fake.wait_for(method="answerCallbackQuery"))[-1]
    return answer.params.get("text", "")


def find(messages: list[dict], store: str) -> dict:
    return next(m for m in messages if store in m["text"])


def button(message: dict, label: str) -> str:
    return next(data for text, data in buttons(message) if text.startswith(label))


async def test_a_coordinator_lists_adds_and_removes_slots(settings, fake_api, clock):
    users = people(fake_api)
    claire = users[CLAIRE]
    async with running_bot(settings, clock=clock):
        stores = await ask(fake_api, claire, "/slots", count=3)
        assert [m["text"].splitlines()[0] for m in stores] == [f"🏪 {name}" for name in IXELLES]
        flagey = find(stores, "Flagey")
        assert "• Samedi 19:00–19:30 · pas encore de chauffeur·euse attitré·e" in flagey["text"]
        assert [label for label, _ in buttons(flagey)][-2:] == [
            "🗑 Retirer le samedi à 19:00",
            "➕ Ajouter des créneaux",
        ]

        add_button = button(flagey, "➕")
        assert await press(fake_api, claire, flagey, add_button) == ""
        await fake_api.wait_for(lambda: "Par exemple" in fake_api.last_message(CLAIRE)["text"])
        (refused,) = await ask(fake_api, claire, "tous les jours")
        assert "Je n'ai pas pu lire cela" in refused["text"]
        (saved,) = await ask(fake_api, claire, "sam 10:00-10:30")
        assert saved["text"].startswith("Enregistré")
        assert "• Samedi 10:00–10:30 · pas encore" in saved["text"]
        slots = (await slot_rows(settings.database_url)).values()
        store_id = AddSlotsCb.unpack(add_button).store_id
        new = next(s for s in slots if (s["store_id"], s["window_start"]) == (store_id, "10:00"))
        assert (new["weekday"], new["window_end"], new["active"]) == (5, "10:30", True)

        remove = WeeklySlotCb(store_id=new["store_id"], slot_id=new["id"], action="r").pack()
        assert remove in [data for _, data in buttons(saved)]
        assert await press(fake_api, claire, saved, remove) == "Créneau retiré."
        await fake_api.wait_for(
            lambda: "10:00–10:30" not in fake_api.message(CLAIRE, saved["message_id"])["text"]
        )
        (after,) = await ask(fake_api, claire, "sam 10:00-10:30")  # the step is over
        assert after["text"].startswith("Je n'ai pas compris.")

        await press(fake_api, claire, flagey, add_button)
        await fake_api.wait_for(lambda: "Par exemple" in fake_api.last_message(CLAIRE)["text"])
        (cancelled,) = await ask(fake_api, claire, "/cancel")
        assert cancelled["text"] == "Annulé. Rien n'a été enregistré."
        (after,) = await ask(fake_api, claire, "sam 10:00-10:30")
        assert after["text"].startswith("Je n'ai pas compris.")
    assert not (await slot_rows(settings.database_url))[new["id"]]["active"]
    assert fake_api.refused == []


async def test_drivers_hold_slots_in_french_and_dutch(settings, fake_api, clock):
    users = people(fake_api)
    lucas, sofie, karim = users[LUCAS], users[SOFIE], users[KARIM]
    async with running_bot(settings, clock=clock):
        flagey = find(await ask(fake_api, lucas, "/slots", count=3), "Flagey")
        hold = button(flagey, "📌 Prendre chaque lundi à 19:00")
        assert (
            await press(fake_api, lucas, flagey, hold)
            == "C'est pour vous chaque semaine. Merci\u202f!"
        )

        def lucas_holds() -> bool:
            text = fake_api.message(LUCAS, flagey["message_id"])["text"]
            return "• Lundi 19:00–19:30 · pris par vous" in text

        await fake_api.wait_for(lucas_holds)
        updated = fake_api.message(LUCAS, flagey["message_id"])
        stop = button(updated, "✖️ Ne plus prendre le lundi à 19:00")
        slot_id = WeeklySlotCb.unpack(stop).slot_id
        assert (await slot_rows(settings.database_url))[slot_id]["standing_driver_id"]

        seen = find(await ask(fake_api, sofie, "/slots", count=3), "Flagey")
        assert "• Maandag 19:00–19:30 · door Lucas Exemple genomen" in seen["text"]
        assert not [label for label, _ in buttons(seen) if "maandag" in label]
        assert "📌 Elke dinsdag om 19:00 nemen" in [label for label, _ in buttons(seen)]
        assert "Te laat" in await press(fake_api, sofie, seen, hold)

        assert await press(fake_api, lucas, updated, stop) == "Vous ne prenez plus ce créneau."
        await fake_api.wait_for(
            lambda: "pris par vous" not in fake_api.message(LUCAS, flagey["message_id"])["text"]
        )
        before = await slot_rows(settings.database_url)
        assert before[slot_id]["standing_driver_id"] is None
        for outsider, data in ((karim, hold), (karim, stop), (users[MARC], hold)):
            text = await press(fake_api, outsider, flagey, data)
            assert "Ce n'est pas à vous de le faire" in text, (outsider, data, text)
        remove = WeeklySlotCb(
            store_id=WeeklySlotCb.unpack(hold).store_id, slot_id=slot_id, action="r"
        )
        assert "Dat is niet aan jou" in await press(fake_api, users[JORIS], flagey, remove.pack())
        assert await slot_rows(settings.database_url) == before

        (marc,) = await ask(fake_api, users[MARC], "/slots")
        assert marc["text"].startswith("🏪 Supermarché Exemple Flagey") and not buttons(marc)
        (stranger,) = await ask(fake_api, users[STRANGER], "/slots")
        assert "sont pour les coordinateur·rices" in stranger["text"]
    assert fake_api.refused == []
