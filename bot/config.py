"""Settings: ``config.toml`` read by pydantic-settings, overridden by a few environment variables.

The file holds the runtime settings (in ``[runtime]`` or at the top), the bot defaults
(``[bot]``) and the network to seed, as top-level arrays of tables: ``[[antennas]]``,
``[[hubs]]``, ``[[stores]]``, ``[[associations]]``, ``[[categories]]``, ``[[people]]``.
The environment variables ``BOT_TOKEN``, ``TELEGRAM_API_URL``, ``DATABASE_URL``, ``REDIS_URL``
and ``LOG_LEVEL`` (and no others) win over the file; the token comes only from there.

Any problem with the file becomes one :class:`ConfigError` that names the file, the key
(``stores[2].antenna``), its line and what is wrong.
"""

from __future__ import annotations

import os
import tomllib
from contextvars import ContextVar
from datetime import time, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings.exceptions import SettingsError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.config_errors import ConfigError, ConfigProblem, line_of, syntax_error, validation_problems
from logistics.broadcasts.reminders import Timing
from logistics.network.definition import DEFAULT_TIMEZONE, ClockTime, Network, TimeZoneName
from logistics.safety.food_dates import DateRules
from logistics.tours.distances import RoutingSettings
from storage.engine import DEFAULT_DATABASE_URL

__all__ = ["ENV_VARS", "BotDefaults", "ConfigError", "ConfigProblem", "Settings", "load_settings"]

ENV_VARS = {
    "bot_token": "BOT_TOKEN",
    "telegram_api_url": "TELEGRAM_API_URL",
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "log_level": "LOG_LEVEL",
}
RUNTIME_KEYS = (
    "telegram_api_url",
    "database_url",
    "redis_url",
    "log_level",
    "max_concurrent_updates",
)
NETWORK_KEYS = tuple(Network.model_fields)
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

_config_file: ContextVar[Path | None] = ContextVar("config_file", default=None)


class BotDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    languages: list[Literal["fr", "nl"]] = Field(default_factory=lambda: ["fr", "nl"], min_length=1)
    timezone: TimeZoneName = DEFAULT_TIMEZONE
    invite_hours: int = Field(default=48, ge=1, le=24 * 30)
    # the name heading the traceability register's files (empty: the antenna's name alone)
    network_name: str = Field(default="", max_length=200)


class ImpactFactors(BaseModel):
    """``[impact]``: the factors that turn kg into meals and CO2e avoided in reports."""

    model_config = ConfigDict(extra="forbid")

    meals_per_kg: float = Field(default=2.38, gt=0, le=10)
    co2e_kg_per_kg: float = Field(default=2.5, gt=0, le=50)


class ReminderTimes(BaseModel):
    """``[reminders]``: when the alerts, reminders and the missed-collection check are due."""

    model_config = ConfigDict(extra="forbid")

    unclaimed_alert_hours_before: float = Field(default=3, gt=0, le=24)
    unclaimed_evening_alert: ClockTime = "19:00"
    driver_reminder_hours_before: float = Field(default=3, gt=0, le=24)
    missed_check_minutes_after: int = Field(default=90, ge=15, le=12 * 60)
    missed_answer_hours: float = Field(default=2, gt=0, le=24)

    def timing(self) -> Timing:
        hour, minute = (int(x) for x in self.unclaimed_evening_alert.split(":"))
        return Timing(
            unclaimed_before=timedelta(hours=self.unclaimed_alert_hours_before),
            evening_from=time(hour, minute),
            reminder_before=timedelta(hours=self.driver_reminder_hours_before),
            check_after=timedelta(minutes=self.missed_check_minutes_after),
            answer_within=timedelta(hours=self.missed_answer_hours),
        )


