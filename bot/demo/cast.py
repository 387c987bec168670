"""The people of the demo: the example network of config.toml, plus one Dutch store manager.

config.toml has one store manager, who writes French; the demo adds a Dutch-speaking manager
of the Jourdan supermarket so that both languages announce. Everyone else is config.toml's.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.demo.transcript import Speaker
from logistics.network.definition import Network, PersonConfig

ROLES = {
    "coordinator": "coordinator",
    "store_manager": "store manager",
    "driver": "driver",
    "association": "association",
}

# The people of config.toml's example network who play the day, and their roles there.
CLAIRE, JORIS, MARC = 100001, 100002, 100003
SOFIE, LUCAS, ANNE, PIETER = 100004, 100007, 100006, 100008
PLAYERS = {
    CLAIRE: "coordinator",
    JORIS: "coordinator",
    MARC: "store_manager",
    SOFIE: "driver",
    LUCAS: "driver",
    ANNE: "association",
    PIETER: "association",
}

# The Dutch-speaking store manager the demo adds to the example network.
ELS = PersonConfig(
    telegram_id=100010,
    name="Els Voorbeeld",
    language="nl",
    role="store_manager",
    antenna="ixelles",
    store="super-jourdan",
)


@dataclass(frozen=True)
class Person:
    telegram_id: int
    name: str
    language: str
    speaker: Speaker

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


def demo_network(network: Network) -> Network:
    """The example network with the demo's Dutch store manager (unless already there)."""
    if any(p.telegram_id == ELS.telegram_id for p in network.people):
        return network
    return network.model_copy(update={"people": [*network.people, ELS]})


def cast(network: Network) -> tuple[dict[int, Person], dict[int, Speaker]]:
    """People by Telegram id, and how each chat (private or group) is named."""
    stores = {s.key: s.name for s in network.stores}
    associations = {a.key: a.name for a in network.associations}
    people: dict[int, Person] = {}
    for config in network.people:
        if config.telegram_id in people:
            continue
        place = stores.get(config.store or "") or associations.get(config.association or "")
        role = ROLES.get(config.role, config.role)
        where = place or ("" if config.role == "driver" else config.antenna.capitalize())
        detail = " · ".join(x for x in (role, where, config.language or "") if x)
        people[config.telegram_id] = Person(
            telegram_id=config.telegram_id,
            name=config.name,
            language=config.language or "fr",
            speaker=Speaker(config.name, detail),
        )
    chats: dict[int, Speaker] = {tid: p.speaker for tid, p in people.items()}
    for antenna in network.antennas:
        if antenna.group_chat_id is not None:
            label = antenna.key.capitalize()
            chats[antenna.group_chat_id] = Speaker(f"{label} group", antenna.name)
    return people, chats


def missing_players(network: Network) -> list[str]:
    """What the demo needs from the example network and this one lacks (empty: all there)."""
    roles = {(p.telegram_id, p.role) for p in network.people}
    missing = [f"{role} {tid}" for tid, role in PLAYERS.items() if (tid, role) not in roles]
    antennas = {a.key: a for a in network.antennas}
    if "ixelles" not in antennas or antennas["ixelles"].group_chat_id is None:
        missing.append("the ixelles antenna with its group")
    if not any(s.key == ELS.store for s in network.stores):
        missing.append(f"the store {ELS.store}")
    return missing
