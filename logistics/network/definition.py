"""The network to seed (antennas, hubs, stores, associations, categories, people), validated.

These are plain pydantic models read from ``config.toml``. Every problem found by the
cross-checks carries the path of the offending key (``stores[2].antenna``) in its context,
under ``problems``, so that the configuration loader can point at the line of the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import time
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from logistics.network.checks import Problem, check_network
from logistics.network.hours import (
    WeeklyWindow,
    Window,
    check_timezone,
    parse_time,
    parse_weekly,
    parse_window,
)

DEFAULT_TIMEZONE = "Europe/Brussels"


def _weekdays(days: list[int]) -> list[int]:
    """Distinct weekdays, sorted."""
    return sorted(set(days))


Weekdays = Annotated[
    list[Annotated[int, Field(ge=0, le=6)]], Field(max_length=7), AfterValidator(_weekdays)
]

Key = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Language = Literal["fr", "nl"]


def _written_time(value: object) -> object:
    """TOML's own local times (``07:00:00`` unquoted) are accepted too."""
    return value.strftime("%H:%M") if isinstance(value, time) else value


ClockTime = Annotated[str, BeforeValidator(_written_time), AfterValidator(parse_time)]


def _window_text(text: str) -> str:
    return str(parse_window(text))


def _weekly_text(text: str) -> str:
    parse_weekly(text)
    return text.strip()


WindowText = Annotated[str, AfterValidator(_window_text)]
WeeklyText = Annotated[str, AfterValidator(_weekly_text)]
TimeZoneName = Annotated[str, AfterValidator(check_timezone)]


def key_path(loc: Iterable[str | int]) -> str:
    """``("stores", 2, "antenna")`` → ``"stores[2].antenna"``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def problems_error(problems: Sequence[Problem]) -> PydanticCustomError:
    """One validation error carrying every problem with its key path."""
    text = "; ".join(f"{key_path(loc)}: {message}" for loc, message in problems)
    return PydanticCustomError("network", "{text}", {"text": text, "problems": tuple(problems)})


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Located(_Config):
    """A place tours drive to: its coordinates (WGS 84 degrees), both or neither."""

    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _both(self) -> _Located:
        if (self.latitude is None) != (self.longitude is None):
            raise problems_error([(("latitude",), "give latitude and longitude together")])
        return self


class AntennaConfig(_Config):
    key: Key
    name: Name
    communes: list[Name] = Field(min_length=1)
    group_chat_id: int | None = None
    group_languages: list[Language] = Field(default_factory=lambda: ["fr", "nl"], min_length=1)
    timezone: TimeZoneName = DEFAULT_TIMEZONE
    run_sheet_time: ClockTime = "07:00"
    summary_time: ClockTime = "19:00"
    max_claims_per_day: PositiveInt | None = None
    max_claims_per_week: PositiveInt | None = None
    cap_lift_hours: NonNegativeInt = 3

    @model_validator(mode="after")
    def _check(self) -> AntennaConfig:
        if len(set(self.group_languages)) != len(self.group_languages):
            raise problems_error([(("group_languages",), "a language is listed twice")])
        return self


class HubConfig(_Located):
    key: Key
    antenna: Key
    name: Name
    address: Address = ""
    cold_storage: bool = False
    reception_hours: WeeklyText = ""
    distribution_time: ClockTime = "06:00"  # when the morning's distribution is proposed

    @property
    def reception_windows(self) -> list[WeeklyWindow]:
        return parse_weekly(self.reception_hours)


class StoreConfig(_Located):
    key: Key
    antenna: Key
    name: Name
    address: Address = ""
    window: WindowText = "18:00-19:00"
    slots: list[WeeklyText] = Field(default_factory=list)

    @property
    def default_window(self) -> Window:
        return parse_window(self.window)

    @property
    def weekly_slots(self) -> list[WeeklyWindow]:
        return parse_weekly(";".join(self.slots))

    @model_validator(mode="after")
    def _check(self) -> StoreConfig:
        try:
            self.weekly_slots  # noqa: B018 - slots of different lines must not overlap either
        except ValueError as error:
            raise problems_error([(("slots",), str(error))]) from None
        return self


AssociationKind = Literal["epicerie_sociale", "colis", "restaurant_social", "other"]


class AssociationConfig(_Located):
    key: Key
    antenna: Key
    name: Name
    kind: AssociationKind = "other"
    address: Address = ""
    beneficiaries: NonNegativeInt = 0
    cold_storage: bool = False
    reception_hours: WeeklyText = ""
    # the weekdays it hands food out, 0 = Monday (short-dated food goes first to the soonest)
    distribution_days: Weekdays = Field(default_factory=list)

    @property
    def reception_windows(self) -> list[WeeklyWindow]:
        return parse_weekly(self.reception_hours)


class CategoryConfig(_Config):
    key: Key
    name_fr: ShortName
    name_nl: ShortName
    synonyms_fr: list[ShortName] = Field(default_factory=list)
    synonyms_nl: list[ShortName] = Field(default_factory=list)
    cold_chain: Literal["ambient", "chilled", "frozen"] = "ambient"
    kg_per_crate: PositiveFloat | None = None
    kg_per_piece: PositiveFloat | None = None
    kg_per_pallet: PositiveFloat | None = None
    kg_per_litre: PositiveFloat | None = None
    # The date its items carry: use_by (DLC/TGT, never given after it), best_before (DDM/THT)
    # or none (fresh fruit and vegetables, bread); a best-before date may be passed by
    # grace_days days.
    date_kind: Literal["use_by", "best_before", "none"] = "none"
    grace_days: int = Field(default=0, ge=0, le=365)


class VehicleConfig(_Config):
    key: Key
    antenna: Key
    name: Name
    refrigerated: bool = False
    capacity_kg: PositiveFloat
    home_hub: Key | None = None  # where its tours start and end


Role = Literal["coordinator", "store_manager", "driver", "association", "hub_staff"]


class PersonConfig(_Config):
    telegram_id: PositiveInt
    name: Name
    language: Language | None = None
    role: Role
    antenna: Key
    store: Key | None = None
    association: Key | None = None
    hub: Key | None = None
    vehicle_refrigerated: bool = False
    vehicle_capacity_kg: PositiveFloat | None = None

    @model_validator(mode="after")
    def _check(self) -> PersonConfig:
        problems: list[Problem] = []
        placed = (("store", "store_manager"), ("association", "association"), ("hub", "hub_staff"))
        for field, role in placed:
            given = getattr(self, field) is not None
            if self.role == role and not given:
                problems.append(((field,), f"a person with role {role!r} needs a {field} key"))
            elif given and self.role != role:
                problems.append(((field,), f"only a person with role {role!r} has a {field}"))
        if problems:
            raise problems_error(problems)
        return self


class Network(_Config):
    """Everything ``config.toml`` seeds; the cross-checks run once all lists are read."""

    antennas: list[AntennaConfig] = Field(default_factory=list)
    hubs: list[HubConfig] = Field(default_factory=list)
    stores: list[StoreConfig] = Field(default_factory=list)
    associations: list[AssociationConfig] = Field(default_factory=list)
    categories: list[CategoryConfig] = Field(default_factory=list)
    vehicles: list[VehicleConfig] = Field(default_factory=list)
    people: list[PersonConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cross_check(self) -> Network:
        problems = check_network(self)
        if problems:
            raise problems_error(problems)
        return self