class FoodSafety(BaseModel):
    """``[food_safety]``: AFSCA's rules for food given away (see the product's food-safety
    part). Food whose use-by date is within ``use_by_ideal_days`` of the pickup is short-dated
    and goes first to the associations that distribute soonest."""

    model_config = ConfigDict(extra="forbid")

    use_by_ideal_days: int = Field(default=3, ge=0, le=30)
    past_date_days: int = Field(default=31, ge=0, le=180)

    def rules(self) -> DateRules:
        return DateRules(
            use_by_ideal_days=self.use_by_ideal_days, past_date_days=self.past_date_days
        )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="forbid")

    bot_token: SecretStr | None = None
    telegram_api_url: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    log_level: LogLevel = "INFO"
    # updates handled at the same time; each may hold two database connections (its own and
    # the conversation state's), so this stays well under the pool's 15 (5 + 10 overflow)
    max_concurrent_updates: int = Field(default=6, ge=1, le=7)
    bot: BotDefaults = Field(default_factory=BotDefaults)
    impact: ImpactFactors = Field(default_factory=ImpactFactors)
    reminders: ReminderTimes = Field(default_factory=ReminderTimes)
    food_safety: FoodSafety = Field(default_factory=FoodSafety)
    routing: RoutingSettings = Field(default_factory=RoutingSettings)
    network: Network = Field(default_factory=Network)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("telegram_api_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL, e.g. https://api.telegram.org")
        return value.rstrip("/") if value else value

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        hint = "use sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user@host/db"
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"not a database URL: {hint}") from None
        if url.drivername in ("sqlite", "postgresql", "postgres", "postgresql+psycopg2"):
            raise ValueError(f"needs an async driver: {hint}")
        return value

    @model_validator(mode="after")
    def _antenna_timezones(self) -> Settings:
        for antenna in self.network.antennas:
            if "timezone" not in antenna.model_fields_set:
                antenna.timezone = self.bot.timezone
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources = [init_settings, EnvironmentSource(settings_cls)]
        path = _config_file.get()
        if path is not None:
            sources.append(ConfigFileSource(settings_cls, toml_file=path))
        return tuple(sources)


class EnvironmentSource(PydanticBaseSettingsSource):
    """Exactly the variables of ``ENV_VARS``; an empty variable counts as unset.

    The token is wrapped at once, so that even pydantic-settings' debug log masks it.
    """

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        name = ENV_VARS.get(field_name)
        return (os.environ.get(name) or None) if name else None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field_name, field in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field, field_name)
            if value is not None:
                values[key] = SecretStr(value) if field_name == "bot_token" else value
        return values


class ConfigFileSource(TomlConfigSettingsSource):
    """``config.toml``, with the ``[runtime]`` keys lifted and the network arrays gathered."""

    def _read_file(self, file_path: Any) -> dict[str, Any]:
        return _settings_shape(super()._read_file(file_path))


def _settings_shape(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    runtime = data.get("runtime")
    if isinstance(runtime, dict):
        del data["runtime"]
        data.update(runtime)
    network = {key: data.pop(key) for key in NETWORK_KEYS if key in data}
    if network:
        data["network"] = network
    return data


def load_settings(path: str | Path | None = None) -> Settings:
    """The settings from the file at ``path`` (if any) and the environment.

    Raises :class:`ConfigError` with one readable message for a missing or unreadable file,
    invalid TOML, or any invalid value.
    """
    if path is None:
        return _build(None, "", {})
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError.single(file, None, "", "configuration file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise ConfigError.single(file, None, "", f"cannot read the file: {reason}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise syntax_error(file, text, error) from None
    _check_raw(file, text, raw)
    return _build(file, text, raw)


def _build(file: Path | None, text: str, raw: dict[str, Any]) -> Settings:
    token = _config_file.set(file)
    try:
        return Settings()
    except ValidationError as error:
        problems = validation_problems(error, text, raw, env=_env_fields())
        raise ConfigError(file, problems) from None
    except SettingsError as error:
        raise ConfigError.single(file, None, "", str(error)) from None
    finally:
        _config_file.reset(token)


def _check_raw(file: Path, text: str, raw: dict[str, Any]) -> None:
    """What validation cannot say well: a token in the file, misplaced runtime keys."""
    runtime = raw["runtime"] if isinstance(raw.get("runtime"), dict) else {}
    if "bot_token" in raw or "bot_token" in runtime:
        loc = ("bot_token",) if "bot_token" in raw else ("runtime", "bot_token")
        message = "the token does not belong in the file: set the BOT_TOKEN environment variable"
        raise ConfigError.single(file, line_of(text, loc), ".".join(loc), message)
    for key in sorted(runtime):
        if key not in RUNTIME_KEYS:
            message = f"unknown key (the keys of [runtime] are {', '.join(RUNTIME_KEYS)})"
        elif key in raw:
            message = "given both at the top of the file and in [runtime]: keep one"
        else:
            continue
        raise ConfigError.single(file, line_of(text, ("runtime", key)), f"runtime.{key}", message)


def _env_fields() -> dict[str, str]:
    """The settings given by an environment variable, with its name."""
    return {field: var for field, var in ENV_VARS.items() if os.environ.get(var)}
