"""config.toml: the shipped example loads, the environment wins, bad files get one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ENV_VARS, ConfigError, Settings, load_settings
from logistics.network.hours import WeeklyWindow, parse_days, parse_weekly, parse_window

SHIPPED = Path(__file__).resolve().parents[2] / "config.toml"
TOKEN = "123456789:AAFake-Secret-Token_for_tests"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENV_VARS.values():
        monkeypatch.delenv(name, raising=False)


def _edit(text: str, header: str, index: int, old: str, new: str | None) -> tuple[str, int]:
    """Replace (or delete, when ``new`` is None) the line ``old`` of the index-th ``header``
    table; return the new text and the line number (from 1) of the edit."""
    lines = text.splitlines()
    headers = [n for n, line in enumerate(lines) if line.strip() == header]
    start = headers[index]
    number = next(n for n in range(start + 1, len(lines)) if lines[n].strip() == old)
    if new is None:
        del lines[number]
        return "\n".join(lines) + "\n", start + 1
    lines[number] = new
    return "\n".join(lines) + "\n", number + 1


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped example ------------------------------------------------------------------


def test_shipped_config_loads_and_describes_two_antennas():
    settings = load_settings(SHIPPED)
    network = settings.network

    assert settings.bot.languages == ["fr", "nl"]
    assert settings.bot.timezone == "Europe/Brussels"
    assert settings.bot_token is None
    assert settings.database_url == "sqlite+aiosqlite:///data/antenna.db"
    assert [a.key for a in network.antennas] == ["ixelles", "schaerbeek"]
    assert all(a.run_sheet_time == "07:00" and a.summary_time == "19:00" for a in network.antennas)
    assert all(a.timezone == "Europe/Brussels" for a in network.antennas)
    assert [(h.antenna, h.cold_storage) for h in network.hubs] == [("ixelles", True)]
    assert 4 <= len(network.stores) <= 5
    assert 4 <= len(network.associations) <= 5
    kinds = {a.kind for a in network.associations}
    assert kinds >= {"epicerie_sociale", "colis", "restaurant_social"}
    assert len(network.categories) >= 10
    cold = {c.key: c.cold_chain for c in network.categories}
    assert cold["produits-laitiers"] == cold["viande"] == "chilled"
    assert cold["surgeles"] == "frozen"
    assert cold["pain"] == "ambient"
    bread = next(c for c in network.categories if c.key == "pain")
    assert "viennoiseries" in bread.synonyms_fr and "koffiekoeken" in bread.synonyms_nl
    roles = [(p.role, p.antenna) for p in network.people]
    assert ("coordinator", "ixelles") in roles and ("coordinator", "schaerbeek") in roles
    drivers = [p for p in network.people if p.role == "driver"]
    assert len(drivers) == 3 and any(d.vehicle_refrigerated for d in drivers)


def test_shipped_store_slots_parse():
    network = load_settings(SHIPPED).network
    jourdan = next(s for s in network.stores if s.key == "super-jourdan")
    assert jourdan.weekly_slots[0] == WeeklyWindow(0, "19:00", "19:30")
    assert jourdan.weekly_slots[-1] == WeeklyWindow(6, "10:00", "10:30")
    assert len(jourdan.weekly_slots) == 7


def test_no_file_gives_defaults():
    settings = load_settings(None)
    assert settings.database_url == "sqlite+aiosqlite:///data/antenna.db"
    assert settings.log_level == "INFO"
    assert settings.network.antennas == []
    assert settings.food_safety.use_by_ideal_days == 3  # AFSCA: ideally 3 days before


def test_shipped_associations_say_when_they_distribute():
    settings = load_settings(SHIPPED)
    days = {a.key: a.distribution_days for a in settings.network.associations}
    assert days["epicerie-ixelles"] == [1, 3, 5]
    assert all(days.values())


# --- environment --------------------------------------------------------------------------


RUNTIME = """
[runtime]
database_url = "sqlite+aiosqlite:///from-file.db"
redis_url = "redis://file-host:6379/0"
telegram_api_url = "http://file-host:8081"
log_level = "warning"
"""


def test_file_runtime_values_are_used(tmp_path):
    settings = load_settings(_write(tmp_path, RUNTIME))
    assert settings.database_url == "sqlite+aiosqlite:///from-file.db"
    assert settings.redis_url == "redis://file-host:6379/0"
    assert settings.telegram_api_url == "http://file-host:8081"
    assert settings.log_level == "WARNING"


def test_environment_wins_over_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://bot@db/antenna")
    monkeypatch.setenv("REDIS_URL", "redis://env-host:6379/1")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9000/")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = load_settings(_write(tmp_path, RUNTIME))
    assert settings.database_url == "postgresql+asyncpg://bot@db/antenna"
    assert settings.redis_url == "redis://env-host:6379/1"
    assert settings.telegram_api_url == "http://127.0.0.1:9000"
    assert settings.log_level == "DEBUG"


def test_other_environment_variables_are_ignored(monkeypatch):
    monkeypatch.setenv("NETWORK", "not json at all")
    monkeypatch.setenv("BOT", '{"timezone": "Mars/Olympus"}')
    monkeypatch.setenv("database_url", "postgresql://lowercase-is-not-ours")
    settings = load_settings(SHIPPED)
    assert settings.bot.timezone == "Europe/Brussels"
    assert settings.database_url == "sqlite+aiosqlite:///data/antenna.db"
    assert len(settings.network.antennas) == 2


def test_token_comes_from_the_environment_and_stays_secret(monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    settings = load_settings(SHIPPED)
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == TOKEN
    for text in (repr(settings), str(settings), settings.model_dump_json(), repr(Settings())):
        assert TOKEN not in text


def test_token_never_in_error_messages(tmp_path, monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    bad, _ = _edit(SHIPPED.read_text(), "[[antennas]]", 0, 'key = "ixelles"', 'key = "Ixelles!"')
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, bad))
    assert TOKEN not in str(caught.value)

    in_file = f'bot_token = "{TOKEN}"\n' + SHIPPED.read_text()
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, in_file))
    message = str(caught.value)
    assert TOKEN not in message
    assert f"{tmp_path / 'config.toml'}:1: bot_token: " in message
    assert "BOT_TOKEN" in message


def test_bad_environment_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    monkeypatch.setenv("DATABASE_URL", "postgresql://user:hunter2@db/antenna")
    with pytest.raises(ConfigError) as caught:
        load_settings(SHIPPED)
    message = str(caught.value)
    assert "environment variable LOG_LEVEL: " in message
    assert "environment variable DATABASE_URL: needs an async driver" in message
    assert "hunter2" not in message


# --- bad files ----------------------------------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == f"invalid configuration: {path}: configuration file not found"


def test_toml_syntax_error_names_the_line(tmp_path):
    text, line = _edit(SHIPPED.read_text(), "[[associations]]", 2, 'kind = "colis"', "kind = colis")
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"invalid configuration: {path}:{line}: invalid TOML: ")
    assert "Traceback" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


BAD_FILES = [
    pytest.param(
        ("[[stores]]", 2, 'antenna = "ixelles"', 'antenna = "molenbeek"'),
        "stores[2].antenna",
        "unknown antenna 'molenbeek' (known: ixelles, schaerbeek)",
        id="unknown-antenna",
    ),
    pytest.param(
        ("[[antennas]]", 1, 'run_sheet_time = "07:00"', 'run_sheet_time = "7h30"'),
        "antennas[1].run_sheet_time",
        "'7h30' is not a time: write it as HH:MM",
        id="bad-time",
    ),
    pytest.param(
        ("[[stores]]", 4, 'window = "13:00-14:00"', 'window = "14:00-13:00"'),
        "stores[4].window",
        "must end after it starts",
        id="window-backwards",
    ),
    pytest.param(
        (
            "[[stores]]",
            1,
            'slots = ["mon-fri 18:00-18:30", "sat 17:00-17:30"]',
            'slots = ["mon-fri 18:00-18:30", "sam 17:00-17:30"]',
        ),
        "stores[1].slots[1]",
        "'sam' is not a day",
        id="bad-slot-day",
    ),
    pytest.param(
        ("[[associations]]", 3, "beneficiaries = 120", 'beneficiaries = "many"'),
        "associations[3].beneficiaries",
        "valid integer",
        id="wrong-type",
    ),
    pytest.param(
        ("[[categories]]", 0, 'cold_chain = "ambient"', 'cold_chain = "warm"'),
        "categories[0].cold_chain",
        "'ambient', 'chilled' or 'frozen'",
        id="bad-cold-chain",
    ),
    pytest.param(
        ("[[people]]", 2, 'store = "super-flagey"', 'store = "super-helmet"'),
        "people[2].store",
        "belongs to antenna 'schaerbeek', not to this person's antenna 'ixelles'",
        id="store-of-another-antenna",
    ),
    pytest.param(
        ("[[stores]]", 3, 'key = "super-helmet"', 'key = "super-flagey"'),
        "stores[3].key",
        "key 'super-flagey' is already used by stores[0]",
        id="duplicate-key",
    ),
    pytest.param(
        ("[[hubs]]", 0, 'address = "Rue de l\'Exemple 1, 1050 Ixelles"', 'adress = "Rue"'),
        "hubs[0].adress",
        "unknown key",
        id="unknown-key",
    ),
    pytest.param(
        ("[bot]", 0, 'timezone = "Europe/Brussels"', 'timezone = "Europe/Bruxelles"'),
        "bot.timezone",
        "unknown time zone 'Europe/Bruxelles'",
        id="bad-timezone",
    ),
    pytest.param(
        (
            "[runtime]",
            0,
            'database_url = "sqlite+aiosqlite:///data/antenna.db"',
            'database_url = "sqlite:///data/antenna.db"',
        ),
        "runtime.database_url",
        "needs an async driver",
        id="sync-database-url",
    ),
    pytest.param(
        ("[[associations]]", 0, "distribution_days = [1, 3, 5]", "distribution_days = [1, 7]"),
        "associations[0].distribution_days[1]",
        "less than or equal to 6",
        id="distribution-day-not-a-weekday",
    ),
    pytest.param(
        ("[reminders]", 0, "missed_check_minutes_after = 90", "missed_check_minutes_after = 5"),
        "reminders.missed_check_minutes_after",
        "greater than or equal to 15",
        id="missed-check-too-soon",
    ),
    pytest.param(
        ("[reminders]", 0, 'unclaimed_evening_alert = "19:00"', 'unclaimed_evening_alert = "7pm"'),
        "reminders.unclaimed_evening_alert",
        "",
        id="evening-alert-not-a-time",
    ),
]


@pytest.mark.parametrize(("edit", "key", "fragment"), BAD_FILES)
def test_bad_value_names_file_key_and_line(tmp_path, edit, key, fragment):
    text, line = _edit(SHIPPED.read_text(), *edit)
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"invalid configuration: {path}:{line}: {key}: "), message
    assert fragment in message
    assert "\n" not in message
    assert [(p.key, p.line) for p in caught.value.problems] == [(key, line)]


def test_missing_key_points_at_its_table(tmp_path):
    text, header_line = _edit(
        SHIPPED.read_text(), "[[hubs]]", 0, 'name = "Hub Exemple Ixelles"', None
    )
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == (
        f"invalid configuration: {path}:{header_line}: hubs[0].name: required key is missing"
    )


def test_several_problems_in_one_message_in_file_order(tmp_path):
    """Values are checked first; references between tables once every value is right."""
    text, first = _edit(
        SHIPPED.read_text(), "[[antennas]]", 0, 'summary_time = "19:00"', 'summary_time = "19"'
    )
    text, second = _edit(text, "[[people]]", 4, 'language = "fr"', 'language = "de"')
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == "invalid configuration (2 problems):"
    assert lines[1].startswith(f"  {path}:{first}: antennas[0].summary_time: ")
    assert lines[2] == f"  {path}:{second}: people[4].language: Input should be 'fr' or 'nl'"


# --- weekly hours -------------------------------------------------------------------------


def test_weekly_hours_syntax():
    assert parse_days("mon-wed,sat") == [0, 1, 2, 5]
    assert parse_window(" 18:00-19:30 ").end == "19:30"
    assert parse_weekly("") == []
    assert parse_weekly("sat 10:00-12:00; mon-tue 09:00-12:00, 14:00-16:00") == [
        WeeklyWindow(0, "09:00", "12:00"),
        WeeklyWindow(0, "14:00", "16:00"),
        WeeklyWindow(1, "09:00", "12:00"),
        WeeklyWindow(1, "14:00", "16:00"),
        WeeklyWindow(5, "10:00", "12:00"),
    ]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("mon-sat", "needs days and a window"),
        ("sat-mon 10:00-11:00", "must go forward"),
        ("lun 10:00-11:00", "'lun' is not a day"),
        ("mon 24:00-24:30", "'24:00' is not a time"),
        ("mon 10:00", "is not a window"),
        ("mon-fri 09:00-12:00; wed 11:00-13:00", "wed 09:00-12:00 overlaps wed 11:00-13:00"),
        ("mon 10:00-11:00; mon 10:00-11:00", "mon 10:00-11:00 is listed twice"),
    ],
)
def test_weekly_hours_errors_say_what_is_wrong(text, fragment):
    with pytest.raises(ValueError) as caught:
        parse_weekly(text)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("text", "line", "key", "fragment"),
    [
        ('log_level = "INFO"\n[runtime]\nlog_level = "DEBUG"\n', 3, "runtime.log_level", "both"),
        ('[runtime]\ndatabase_url = "sqlite+aiosqlite://"\nbot = 1\n', 3, "runtime.bot", "unknown"),
        ("[runtime]\nlog_level = 5\n", 2, "runtime.log_level", "'DEBUG', 'INFO'"),
        ('[runtime]\n\n[bot]\nlanguages = ["fr", "en"]\n', 4, "bot.languages[1]", "'fr' or 'nl'"),
        (
            '[[antennas]]\nkey = "a"\nname = "A"\ncommunes = []\n',
            4,
            "antennas[0].communes",
            "at least 1",
        ),
    ],
)
def test_runtime_and_bot_sections(tmp_path, text, line, key, fragment):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"invalid configuration: {path}:{line}: {key}: ")
    assert fragment in str(caught.value)
