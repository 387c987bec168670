"""Seeding the network: creates what is missing, once, and never overwrites the database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import event, func
from sqlmodel import select

from bot.config import ENV_VARS, load_settings
from logistics.network.definition import Network
from logistics.network.seed import KINDS, seed_network
from storage.models import (
    Antenna,
    Association,
    Category,
    Hub,
    Member,
    Membership,
    RecurringSlot,
    Store,
    Vehicle,
)

SHIPPED = Path(__file__).resolve().parents[2] / "config.toml"
TABLES = {
    "antennas": Antenna,
    "hubs": Hub,
    "stores": Store,
    "associations": Association,
    "categories": Category,
    "vehicles": Vehicle,
    "slots": RecurringSlot,
    "members": Member,
    "memberships": Membership,
}
SEED_SELECT = re.compile(
    r"^\s*SELECT\b.*\bFROM (antenna|hub|store|association|category|vehicle|recurring_slot|"
    r"member|membership)\b",
    re.IGNORECASE | re.DOTALL,
)


@pytest.fixture
def network(monkeypatch) -> Network:
    for name in ENV_VARS.values():
        monkeypatch.delenv(name, raising=False)
    return load_settings(SHIPPED).network


def _expected(network: Network) -> dict[str, int]:
    return {
        "antennas": len(network.antennas),
        "hubs": len(network.hubs),
        "stores": len(network.stores),
        "associations": len(network.associations),
        "categories": len(network.categories),
        "vehicles": len(network.vehicles),
        "slots": sum(len(store.weekly_slots) for store in network.stores),
        "members": len({person.telegram_id for person in network.people}),
        "memberships": len(network.people),
    }


async def _seed(session_factory, network: Network, now):
    async with session_factory() as session:
        report = await seed_network(session, network, now=now)
        await session.commit()
    return report


async def _row_counts(session_factory) -> dict[str, int]:
    async with session_factory() as session:
        return {
            kind: (await session.exec(select(func.count()).select_from(model))).one()
            for kind, model in TABLES.items()
        }


async def _by_key(session, model, key):
    return (await session.exec(select(model).where(model.key == key))).one()


async def test_seeding_the_shipped_network_creates_every_row(session_factory, network, now):
    report = await _seed(session_factory, network, now)

    expected = _expected(network)
    assert expected["slots"] == 27
    assert report.created == expected
    assert report.kept == dict.fromkeys(KINDS, 0)
    assert await _row_counts(session_factory) == expected
    assert "created 2 antennas" in str(report)


async def test_seeded_rows_carry_the_configuration(session_factory, network, now):
    await _seed(session_factory, network, now)
    async with session_factory() as session:
        ixelles = await _by_key(session, Antenna, "ixelles")
        assert ixelles.communes == ["Ixelles", "Etterbeek"]
        assert ixelles.group_languages == "fr,nl"
        assert ixelles.group_chat_id == -1001000000001
        assert (ixelles.run_sheet_time, ixelles.summary_time) == ("07:00", "19:00")
        assert (ixelles.max_claims_per_day, ixelles.max_claims_per_week) == (2, 8)
        assert ixelles.timezone == "Europe/Brussels"

        hub = await _by_key(session, Hub, "hub-ixelles")
        assert hub.antenna_id == ixelles.id and hub.cold_storage
        assert (hub.latitude, hub.longitude, hub.distribution_time) == (50.8321, 4.3702, "06:00")

        van = await _by_key(session, Vehicle, "van-ixelles")
        assert (van.antenna_id, van.home_hub_id, van.refrigerated, van.capacity_kg) == (
            ixelles.id,
            hub.id,
            True,
            800,
        )
        staff = (await session.exec(select(Membership).where(Membership.role == "hub_staff"))).one()
        assert (staff.antenna_id, staff.hub_id) == (ixelles.id, hub.id)

        flagey = await _by_key(session, Store, "super-flagey")
        assert flagey.antenna_id == ixelles.id
        assert (flagey.window_start, flagey.window_end) == ("18:00", "19:00")

        jourdan = await _by_key(session, Store, "super-jourdan")
        slots = (
            await session.exec(
                select(RecurringSlot)
                .where(RecurringSlot.store_id == jourdan.id)
                .order_by(RecurringSlot.weekday)
            )
        ).all()
        assert [(s.weekday, s.window_start, s.window_end) for s in slots] == [
            *[(day, "19:00", "19:30") for day in range(6)],
            (6, "10:00", "10:30"),
        ]
        assert all(s.active and s.standing_driver_id is None for s in slots)

        grocery = await _by_key(session, Association, "epicerie-ixelles")
        assert (grocery.kind, grocery.beneficiaries, grocery.cold_storage) == (
            "epicerie_sociale",
            180,
            True,
        )
        assert grocery.reception_hours == "mon-fri 09:00-12:00; sat 10:00-12:00"
        assert grocery.distribution_days == [1, 3, 5]  # Tuesday, Thursday, Saturday

        dairy = await _by_key(session, Category, "produits-laitiers")
        assert (dairy.name_fr, dairy.name_nl, dairy.cold_chain) == (
            "Produits laitiers",
            "Zuivel",
            "chilled",
        )
        assert "yoghurt" in dairy.synonyms_nl and dairy.kg_per_litre == pytest.approx(1.03)

        members = {m.telegram_id: m for m in (await session.exec(select(Member))).all()}
        assert members[100004].vehicle_refrigerated and members[100004].language == "nl"
        assert members[100004].vehicle_capacity_kg == 600
        assert members[100001].created_at == now

        memberships = (await session.exec(select(Membership))).all()
        roles = {(m.member_id, m.role): m for m in memberships}
        manager = roles[(members[100003].id, "store_manager")]
        assert (manager.antenna_id, manager.store_id, manager.association_id) == (
            ixelles.id,
            flagey.id,
            None,
        )
        member = roles[(members[100006].id, "association")]
        assert (member.store_id, member.association_id) == (None, grocery.id)
        assert all(m.status == "active" and m.created_at == now for m in memberships)


async def test_seeding_twice_keeps_what_the_database_says(session_factory, network, now):
    await _seed(session_factory, network, now)
    async with session_factory() as session:
        store = await _by_key(session, Store, "super-flagey")
        store.name = "Supermarché renommé"
        association = await _by_key(session, Association, "colis-schaerbeek")
        association.beneficiaries = 999
        slot = (
            await session.exec(select(RecurringSlot).where(RecurringSlot.store_id == store.id))
        ).first()
        slot.active = False
        slot.window_end = "19:45"
        member = (await session.exec(select(Member).where(Member.telegram_id == 100005))).one()
        member.name = "Karim (renamed)"
        membership = (
            await session.exec(select(Membership).where(Membership.member_id == member.id))
        ).one()
        membership.status = "suspended"
        session.add_all([store, association, slot, member, membership])
        await session.commit()
        slot_id = slot.id
    counts = await _row_counts(session_factory)

    report = await _seed(session_factory, network, now)

    assert report.total_created == 0
    assert report.kept == _expected(network)
    assert await _row_counts(session_factory) == counts
    async with session_factory() as session:
        assert (await _by_key(session, Store, "super-flagey")).name == "Supermarché renommé"
        assert (await _by_key(session, Association, "colis-schaerbeek")).beneficiaries == 999
        slot = await session.get(RecurringSlot, slot_id)
        assert (slot.active, slot.window_end) == (False, "19:45")
        member = (await session.exec(select(Member).where(Member.telegram_id == 100005))).one()
        assert member.name == "Karim (renamed)"
        membership = (
            await session.exec(select(Membership).where(Membership.member_id == member.id))
        ).one()
        assert membership.status == "suspended"


async def test_seeding_adds_only_what_is_missing(session_factory, network, now):
    await _seed(session_factory, network, now)
    data = network.model_dump()
    data["stores"].append(
        {
            "key": "boucherie-evere",
            "antenna": "schaerbeek",
            "name": "Boucherie Exemple Evere",
            "slots": ["tue,fri 17:00-17:30"],
        }
    )
    data["stores"][0]["slots"].append("sun 11:00-11:30")
    # A new antenna, founded by the Ixelles coordinator (one member, a second membership)
    # and a new driver: the first people of a new antenna are seeded.
    data["antennas"].append(
        {"key": "anderlecht", "name": "Antenne Anderlecht", "communes": ["Anderlecht"]}
    )
    data["people"] += [
        {"telegram_id": 100001, "name": "Claire Exemple", "language": "fr",
         "role": "coordinator", "antenna": "anderlecht"},
        {"telegram_id": 100010, "name": "Tom Voorbeeld", "language": "nl",
         "role": "driver", "antenna": "anderlecht"},
    ]  # fmt: skip
    grown = Network.model_validate(data)

    report = await _seed(session_factory, grown, now)

    assert report.created == {
        **dict.fromkeys(KINDS, 0),
        "antennas": 1,
        "stores": 1,
        "slots": 3,
        "members": 1,
        "memberships": 2,
    }
    async with session_factory() as session:
        claire = (await session.exec(select(Member).where(Member.telegram_id == 100001))).one()
        antennas = (
            await session.exec(
                select(Membership.antenna_id).where(Membership.member_id == claire.id)
            )
        ).all()
        assert len(set(antennas)) == 2


async def test_people_of_an_existing_antenna_join_by_invitation(session_factory, network, now):
    """A person added to the file under an antenna that already exists is not seeded: once an
    antenna exists, people join by invitation (and an erased person is never re-created)."""
    await _seed(session_factory, network, now)
    counts = await _row_counts(session_factory)
    data = network.model_dump()
    data["people"] += [
        {"telegram_id": 100001, "name": "Claire Exemple", "language": "fr",
         "role": "coordinator", "antenna": "schaerbeek"},
        {"telegram_id": 100010, "name": "Late Exemple", "role": "driver", "antenna": "ixelles"},
    ]  # fmt: skip

    report = await _seed(session_factory, Network.model_validate(data), now)

    assert report.total_created == 0
    assert report.kept["memberships"] == len(data["people"])
    assert await _row_counts(session_factory) == counts


async def test_an_erased_person_is_not_seeded_again(session_factory, network, now):
    await _seed(session_factory, network, now)
    async with session_factory() as session:
        sofie = (await session.exec(select(Member).where(Member.telegram_id == 100004))).one()
        sofie.telegram_id = sofie.name = sofie.language = None
        sofie.forgotten_at = now
        session.add(sofie)
        await session.commit()
    counts = await _row_counts(session_factory)

    report = await _seed(session_factory, network, now)

    assert report.total_created == 0
    assert await _row_counts(session_factory) == counts
    async with session_factory() as session:
        found = await session.exec(select(Member).where(Member.telegram_id == 100004))
        assert found.first() is None


async def test_seeding_flushes_but_leaves_the_commit_to_the_caller(session_factory, network, now):
    async with session_factory() as session:
        report = await seed_network(session, network, now=now)
        assert report.created["stores"] == len(network.stores)
        assert (await session.exec(select(func.count()).select_from(Store))).one() > 0
        await session.rollback()
    assert set((await _row_counts(session_factory)).values()) == {0}


async def test_seeding_uses_one_query_per_table(engine, session_factory, network, now):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if SEED_SELECT.match(statement):
            statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await _seed(session_factory, network, now)
        first = len(statements)
        statements.clear()
        await _seed(session_factory, network, now)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert first == len(TABLES)
    # Again: the people of existing antennas are not looked up at all.
    assert len(statements) == len(TABLES) - 2


async def test_seeding_an_empty_network_does_nothing(session_factory, now):
    report = await _seed(session_factory, Network(), now)
    assert report.total_created == 0 and str(report) == "seeded: created nothing; kept nothing"
