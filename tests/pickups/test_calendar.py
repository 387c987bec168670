"""/calendar: a driver's claimed pickups as an ICS file that calendar libraries read back, with
the right instants on both sides of the spring change and the time zone declared."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlmodel import select

from logistics.people.identity import identify
from logistics.pickups.calendar import CalendarEvent, build_ics, driver_pickups, pickup_uid
from storage.models import (
    Association,
    Category,
    Claim,
    Delivery,
    Donation,
    DonationItem,
    Member,
    Store,
)
from tests.harness import running_bot

BRUSSELS = ZoneInfo("Europe/Brussels")
SOFIE, LUCAS, ANNE, CLAIRE = 100004, 100007, 100006, 100001


def local(y: int, m: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=BRUSSELS).astimezone(UTC)


async def claimed(s, *, driver: int, start: datetime, status="claimed", released=False) -> int:
    store = (await s.exec(select(Store).where(Store.key == "super-flagey"))).one()
    member = (await s.exec(select(Member).where(Member.telegram_id == driver))).one()
    place = (await s.exec(select(Association).where(Association.key == "epicerie-ixelles"))).one()
    donation = Donation(
        antenna_id=store.antenna_id,
        store_id=store.id,
        status=status,
        window_start=start,
        window_end=start + timedelta(minutes=30),
        estimated_kg=12,
        created_at=start - timedelta(days=3),
        updated_at=start - timedelta(days=3),
    )
    s.add(donation)
    await s.flush()
    s.add(
        DonationItem(
            donation_id=donation.id,
            category_id=(await s.exec(select(Category.id).where(Category.key == "pain"))).one(),
            quantity=12,
            unit="kg",
            cold_chain="ambient",
            estimated_kg=12,
        )
    )
    s.add(Delivery(donation_id=donation.id, association_id=place.id, planned_kg=12))
    s.add(
        Claim(
            donation_id=donation.id,
            driver_id=member.id,
            claimed_at=start - timedelta(days=2),
            released_at=start - timedelta(days=1) if released else None,
        )
    )
    await s.commit()
    return donation.id


async def seed_claims(session_factory) -> dict[str, int]:
    async with session_factory() as s:
        return {
            "saturday": await claimed(s, driver=SOFIE, start=local(2026, 3, 28, 18)),
            "monday": await claimed(s, driver=SOFIE, start=local(2026, 3, 30, 18)),
            "today": await claimed(
                s, driver=SOFIE, start=local(2026, 3, 10, 7), status="picked_up"
            ),
            "past": await claimed(s, driver=SOFIE, start=local(2026, 3, 9, 18)),
            "released": await claimed(s, driver=SOFIE, start=local(2026, 3, 12, 18), released=True),
            "delivered": await claimed(
                s, driver=SOFIE, start=local(2026, 3, 11, 18), status="delivered"
            ),
            "lucas": await claimed(s, driver=LUCAS, start=local(2026, 3, 13, 18)),
        }


def events_of(data: bytes) -> tuple[Calendar, dict[str, object]]:
    calendar = Calendar.from_ical(data)
    return calendar, {str(e["UID"]): e for e in calendar.walk("VEVENT")}


async def test_the_pickups_held_from_today_on_with_times_across_dst(settings, session_factory, now):
    ids = await seed_claims(session_factory)
    async with session_factory() as s:
        sofie = await identify(s, telegram_id=SOFIE)
        pickups = await driver_pickups(s, identity=sofie, now=now)
    assert [p.view.id for p in pickups] == [ids["today"], ids["saturday"], ids["monday"]]
    assert pickups[0].destinations[0].name == "Épicerie sociale Exemple Ixelles"
    assert pickups[0].destinations[0].address == "Rue du Modèle 8, 1050 Ixelles"
    events = [
        CalendarEvent(
            uid=pickup_uid(p.view.id),
            start=p.view.window_start,
            end=p.view.window_end,
            tz=p.view.tz,
            summary=f"Ophaling; {p.view.store_name}",
            location=p.view.store_address,
            description="Regel 1\nRegel 2, met komma; en puntkomma",
        )
        for p in pickups
    ]
    data = build_ics(events, name="Mijn ophalingen", now=now)
    assert b"LOCATION:Place Fictive 10\\, 1050 Ixelles" in data, "commas escaped"
    assert b"DESCRIPTION:Regel 1\\nRegel 2\\, met komma\\; en puntkomma" in data
    calendar, found = events_of(data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    saturday = found[pickup_uid(ids["saturday"])]
    monday = found[pickup_uid(ids["monday"])]
    assert saturday["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert saturday["DTSTART"].dt.astimezone(UTC) == datetime(2026, 3, 28, 17, tzinfo=UTC)
    assert monday["DTSTART"].dt.astimezone(UTC) == datetime(2026, 3, 30, 16, tzinfo=UTC)
    assert monday["DTSTART"].dt.hour == 18 and saturday["DTSTART"].dt.hour == 18
    assert monday["DTEND"].dt.astimezone(UTC) == datetime(2026, 3, 30, 16, 30, tzinfo=UTC)
    assert str(saturday["DESCRIPTION"]) == "Regel 1\nRegel 2, met komma; en puntkomma"
    assert str(saturday["SUMMARY"]) == "Ophaling; Supermarché Exemple Flagey"
    [alarm] = saturday.walk("VALARM")  # the phone reminds the driver an hour before
    assert alarm["TRIGGER"].dt == -timedelta(hours=1) and str(alarm["ACTION"]) == "DISPLAY"
    assert str(alarm["DESCRIPTION"]) == "Ophaling; Supermarché Exemple Flagey"
    assert b"COMMENT" not in data, "no English note of the library in the file"
    again = build_ics(events, name="Mijn ophalingen", now=now + timedelta(hours=5))
    assert set(events_of(again)[1]) == set(found), "the same UID each time"


async def test_calendar_command(settings, session_factory, fake_api, clock):
    ids = await seed_claims(session_factory)
    sofie = fake_api.user(SOFIE, language_code="nl")
    others = {tid: fake_api.user(tid, language_code="fr") for tid in (LUCAS, ANNE, CLAIRE, 555)}
    async with session_factory() as s:
        lucas_pickup = await s.get(Donation, ids["lucas"])
        lucas_pickup.status = "delivered"  # Lucas holds nothing left to do
        s.add(lucas_pickup)
        await s.commit()
    async with running_bot(settings, clock=clock):
        fake_api.send_text(sofie, "/calendar")
        await fake_api.wait_for(method="sendDocument", chat_id=SOFIE, timeout=15)
        for tid, user in others.items():
            fake_api.send_text(user, "/calendar")
            await fake_api.wait_for(method="sendMessage", chat_id=tid)
    assert fake_api.refused == []
    message = fake_api.last_message(SOFIE)
    assert message["document"]["file_name"] == "pickups.ics"
    assert "Je 3 ophalingen vanaf vandaag" in message["caption"]
    [upload] = [u for u in fake_api.uploads if u.chat_id == SOFIE]
    calendar, found = events_of(upload.data)
    assert str(calendar["X-WR-CALNAME"]) == "Mijn ophalingen voor voedselhulp"
    assert set(found) == {pickup_uid(ids[k]) for k in ("today", "saturday", "monday")}
    event = found[pickup_uid(ids["saturday"])]
    assert str(event["SUMMARY"]) == "🚐 Ophaling: Supermarché Exemple Flagey"
    assert str(event["LOCATION"]) == "Supermarché Exemple Flagey, Place Fictive 10, 1050 Ixelles"
    description = str(event["DESCRIPTION"])
    assert "Adres: Place Fictive 10, 1050 Ixelles" in description
    assert (
        "Leveren aan: Épicerie sociale Exemple Ixelles, Rue du Modèle 8, 1050 Ixelles"
        in description
    )
    assert "Pain" not in description and "Brood: 12 kg" in description
    assert event["DTSTART"].dt.astimezone(UTC) == datetime(2026, 3, 28, 17, tzinfo=UTC)
    assert "rien à mettre dans un calendrier" in fake_api.last_message(LUCAS)["text"]
    assert "réservé aux chauffeur·euses" in fake_api.last_message(ANNE)["text"]
    assert "réservé aux chauffeur·euses" in fake_api.last_message(555)["text"]
    # a coordinator claims for drivers, never for themself: no calendar of their own
    assert "réservé aux chauffeur·euses" in fake_api.last_message(CLAIRE)["text"]
    assert fake_api.calls("sendDocument", chat_id=ANNE) == []
