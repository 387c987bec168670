"""The guided announcement: a store manager who does not type announces with buttons.

End to end through the fake Bot API in French and in Dutch, then the rule that turns the
choices into a draft (permission, estimated kg, cold chain, window).
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import update
from sqlmodel import select

from bot import formatting
from bot.callbacks import (
    MAX_ID,
    AnnounceCb,
    CategoryCb,
    ItemsDoneCb,
    QuantityCb,
    StoreCb,
    UnitCb,
    WindowCb,
)
from logistics.announcements.announce import load_catalog
from logistics.announcements.announce_items import (
    draft_from_choices,
    parse_quantity,
    units_for,
    window_choices,
    window_from_text,
)
from logistics.errors import InvalidInput, NotAllowed, NotFound
from logistics.people.identity import identify
from storage.engine import create_engine, create_session_factory
from storage.models import Donation, DonationItem, Member, Membership, Store
from tests.harness import buttons, example_settings, prepare_database, running_bot

GROUP = -1001000000001  # the Ixelles antenna's group in config.toml
MARC, SOFIE, CLAIRE, JORIS, STRANGER = 100003, 100004, 100001, 100002, 100999

WORDS = {
    "fr": {
        "first": "Choisissez un type d'aliment",
        "bread": "Pain",
        "dairy": "Produits laitiers",
        "bread_line": "Pain: 12,5 kg",
        "dairy_line": "Produits laitiers: 3 caisses (≈ 24 kg) ❄️ frais",
        "total": "Total ≈ 36,5 kg",
        "usual": "Créneau habituel 18:00–19:00",
        "evening": "Ce soir 18:00–20:00",
        "understood": "Voici ce que j'ai compris",
        "announced": "✅ Annoncé.",
        "how_many": "Pain\u202f: combien de kilos\u202f?",
        "negative": "La quantité doit être plus grande que 0.",
        "not_number": "Tapez un nombre",
        "huge": "Cela fait plus de {max} kg",
        "manager_only": "Seuls les gérant·es d'un magasin",
        "closed": "Cette question n'est plus ouverte.",
        "cancelled": "Annulé. Rien n'a été enregistré.",
        "typed": "20 kg pain 18h-19h30",
        "ask_date": "Quelle date limite de consommation (DLC) pour «\u202fProduits laitiers\u202f»",
    },
    "nl": {
        "first": "Tik op een soort voeding",
        "bread": "Brood",
        "dairy": "Zuivel",
        "bread_line": "Brood: 12,5 kg",
        "dairy_line": "Zuivel: 3 bakken (± 24 kg) ❄️ gekoeld",
        "total": "Totaal ± 36,5 kg",
        "usual": "Je gewone ophaalmoment 18:00–19:00",
        "evening": "Vanavond 18:00–20:00",
        "understood": "Dit heb ik begrepen",
        "announced": "✅ Gemeld.",
        "how_many": "Brood: hoeveel kilo?",
        "negative": "De hoeveelheid moet groter zijn dan 0.",
        "not_number": "Typ een getal",
        "huge": "Dat is meer dan {max} kg",
        "manager_only": "Alleen winkelverantwoordelijken",
        "closed": "Deze vraag is niet meer open.",
        "cancelled": "Geannuleerd. Er werd niets opgeslagen.",
        "typed": "20 kg brood 18u-19u30",
        "ask_date": "Welke te gebruiken tot-datum (TGT) voor “Zuivel”",
    },
}


async def speak(database_url: str, language: str) -> None:
    """Everyone of the example network gets the bot in ``language``."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await session.exec(update(Member).values(language=language))
        await session.commit()
    await engine.dispose()


