"""The seeded network of the load benchmark, generated deterministically.

``network(antennas)`` gives a :class:`~logistics.network.definition.Network` of ``antennas``
antennas of 50 people each (10,000 members over 200 antennas at full size): per antenna one
coordinator, 5 stores with their managers, 4 associations of two members each and 36 drivers,
with the example's categories. Ids are computed from the antenna's and the person's numbers,
so two runs seed the same rows. ``prepare`` migrates the database, seeds the network and
marks everyone as having opened the bot; ``write_config`` writes the file ``python -m bot
run`` reads (the network lives in the database, not in that file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from logistics.network.definition import (
    AntennaConfig,
    AssociationConfig,
    Network,
    PersonConfig,
    StoreConfig,
)

ROOT = Path(__file__).resolve().parents[1]
STORES, ASSOCIATIONS, DRIVERS = 5, 4, 36  # with the coordinator and 8 association people: 50
PEOPLE_PER_ANTENNA = 1 + STORES + 2 * ASSOCIATIONS + DRIVERS


def group_id(antenna: int) -> int:
    return -1002000000000 - antenna


def person_id(antenna: int, n: int) -> int:
    """The Telegram id of the antenna's person ``n`` (0: coordinator, then stores, ...)."""
    return 50_000_000 + antenna * 100 + n


@dataclass(frozen=True)
class Cast:
    """Who is who in one antenna, by Telegram id."""

    antenna: int
    coordinator: int
    store_managers: tuple[int, ...]
    association_people: tuple[int, ...]
    drivers: tuple[int, ...]

    @property
    def group(self) -> int:
        return group_id(self.antenna)


def cast(antenna: int) -> Cast:
    ids = [person_id(antenna, n) for n in range(PEOPLE_PER_ANTENNA)]
    first_assoc = 1 + STORES
    first_driver = first_assoc + 2 * ASSOCIATIONS
    return Cast(
        antenna=antenna,
        coordinator=ids[0],
        store_managers=tuple(ids[1:first_assoc]),
        association_people=tuple(ids[first_assoc:first_driver]),
        drivers=tuple(ids[first_driver:]),
    )


def _categories():
    from bot.config import load_settings

    return load_settings(ROOT / "config.toml").network.categories


def network(antennas: int) -> Network:
    """``antennas`` antennas of 50 people each; antenna 0 is the one given a year of history."""
    parts: dict[str, list] = {k: [] for k in ("antennas", "stores", "associations", "people")}
    for a in range(antennas):
        key, who = f"a{a:03}", cast(a)
        parts["antennas"].append(
            AntennaConfig(
                key=key,
                name=f"Antenne {a:03}",
                communes=[f"Commune {a:03}"],
                group_chat_id=who.group,
                # far from the bench's hours, so that no broadcast of the bot's own interferes
                run_sheet_time="23:59",
                summary_time="23:58",
                max_claims_per_day=20,
                max_claims_per_week=100,
            )
        )
        person = _people(key, who)
        for s, manager in enumerate(who.store_managers):
            store = f"{key}-s{s}"
            parts["stores"].append(StoreConfig(key=store, antenna=key, name=f"Magasin {a}-{s}"))
            person(manager, "store_manager", store=store)
        for n in range(ASSOCIATIONS):
            association = f"{key}-as{n}"
            parts["associations"].append(
                AssociationConfig(
                    key=association,
                    antenna=key,
                    name=f"Association {a}-{n}",
                    beneficiaries=50 + 10 * n,
                    distribution_days=[0, 1, 2, 3, 4, 5],
                )
            )
            for telegram_id in who.association_people[2 * n : 2 * n + 2]:
                person(telegram_id, "association", association=association)
        person(who.coordinator, "coordinator")
        for telegram_id in who.drivers:
            person(telegram_id, "driver")
        parts["people"].extend(person.made)
    return Network(categories=_categories(), **parts)


class _people:
    def __init__(self, antenna_key: str, who: Cast) -> None:
        self.antenna_key, self.made = antenna_key, []

    def __call__(self, telegram_id: int, role: str, **place: str) -> None:
        language = "nl" if telegram_id % 3 == 0 else "fr"
        self.made.append(
            PersonConfig(
                telegram_id=telegram_id,
                name=f"P{telegram_id}",
                language=language,
                role=role,
                antenna=self.antenna_key,
                **place,
            )
        )


async def prepare(database_url: str, net: Network) -> None:
    """Migrate, seed the network and mark its people as having opened the bot."""
    from logistics.network.seed import seed_network
    from logistics.people.reachability import everyone_opened
    from storage.engine import create_engine, create_session_factory
    from storage.migrate import upgrade

    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            now = datetime.now(UTC)
            await seed_network(session, net, now=now)
            await everyone_opened(session, now=now)
            await session.commit()
    finally:
        await engine.dispose()


def write_config(path: Path) -> Path:
    """The bot's settings for the bench: quiet logs; the rest comes from the environment."""
    path.write_text('[runtime]\nlog_level = "WARNING"\n\n[bot]\nlanguages = ["fr", "nl"]\n')
    return path
