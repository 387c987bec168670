"""Hostile and broken input: texts of any length and script, numbers that are not numbers,
messages that are not text, names full of markup. Each gets a clear answer in the person's
language, nothing is stored half-way, and every reply is valid for Telegram."""

from __future__ import annotations

import copy
import inspect
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import select

from bot import callbacks
from bot.callbacks import AnnounceCb, ClaimCb, PickupCb
from logistics.pickups.driver_lists import parse_weight
from storage.engine import create_engine, create_session_factory
from storage.models import Donation, Member, Store
from tests.harness import buttons, running_bot
from tests.invariants import assert_consistent, database_snapshot

GROUP = -1001000000001
CLAIRE, MARC, SOFIE, ANNE, LUCAS, STRANGER = 100001, 100003, 100004, 100006, 100007, 999001
HOSTILE_NAME = "<b>Delhaize & Co</b>"

HOSTILE_TEXTS = [
    "x" * 4096,
    "é" * 5000,
    "🍞🥖🧀" * 700,
    "مرحبا بالعالم ‏שלום‎ 12 kg",
    "\u202eevil\u202c 12 kg",
    "\u200b\u200c\u200d\ufeff",
    "ok\x00\x01\x07\x1b[31m\x7f",
    "\t12\r\n13",
    "<b>Delhaize & Co</b>",
    "<script>alert(1)</script> &amp; &#0; &lt",
    "-5",
    "-0",
    "NaN",
    "nan kg",
    "inf",
    "-Infinity",
    "1e9",
    "1E400",
    "1,5",
    "1.000,5",
    "1.5.5",
    "99999999999999999999999",
    "0x1F",
    "½",
    "١٢",
    "hier 18h-19h",
    "01/01/2020 18h-19h",
    "25h-26h",
    "/",
    "//",
    "/start@other_bot",
    "/surplus@antenna_test_bot",
    "/" + "a" * 64,
]

NON_TEXT: list[dict[str, Any]] = [
    {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]},
    {
        "photo": [{"file_id": "p2", "file_unique_id": "u2", "width": 90, "height": 90}],
        "caption": "20 kg pain 18h-19h " + "é" * 1000,
    },
    {
        "sticker": {
            "file_id": "s1",
            "file_unique_id": "u3",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    },
    {"location": {"latitude": 50.83, "longitude": 4.37}},
    {"voice": {"file_id": "v1", "file_unique_id": "u4", "duration": 3}},
    {"document": {"file_id": "d1", "file_unique_id": "u5", "file_name": "<b>x</b>.pdf"}},
    {"contact": {"phone_number": "+32470000000", "first_name": "<i>Bob</i>"}},
]


def callback_classes() -> list[type[callbacks.CallbackData]]:
    """Every button factory of the bot, found by introspection."""
    return [
        cls
        for _, cls in inspect.getmembers(callbacks, inspect.isclass)
        if issubclass(cls, callbacks.CallbackData)
        and cls is not callbacks.CallbackData
        and cls.__module__ == callbacks.__name__
    ]


