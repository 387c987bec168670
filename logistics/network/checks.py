"""Cross-checks of a whole network: unique keys, references that exist and agree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Network(Protocol):
    """What the checks read of a network (``logistics.network.definition.Network`` has it all)."""

    antennas: Sequence[Any]
    hubs: Sequence[Any]
    stores: Sequence[Any]
    associations: Sequence[Any]
    categories: Sequence[Any]
    vehicles: Sequence[Any]
    people: Sequence[Any]


Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]

KEYED_KINDS = ("antennas", "hubs", "stores", "associations", "categories", "vehicles")


def check_network(network: Network) -> list[Problem]:
    """Every problem found, each with the path of the offending key."""
    problems: list[Problem] = []
    for kind in KEYED_KINDS:
        problems += _unique(kind, getattr(network, kind), "key")
    problems += _unique("antennas", network.antennas, "group_chat_id")
    antennas = {a.key for a in network.antennas}
    for kind in ("hubs", "stores", "associations", "vehicles"):
        for i, item in enumerate(getattr(network, kind)):
            if item.antenna not in antennas:
                problems.append(((kind, i, "antenna"), _unknown("antenna", item.antenna, antennas)))
    problems += _check_vehicles(network)
    problems += _check_people(network)
    problems += _check_words(network)
    return problems


def _unique(kind: str, items: Sequence[Any], field: str) -> list[Problem]:
    seen: dict[Any, int] = {}
    problems: list[Problem] = []
    for i, item in enumerate(items):
        value = getattr(item, field)
        if value is None:
            continue
        if value in seen:
            where = f"{kind}[{seen[value]}]"
            problems.append(((kind, i, field), f"{field} {value!r} is already used by {where}"))
        else:
            seen[value] = i
    return problems


def _check_people(network: Network) -> list[Problem]:
    antennas = {a.key for a in network.antennas}
    places: dict[str, dict[str, str]] = {"store": {}, "association": {}, "hub": {}}
    for field, kind in (("store", "stores"), ("association", "associations"), ("hub", "hubs")):
        for place in getattr(network, kind):
            places[field].setdefault(place.key, place.antenna)
    problems: list[Problem] = []
    first: dict[int, int] = {}
    roles: dict[tuple[Any, ...], int] = {}
    for i, person in enumerate(network.people):
        if person.antenna not in antennas:
            problems.append(
                (("people", i, "antenna"), _unknown("antenna", person.antenna, antennas))
            )
        for field, known in places.items():
            key = getattr(person, field)
            if key is None:
                continue
            if key not in known:
                problems.append((("people", i, field), _unknown(field, key, set(known))))
            elif known[key] != person.antenna:
                message = (
                    f"{field} {key!r} belongs to antenna {known[key]!r}, "
                    f"not to this person's antenna {person.antenna!r}"
                )
                problems.append((("people", i, field), message))
        role = (
            person.telegram_id,
            person.antenna,
            person.role,
            person.store,
            person.association,
            person.hub,
        )
        if role in roles:
            problems.append((("people", i, "role"), f"same role as people[{roles[role]}]"))
        roles.setdefault(role, i)
        j = first.setdefault(person.telegram_id, i)
        if j != i and _personal(network.people[j]) != _personal(person):
            message = (
                f"telegram_id {person.telegram_id} also appears in people[{j}] with another "
                "name, language or vehicle: write them identically"
            )
            problems.append((("people", i, "telegram_id"), message))
    return problems


def _check_vehicles(network: Network) -> list[Problem]:
    """A vehicle's home hub exists and belongs to the vehicle's antenna."""
    hubs = {hub.key: hub.antenna for hub in network.hubs}
    problems: list[Problem] = []
    for i, vehicle in enumerate(network.vehicles):
        if vehicle.home_hub is None:
            continue
        if vehicle.home_hub not in hubs:
            problems.append(
                (("vehicles", i, "home_hub"), _unknown("hub", vehicle.home_hub, set(hubs)))
            )
        elif hubs[vehicle.home_hub] != vehicle.antenna:
            message = (
                f"hub {vehicle.home_hub!r} belongs to antenna {hubs[vehicle.home_hub]!r}, "
                f"not to this vehicle's antenna {vehicle.antenna!r}"
            )
            problems.append((("vehicles", i, "home_hub"), message))
    return problems


def _personal(person: Any) -> tuple[Any, ...]:
    return (person.name, person.language, person.vehicle_refrigerated, person.vehicle_capacity_kg)


def _check_words(network: Network) -> list[Problem]:
    """A word (name or synonym) may point to one category only, or matching is ambiguous."""
    problems: list[Problem] = []
    for language in ("fr", "nl"):
        owner: dict[str, int] = {}
        for i, category in enumerate(network.categories):
            words = [
                getattr(category, f"name_{language}"),
                *getattr(category, f"synonyms_{language}"),
            ]
            for word in {w.casefold() for w in words}:
                j = owner.setdefault(word, i)
                if j != i:
                    message = f"{word!r} is already a word of categories[{j}] ({language})"
                    problems.append((("categories", i, f"synonyms_{language}"), message))
    return problems


def _unknown(kind: str, key: str, known: set[str]) -> str:
    listed = ", ".join(sorted(known)) or "none defined"
    return f"unknown {kind} {key!r} (known: {listed})"
