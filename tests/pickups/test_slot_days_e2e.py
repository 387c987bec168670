"""A driver's standing weekly slots are part of the day, through the bot, in French and Dutch.

Early on Thursday 22 October 2026, Lucas holds the Thursday 19:00 slots of Jourdan and Flagey
(from /slots); the day's slots open (Jourdan, Flagey, and Châtelain's 18:00 that nobody holds).
The 07:00 run sheet, /runsheet, /pickups, Lucas's /mine and /calendar all show them, waiting
for the stores' quantities and held by Lucas; his calendar has the weeks ahead too, at 19:00
local on both sides of the end of summer time (Sunday 25 October). In the afternoon Flagey
has nothing today, Jourdan gives its quantities (Lucas gets it at once) and Châtelain too
(nobody holds it: it is open): every view shows each state, and Flagey is not a pickup to do.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import col, select

from bot.callbacks import AnnounceCb, ClaimCb, PickupCb, WeeklySlotCb
from logistics.pickups.recurring import open_due_slots
from scheduler.broadcasts import send_run_sheet
from storage.engine import create_engine, create_session_factory
from storage.models import Antenna, Donation, RecurringSlot, Store
from tests.harness import add_store_manager, buttons, running_bot
from tests.pickups.test_recurring_e2e import prepare, prompt_of, slot_button

BRUSSELS = ZoneInfo("Europe/Brussels")
GROUP = -1001000000001  # the Ixelles antenna's group in config.toml
CLAIRE, MARC, LUCAS, SOFIE = 100001, 100003, 100007, 100004  # config.toml
NADIA, YVES = 100009, 100010  # added here: Jourdan's and Châtelain's managers
THURSDAY = date(2026, 10, 22)  # summer time ends on Sunday 25 October
WEEKS = 8

WORDS = {
    "fr": {
        "yours_weekly": "C'est pour vous chaque semaine",
        "waiting": "En attente des quantités du magasin",
        "held": "Créneau hebdomadaire pris par Lucas",
        "nobody": "Créneau hebdomadaire\u202f: encore aucun·e chauffeur·euse",
        "no_pickup": "Aucune collecte aujourd'hui",
        "nothing_section": "Rien aujourd'hui à ces créneaux hebdomadaires",
        "becomes_yours": "Elle sera pour vous dès que le magasin",
        "claimed": "Pris par Lucas",
        "unclaimed": "PERSONNE N'A PRIS CETTE COLLECTE",
        "jourdan_kg": "15 kg pain",
        "chatelain_kg": "10 kg pain",
        "understood": "Voici ce que j'ai compris",
        "write": "Écrivez les quantités",
        "nothing": "Rien aujourd'hui\u202f: la collecte est annulée.",
        "slot_tentative": "le magasin donne ses quantités le jour même",
        "day_waiting": "le magasin n'a pas encore donné ses quantités",
        "day_cancelled": "Rien à collecter\u202f: le magasin n'a rien à donner ce jour-là.",
        "bread": "Pain: 15 kg",
    },
    "nl": {
        "yours_weekly": "Het is elke week voor jou",
        "waiting": "Wacht op de hoeveelheden van de winkel",
        "held": "Wekelijks ophaalmoment opgenomen door Lucas",
        "nobody": "Wekelijks ophaalmoment: nog geen chauffeur",
        "no_pickup": "Geen ophaling vandaag",
        "nothing_section": "Niets vandaag op deze wekelijkse ophaalmomenten",
        "becomes_yours": "Hij is voor jou zodra de winkel",
        "claimed": "Opgenomen door Lucas",
        "unclaimed": "NOG NIET OPGENOMEN",
        "jourdan_kg": "15 kg brood",
        "chatelain_kg": "10 kg brood",
        "understood": "Dit heb ik begrepen",
        "write": "Schrijf de hoeveelheden",
        "nothing": "Niets vandaag: de ophaling is geannuleerd.",
        "slot_tentative": "de winkel geeft de hoeveelheden op de dag zelf door",
        "day_waiting": "de winkel heeft de hoeveelheden nog niet doorgegeven",
        "day_cancelled": "Niets op te halen: de winkel heeft die dag niets te geven.",
        "bread": "Brood: 15 kg",
    },
}


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS).astimezone(UTC)


async def network_ids(database_url: str) -> dict[str, int]:
    """The Ixelles antenna and the Thursday slots of the three stores."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        ids = {
            "ixelles": (
                await session.exec(select(Antenna.id).where(Antenna.key == "ixelles"))
            ).one()
        }
        rows = await session.exec(
            select(Store.key, Store.id, RecurringSlot.id)
            .join(RecurringSlot, col(RecurringSlot.store_id) == Store.id)
            .where(RecurringSlot.weekday == THURSDAY.weekday())
        )
        for key, store_id, slot_id in rows.all():
            ids[key], ids[f"{key}-thursday"] = store_id, slot_id
    await engine.dispose()
    return ids