def send_content(
    fake, user: dict[str, Any], content: dict[str, Any], *, chat: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The user sends a message that is not (only) text: a photo, a sticker, a location..."""
    fake.user(user["id"], **_user_fields(user))
    target = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    sender = {k: v for k, v in user.items()}
    message = fake._new_message(target, sender, copy.deepcopy(content))
    return fake.queue_update({"message": message})


def _user_fields(user: dict[str, Any]) -> dict[str, Any]:
    fields = {"first_name": user.get("first_name", "Test")}
    fields["language_code"] = user.get("language_code")
    for key in ("username", "last_name"):
        if key in user:
            fields[key] = user[key]
    return fields


class ErrorLog(logging.Handler):
    """Collects what the bot logs as an error (its error handler logs every failed update)."""

    LOGGERS = ("bot", "aiogram", "logistics", "scheduler", "storage")

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @classmethod
    def attach(cls) -> ErrorLog:
        handler = cls()
        for name in cls.LOGGERS:
            logging.getLogger(name).addHandler(handler)
        return handler

    def detach(self) -> None:
        for name in self.LOGGERS:
            logging.getLogger(name).removeHandler(self)

    def describe(self) -> str:
        return "\n".join(
            f"{r.name}: {r.getMessage()}\n{self.format(r) if r.exc_info else ''}"
            for r in self.records
        )


async def _change(database_url: str, statement) -> None:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await session.exec(statement)
        await session.commit()
    await engine.dispose()


async def donations(database_url: str) -> list[Donation]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = list((await session.exec(select(Donation))).all())
    await engine.dispose()
    return found


def _people(fake) -> dict[int, dict]:
    languages = {CLAIRE: "fr", MARC: "fr", SOFIE: "nl", ANNE: "fr", LUCAS: "fr", STRANGER: "en"}
    return {tid: fake.user(tid, language_code=lc) for tid, lc in languages.items()}


async def test_names_are_shown_literally(settings, fake_api, clock):
    await _change(settings.database_url, update(Store).values(name=HOSTILE_NAME))
    await _change(
        settings.database_url,
        update(Member).where(Member.telegram_id == SOFIE).values(name="<i>Sofie</i> & Co"),
    )
    fake_api.group(GROUP)
    people = _people(fake_api)
    errors = ErrorLog.attach()
    try:
        async with running_bot(settings, clock=clock):
            fake_api.send_text(people[MARC], "/surplus 20 kg pain 18h-19h")
            await fake_api.wait_for(method="sendMessage", chat_id=MARC)
            fake_api.press_button(
                people[MARC], fake_api.last_message(MARC), AnnounceCb(action="ok").pack()
            )
            await fake_api.wait_for(lambda: fake_api.sent(GROUP), timeout=15)
            card = fake_api.sent(GROUP)[0]
            assert HOSTILE_NAME in card["text"]
            fake_api.press_button(people[SOFIE], card, ClaimCb(donation_id=1).pack())
            await fake_api.wait_for(
                lambda: "<i>Sofie</i> & Co" in fake_api.sent(GROUP)[0]["text"], timeout=15
            )
            assert HOSTILE_NAME in fake_api.texts(SOFIE)[-1]  # the driver's panel
            fake_api.send_text(people[CLAIRE], "/runsheet")
            await fake_api.wait_for(lambda: any(HOSTILE_NAME in t for t in fake_api.texts(CLAIRE)))
            fake_api.send_text(people[CLAIRE], "/pickups")
            await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
            await fake_api.wait_idle(grace=0.3)
    finally:
        errors.detach()
    assert errors.records == [], errors.describe()
    assert fake_api.refused == [], fake_api.summary()


async def test_messages_that_are_not_text_get_an_answer(settings, fake_api, clock):
    people = _people(fake_api)
    errors = ErrorLog.attach()
    try:
        async with running_bot(settings, clock=clock):
            for who in (ANNE, STRANGER, MARC):
                for content in NON_TEXT:
                    before = len(fake_api.sent(who))
                    send_content(fake_api, people[who], content)
                    await fake_api.wait_for(lambda: len(fake_api.sent(who)) > before)  # noqa: B023
    finally:
        errors.detach()
    assert errors.records == [], errors.describe()
    assert fake_api.refused == [], fake_api.summary()


async def _claimed_pickup(fake, people) -> dict:
    fake.send_text(people[MARC], "/surplus 20 kg pain 18h-19h")
    await fake.wait_for(method="sendMessage", chat_id=MARC)
    fake.press_button(people[MARC], fake.last_message(MARC), AnnounceCb(action="ok").pack())
    await fake.wait_for(lambda: fake.sent(GROUP), timeout=15)
    fake.press_button(people[LUCAS], fake.sent(GROUP)[0], ClaimCb(donation_id=1).pack())
    await fake.wait_for(
        lambda: any(d.startswith("pu:") for m in fake.sent(LUCAS) for _, d in buttons(m))
    )
    return fake.last_message(LUCAS)


async def test_hostile_texts_in_every_step(settings, fake_api, clock):
    fake_api.group(GROUP)
    people = _people(fake_api)
    errors = ErrorLog.attach()
    try:
        async with running_bot(settings, clock=clock):
            panel = await _claimed_pickup(fake_api, people)
            clock.set(datetime(2026, 3, 10, 17, 10, tzinfo=UTC))  # in the window: weights due
            fake_api.press_button(
                people[LUCAS], panel, PickupCb(donation_id=1, action="total").pack()
            )
            await fake_api.wait_for(method="sendMessage", chat_id=LUCAS)
            before = await database_snapshot(settings.database_url)
            weights = [parse_weight(t) for t in HOSTILE_TEXTS]
            bad = [
                t for t, kg in zip(HOSTILE_TEXTS, weights, strict=True) if kg is None or kg > 1e4
            ]
            assert "NaN" in bad and "1e9" in bad and "-5" in bad
            for text in bad:
                for who in (LUCAS, ANNE, STRANGER, CLAIRE, MARC):
                    clock.advance(seconds=5)
                    count = len(fake_api.sent(who))
                    fake_api.send_text(people[who], text)
                    await fake_api.wait_for(lambda: len(fake_api.sent(who)) > count)  # noqa: B023
            after = await database_snapshot(settings.database_url)
            for table in ("donation", "donation_item", "claim", "delivery", "receipt"):
                assert after[table] == before[table], table
            # the weight step still waits for a real number, and takes one
            fake_api.send_text(people[LUCAS], "18,5")
            await fake_api.wait_for(lambda: (_status(fake_api) or "").startswith("picked"))
            await fake_api.wait_idle(grace=0.3)
    finally:
        errors.detach()
    assert errors.records == [], errors.describe()
    assert fake_api.refused == [], fake_api.summary()
    [donation] = await donations(settings.database_url)
    assert donation.collected_kg == 18.5
    await assert_consistent(settings.database_url)


def _status(fake) -> str | None:
    text = fake.sent(GROUP)[0]["text"] if fake.sent(GROUP) else ""
    return "picked_up" if "Collecté" in text else None


async def test_numbers_and_dates_that_cannot_be_used_are_explained(settings, fake_api, clock):
    """Each in the person's language: Marc writes French, Sofie Dutch."""
    fake_api.group(GROUP)
    people = _people(fake_api)
    expected = [
        (MARC, "/surplus 20 kg pain 8h-9h", "déjà passé"),  # 10:00 now: this morning is over
        (MARC, "/surplus -5 kg pain 18h-19h", "négative"),
        (MARC, "/surplus 1e9 kg pain 18h-19h", "invraisemblable"),
        (MARC, "/surplus NaN kg pain 18h-19h", "Pas compris"),
    ]
    async with running_bot(settings, clock=clock):
        for who, text, words in expected:
            clock.advance(seconds=5)
            fake_api.send_text(people[who], text)
            await fake_api.wait_for(method="sendMessage", chat_id=who)
            assert words.lower() in fake_api.texts(who)[-1].lower(), (text, fake_api.texts(who)[-1])
            fake_api.send_text(people[who], "/cancel")
            await fake_api.wait_for(method="sendMessage", chat_id=who)
        fake_api.press_button(people[SOFIE], fake_api.sent(MARC)[0], "cl:1")  # nothing announced
        await fake_api.wait_for(method="answerCallbackQuery")
    assert await donations(settings.database_url) == []
    assert fake_api.refused == [], fake_api.summary()
