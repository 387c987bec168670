"""How far and how long between the places of a tour: road figures from an OSRM server when
one is configured, otherwise the great-circle distance stretched by a detour factor.

A tour solver needs a square matrix of travel metres and seconds between every pair of
places (the hub first or anywhere, stores, associations). Networks without their own routing
server still get sensible tours: in a dense city the road distance is close to the
straight-line distance times a constant factor, so ordering stops on that estimate gives the
same order as road distances most of the time. When an OSRM server is set but fails or
answers something unusable, the tour is still planned, on the estimate, and a warning is
logged: a coordinator's evening must not depend on a routing server.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import aiohttp
from pydantic import BaseModel, ConfigDict, Field, field_validator

log = logging.getLogger(__name__)

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG), the usual one for haversine
DEFAULT_DETOUR_FACTOR = 1.3
# Average speed of a van in Brussels, stops and lights included: most streets of the region
# are limited to 30 km/h since 2021 (Ville 30 / Stad 30), the main axes to 50 km/h, and the
# evening pickups fall in the rush hour. 25 km/h door to door is the pace such a van keeps on
# a mix of both; the free-flowing 50 km/h of the axes would make every tour look too short.
DEFAULT_SPEED_KMH = 25.0
DEFAULT_OSRM_TIMEOUT_S = 5.0

Source = Literal["osrm", "great_circle"]


@dataclass(frozen=True)
class Point:
    """A place on the map, in decimal degrees (WGS 84)."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"not a point on Earth: lat={self.lat}, lon={self.lon}")


@dataclass(frozen=True)
class TravelMatrix:
    """Travel between the i-th and j-th point of a list: ``metres[i][j]``, ``seconds[i][j]``.

    ``source`` says where the figures come from, so that a screen can say "estimated".
    """

    metres: tuple[tuple[int, ...], ...]
    seconds: tuple[tuple[int, ...], ...]
    source: Source

    def __len__(self) -> int:
        return len(self.metres)


class RoutingSettings(BaseModel):
    """``[routing]``: where travel times come from when the bot orders a tour's stops."""

    model_config = ConfigDict(extra="forbid")

    # An OSRM server (its table service gives road metres and seconds); None: estimate.
    osrm_url: str | None = None
    osrm_timeout_seconds: float = Field(default=DEFAULT_OSRM_TIMEOUT_S, gt=0, le=60)
    detour_factor: float = Field(default=DEFAULT_DETOUR_FACTOR, ge=1.0, le=3.0)
    speed_kmh: float = Field(default=DEFAULT_SPEED_KMH, ge=5, le=90)

    @field_validator("osrm_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL, e.g. http://127.0.0.1:5000")
        return value.rstrip("/")


def great_circle_m(a: Point, b: Point) -> float:
    """Metres along the Earth's surface between two points (haversine formula)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def travel_matrix(
    points: Sequence[Point],
    *,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> TravelMatrix:
    """Estimated road metres (great circle x ``detour_factor``) and seconds at ``speed_kmh``."""
    if detour_factor < 1.0:
        raise ValueError("a road is never shorter than the straight line: detour_factor >= 1")
    if speed_kmh <= 0:
        raise ValueError("speed_kmh must be positive")
    metres_per_second = speed_kmh / 3.6
    metres: list[tuple[int, ...]] = []
    seconds: list[tuple[int, ...]] = []
    for a in points:
        road = [great_circle_m(a, b) * detour_factor for b in points]
        metres.append(tuple(round(m) for m in road))
        seconds.append(tuple(round(m / metres_per_second) for m in road))
    return TravelMatrix(tuple(metres), tuple(seconds), "great_circle")


class OsrmError(Exception):
    """The OSRM server could not be reached or gave no usable table."""


async def osrm_matrix(
    osrm_url: str, points: Sequence[Point], http_timeout: float = DEFAULT_OSRM_TIMEOUT_S
) -> TravelMatrix:
    """Road metres and seconds from OSRM's table service, for a driving profile.

    Raises :class:`OsrmError` when the server fails, times out or answers with anything but a
    complete square table of non-negative numbers (OSRM writes ``null`` where no road joins
    two points: such a table cannot order a tour either).
    """
    if len(points) < 2:
        return travel_matrix(points)  # nothing to ask: zero or one place
    coordinates = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)
    url = f"{osrm_url.rstrip('/')}/table/v1/driving/{coordinates}"
    timeout = aiohttp.ClientTimeout(total=http_timeout)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url, params={"annotations": "duration,distance"}) as response,
        ):
            if response.status != 200:
                raise OsrmError(f"OSRM answered HTTP {response.status}")
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        raise OsrmError(f"OSRM could not be used: {error!r}") from error
    return _table(body, len(points))


def _table(body: Any, size: int) -> TravelMatrix:
    if not isinstance(body, dict) or body.get("code") != "Ok":
        code = body.get("code") if isinstance(body, dict) else type(body).__name__
        raise OsrmError(f"OSRM answered code {code!r}")
    seconds = _square(body.get("durations"), size, "durations")
    metres = _square(body.get("distances"), size, "distances")
    return TravelMatrix(metres, seconds, "osrm")


def _square(rows: Any, size: int, name: str) -> tuple[tuple[int, ...], ...]:
    if not isinstance(rows, list) or len(rows) != size:
        raise OsrmError(f"OSRM's {name} is not a {size}x{size} table")
    table = []
    for row in rows:
        if not isinstance(row, list) or len(row) != size:
            raise OsrmError(f"OSRM's {name} is not a {size}x{size} table")
        values = []
        for value in row:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not math.isfinite(value) or value < 0:
                raise OsrmError(f"OSRM's {name} holds {value!r}: no road between two places")
            values.append(round(value))
        table.append(tuple(values))
    return tuple(table)


async def travel_matrix_for(points: Sequence[Point], settings: RoutingSettings) -> TravelMatrix:
    """The travel matrix the settings ask for: OSRM when ``osrm_url`` is set and answers well,
    the great-circle estimate otherwise (with one warning saying why)."""
    if settings.osrm_url:
        try:
            return await osrm_matrix(settings.osrm_url, points, settings.osrm_timeout_seconds)
        except OsrmError as error:
            log.warning("%s; tour distances estimated from the great circle instead", error)
    return travel_matrix(points, detour_factor=settings.detour_factor, speed_kmh=settings.speed_kmh)
