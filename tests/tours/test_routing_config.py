"""``[routing]`` of config.toml: the shipped values, and one clear message per bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ENV_VARS, ConfigError, load_settings

SHIPPED = Path(__file__).resolve().parents[2] / "config.toml"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENV_VARS.values():
        monkeypatch.delenv(name, raising=False)


def _replace_in_routing(old: str, new: str) -> tuple[str, int]:
    """The shipped file with the line ``old`` of ``[routing]`` replaced; its line number."""
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    start = lines.index("[routing]")
    number = next(n for n in range(start + 1, len(lines)) if lines[n].strip() == old)
    lines[number] = new
    return "\n".join(lines) + "\n", number + 1


def test_shipped_routing_estimates_without_a_server():
    routing = load_settings(SHIPPED).routing
    assert routing.osrm_url is None
    assert routing.detour_factor == 1.3
    assert routing.speed_kmh == 25
    assert routing.osrm_timeout_seconds == 5


def test_routing_defaults_without_a_file():
    routing = load_settings(None).routing
    assert (routing.osrm_url, routing.detour_factor, routing.speed_kmh) == (None, 1.3, 25)


def test_an_osrm_server_can_be_set(tmp_path):
    text, _ = _replace_in_routing(
        '# osrm_url = "http://127.0.0.1:5000"', 'osrm_url = "https://osrm.example/"'
    )
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    assert load_settings(path).routing.osrm_url == "https://osrm.example"


@pytest.mark.parametrize(
    ("old", "new", "key", "fragment"),
    [
        ("detour_factor = 1.3", "detour_factor = 0.5", "routing.detour_factor", "or equal to 1"),
        ("detour_factor = 1.3", "detour_factor = 4", "routing.detour_factor", "or equal to 3"),
        ("speed_kmh = 25", "speed_kmh = 120", "routing.speed_kmh", "less than or equal to 90"),
        ("speed_kmh = 25", "speed_kmh = 2", "routing.speed_kmh", "greater than or equal to 5"),
        ("speed_kmh = 25", 'speed_kmh = "fast"', "routing.speed_kmh", "valid number"),
        (
            '# osrm_url = "http://127.0.0.1:5000"',
            'osrm_url = "127.0.0.1:5000"',
            "routing.osrm_url",
            "must be an http:// or https:// URL",
        ),
        (
            "osrm_timeout_seconds = 5",
            "osrm_timeout_seconds = 0",
            "routing.osrm_timeout_seconds",
            "greater than 0",
        ),
        ("speed_kmh = 25", "speed = 25", "routing.speed", "unknown key"),
    ],
)
def test_bad_routing_value_names_file_key_and_line(tmp_path, old, new, key, fragment):
    text, line = _replace_in_routing(old, new)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"invalid configuration: {path}:{line}: {key}: "), message
    assert fragment in message
    assert [(p.key, p.line) for p in caught.value.problems] == [(key, line)]
