"""Travel between a tour's places: the great-circle estimate, OSRM's table, and the fallback
from one to the other when the server fails or answers nonsense."""

from __future__ import annotations

import logging
import math
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from pydantic import ValidationError

from logistics.tours.distances import (
    OsrmError,
    Point,
    RoutingSettings,
    great_circle_m,
    osrm_matrix,
    travel_matrix,
    travel_matrix_for,
)

GRAND_PLACE_BRUSSELS = Point(50.8467, 4.3525)
GRAND_PLACE_MONS = Point(50.4542, 3.9514)
FLAGEY = Point(50.8275, 4.3725)
HELMET = Point(50.8676, 4.3737)


def _law_of_cosines_m(a: Point, b: Point) -> float:
    """The same distance by another spherical formula, to check the haversine against."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlon = math.radians(b.lon - a.lon)
    cosine = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(dlon)
    return 6_371_008.8 * math.acos(cosine)


# --- great circle ---------------------------------------------------------------------------


def test_brussels_to_mons_is_about_52_km():
    metres = great_circle_m(GRAND_PLACE_BRUSSELS, GRAND_PLACE_MONS)
    assert metres == pytest.approx(52_000, rel=0.01)
    assert metres == pytest.approx(_law_of_cosines_m(GRAND_PLACE_BRUSSELS, GRAND_PLACE_MONS))
    assert great_circle_m(GRAND_PLACE_MONS, GRAND_PLACE_BRUSSELS) == pytest.approx(metres)
    assert great_circle_m(FLAGEY, FLAGEY) == 0


def test_a_point_must_be_on_earth():
    with pytest.raises(ValueError, match="not a point on Earth"):
        Point(95.0, 4.35)


def test_estimated_matrix_stretches_the_great_circle_and_drives_at_the_average_speed():
    matrix = travel_matrix([FLAGEY, HELMET, GRAND_PLACE_BRUSSELS], detour_factor=1.5, speed_kmh=18)
    straight = great_circle_m(FLAGEY, HELMET)
    assert matrix.source == "great_circle"
    assert len(matrix) == 3
    assert matrix.metres[0][1] == round(straight * 1.5)
    assert matrix.seconds[0][1] == round(straight * 1.5 / (18 / 3.6))
    assert [matrix.metres[i][i] for i in range(3)] == [0, 0, 0]
    assert all(matrix.metres[i][j] == matrix.metres[j][i] for i in range(3) for j in range(3))
    assert all(isinstance(value, int) for row in matrix.seconds for value in row)


def test_default_estimate_is_a_van_in_town():
    matrix = travel_matrix([FLAGEY, HELMET])
    straight = great_circle_m(FLAGEY, HELMET)  # about 4.5 km
    assert matrix.metres[0][1] == round(straight * 1.3)
    assert matrix.seconds[0][1] == pytest.approx(straight * 1.3 / (25 / 3.6), abs=1)


def test_a_road_is_never_shorter_than_the_straight_line():
    with pytest.raises(ValueError, match="detour_factor"):
        travel_matrix([FLAGEY, HELMET], detour_factor=0.9)


# --- settings -------------------------------------------------------------------------------


def test_routing_settings_defaults_estimate_without_a_server():
    settings = RoutingSettings()
    assert settings.osrm_url is None
    assert (settings.detour_factor, settings.speed_kmh) == (1.3, 25)


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"detour_factor": 0.8}, "greater than or equal to 1"),
        ({"detour_factor": 3.5}, "less than or equal to 3"),
        ({"speed_kmh": 4}, "greater than or equal to 5"),
        ({"speed_kmh": 120}, "less than or equal to 90"),
        ({"osrm_url": "router.example:5000"}, "http:// or https://"),
        ({"osrm_url": "ftp://router.example"}, "http:// or https://"),
        ({"osrm_timeout_seconds": 0}, "greater than 0"),
        ({"osrm": "http://127.0.0.1:5000"}, "Extra inputs"),
    ],
)
def test_routing_settings_refuse_bad_values(values, fragment):
    with pytest.raises(ValidationError) as caught:
        RoutingSettings(**values)
    assert fragment in str(caught.value)


def test_osrm_url_loses_its_trailing_slash():
    assert RoutingSettings(osrm_url="https://osrm.example/route/").osrm_url == (
        "https://osrm.example/route"
    )


# --- OSRM -----------------------------------------------------------------------------------

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def osrm_server() -> AsyncIterator[Callable[[Handler], Awaitable[str]]]:
    """Starts a fake OSRM on loopback with the given table handler; yields its base URL."""
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> str:
        app = web.Application()
        app.router.add_get("/table/v1/driving/{coordinates}", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    yield start
    for runner in runners:
        await runner.cleanup()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_osrm_table_is_asked_in_lon_lat_order_and_used(osrm_server):
    asked = []

    async def table(request: web.Request) -> web.Response:
        asked.append((request.match_info["coordinates"], request.query.get("annotations")))
        return web.json_response(
            {
                "code": "Ok",
                "durations": [[0, 612.4], [598.6, 0]],
                "distances": [[0, 5120.2], [4987.9, 0]],
            }
        )

    url = await osrm_server(table)
    matrix = await travel_matrix_for([FLAGEY, HELMET], RoutingSettings(osrm_url=url))

    assert asked == [("4.372500,50.827500;4.373700,50.867600", "duration,distance")]
    assert matrix.source == "osrm"
    assert matrix.seconds == ((0, 612), (599, 0))
    assert matrix.metres == ((0, 5120), (4988, 0))


async def _server_error(request: web.Request) -> web.Response:
    return web.Response(status=500, text="internal error")


async def _no_route(request: web.Request) -> web.Response:
    return web.json_response({"code": "NoSegment", "message": "Could not find a segment"})


async def _null_in_table(request: web.Request) -> web.Response:
    return web.json_response(
        {"code": "Ok", "durations": [[0, None], [600, 0]], "distances": [[0, 10], [10, 0]]}
    )


async def _wrong_size(request: web.Request) -> web.Response:
    return web.json_response({"code": "Ok", "durations": [[0]], "distances": [[0]]})


async def _not_json(request: web.Request) -> web.Response:
    return web.Response(text="<html>proxy error</html>", content_type="text/html")


@pytest.mark.parametrize(
    "handler", [_server_error, _no_route, _null_in_table, _wrong_size, _not_json]
)
async def test_a_failing_osrm_falls_back_to_the_great_circle(osrm_server, handler, caplog):
    url = await osrm_server(handler)
    settings = RoutingSettings(osrm_url=url, detour_factor=1.4, speed_kmh=20)
    with caplog.at_level(logging.WARNING, logger="logistics.tours.distances"):
        matrix = await travel_matrix_for([FLAGEY, HELMET], settings)

    assert matrix == travel_matrix([FLAGEY, HELMET], detour_factor=1.4, speed_kmh=20)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "great circle" in warnings[0].getMessage()


async def test_a_refused_connection_falls_back_to_the_great_circle(caplog):
    settings = RoutingSettings(osrm_url=f"http://127.0.0.1:{_closed_port()}")
    with caplog.at_level(logging.WARNING, logger="logistics.tours.distances"):
        matrix = await travel_matrix_for([FLAGEY, HELMET, GRAND_PLACE_BRUSSELS], settings)
    assert matrix.source == "great_circle"
    assert matrix == travel_matrix([FLAGEY, HELMET, GRAND_PLACE_BRUSSELS])
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


async def test_osrm_matrix_itself_raises_on_failure(osrm_server):
    url = await osrm_server(_server_error)
    with pytest.raises(OsrmError, match="HTTP 500"):
        await osrm_matrix(url, [FLAGEY, HELMET], http_timeout=2)


async def test_without_a_server_no_request_and_no_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="logistics.tours.distances"):
        matrix = await travel_matrix_for([FLAGEY, HELMET], RoutingSettings())
    assert matrix.source == "great_circle"
    assert caplog.records == []
