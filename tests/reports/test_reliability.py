"""Who keeps doing it: per driver and per store, the month's and the last 90 days' figures
against counts made here from the rows inserted; the same figures after the real rules record
a late release, 0 kg pickups and a "nothing today" (/report and /members showing them:
tests/reports/test_reliability_e2e.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.i18n import create_i18n
from bot.reports.reliability_text import reliability_text
from logistics.people.identity import identify
from logistics.pickups.claims import claim_pickup
from logistics.pickups.collection import record_pickup
from logistics.pickups.recurring import nothing_today, open_due_slots
from logistics.pickups.release import release_claim
from logistics.reports.monthly import Factors, monthly_report
from logistics.reports.periods import Month
from logistics.reports.reliability import (
    DriverFigures,
    DriverReliability,
    Reliability,
    StoreFigures,
    StoreReliability,
    driver_figures,
)
from storage.models import (
    ZERO_REASONS,
    Antenna,
    Claim,
    Donation,
    Member,
    RecurringSlot,
    Store,
)
from tests.broadcasts.test_summary import add

BRUSSELS = ZoneInfo("Europe/Brussels")
CLAIRE, MARC, SOFIE, LUCAS, KARIM = 100001, 100003, 100004, 100007, 100005
FACTORS = Factors(meals_per_kg=2.38, co2e_kg_per_kg=2.5)
FEBRUARY = Month(2026, 2)
GROUP = -1001000000001


def local(y: int, m: int, d: int, h: int = 19) -> datetime:
    return datetime(y, m, d, h, tzinfo=BRUSSELS).astimezone(UTC)


@dataclass(frozen=True)
class Row:
    store: str
    start: datetime
    status: str
    driver: int | None = None  # who holds the active claim
    kg: float | None = None
    zero: str | None = None
    slot_day: bool = False  # a recurring day
    announced: bool = True  # announced by the store (a recurring day answered with quantities)
    late_by: tuple[int, ...] = ()  # drivers who released it late before


ROWS = [
    Row("super-flagey", local(2026, 2, 2), "received", SOFIE, 12),
    Row("super-flagey", local(2026, 2, 3), "delivered", SOFIE, 8, late_by=(LUCAS,)),
    Row("super-flagey", local(2026, 2, 4), "missed", SOFIE, late_by=(LUCAS, SOFIE)),
    Row("super-flagey", local(2026, 2, 5), "missed", SOFIE, 0, zero="did_not_happen"),
    Row("super-jourdan", local(2026, 2, 6), "cancelled", LUCAS, 0, zero="no_food"),
    Row("super-jourdan", local(2026, 2, 7), "cancelled", LUCAS, 0, zero="store_closed"),
    Row("super-jourdan", local(2026, 2, 9), "cancelled", slot_day=True, announced=False),
    Row("super-jourdan", local(2026, 2, 10), "expired", slot_day=True, announced=False),
    Row("super-jourdan", local(2026, 2, 11), "picked_up", LUCAS, 0.0, zero=None),  # not done
    Row("super-flagey", local(2026, 2, 28, 23), "picked_up", LUCAS, 5),
    # the last 90 days, outside February
    Row("super-flagey", local(2026, 1, 15), "missed", SOFIE),
    Row("super-jourdan", local(2026, 1, 20), "cancelled", slot_day=True, announced=False),
    Row("super-flagey", local(2026, 3, 2), "delivered", LUCAS, 3, late_by=(SOFIE,)),
    Row("super-flagey", local(2025, 12, 10, 23), "missed", SOFIE),  # the 91st day before
    Row("super-flagey", local(2025, 12, 11, 0), "missed", SOFIE),  # the 90th
    Row("super-flagey", local(2025, 11, 20), "missed", SOFIE),  # long ago
    # another antenna
    Row("super-helmet", local(2026, 2, 12), "missed", KARIM, late_by=(KARIM,)),
]
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def in_february(row: Row) -> bool:
    return (row.start.astimezone(BRUSSELS).year, row.start.astimezone(BRUSSELS).month) == (2026, 2)


def in_recent(row: Row) -> bool:
    """Today (10 March) and the 89 days before, in Brussels."""
    today = NOW.astimezone(BRUSSELS).date()
    return 0 <= (today - row.start.astimezone(BRUSSELS).date()).days < 90


def expected_driver(telegram_id: int, period) -> DriverFigures:
    rows = [r for r in ROWS if period(r) and r.store != "super-helmet"]
    held = [r for r in rows if r.driver == telegram_id]
    zero = {reason: sum(1 for r in held if r.zero == reason) for reason in ZERO_REASONS}
    return DriverFigures(
        done=sum(1 for r in held if r.status in ("picked_up", "delivered", "received") and r.kg),
        missed=sum(1 for r in held if r.status == "missed"),
        released_late=sum(r.late_by.count(telegram_id) for r in rows),
        **zero,
    )


def expected_store(key: str, period) -> StoreFigures:
    rows = [r for r in ROWS if period(r) and r.store == key]
    nothing = [r for r in rows if r.status == "cancelled" and r.slot_day and r.zero is None]
    return StoreFigures(
        announced=sum(1 for r in rows if r.announced),
        cancelled=sum(1 for r in rows if r.status == "cancelled") - len(nothing),
        nothing_today=len(nothing),
        missed=sum(1 for r in rows if r.status == "missed"),
    )


async def members_by_telegram(s) -> dict[int, int]:
    return {m.telegram_id: m.id for m in (await s.exec(select(Member))).all()}


async def insert(session_factory) -> None:
    async with session_factory() as s:
        members = await members_by_telegram(s)
        slots = {slot.store_id: slot.id for slot in (await s.exec(select(RecurringSlot))).all()}
        for row in ROWS:
            donation = await s.get(
                Donation, await add(s, row.store, row.start, row.status, {"pain": row.kg or 0})
            )
            if row.slot_day:
                donation.service_day = row.start.date()
                donation.recurring_slot_id = slots[donation.store_id]
            donation.announced_by_id = members[MARC] if row.announced else None
            donation.collected_kg, donation.zero_reason = row.kg, row.zero
            s.add(donation)
            claimed = row.start - timedelta(days=2)
            for driver in row.late_by:
                released = row.start - timedelta(hours=5)
                s.add(
                    Claim(
                        donation_id=donation.id,
                        driver_id=members[driver],
                        claimed_at=claimed,
                        released_at=released,
                        late_release=True,
                    )
                )
            if row.driver:
                s.add(
                    Claim(
                        donation_id=donation.id, driver_id=members[row.driver], claimed_at=claimed
                    )
                )
        await s.commit()


async def test_each_driver_and_store_counted_over_the_month_and_90_days(session_factory, settings):
    await insert(session_factory)
    async with session_factory() as s:
        ixelles = (await s.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
        report = await monthly_report(
            s, antenna_ids=[ixelles.id], month=FEBRUARY, factors=FACTORS, now=NOW
        )
        members = await members_by_telegram(s)
        sofie_now = await driver_figures(
            s, antenna_id=ixelles.id, member_id=members[SOFIE], now=NOW
        )
    drivers = {d.member_id: d for d in report.reliability.drivers}
    assert set(drivers) == {members[SOFIE], members[LUCAS]}, "Karim drives elsewhere"
    for telegram_id in (SOFIE, LUCAS):
        line = drivers[members[telegram_id]]
        assert line.month == expected_driver(telegram_id, in_february), telegram_id
        assert line.recent == expected_driver(telegram_id, in_recent), telegram_id
    sofie = drivers[members[SOFIE]]
    assert sofie.month == DriverFigures(done=2, missed=2, released_late=1, did_not_happen=1)
    assert sofie.recent.missed == 4 and sofie.recent.released_late == 2
    assert report.reliability.drivers[0].name == "Sofie Voorbeeld", "most problems first"
    assert sofie_now == (
        expected_driver(SOFIE, lambda r: r.start.astimezone(BRUSSELS).month == 3),
        expected_driver(SOFIE, in_recent),
    )
    stores = {s.name: s for s in report.reliability.stores}
    for key, name in (
        ("super-flagey", "Supermarché Exemple Flagey"),
        ("super-jourdan", "Supermarché Exemple Jourdan"),
    ):
        assert stores[name].month == expected_store(key, in_february), key
        assert stores[name].recent == expected_store(key, in_recent), key
    assert stores["Supermarché Exemple Jourdan"].month == StoreFigures(
        announced=3, cancelled=2, nothing_today=1, missed=0
    )


async def through_the_rules(session_factory) -> dict[str, int]:
    """On Tuesday 10 March: Sofie claims a Flagey pickup and gives it back at 10:00 (late),
    Lucas takes it and finds no food; Sofie claims another and says it did not happen; the
    Jourdan store answers "nothing today" to its recurring day."""
    now = NOW
    async with session_factory() as s:
        members = await members_by_telegram(s)
        stores = {st.key: st for st in (await s.exec(select(Store))).all()}
        ids = []
        for hour in (18, 20):
            donation = Donation(
                antenna_id=stores["super-flagey"].antenna_id,
                store_id=stores["super-flagey"].id,
                status="announced",
                window_start=local(2026, 3, 10, hour),
                window_end=local(2026, 3, 10, hour) + timedelta(minutes=30),
                announced_by_id=members[MARC],
                estimated_kg=5,
                created_at=now,
                updated_at=now,
            )
            s.add(donation)
            await s.flush()
            ids.append(donation.id)
        await s.commit()
    async with session_factory() as s:
        opened = await open_due_slots(s, now=now)

    async def who(telegram_id: int):
        async with session_factory() as s:
            return await identify(s, telegram_id=telegram_id)

    first, second = ids
    sofie, lucas = await who(SOFIE), await who(LUCAS)
    async with session_factory() as s:
        await claim_pickup(s, donation_id=first, identity=sofie, now=now)
    async with session_factory() as s:
        assert (await release_claim(s, donation_id=first, identity=sofie, now=now)).late
    async with session_factory() as s:
        await claim_pickup(s, donation_id=first, identity=lucas, now=now)
    async with session_factory() as s:
        await claim_pickup(s, donation_id=second, identity=sofie, now=now)
    evening = local(2026, 3, 10, 21)
    for donation_id, identity, reason in (
        (first, lucas, "no_food"),
        (second, sofie, "did_not_happen"),
    ):
        async with session_factory() as s:
            await record_pickup(
                s,
                donation_id=donation_id,
                identity=identity,
                now=evening,
                total_kg=0,
                zero_reason=reason,
            )
    async with session_factory() as s:
        jourdan_days = (
            await s.exec(
                select(Donation.id).where(
                    Donation.store_id == stores["super-jourdan"].id,
                    Donation.service_day == local(2026, 3, 10).date(),
                )
            )
        ).all()
        coordinator = await identify(s, telegram_id=CLAIRE)
    [jourdan_today] = [d for d in jourdan_days if d in opened]
    async with session_factory() as s:
        await nothing_today(s, donation_id=jourdan_today, identity=coordinator, now=now)
    return members


async def test_what_the_rules_record_is_what_is_counted(session_factory, settings):
    members = await through_the_rules(session_factory)
    async with session_factory() as s:
        ixelles = (await s.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
        report = await monthly_report(
            s, antenna_ids=[ixelles.id], month=Month(2026, 3), factors=FACTORS, now=NOW
        )
    drivers = {d.member_id: d.month for d in report.reliability.drivers}
    assert drivers == {
        members[SOFIE]: DriverFigures(missed=1, released_late=1, did_not_happen=1),
        members[LUCAS]: DriverFigures(no_food=1),
    }
    stores = {s.name: s.month for s in report.reliability.stores}
    assert stores["Supermarché Exemple Flagey"] == StoreFigures(announced=2, cancelled=1, missed=1)
    assert stores["Supermarché Exemple Jourdan"] == StoreFigures(nothing_today=1)
    assert report.period.current and report.period.last == local(2026, 3, 10).date()


def test_the_antenna_is_named_when_the_report_covers_several():
    i18n = create_i18n()
    sofie = DriverReliability("Ixelles", 1, "Sofie", DriverFigures(missed=1), DriverFigures(2))
    karim = DriverReliability("Schaerbeek", 2, None, DriverFigures(), DriverFigures(missed=1))
    store = StoreReliability("Ixelles", "Flagey", StoreFigures(nothing_today=1), StoreFigures())
    with i18n.context(), i18n.use_locale("nl"):
        one = reliability_text(Reliability((sofie,), (store,)), "maart 2026")
        both = reliability_text(Reliability((sofie, karim), (store,)), "maart 2026")
    assert "• Sofie: gedaan 0 (2) · gemist 1 (0) · laat vrijgegeven 0 (0)" in one
    assert "• Flagey: aangekondigd 0 (0) · geannuleerd 0 (0) · „niets vandaag” 1 (0)" in one
    assert "• Sofie (Ixelles): " in both and "• Flagey (Ixelles): " in both
    assert "• gewiste persoon (Schaerbeek): gedaan 0 (0) · gemist 0 (1)" in both
