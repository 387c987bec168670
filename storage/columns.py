"""What every table module shares: the constraint names Alembic needs, CHECK lists, the cold
chains food travels in, and aware UTC times."""

from __future__ import annotations

from typing import Any

from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

COLD_CHAINS = ("ambient", "chilled", "frozen")

# Named constraints, so that Alembic can alter SQLite tables in batch mode.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def utc(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)