async def thursday_days(database_url: str) -> dict[int, Donation]:
    """Today's opened day of each store, by store id."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = await session.exec(select(Donation).where(Donation.service_day == THURSDAY))
        days = {d.store_id: d for d in found.all()}
    await engine.dispose()
    return days


async def ask(fake, user: dict, command: str, *, count: int = 1) -> list[dict]:
    """Send a command in the private chat; the ``count`` messages it gets back."""
    before = len(fake.sent(user["id"]))
    fake.send_text(user, command)
    await fake.wait_for(lambda: len(fake.sent(user["id"])) >= before + count, timeout=15)
    await fake.wait_idle(grace=0.2)
    return fake.sent(user["id"])[before:]


def calendar_events(fake, chat_id: int) -> dict[str, object]:
    upload = [u for u in fake.uploads if u.chat_id == chat_id][-1]
    return {str(e["UID"]): e for e in Calendar.from_ical(upload.data).walk("VEVENT")}


def slot_uid(slot_id: int, day: date) -> str:
    return f"slot-{slot_id}-{day:%Y%m%d}@antenna-logistics"


async def hold(fake, user: dict, store_id: int, slot_id: int, words: dict) -> None:
    """The driver holds a weekly slot with its button in /slots."""
    boards = await ask(fake, user, "/slots", count=3)
    data = WeeklySlotCb(store_id=store_id, slot_id=slot_id, action="h").pack()
    [board] = [m for m in boards if data in [d for _, d in buttons(m)]]
    answers = len(fake.calls("answerCallbackQuery"))
    fake.press_button(user, board, data, check=True)
    await fake.wait_for(lambda: len(fake.calls("answerCallbackQuery")) > answers)
    assert words["yours_weekly"] in fake.calls("answerCallbackQuery")[-1].params["text"]


async def give_quantities(fake, manager: dict, text: str, words: dict) -> None:
    prompt = prompt_of(fake, manager["id"])
    fake.press_button(manager, prompt, slot_button(prompt, "qty"), check=True)
    await fake.wait_for(lambda: words["write"] in fake.texts(manager["id"])[-1])
    fake.send_text(manager, text)
    await fake.wait_for(lambda: words["understood"] in fake.texts(manager["id"])[-1])
    echo = fake.last_message(manager["id"])
    fake.press_button(manager, echo, AnnounceCb(action="ok").pack(), check=True)


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_a_standing_slot_is_part_of_the_day(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await prepare(settings.database_url, lang)  # everyone speaks it; Nadia manages Jourdan
    await add_store_manager(
        settings.database_url,
        telegram_id=YVES,
        name="Yves",
        store_key="boulangerie-chatelain",
        language=lang,
    )
    ids = await network_ids(settings.database_url)
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    people = {
        tid: fake_api.user(tid, first_name=name, language_code=lang)
        for tid, name in [
            (CLAIRE, "Claire"),
            (MARC, "Marc"),
            (LUCAS, "Lucas"),
            (SOFIE, "Sofie"),
            (NADIA, "Nadia"),
            (YVES, "Yves"),
        ]
    }
    lucas, claire = people[LUCAS], people[CLAIRE]
    jourdan, flagey, chatelain = (
        ids["super-jourdan"],
        ids["super-flagey"],
        ids["boulangerie-chatelain"],
    )
    engine = create_engine(settings.database_url)
    sessions = create_session_factory(engine)
    clock.set(local(THURSDAY, 6, 30))
    async with running_bot(settings, clock=clock) as app:
        # Lucas holds Jourdan's and Flagey's Thursday 19:00 slots; today's days open.
        await hold(fake_api, lucas, jourdan, ids["super-jourdan-thursday"], words)
        await hold(fake_api, lucas, flagey, ids["super-flagey-thursday"], words)
        async with sessions() as session:
            await open_due_slots(session, now=clock.now())
        days = await thursday_days(settings.database_url)
        assert {days[s].status for s in (jourdan, flagey, chatelain)} == {"draft"}

        # 07:00: the scheduled run sheet reaches the group, in French and Dutch.
        clock.set(local(THURSDAY, 7))
        assert await send_run_sheet(
            session_factory=sessions,
            clock=clock,
            on_queued=app.dp["outbox"].wake,
            antenna_id=ids["ixelles"],
        )
        await fake_api.wait_for(lambda: fake_api.sent(GROUP), timeout=15)
        [sheet] = fake_api.sent(GROUP)
        for language in ("fr", "nl"):
            for key, times in (("waiting", 3), ("held", 2), ("nobody", 1)):
                assert sheet["text"].count(WORDS[language][key]) == times, (language, key)
            assert WORDS[language]["no_pickup"] not in sheet["text"]
        assert buttons(sheet) == [], "nothing to claim before the stores' quantities"

        # /runsheet says the same, in the coordinator's language.
        [own] = await ask(fake_api, claire, "/runsheet")
        text = own["text"]
        assert text.count(words["waiting"]) == 3 and text.count(words["held"]) == 2
        assert text.index("Châtelain") < text.index("Flagey") and "Jourdan" in text
        assert words["no_pickup"] not in text

        # /pickups: today's and tomorrow's opened days, with nothing to reroute yet.
        cards = await ask(fake_api, claire, "/pickups", count=6)
        assert len(cards) == 6 and all(buttons(c) == [] for c in cards)
        [today_jourdan] = [c for c in cards if f"#{days[jourdan].id}" in c["text"]]
        assert words["waiting"] in today_jourdan["text"] and words["held"] in today_jourdan["text"]

        # /mine: the two days Lucas holds, waiting for the stores.
        mine = await ask(fake_api, lucas, "/mine", count=2)
        shown = {d.id for d in days.values() if any(f"#{d.id}\n" in m["text"] for m in mine)}
        assert shown == {days[jourdan].id, days[flagey].id}, [m["text"] for m in mine]
        assert all(words["becomes_yours"] in m["text"] and buttons(m) == [] for m in mine)

        # Sofie, the other driver, holds none of it.
        [sofie_mine] = await ask(fake_api, people[SOFIE], "/mine")
        assert buttons(sofie_mine) == [] and "#" not in sofie_mine["text"]
        [sofie_calendar] = await ask(fake_api, people[SOFIE], "/calendar")
        assert "document" not in sofie_calendar

        # /calendar: today's days and the weeks ahead, at 19:00 local across the DST change.
        await ask(fake_api, lucas, "/calendar")
        events = calendar_events(fake_api, LUCAS)
        weeks = [THURSDAY + timedelta(weeks=n) for n in range(WEEKS)]
        slots = (ids["super-jourdan-thursday"], ids["super-flagey-thursday"])
        assert set(events) == {slot_uid(s, d) for s in slots for d in weeks}
        for uid, event in events.items():
            start = event["DTSTART"].dt
            assert event["DTSTART"].params["TZID"] == "Europe/Brussels", uid
            assert (start.hour, start.minute, start.weekday()) == (19, 0, 3), uid
            assert event["DTEND"].dt - start == timedelta(minutes=30), uid
        jourdan_today = events[slot_uid(slots[0], THURSDAY)]
        jourdan_next = events[slot_uid(slots[0], THURSDAY + timedelta(weeks=1))]
        assert jourdan_today["DTSTART"].dt.astimezone(UTC) == datetime(2026, 10, 22, 17, tzinfo=UTC)
        assert jourdan_next["DTSTART"].dt.astimezone(UTC) == datetime(2026, 10, 29, 18, tzinfo=UTC)
        assert str(jourdan_today["STATUS"]) == "TENTATIVE"
        assert words["day_waiting"] in str(jourdan_today["DESCRIPTION"])
        assert words["slot_tentative"] in str(jourdan_next["DESCRIPTION"])

        # 16:05: the stores are asked. Flagey has nothing; Jourdan and Châtelain give theirs.
        clock.set(local(THURSDAY, 16, 5))
        async with sessions() as session:
            await open_due_slots(session, now=clock.now())
        app.dp["outbox"].wake()
        await fake_api.wait_for(
            lambda: all(prompt_of_any(fake_api, t) for t in (MARC, NADIA, YVES)), timeout=15
        )
        marc_prompt = prompt_of(fake_api, MARC)
        fake_api.press_button(people[MARC], marc_prompt, slot_button(marc_prompt, "none"))
        await fake_api.wait_for(
            lambda: words["nothing"] in fake_api.message(MARC, marc_prompt["message_id"])["text"]
        )
        await give_quantities(fake_api, people[NADIA], words["jourdan_kg"], words)
        await give_quantities(fake_api, people[YVES], words["chatelain_kg"], words)
        await fake_api.wait_for(lambda: len(fake_api.sent(GROUP)) >= 3, timeout=15)
        await fake_api.wait_idle(grace=0.2)
        days = await thursday_days(settings.database_url)
        assert (days[jourdan].status, days[flagey].status) == ("claimed", "cancelled")
        assert days[chatelain].status == "announced"

        # /runsheet: Jourdan claimed by Lucas, Châtelain open, Flagey has nothing today.
        [own] = await ask(fake_api, claire, "/runsheet")
        text = own["text"]
        assert text.count("🕕 ") == 2, "two pickups to do"
        assert words["claimed"] in text and words["unclaimed"] in text
        assert words["waiting"] not in text
        nothing = text.index(words["nothing_section"])
        assert text.index("Flagey") > nothing > text.index("Jourdan")
        assert [d for _, d in buttons(own)] == [ClaimCb(donation_id=days[chatelain].id).pack()]

        # /pickups: Flagey's day is no pickup; Jourdan's and Châtelain's are, and tomorrow's.
        cards = await ask(fake_api, claire, "/pickups", count=5)
        assert len(cards) == 5
        assert not any(f"#{days[flagey].id}" in c["text"] for c in cards)
        [jourdan_card] = [c for c in cards if f"#{days[jourdan].id}" in c["text"]]
        assert words["claimed"] in jourdan_card["text"]

        # /mine: Jourdan to record; Flagey is gone.
        [panel] = await ask(fake_api, lucas, "/mine")
        assert f"#{days[jourdan].id}" in panel["text"]
        assert {
            PickupCb.unpack(d).donation_id for _, d in buttons(panel) if d.startswith("pu:")
        } == {days[jourdan].id}

        # /calendar: the same events, today's updated in place.
        await ask(fake_api, lucas, "/calendar")
        events = calendar_events(fake_api, LUCAS)
        assert set(events) == {slot_uid(s, d) for s in slots for d in weeks}
        jourdan_today = events[slot_uid(slots[0], THURSDAY)]
        flagey_today = events[slot_uid(slots[1], THURSDAY)]
        assert str(jourdan_today["STATUS"]) == "CONFIRMED"
        assert words["bread"] in str(jourdan_today["DESCRIPTION"])
        assert str(flagey_today["STATUS"]) == "CANCELLED"
        assert words["day_cancelled"] in str(flagey_today["DESCRIPTION"])
    await engine.dispose()
    assert fake_api.refused == []


def prompt_of_any(fake, chat_id: int) -> bool:
    return any(d.startswith("sl:") for m in fake.sent(chat_id) for _, d in buttons(m))
