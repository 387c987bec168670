"""Seeding: add the network of the configuration to the database, once.

Rows are matched by key (antennas, hubs, stores, associations, categories), by
``(store, weekday, start)`` for recurring slots, by Telegram id for members and by
``(member, antenna, role, store, association)`` for memberships. What exists is kept as it is:
after the first seeding the database is the source of truth. The caller owns the transaction:
this flushes, never commits. One query per table, whatever the size of the network.

People are the exception: the people listed under an antenna are its first members, seeded
only when that antenna itself is created by this seeding. Once an antenna exists, its people
join by invitation and leave by /forgetme; the file is not read for them again (they are
counted as kept). Matching them by Telegram id could not work after an erasure: /forgetme
removes the Telegram id from the member row, so a person erased but still listed in the file
would come back at the next seeding, and remembering who was erased would itself keep
personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.network.definition import (
    AntennaConfig,
    AssociationConfig,
    CategoryConfig,
    HubConfig,
    Network,
    PersonConfig,
    StoreConfig,
    VehicleConfig,
)
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

KINDS = (
    "antennas",
    "hubs",
    "stores",
    "associations",
    "categories",
    "vehicles",
    "slots",
    "members",
    "memberships",
)

Row = TypeVar("Row", bound=SQLModel)


def _counts() -> dict[str, int]:
    return dict.fromkeys(KINDS, 0)


@dataclass
class SeedReport:
    """How many rows of each kind were created, and how many already existed (kept)."""

    created: dict[str, int] = field(default_factory=_counts)
    kept: dict[str, int] = field(default_factory=_counts)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    def __str__(self) -> str:
        def listed(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "nothing"

        return f"seeded: created {listed(self.created)}; kept {listed(self.kept)}"


async def seed_network(session: AsyncSession, network: Network, *, now: datetime) -> SeedReport:
    """Create what the network describes and the database lacks; change nothing that exists."""
    report = SeedReport()
    seed = _Seeder(session, report)
    antennas = await seed.keyed("antennas", Antenna, network.antennas, _antenna)
    founded = {key for key, antenna in antennas.items() if antenna.id is None}
    await session.flush()

    def placed(build: Callable[[Any, int], Row]) -> Callable[[Any], Row]:
        return lambda cfg: build(cfg, antennas[cfg.antenna].id)

    hubs = await seed.keyed("hubs", Hub, network.hubs, placed(_hub))
    stores = await seed.keyed("stores", Store, network.stores, placed(_store))
    associations = await seed.keyed(
        "associations", Association, network.associations, placed(_association)
    )
    await seed.keyed("categories", Category, network.categories, _category)
    await session.flush()
    hub_ids = {key: hub.id for key, hub in hubs.items()}
    await seed.keyed(
        "vehicles", Vehicle, network.vehicles, lambda cfg: _vehicle(cfg, antennas, hub_ids)
    )

    await seed.slots(network.stores, {key: store.id for key, store in stores.items()})
    people = [person for person in network.people if person.antenna in founded]
    seed.left_to_the_database([p for p in network.people if p.antenna not in founded], people)
    members = await seed.members(people, now)
    await session.flush()

    places = {
        "antenna": {key: row.id for key, row in antennas.items()},
        "store": {key: row.id for key, row in stores.items()},
        "association": {key: row.id for key, row in associations.items()},
        "hub": hub_ids,
    }
    await seed.memberships(people, members, places, now)
    await session.flush()
    return report


@dataclass
class _Seeder:
    session: AsyncSession
    report: SeedReport

    def _count(self, kind: str, created: bool) -> None:
        (self.report.created if created else self.report.kept)[kind] += 1

    async def keyed(
        self, kind: str, model: type[Row], configs: Sequence[Any], build: Callable[[Any], Row]
    ) -> dict[str, Row]:
        """The rows by key, existing ones loaded in one query, missing ones added."""
        rows: dict[str, Row] = {}
        if configs:
            keys = [cfg.key for cfg in configs]
            existing = await self.session.exec(select(model).where(col(model.key).in_(keys)))
            rows = {row.key: row for row in existing}
        for cfg in configs:
            self._count(kind, cfg.key not in rows)
            if cfg.key not in rows:
                rows[cfg.key] = build(cfg)
                self.session.add(rows[cfg.key])
        return rows

    async def slots(self, stores: Sequence[StoreConfig], store_ids: dict[str, int]) -> None:
        found = await self.session.exec(
            select(RecurringSlot.store_id, RecurringSlot.weekday, RecurringSlot.window_start).where(
                col(RecurringSlot.store_id).in_(list(store_ids.values()))
            )
        )
        existing = {tuple(row) for row in found}
        for store in stores:
            store_id = store_ids[store.key]
            for slot in store.weekly_slots:
                key = (store_id, slot.weekday, slot.start)
                self._count("slots", key not in existing)
                if key not in existing:
                    existing.add(key)
                    self.session.add(
                        RecurringSlot(
                            store_id=store_id,
                            weekday=slot.weekday,
                            window_start=slot.start,
                            window_end=slot.end,
                        )
                    )

    def left_to_the_database(
        self, people: Sequence[PersonConfig], seeded: Sequence[PersonConfig]
    ) -> None:
        """People of antennas that already existed: counted as kept, never looked up."""
        seeded_ids = {person.telegram_id for person in seeded}
        self.report.kept["members"] += len({p.telegram_id for p in people} - seeded_ids)
        self.report.kept["memberships"] += len(people)

    async def members(self, people: Sequence[PersonConfig], now: datetime) -> dict[int, Member]:
        """Members by Telegram id; a person listed with several roles is one member."""
        ids = list(dict.fromkeys(person.telegram_id for person in people))
        if not ids:
            return {}
        found = await self.session.exec(select(Member).where(col(Member.telegram_id).in_(ids)))
        members: dict[int, Member] = {member.telegram_id: member for member in found}
        for telegram_id in ids:
            self._count("members", telegram_id not in members)
        for person in people:
            if person.telegram_id not in members:
                members[person.telegram_id] = _member(person, now)
                self.session.add(members[person.telegram_id])
        return members

    async def memberships(
        self,
        people: Sequence[PersonConfig],
        members: dict[int, Member],
        places: dict[str, dict[str, int]],
        now: datetime,
    ) -> None:
        if not people:
            return
        columns = (
            Membership.member_id,
            Membership.antenna_id,
            Membership.role,
            Membership.store_id,
            Membership.association_id,
            Membership.hub_id,
        )
        member_ids = [member.id for member in members.values()]
        found = await self.session.exec(
            select(*columns).where(col(Membership.member_id).in_(member_ids))
        )
        existing = {tuple(row) for row in found}
        for person in people:
            key = (
                members[person.telegram_id].id,
                places["antenna"][person.antenna],
                person.role,
                places["store"][person.store] if person.store else None,
                places["association"][person.association] if person.association else None,
                places["hub"][person.hub] if person.hub else None,
            )
            self._count("memberships", key not in existing)
            if key not in existing:
                existing.add(key)
                names = ("member_id", "antenna_id", "role", "store_id", "association_id", "hub_id")
                values = dict(zip(names, key, strict=True))
                self.session.add(Membership(**values, status="active", created_at=now))


def _antenna(cfg: AntennaConfig) -> Antenna:
    values = cfg.model_dump(exclude={"group_languages"})
    return Antenna(**values, group_languages=",".join(cfg.group_languages))


def _hub(cfg: HubConfig, antenna_id: int) -> Hub:
    return Hub(antenna_id=antenna_id, **cfg.model_dump(exclude={"antenna"}))


def _store(cfg: StoreConfig, antenna_id: int) -> Store:
    window = cfg.default_window
    values = cfg.model_dump(include={"key", "name", "address", "latitude", "longitude"})
    return Store(**values, antenna_id=antenna_id, window_start=window.start, window_end=window.end)


def _association(cfg: AssociationConfig, antenna_id: int) -> Association:
    return Association(antenna_id=antenna_id, **cfg.model_dump(exclude={"antenna"}))


def _vehicle(cfg: VehicleConfig, antennas: dict[str, Antenna], hubs: dict[str, int]) -> Vehicle:
    values = cfg.model_dump(exclude={"antenna", "home_hub"})
    home = hubs[cfg.home_hub] if cfg.home_hub else None
    return Vehicle(**values, antenna_id=antennas[cfg.antenna].id, home_hub_id=home)


def _category(cfg: CategoryConfig) -> Category:
    return Category(**cfg.model_dump())


def _member(person: PersonConfig, now: datetime) -> Member:
    values = person.model_dump(
        include={"telegram_id", "name", "language", "vehicle_refrigerated", "vehicle_capacity_kg"}
    )
    return Member(**values, created_at=now)
