"""A generated Brussels-like evening tour: a hub in Cureghem (Anderlecht), 25 stores spread
over the 19 communes of the Brussels-Capital Region, each with a pickup window, one
refrigerated van of 1,200 kg.

Everything is drawn from a seeded random generator, so a seed always gives the same tour.
Two ways of setting the stores' windows are offered:

- ``specified``: each window lasts 30 to 60 minutes and starts between 17:30 and 20:30,
  independently of where the store is (as the benchmark was first specified);
- ``agreed``: the windows were agreed with the stores along the van's usual round (the
  nearest store next, from the hub), as standing weekly slots are in practice; each 30-60
  minute window holds the time that round reaches the store, so the 25 fit in one evening.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Literal

from logistics.tours.distances import Point, TravelMatrix, travel_matrix
from logistics.tours.solver import TourStop, TourVehicle

# Approximate centres (town halls or main squares) of the 19 communes, in decimal degrees.
COMMUNES: dict[str, Point] = {
    "Anderlecht": Point(50.8365, 4.3081),
    "Auderghem / Oudergem": Point(50.8156, 4.4330),
    "Berchem-Sainte-Agathe / Sint-Agatha-Berchem": Point(50.8650, 4.2950),
    "Bruxelles / Brussel": Point(50.8467, 4.3525),
    "Etterbeek": Point(50.8361, 4.3866),
    "Evere": Point(50.8707, 4.4025),
    "Forest / Vorst": Point(50.8108, 4.3237),
    "Ganshoren": Point(50.8715, 4.3120),
    "Ixelles / Elsene": Point(50.8275, 4.3725),
    "Jette": Point(50.8773, 4.3256),
    "Koekelberg": Point(50.8622, 4.3289),
    "Molenbeek-Saint-Jean / Sint-Jans-Molenbeek": Point(50.8550, 4.3300),
    "Saint-Gilles / Sint-Gillis": Point(50.8276, 4.3459),
    "Saint-Josse-ten-Noode / Sint-Joost-ten-Node": Point(50.8531, 4.3717),
    "Schaerbeek / Schaarbeek": Point(50.8676, 4.3737),
    "Uccle / Ukkel": Point(50.8016, 4.3375),
    "Watermael-Boitsfort / Watermaal-Bosvoorde": Point(50.7990, 4.4160),
    "Woluwe-Saint-Lambert / Sint-Lambrechts-Woluwe": Point(50.8476, 4.4274),
    "Woluwe-Saint-Pierre / Sint-Pieters-Woluwe": Point(50.8320, 4.4430),
}
# A CPAS-like hub with a cold room, by the Abattoirs food market in Cureghem (Anderlecht).
HUB = Point(50.8425, 4.3245)

STORES = 25
JITTER_M = 1000  # a store lies within 1 km of its commune's centre
SERVICE_S = 5 * 60  # park, load 20-80 kg of crates, sign
VAN_KG = 1200
SHIFT = (17 * 3600, 23 * 3600)  # the van may leave the hub from 17:00 and be back by 23:00
FIRST_START = 17 * 3600 + 30 * 60  # 17:30
LAST_START = 20 * 3600 + 30 * 60  # 20:30
WINDOW_LENGTHS = (30 * 60, 35 * 60, 40 * 60, 45 * 60, 50 * 60, 55 * 60, 60 * 60)
CHILLED_SHARE = 0.6  # most supermarket surplus is dairy, meat, ready meals

Windows = Literal["specified", "agreed"]


@dataclass(frozen=True)
class EveningTour:
    seed: int
    points: tuple[Point, ...]  # the hub first, then one point per store
    stops: tuple[TourStop, ...]
    van: TourVehicle


def evening_tour(seed: int, windows: Windows = "specified") -> EveningTour:
    """The seed's stores and van; the windows as ``windows`` says (see the module)."""
    rng = random.Random(seed)
    names = list(COMMUNES)
    rng.shuffle(names)  # every commune gets a store, six of them a second one
    points = [HUB]
    stops = []
    for n in range(STORES):
        points.append(_jittered(COMMUNES[names[n % len(names)]], rng))
        start = rng.randrange(FIRST_START, LAST_START + 1, 5 * 60)
        stops.append(
            TourStop(
                id=n + 1,
                point=n + 1,
                window=(start, start + rng.choice(WINDOW_LENGTHS)),
                service=SERVICE_S,
                # small shops are more common than hypermarkets: 20-80 kg, mostly about 30
                kg=round(rng.triangular(20, 80, 30) * 2) / 2,
                cold=rng.random() < CHILLED_SHARE,
            )
        )
    van = TourVehicle(capacity_kg=VAN_KG, refrigerated=True, depot=0, shift=SHIFT)
    if windows == "agreed":
        stops = _agreed_windows(stops, travel_matrix(points), rng)
    return EveningTour(seed, tuple(points), tuple(stops), van)


def _jittered(centre: Point, rng: random.Random) -> Point:
    """A point drawn evenly within ``JITTER_M`` of ``centre``."""
    distance = JITTER_M * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    north = distance * math.cos(bearing) / 111_320
    east = distance * math.sin(bearing) / (111_320 * math.cos(math.radians(centre.lat)))
    return Point(centre.lat + north, centre.lon + east)


def _agreed_windows(
    stops: list[TourStop], matrix: TravelMatrix, rng: random.Random
) -> list[TourStop]:
    """Windows holding the times of the nearest-store-next round that reaches its first
    store at 17:30: the round is then one feasible order, never the one the solver must
    find, and the windows' starts (the order a person would follow) stray from it."""
    left = sorted(stops, key=lambda stop: stop.id)
    here, now = 0, None
    agreed = {}
    while left:
        nearest = min(left, key=lambda stop: (matrix.seconds[here][stop.point], stop.id))
        left.remove(nearest)
        travel = matrix.seconds[here][nearest.point]
        now = FIRST_START if now is None else now + travel
        length = rng.choice(WINDOW_LENGTHS)
        slot = now - now % 300  # windows start on the five minutes, like "18:05-18:50"
        start = max(FIRST_START, slot - rng.randrange(0, length, 300))
        agreed[nearest.id] = (start, start + length)
        now += nearest.service
        here = nearest.point
    return [TourStop(s.id, s.point, agreed[s.id], s.service, s.kg, s.kind, s.cold) for s in stops]