async def announced(database_url: str) -> list[list[tuple[str, float, str, float]]]:
    """Each announced donation's items: (unit, quantity, cold chain, estimated kg)."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        donations = (await session.exec(select(Donation).where(Donation.status != "draft"))).all()
        found = []
        for donation in donations:
            rows = await session.exec(
                select(DonationItem)
                .where(DonationItem.donation_id == donation.id)
                .order_by(DonationItem.id)
            )
            found.append([(i.unit, i.quantity, i.cold_chain, i.estimated_kg) for i in rows])
    await engine.dispose()
    return found


class Conversation:
    """Marc's private chat: each step waits for the bot's next message."""

    def __init__(self, fake, user: dict) -> None:
        self.fake, self.user = fake, user

    @property
    def last(self) -> dict:
        return self.fake.last_message(self.user["id"])

    async def say(self, text: str) -> str:
        self.fake.send_text(self.user, text)
        await self.fake.wait_for(method="sendMessage", chat_id=self.user["id"])
        return self.last["text"]

    async def tap(self, data: str) -> str:
        self.fake.press_button(self.user, self.last, data, check=True)
        await self.fake.wait_for(method="sendMessage", chat_id=self.user["id"])
        return self.last["text"]

    def button(self, label: str) -> str:
        return next(data for text, data in buttons(self.last) if text == label)


async def use_by_in_two_days(marc: Conversation) -> None:
    """The echo asks the use-by date of the chilled item: "in 2 days" is tapped."""
    data = next(d for _t, d in buttons(marc.last) if d.startswith("dt:") and d.endswith(":2"))
    marc.fake.press_button(marc.user, marc.last, data, check=True)
    await marc.fake.wait_for(method="editMessageText", chat_id=marc.user["id"])


async def alert_for(fake, user: dict, message: dict, data: str) -> str:
    """Someone presses a button of a message; the text of the alert they get."""
    fake.press_button(user, message, data)
    [answer] = await fake.wait_for(method="answerCallbackQuery")
    await fake.wait_idle()
    assert answer.params.get("show_alert") is True
    return answer.params["text"]


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_a_store_announces_with_buttons(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await speak(settings.database_url, lang)
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    marc = Conversation(fake_api, fake_api.user(MARC, first_name="Marc", language_code=lang))
    stranger = fake_api.user(STRANGER, first_name="Eve", language_code=lang)
    driver = fake_api.user(SOFIE, first_name="Sofie", language_code=lang)
    async with running_bot(settings, clock=clock):
        first = await marc.say("/surplus")
        assert words["first"] in first
        labels = [text for text, _data in buttons(marc.last)]
        assert words["bread"] in labels and words["dairy"] in labels
        assert len(marc.last["reply_markup"]["inline_keyboard"][0]) == 2

        # Someone else pressing a button of Marc's message is told why; nothing changes.
        prompt, bread = marc.last, marc.button(words["bread"])
        sent = len(fake_api.sent(MARC))
        assert words["manager_only"] in await alert_for(fake_api, stranger, prompt, bread)
        assert words["manager_only"] in await alert_for(fake_api, driver, prompt, bread)
        assert len(fake_api.sent(MARC)) == sent
        assert fake_api.last_message(MARC)["reply_markup"] == prompt["reply_markup"]

        await marc.tap(bread)
        assert [d for _t, d in buttons(marc.last)] == [
            UnitCb(unit=u).pack() for u in ("kg", "crate", "piece")
        ]
        assert words["how_many"] in await marc.tap(UnitCb(unit="kg").pack())
        # Bad quantities get a clear answer and the same question again.
        for typed, answer in [
            ("-3", words["negative"]),
            ("0", words["negative"]),
            ("abc", words["not_number"]),
            ("99999", words["huge"].format(max=formatting.number(10_000, lang))),
        ]:
            reply = await marc.say(typed)
            assert answer in reply and words["how_many"] in reply, (typed, reply)
        so_far = await marc.say("12,5")
        assert words["bread_line"] in so_far
        assert buttons(marc.last)[-1][1] == ItemsDoneCb().pack()

        await marc.tap(marc.button(words["dairy"]))
        await marc.tap(UnitCb(unit="crate").pack())
        assert QuantityCb(amount=3).pack() in [d for _t, d in buttons(marc.last)]
        await marc.tap(QuantityCb(amount=3).pack())
        await marc.tap(ItemsDoneCb().pack())
        windows = [text for text, _data in buttons(marc.last)]
        assert windows[:2] == [words["usual"], words["evening"]], windows
        echo = await marc.tap(WindowCb(choice="usual").pack())
        for part in ("understood", "bread_line", "dairy_line", "total", "ask_date"):
            assert words[part] in echo, (part, echo)
        await use_by_in_two_days(marc)
        assert "12/03" in marc.last["text"]
        assert buttons(marc.last)[0][1] == AnnounceCb(action="ok").pack()

        assert words["announced"] in await marc.tap(AnnounceCb(action="ok").pack())
        await fake_api.wait_for(lambda: fake_api.sent(GROUP), timeout=15)
        card = fake_api.sent(GROUP)[0]["text"]
        assert "Produits laitiers: 3 caisses" in card and "Zuivel: 3 bakken" in card
    assert await announced(settings.database_url) == [
        [("kg", 12.5, "ambient", 12.5), ("crate", 3.0, "chilled", 24.0)]
    ]
    assert fake_api.refused == []


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_cancel_in_the_middle_keeps_nothing(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await speak(settings.database_url, lang)
    user = fake_api.user(MARC, first_name="Marc", language_code=lang)
    marc = Conversation(fake_api, user)
    async with running_bot(settings, clock=clock):
        await marc.say("/surplus")
        await marc.tap(marc.button(words["bread"]))
        await marc.tap(UnitCb(unit="kg").pack())
        await marc.tap(QuantityCb(amount=20).pack())
        with_items = marc.last
        assert words["cancelled"] in await marc.say("/cancel")
        closed = await alert_for(fake_api, user, with_items, ItemsDoneCb().pack())
        assert words["closed"] in closed
    assert await announced(settings.database_url) == []
    assert fake_api.refused == []


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_typing_at_the_first_step_is_the_free_text_path(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await speak(settings.database_url, lang)
    marc = Conversation(fake_api, fake_api.user(MARC, first_name="Marc", language_code=lang))
    async with running_bot(settings, clock=clock):
        await marc.say("/surplus")
        echo = await marc.say(words["typed"])
    assert words["understood"] in echo and "20 kg" in echo and "19:30" in echo
    assert fake_api.refused == []


async def test_other_time_is_typed_and_a_manager_of_two_stores_chooses_first(
    settings, fake_api, clock, now
):
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as session:
        member = (await session.exec(select(Member).where(Member.telegram_id == MARC))).one()
        other = (await session.exec(select(Store).where(Store.key == "super-jourdan"))).one()
        session.add(
            Membership(
                member_id=member.id,
                antenna_id=other.antenna_id,
                role="store_manager",
                store_id=other.id,
                created_at=now,
            )
        )
        await session.commit()
    await engine.dispose()
    marc = Conversation(fake_api, fake_api.user(MARC, first_name="Marc", language_code="fr"))
    async with running_bot(settings, clock=clock):
        assert "Pour quel magasin" in await marc.say("/surplus")
        assert "Choisissez un type d'aliment" in await marc.tap(StoreCb(store_id=other.id).pack())
        await marc.tap(marc.button("Pain"))
        await marc.tap(UnitCb(unit="piece").pack())
        await marc.say("10")
        await marc.tap(ItemsDoneCb().pack())
        assert "Créneau habituel 18:30–19:30" in [t for t, _d in buttons(marc.last)]
        await marc.tap(WindowCb(choice="other").pack())
        assert "Je n'ai pas compris" in await marc.say("bientôt")
        assert "déjà passé" in await marc.say("8h-9h")
        echo = await marc.say("demain 9h-10h")
    assert "mercredi 11 mars, de 09:00 à 10:00" in echo
    assert "Pain: 10 pièces (≈ 4 kg)" in echo
    assert fake_api.refused == []


def test_callback_data_fit_in_64_bytes():
    biggest = MAX_ID  # the largest id a button carries
    packed = [
        CategoryCb(category_id=biggest).pack(),
        UnitCb(unit="pallet").pack(),
        QuantityCb(amount=biggest).pack(),
        ItemsDoneCb().pack(),
        WindowCb(choice="evening").pack(),
    ]
    assert all(len(data.encode()) <= 64 for data in packed), packed


# --- the rule ---------------------------------------------------------------------------------


@pytest.fixture
async def seeded(database_url, clock):
    """The example network of config.toml in a fresh database."""
    settings = example_settings(database_url=database_url, api_url="http://127.0.0.1:9")
    await prepare_database(settings, clock=clock)
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        yield session
    await engine.dispose()


async def _ids(session) -> tuple[dict[str, int], int]:
    catalog = {entry.key: entry.id for entry in await load_catalog(session)}
    store = (await session.exec(select(Store).where(Store.key == "super-flagey"))).one()
    return catalog, store.id


async def test_draft_estimates_kg_and_sets_the_cold_chain(seeded, now):
    catalog, store_id = await _ids(seeded)
    marc = await identify(seeded, telegram_id=MARC)
    draft = await draft_from_choices(
        seeded,
        identity=marc,
        store_id=store_id,
        items=[
            (catalog["pain"], 12.5, "kg"),
            (catalog["produits-laitiers"], 3, "crate"),
            (catalog["surgeles"], 4, "piece"),
        ],
        window=(time(18), time(19)),
        now=now,
    )
    assert [(i.category_key, i.estimated_kg, i.cold_chain) for i in draft.items] == [
        ("pain", 12.5, "ambient"),
        ("produits-laitiers", 24.0, "chilled"),
        ("surgeles", 2.0, "frozen"),
    ]
    assert draft.estimated_kg == 38.5 and draft.ready
    assert draft.window_start == datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    assert draft.window_end == datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
    assert draft.window_source == "default"  # the store's usual window


async def test_draft_windows_tomorrow_and_past(seeded, now):
    catalog, store_id = await _ids(seeded)
    marc = await identify(seeded, telegram_id=MARC)
    items = [(catalog["pain"], 5.0, "kg")]
    tomorrow = await draft_from_choices(
        seeded,
        identity=marc,
        store_id=store_id,
        items=items,
        window=(time(9), time(10)),
        now=now,
        day_offset=1,
    )
    assert tomorrow.window_start == datetime(2026, 3, 11, 8, 0, tzinfo=UTC)
    assert tomorrow.window_source == "text"
    past = await draft_from_choices(
        seeded,
        identity=marc,
        store_id=store_id,
        items=items,
        window=(time(8), time(9)),
        now=now,
    )
    assert past.problems == ("window_past",) and not past.ready


@pytest.mark.parametrize(
    ("who", "allowed"),
    [(MARC, True), (CLAIRE, True), (SOFIE, False), (JORIS, False), (STRANGER, False)],
)
async def test_only_the_store_or_its_coordinator_drafts(seeded, now, who, allowed):
    catalog, store_id = await _ids(seeded)
    identity = await identify(seeded, telegram_id=who)
    kwargs = dict(
        identity=identity,
        store_id=store_id,
        items=[(catalog["pain"], 5.0, "kg")],
        window=(time(18), time(19)),
        now=now,
    )
    if allowed:
        assert (await draft_from_choices(seeded, **kwargs)).items
    else:
        with pytest.raises(NotAllowed):
            await draft_from_choices(seeded, **kwargs)


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (("pain", 0.0, "kg"), "zero_quantity"),
        (("pain", -3.0, "kg"), "negative_quantity"),
        (("pain", 10_001.0, "kg"), "huge_quantity"),
        (("produits-laitiers", 2_000.0, "crate"), "huge_quantity"),  # 16 000 kg
        (("pain", 1.0, "pallet"), "unknown_unit"),
        (("pain", float("nan"), "kg"), "invalid_number"),
    ],
)
async def test_impossible_quantities_are_refused(seeded, now, item, code):
    catalog, store_id = await _ids(seeded)
    marc = await identify(seeded, telegram_id=MARC)
    key, quantity, unit = item
    with pytest.raises(InvalidInput, match=code):
        await draft_from_choices(
            seeded,
            identity=marc,
            store_id=store_id,
            items=[(catalog[key], quantity, unit)],
            window=(time(18), time(19)),
            now=now,
        )


async def test_no_item_or_unknown_category_is_refused(seeded, now):
    _catalog, store_id = await _ids(seeded)
    marc = await identify(seeded, telegram_id=MARC)
    common = dict(identity=marc, store_id=store_id, window=(time(18), time(19)), now=now)
    with pytest.raises(InvalidInput, match="draft_incomplete"):
        await draft_from_choices(seeded, items=[], **common)
    with pytest.raises(NotFound):
        await draft_from_choices(seeded, items=[(999, 1.0, "kg")], **common)


async def test_units_and_window_choices(seeded):
    catalog = {entry.key: entry for entry in await load_catalog(seeded)}
    assert units_for(catalog["pain"]) == ("kg", "crate", "piece")
    _catalog, store_id = await _ids(seeded)

    async def choices(hour: int, minute: int = 0) -> dict:
        at = datetime(2026, 3, 10, hour - 1, minute, tzinfo=UTC)  # Brussels is UTC+1 in March
        return await window_choices(seeded, store_id=store_id, now=at)

    assert await choices(10) == {
        "usual": (time(18), time(19)),
        "evening": (time(18), time(20)),
    }
    assert await choices(19, 30) == {"evening": (time(18), time(20))}
    assert await choices(21) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18h-19h30", (time(18), time(19, 30), 0)),
        ("18u-19u30", (time(18), time(19, 30), 0)),
        ("morgen 9u-10u", (time(9), time(10), 1)),
        ("19h-18h", None),
        ("bientôt", None),
        ("18h-19h 20 kg pain", None),
    ],
)
def test_window_typed_on_its_own(text, expected):
    window = window_from_text(text)
    got = None if window is None else (window.start, window.end, window.day_offset)
    assert got == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("12,5", 12.5), ("12.5", 12.5), ("-3", -3.0), ("1 234,5", 1234.5), ("abc", None), ("", None)],
)
def test_quantities_typed(text, value):
    assert parse_quantity(text) == value
